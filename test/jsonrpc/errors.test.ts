import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '../../src/protocols/jsonrpc/spec.js';
import { TYPES } from '../../src/app/tokens.js';
import { DomainError, ERROR_KINDS } from '../../src/domain/errors.js';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { call, post } from './support.js';

describe('JSON-RPC error codes', () => {
  it('map every kind to a distinct code: application codes in -32000…-32099, VALIDATION and INTERNAL on the standard ones', () => {
    const codes = ERROR_KINDS.map((k) => ERROR_CODES[k]);
    expect(new Set(codes).size).toBe(ERROR_KINDS.length);
    for (const kind of ERROR_KINDS) {
      if (kind === 'VALIDATION') expect(ERROR_CODES[kind]).toBe(-32602);
      else if (kind === 'INTERNAL') expect(ERROR_CODES[kind]).toBe(-32603);
      else {
        expect(ERROR_CODES[kind]).toBeGreaterThanOrEqual(-32099);
        expect(ERROR_CODES[kind]).toBeLessThanOrEqual(-32000);
      }
    }
  });
});

describe('JSON-RPC domain errors over HTTP', () => {
  let s: TestServer;
  let admin: string;
  let alice: string;
  beforeAll(async () => {
    s = await startServer();
    admin = await s.token();
    alice = await s.token(ALICE);
  });
  afterAll(() => s.close());
  afterEach(() => vi.restoreAllMocks());

  const error = async (method: string, params: unknown, token?: string) => {
    const r = await post(s.url, call(method, params, 'e'), token ? { token } : {});
    expect(r.status).toBe(200);
    expect(r.body.id).toBe('e');
    expect(r.body.result).toBeUndefined();
    return r.body.error;
  };

  it('NOT_FOUND → -32004', async () => {
    expect(await error('getUser', { id: 999 }, admin)).toEqual({ code: -32004, message: 'User 999 not found', data: { kind: 'NOT_FOUND' } });
  });

  it('CONFLICT → -32009 (an email already taken)', async () => {
    const e = await error('createUser', { name: 'Copy', email: 'alice@example.com' }, admin);
    expect(e).toMatchObject({ code: -32009, data: { kind: 'CONFLICT' } });
  });

  it('VALIDATION → -32602 with every field error in data', async () => {
    const e = await error('createOrder', { userId: 0, items: [{ productId: 1, quantity: 0 }], extra: true }, admin);
    expect(e.code).toBe(-32602);
    expect(e.data.kind).toBe('VALIDATION');
    expect(e.data.fields.map((f: { field: string }) => f.field).sort()).toEqual(['extra', 'items.0.quantity', 'userId']);
    for (const f of e.data.fields) expect(f.message).toEqual(expect.any(String));
  });

  it('VALIDATION for too many positional params names "params"', async () => {
    const e = await error('getUser', [1, 2], admin);
    expect(e).toEqual({
      code: -32602,
      message: 'getUser takes at most 1 positional params (id)',
      data: { kind: 'VALIDATION', fields: [{ field: 'params', message: 'getUser takes at most 1 positional params (id)' }] },
    });
  });

  it('positional params map onto the input in the documented order', async () => {
    const r = await post(s.url, call('createOrder', [1, [{ productId: 2, quantity: 3 }]]), { token: alice });
    expect(r.body.result).toMatchObject({ userId: 1, items: [{ productId: 2, quantity: 3, lineTotal: '76.50' }], totalAmount: '76.50' });
  });

  it('UNAUTHENTICATED → -32001', async () => {
    expect(await error('listProducts', {})).toEqual({ code: -32001, message: 'Authentication required', data: { kind: 'UNAUTHENTICATED' } });
  });

  it('FORBIDDEN → -32003 (Alice reading Bob\'s order)', async () => {
    expect(await error('getOrder', { id: 3 }, alice)).toMatchObject({ code: -32003, data: { kind: 'FORBIDDEN' } });
  });

  it('PRECONDITION_FAILED → -32012 (a stale expectedVersion)', async () => {
    const e = await error('patchUser', { id: 1, name: 'Alicia', expectedVersion: 99 }, admin);
    expect(e).toMatchObject({ code: -32012, data: { kind: 'PRECONDITION_FAILED' } });
  });

  it('RATE_LIMITED → -32029 with retryAfter in data', async () => {
    const services = s.app.container.get(TYPES.DomainServices);
    vi.spyOn(services.products, 'list').mockRejectedValue(new DomainError('RATE_LIMITED', 'Slow down', { retryAfter: 30 }));
    expect(await error('listProducts', {}, admin)).toEqual({ code: -32029, message: 'Slow down', data: { kind: 'RATE_LIMITED', retryAfter: 30 } });
  });

  it('INTERNAL → -32603 with a fixed message and nothing of the cause', async () => {
    const services = s.app.container.get(TYPES.DomainServices);
    vi.spyOn(services.products, 'get').mockRejectedValue(new Error('SQLITE_CORRUPT: /var/db/secret.db'));
    const r = await post(s.url, call('getProduct', { id: 1 }), { token: admin });
    expect(r.body).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error', data: { kind: 'INTERNAL' } } });
    expect(r.text).not.toContain('SQLITE');
  });

  it('errors of notifications are not answered either', async () => {
    const r = await post(s.url, { jsonrpc: '2.0', method: 'getUser', params: { id: 999 } }, { token: admin });
    expect(r.status).toBe(204);
  });
});
