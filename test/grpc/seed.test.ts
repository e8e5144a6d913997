import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { ADMIN, ALICE, startServer, type TestServer } from '../support/server.js';
import { bearer, client, collect, packages, targets, unary } from './helpers.js';

/**
 * The source material's user.proto served verbatim: its Python client's
 * flow (get 1, create Charlie, list, update his email, delete him, then
 * NOT_FOUND) with grpc-js on the seed's own .proto, on both ports, plus the
 * semantics the issue pins down (ids, conflicts, paging).
 */
let server: TestServer;
let admin: string;
let alice: string;

beforeAll(async () => {
  server = await startServer();
  admin = await server.token(ADMIN);
  alice = await server.token(ALICE);
});
afterAll(() => server?.close());

const ALICE_SEED = { id: '1', name: 'Alice', email: 'alice@example.com' };
const BOB_SEED = { id: '2', name: 'Bob', email: 'bob@example.com' };

for (const where of ['GRPC_PORT', 'h2c on PORT'] as const) {
  describe(`user.UserService over ${where}`, () => {
    let stub: any;
    beforeAll(() => {
      stub = client(packages.user.UserService, targets(server)[where]);
    });
    afterAll(() => stub?.close());

    it("runs the source material's client flow", async () => {
      const md = bearer(admin);
      expect(await unary(stub, 'GetUser', { id: '1' }, md)).toEqual({ ok: true, value: ALICE_SEED });

      const email = `charlie.${where.replace(/\W/g, '').toLowerCase()}@example.com`;
      const created = await unary(stub, 'CreateUser', { id: '3', name: 'Charlie', email }, md);
      expect(created).toMatchObject({ ok: true, value: { name: 'Charlie', email } });
      const id = (created as { value: { id: string } }).value.id;
      expect(id).toMatch(/^\d+$/);

      const listed = await collect(stub.ListUsers({ pageSize: 10 }, md));
      expect(listed.status.code).toBe(status.OK);
      expect(listed.messages.slice(0, 2)).toEqual([ALICE_SEED, BOB_SEED]);
      expect(listed.messages).toContainEqual({ id, name: 'Charlie', email });

      const updated = await unary(stub, 'UpdateUser', { id, name: 'Charlie', email: `updated.${email}` }, md);
      expect(updated).toEqual({ ok: true, value: { id, name: 'Charlie', email: `updated.${email}` } });

      expect(await unary(stub, 'DeleteUser', { id }, md)).toEqual({ ok: true, value: {} });
      expect(await unary(stub, 'GetUser', { id }, md)).toMatchObject({ ok: false, code: status.NOT_FOUND, kind: 'NOT_FOUND' });
      expect(await unary(stub, 'UpdateUser', { id, name: 'Ghost', email: 'ghost@example.com' }, md)).toMatchObject({ ok: false, code: status.NOT_FOUND });
      expect(await unary(stub, 'DeleteUser', { id }, md)).toMatchObject({ ok: false, code: status.NOT_FOUND });
    });
  });
}

describe('user.UserService semantics', () => {
  let stub: any;
  beforeAll(() => {
    stub = client(packages.user.UserService, server.app.grpcAddress);
  });
  afterAll(() => stub?.close());

  it('CreateUser: an id that exists is ALREADY_EXISTS (nothing created); so is an email that exists', async () => {
    const before = await server.app.container.get(TYPES.DomainServices).users.list({ caller: { subject: 'admin', role: 'admin', userId: null } }, {});
    const taken = await unary(stub, 'CreateUser', { id: '2', name: 'Not Bob', email: 'not.bob@example.com' }, bearer(admin));
    expect(taken).toMatchObject({ ok: false, code: status.ALREADY_EXISTS, kind: 'CONFLICT', details: 'User 2 already exists' });
    expect((taken as { rich: { fieldViolations: unknown } }).rich.fieldViolations).toEqual([{ field: 'id', description: 'already exists' }]);
    const dupEmail = await unary(stub, 'CreateUser', { id: '', name: 'Alice Again', email: 'alice@example.com' }, bearer(admin));
    expect(dupEmail).toMatchObject({ ok: false, code: status.ALREADY_EXISTS, kind: 'CONFLICT' });
    const after = await server.app.container.get(TYPES.DomainServices).users.list({ caller: { subject: 'admin', role: 'admin', userId: null } }, {});
    expect(after.total).toBe(before.total);
  });

  it('CreateUser: an empty or unknown id is ignored and the server assigns one', async () => {
    const a = await unary(stub, 'CreateUser', { name: 'No Id', email: 'no.id@example.com' }, bearer(admin));
    const b = await unary(stub, 'CreateUser', { id: '987654', name: 'Unknown Id', email: 'unknown.id@example.com' }, bearer(admin));
    expect(a).toMatchObject({ ok: true, value: { name: 'No Id' } });
    expect(b).toMatchObject({ ok: true, value: { name: 'Unknown Id' } });
    expect((b as { value: { id: string } }).value.id).not.toBe('987654');
    expect(Number((b as { value: { id: string } }).value.id)).toBe(Number((a as { value: { id: string } }).value.id) + 1);
  });

  it('a non-numeric or empty id is INVALID_ARGUMENT naming `id`, in every method that takes one', async () => {
    for (const [method, request] of [
      ['GetUser', { id: 'abc' }],
      ['GetUser', { id: '' }],
      ['UpdateUser', { id: '1x', name: 'A', email: 'a@example.com' }],
      ['DeleteUser', { id: '-1' }],
      ['CreateUser', { id: 'three', name: 'C', email: 'c3@example.com' }],
    ] as const) {
      const r = await unary(stub, method, request, bearer(admin));
      expect(r, `${method} ${JSON.stringify(request)}`).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT, kind: 'VALIDATION' });
      expect((r as { rich: { fieldViolations: { field: string }[] } }).rich.fieldViolations.map((v) => v.field)).toEqual(['id']);
    }
  });

  it('invalid fields come back as BadRequest violations with the seed field names', async () => {
    const r = await unary(stub, 'UpdateUser', { id: '1', name: '', email: 'nope' }, bearer(admin));
    expect(r).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT });
    expect((r as { rich: { fieldViolations: { field: string }[] } }).rich.fieldViolations.map((v) => v.field).sort()).toEqual(['email', 'name']);
  });

  it('needs a token, and the domain decides what a caller may do', async () => {
    expect(await unary(stub, 'GetUser', { id: '1' })).toMatchObject({ ok: false, code: status.UNAUTHENTICATED, kind: 'UNAUTHENTICATED' });
    expect(await unary(stub, 'GetUser', { id: '1' }, bearer(alice))).toEqual({ ok: true, value: ALICE_SEED });
    expect(await unary(stub, 'CreateUser', { name: 'By Alice', email: 'by.alice@example.com' }, bearer(alice))).toMatchObject({
      ok: false,
      code: status.PERMISSION_DENIED,
      kind: 'FORBIDDEN',
    });
    const stream = await collect(stub.ListUsers({}, new (await import('@grpc/grpc-js')).Metadata()));
    expect(stream.status.code).toBe(status.UNAUTHENTICATED);
    expect(stream.messages).toEqual([]);
  });

  it('ListUsers pages with page_size and an opaque page_token from the next-page-token trailer', async () => {
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    const total = (await server.app.container.get(TYPES.DomainServices).users.list({ caller: { subject: 'admin', role: 'admin', userId: null } }, {})).total;
    do {
      const page = await collect(stub.ListUsers({ pageSize: 1, pageToken: token }, bearer(admin)));
      expect(page.status.code).toBe(status.OK);
      expect(page.messages).toHaveLength(1);
      seen.push(page.messages[0].id);
      token = (page.status.metadata.get('next-page-token')[0] as string | undefined) ?? '';
      pages++;
    } while (token && pages < 100);
    expect(pages).toBe(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen.slice(0, 2)).toEqual(['1', '2']);
  });

  it('page_size: 0 means 10, above 100 is coerced to 100, negative and foreign tokens are INVALID_ARGUMENT', async () => {
    const ds = server.app.container.get(TYPES.DomainServices);
    const adminCtx = { caller: { subject: 'admin' as const, role: 'admin' as const, userId: null } };
    for (let i = 0; i < 110; i++) await ds.users.create(adminCtx, { name: `Bulk ${i}`, email: `bulk.${i}@paging.test` });
    const byDefault = await collect(stub.ListUsers({}, bearer(admin)));
    expect(byDefault.messages).toHaveLength(10);
    const capped = await collect(stub.ListUsers({ pageSize: 1000 }, bearer(admin)));
    expect(capped.messages).toHaveLength(100);
    expect(capped.status.metadata.get('next-page-token')).toHaveLength(1);

    const negative = await collect(stub.ListUsers({ pageSize: -1 }, bearer(admin)));
    expect(negative.status.code).toBe(status.INVALID_ARGUMENT);
    for (const pageToken of ['not-a-token', Buffer.from('{"o":-5}').toString('base64url')]) {
      const bad = await collect(stub.ListUsers({ pageToken }, bearer(admin)));
      expect(bad.status.code, pageToken).toBe(status.INVALID_ARGUMENT);
      expect(bad.status.metadata.get('error-kind')).toEqual(['VALIDATION']);
    }
  });
});
