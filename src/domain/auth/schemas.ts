import { z } from 'zod';
import { xmlText } from '../text.js';

export const loginIn = z.strictObject({ username: xmlText(z.string().min(1).max(254)), password: z.string().min(1).max(200) });
export const tokenOut = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().positive(),
  })
  .meta({ id: 'Token' });

export type LoginInput = z.output<typeof loginIn>;
export type Token = z.infer<typeof tokenOut>;
