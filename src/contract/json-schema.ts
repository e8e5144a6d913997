import { z } from 'zod';
import type { Operation } from './operations.js';

export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schemas of an operation's input and output, derived from the zod
 * schemas so contract documents cannot drift from what the domain checks.
 * Computed once per operation and cached.
 */
const cache = new WeakMap<Operation, { input: JsonSchema; output: JsonSchema }>();

export function operationSchemas(op: Operation): { input: JsonSchema; output: JsonSchema } {
  let hit = cache.get(op);
  if (!hit) {
    hit = {
      input: z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any', reused: 'inline' }) as JsonSchema,
      output: z.toJSONSchema(op.output, { io: 'output', unrepresentable: 'any', reused: 'inline' }) as JsonSchema,
    };
    cache.set(op, hit);
  }
  return hit;
}
