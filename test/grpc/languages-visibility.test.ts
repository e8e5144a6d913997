import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ALICE, startServer, type TestServer } from '../support/server.js';
import { bearer, client, packages, unary } from './helpers.js';

/**
 * The cross-style practices over gRPC: error messages in the language of
 * the `accept-language` metadata, a user's email hidden from other users,
 * and the bulk and statistics RPCs of the full package.
 */
let server: TestServer;
let admin: string;
let alice: string;
let users: any;
let orders: any;
let seed: any;

beforeAll(async () => {
  server = await startServer();
  admin = await server.token(ADMIN);
  alice = await server.token(ALICE);
  users = client(packages.polyface.v1.UserService, server.app.grpcAddress);
  orders = client(packages.polyface.v1.OrderService, server.app.grpcAddress);
  seed = client(packages.user.UserService, server.app.grpcAddress);
});
afterAll(async () => {
  for (const c of [users, orders, seed]) c?.close();
  await server?.close();
});

const russian = (token: string) => {
  const md = bearer(token);
  md.set('accept-language', 'ru-RU, ru;q=0.9');
  return md;
};

describe('accept-language metadata', () => {
  it('the status message and BadRequest descriptions in Russian, with a content-language trailer; codes unchanged', async () => {
    const missing = await unary(users, 'GetUser', { id: '999' }, russian(admin));
    expect(missing).toMatchObject({ ok: false, code: status.NOT_FOUND, kind: 'NOT_FOUND', details: 'Пользователь 999 не найден' });
    if (missing.ok) return;
    expect(missing.metadata.get('content-language')).toEqual(['ru']);
    expect(missing.rich).toMatchObject({ message: 'Пользователь 999 не найден', errorInfo: { reason: 'NOT_FOUND' } });

    const invalid = await unary(users, 'CreateUser', { name: 'Ann', email: 'nope' }, russian(admin));
    expect(invalid).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT, details: 'Некорректные данные: email: должно быть адресом электронной почты' });
    if (!invalid.ok) expect(invalid.rich!.fieldViolations).toEqual([{ field: 'email', description: 'должно быть адресом электронной почты' }]);
  });

  it('the seed service too, and English without the metadata', async () => {
    expect(await unary(seed, 'GetUser', { id: 'x' }, russian(admin))).toMatchObject({ ok: false, details: 'Некорректные данные: id: должно быть десятичным числом' });
    const english = await unary(seed, 'GetUser', { id: '999' }, bearer(admin));
    expect(english).toMatchObject({ ok: false, details: 'User 999 not found' });
    if (!english.ok) expect(english.metadata.get('content-language')).toEqual(['en']);
  });
});

describe('field visibility', () => {
  it("polyface.v1 leaves another user's optional email unset; the seed's plain field is empty", async () => {
    const bob = await unary(users, 'GetUser', { id: '2' }, bearer(alice));
    expect(bob).toMatchObject({ ok: true, value: { id: '2', name: 'Bob', role: 'ROLE_USER' } });
    if (bob.ok) expect(bob.value.email).toBeUndefined();
    expect(await unary(users, 'GetUser', { id: '1' }, bearer(alice))).toMatchObject({ ok: true, value: { email: 'alice@example.com' } });
    expect(await unary(seed, 'GetUser', { id: '2' }, bearer(alice))).toEqual({ ok: true, value: { id: '2', name: 'Bob', email: '' } });
  });
});

describe('bulk and statistics RPCs', () => {
  it('BulkCreateUsers lenient: per-item results with enum kinds; GetOrderStats', async () => {
    const r = await unary(
      users,
      'BulkCreateUsers',
      { items: [{ name: 'Rpc', email: 'grpc-bulk@example.com' }, { name: 'Dup', email: 'bob@example.com' }], handling: 'HANDLING_LENIENT' },
      bearer(admin),
    );
    expect(r).toMatchObject({
      ok: true,
      value: {
        handling: 'HANDLING_LENIENT',
        succeeded: 1,
        failed: 1,
        items: [
          { index: 0, ok: true, user: { name: 'Rpc', email: 'grpc-bulk@example.com' } },
          { index: 1, ok: false, error: { kind: 'KIND_CONFLICT', fields: [{ field: 'email', message: 'already in use' }] } },
        ],
      },
    });
    const stats = await unary(orders, 'GetOrderStats', { from: '2026-01-01', to: '2026-01-31', byDay: true }, bearer(alice));
    expect(stats).toMatchObject({ ok: true, value: { userId: '1', orders: 2, revenue: '126.50', days: [{ date: '2026-01-15', orders: 2 }] } });
  });
});
