import * as s from '../domain/orders/schemas.js';
import * as stats from '../domain/orders/stats.js';
import { byIdIn } from '../domain/shapes.js';
import { AUTHED, type Operation } from './operation.js';

export const ORDER_OPERATIONS = [
  {
    name: 'listUserOrders',
    summary: "List a user's orders, newest first",
    kind: 'query',
    access: 'self-or-admin',
    input: s.listUserOrdersIn,
    output: s.orderPageOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND'],
    run: (d, c, i) => d.orders.listForUser(c, i),
  },
  {
    name: 'getOrder',
    summary: 'Get one order with its items and total',
    kind: 'query',
    access: 'self-or-admin',
    input: byIdIn,
    output: s.orderOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND'],
    run: (d, c, i) => d.orders.get(c, i),
  },
  {
    name: 'createOrder',
    summary: 'Place an order for a user; prices are taken from the catalogue',
    kind: 'mutation',
    access: 'self-or-admin',
    input: s.createOrderIn,
    output: s.orderOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND'],
    run: (d, c, i) => d.orders.create(c, i),
  },
  {
    name: 'getOrderStats',
    summary: "Order statistics: count, units, revenue, best-selling products and optionally totals per day (everyone's for administrators, otherwise your own)",
    kind: 'query',
    access: 'authenticated',
    input: stats.orderStatsIn,
    output: stats.orderStatsOut,
    errors: [...AUTHED, 'FORBIDDEN'],
    run: (d, c, i) => d.orders.stats(c, i),
  },
] as const satisfies readonly Operation[];
