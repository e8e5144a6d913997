import { z } from 'zod';
import { requireCaller } from '../access.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { msg } from '../i18n/index.js';
import { divideRounded, formatMoney, moneyOutput } from '../money.js';
import type { OrderRepository, OrderTotalsRecord } from '../ports.js';
import { id } from '../shapes.js';
import { validate } from '../validate.js';

/** Longest range per-day statistics cover, so the list of days stays bounded. */
export const MAX_STATS_DAYS = 366;
/** Most products listed (by revenue); the default is 10. */
export const MAX_STATS_PRODUCTS = 100;

const DAY_MS = 86_400_000;

const isoDate = z
  .string()
  .superRefine((v, ctx) => {
    const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : NaN;
    // A day that does not exist (2026-02-30) must not roll over into the next month.
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v) ctx.addIssue({ code: 'custom', message: 'field.date' });
  })
  .meta({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A UTC calendar day, YYYY-MM-DD' });

const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`);

export const orderStatsIn = z
  .strictObject({
    userId: id.optional().meta({ description: "Only this user's orders. Non-administrators always get their own" }),
    from: isoDate.optional().meta({ description: 'First day counted (UTC, inclusive)' }),
    to: isoDate.optional().meta({ description: 'Last day counted (UTC, inclusive)' }),
    byDay: z.boolean().default(false).meta({ description: `Also totals per day; needs from and to, covering at most ${MAX_STATS_DAYS} days` }),
    top: z.number().int().min(1).max(MAX_STATS_PRODUCTS).default(10).meta({ description: `Products listed, best revenue first (1–${MAX_STATS_PRODUCTS})` }),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && dayOf(v.to) < dayOf(v.from)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'field.dateOrder' });
    if (v.byDay && (!v.from || !v.to || dayOf(v.to) - dayOf(v.from) >= MAX_STATS_DAYS * DAY_MS)) {
      ctx.addIssue({ code: 'custom', path: ['byDay'], message: 'field.dayRange', params: { max: MAX_STATS_DAYS } });
    }
  });

const count = z.number().int().min(0);
const totals = { orders: count, units: count.meta({ description: 'Items sold (sum of quantities)' }), revenue: moneyOutput };

export const orderStatsOut = z
  .object({
    userId: id.optional().meta({ description: 'Whose orders were counted; absent: everyone' }),
    from: z.string().optional(),
    to: z.string().optional(),
    ...totals,
    averageOrderValue: moneyOutput.meta({ description: 'revenue / orders, rounded half up to the cent; 0.00 without orders' }),
    products: z.array(z.object({ productId: id, name: z.string(), ...totals }).meta({ id: 'ProductStats' })),
    days: z.array(z.object({ date: z.string(), ...totals }).meta({ id: 'DayStats' })).meta({ description: 'Days with orders, oldest first; empty unless byDay' }),
  })
  .meta({ id: 'OrderStats' });

export type OrderStats = z.infer<typeof orderStatsOut>;

const money = (t: OrderTotalsRecord) => ({ orders: t.orders, units: t.units, revenue: formatMoney(t.revenueCents) });

/**
 * Read-only aggregates with no id of their own (003 lines 80–84): order
 * count, units, revenue, the best-selling products and optionally totals
 * per day. Administrators see everyone's orders (or one user's);
 * everyone else sees only their own, as with listUserOrders.
 */
export async function orderStats(orders: OrderRepository, ctx: DomainContext, input: unknown): Promise<OrderStats> {
  const p = requireCaller(ctx.caller);
  const q = validate(orderStatsIn, input);
  let userId = q.userId;
  if (p.role !== 'admin') {
    if (userId !== undefined && userId !== p.userId) throw new DomainError('FORBIDDEN', msg('access.otherUsersStats'));
    userId = p.userId ?? undefined;
  }
  const r = await orders.stats({
    userId,
    from: q.from && `${q.from}T00:00:00.000Z`,
    until: q.to && new Date(dayOf(q.to) + DAY_MS).toISOString(),
    topProducts: q.top,
    byDay: q.byDay,
  });
  return {
    ...(userId !== undefined ? { userId } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...money(r),
    averageOrderValue: formatMoney(divideRounded(r.revenueCents, BigInt(r.orders))),
    products: r.products.map((x) => ({ productId: x.productId, name: x.name, ...money(x) })),
    days: r.days.map((d) => ({ date: d.date, ...money(d) })),
  };
}
