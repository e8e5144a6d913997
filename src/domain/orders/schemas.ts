import { z } from 'zod';
import { moneyOutput } from '../money.js';
import { id, limit, offset, page, timestamp } from '../shapes.js';

export const orderItemOut = z
  .object({
    productId: id,
    quantity: z.number().int().positive(),
    unitPrice: moneyOutput,
    lineTotal: moneyOutput,
  })
  .meta({ id: 'OrderItem' });

export const orderOut = z
  .object({
    id,
    userId: id,
    createdAt: timestamp,
    items: z.array(orderItemOut),
    totalAmount: moneyOutput,
  })
  .meta({ id: 'Order' });
export const orderPageOut = page(orderOut, 'OrderPage');

export const listUserOrdersIn = z.strictObject({ userId: id, limit, offset });
export const createOrderIn = z.strictObject({
  userId: id,
  items: z
    .array(z.strictObject({ productId: id, quantity: z.number().int().min(1).max(1000) }))
    .min(1)
    .max(100),
});

export type OrderItem = z.infer<typeof orderItemOut>;
export type Order = z.infer<typeof orderOut>;
export type ListUserOrdersInput = z.output<typeof listUserOrdersIn>;
export type CreateOrderInput = z.output<typeof createOrderIn>;
