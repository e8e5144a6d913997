import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { ADMIN, ALICE, startServer, type TestServer } from '../support/server.js';
import { bearer, client, collect, packages, unary } from './helpers.js';

/** polyface.v1 over plain grpc-js: metadata auth, the rich error model, limits, request ids, deadlines and cancellation. */
let server: TestServer;
let admin: string;
let users: any;
let orders: any;
let auth: any;

beforeAll(async () => {
  server = await startServer({ bodyLimitBytes: 4096 });
  admin = await server.token(ADMIN);
  const target = server.app.grpcAddress;
  users = client(packages.polyface.v1.UserService, target);
  orders = client(packages.polyface.v1.OrderService, target);
  auth = client(packages.polyface.v1.AuthService, target);
});
afterAll(async () => {
  for (const c of [users, orders, auth]) c?.close();
  await server?.close();
});

describe('authentication', () => {
  it('Login returns a bearer token that authorizes later calls through `authorization` metadata', async () => {
    const login = await unary(auth, 'Login', { username: ALICE.username, password: ALICE.password });
    expect(login).toMatchObject({ ok: true, value: { tokenType: 'Bearer', expiresIn: 3600 } });
    const token = (login as { value: { accessToken: string } }).value.accessToken;
    expect(await unary(users, 'GetUser', { id: 1 }, bearer(token))).toMatchObject({ ok: true, value: { id: '1', role: 'ROLE_USER' } });
  });

  it('no token, a bad token and a non-Bearer scheme are UNAUTHENTICATED; Login ignores credentials', async () => {
    expect(await unary(users, 'GetUser', { id: 1 })).toMatchObject({ ok: false, code: grpc.status.UNAUTHENTICATED, kind: 'UNAUTHENTICATED' });
    expect(await unary(users, 'GetUser', { id: 1 }, bearer('not.a.token'))).toMatchObject({ ok: false, code: grpc.status.UNAUTHENTICATED });
    const basic = new grpc.Metadata();
    basic.set('authorization', 'Basic YWRtaW46eA==');
    expect(await unary(users, 'GetUser', { id: 1 }, basic)).toMatchObject({ ok: false, code: grpc.status.UNAUTHENTICATED });
    expect(await unary(auth, 'Login', { username: 'admin', password: 'admin-password' }, bearer('expired.or.bad'))).toMatchObject({ ok: true });
  });

  it('a role change made elsewhere revokes the token at once (one credential path for every style)', async () => {
    const ds = server.app.container.get(TYPES.DomainServices);
    const adminCtx = { caller: { subject: 'admin', role: 'admin' as const, userId: null } };
    const u = await ds.users.create(adminCtx, { name: 'Temp', email: 'temp.grpc@example.com', password: 'temp-password' });
    const token = (await ds.auth.login({ username: 'temp.grpc@example.com', password: 'temp-password' })).access_token;
    expect(await unary(users, 'GetUser', { id: u.id }, bearer(token))).toMatchObject({ ok: true });
    await ds.users.patch(adminCtx, { id: u.id, role: 'admin' });
    expect(await unary(users, 'GetUser', { id: u.id }, bearer(token))).toMatchObject({ ok: false, code: grpc.status.UNAUTHENTICATED });
  });
});

describe('the rich error model', () => {
  it('INVALID_ARGUMENT carries error-kind, and a google.rpc.Status with ErrorInfo and BadRequest field violations in proto paths', async () => {
    const r = await unary(orders, 'CreateOrder', { userId: 1, items: [{ productId: 1, quantity: 1 }, { productId: 2, quantity: 0 }] }, bearer(admin));
    expect(r).toMatchObject({ ok: false, code: grpc.status.INVALID_ARGUMENT, kind: 'VALIDATION' });
    const { rich, details } = r as { rich: any; details: string };
    expect(rich.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(rich.message).toBe(details);
    expect(rich.errorInfo).toEqual({ reason: 'VALIDATION', domain: 'polyface.dev', metadata: {} });
    expect(rich.fieldViolations).toEqual([{ field: 'items[1].quantity', description: expect.any(String) }]);
  });

  it('snake_case field names in violations, FAILED_PRECONDITION for a stale expected_version, ALREADY_EXISTS naming email', async () => {
    const bad = await unary(users, 'PatchUser', { id: 1, expectedVersion: 0 }, bearer(admin));
    expect((bad as { rich: any }).rich.fieldViolations.map((v: { field: string }) => v.field)).toContain('expected_version');
    const stale = await unary(users, 'UpdateUser', { id: 2, name: 'Bob', email: 'bob@example.com', expectedVersion: 99 }, bearer(admin));
    expect(stale).toMatchObject({ ok: false, code: grpc.status.FAILED_PRECONDITION, kind: 'PRECONDITION_FAILED' });
    const taken = await unary(users, 'CreateUser', { name: 'Dup', email: 'bob@example.com' }, bearer(admin));
    expect(taken).toMatchObject({ ok: false, code: grpc.status.ALREADY_EXISTS, kind: 'CONFLICT' });
    expect((taken as { rich: any }).rich.fieldViolations.map((v: { field: string }) => v.field)).toEqual(['email']);
  });

  it('enums travel by name; an unknown enum number is INVALID_ARGUMENT naming the field', async () => {
    const listed = await unary(users, 'ListUsers', { role: 'ROLE_USER', limit: 1 }, bearer(admin));
    expect(listed).toMatchObject({ ok: true, value: { items: [{ id: '1', role: 'ROLE_USER' }], limit: 1, offset: 0 } });
    const odd = await unary(users, 'ListUsers', { role: 7 }, bearer(admin));
    expect((odd as { rich: any }).rich.fieldViolations.map((v: { field: string }) => v.field)).toEqual(['role']);
  });
});

describe('limits and transport', () => {
  it(`a request message over BODY_LIMIT_BYTES is RESOURCE_EXHAUSTED and does nothing`, async () => {
    const r = await unary(users, 'CreateUser', { name: 'x'.repeat(5000), email: 'big@example.com' }, bearer(admin));
    expect(r).toMatchObject({ ok: false, code: grpc.status.RESOURCE_EXHAUSTED });
    expect(await unary(users, 'ListUsers', { email: 'big@example.com' }, bearer(admin))).toMatchObject({ ok: true, value: { total: 0 } });
  });

  it('rate limits answer RESOURCE_EXHAUSTED with google.rpc.RetryInfo', async () => {
    const limited = await startServer({ rateLimits: { callsPerMinute: 2, writesPerMinute: 0 } });
    const c = client(packages.polyface.v1.UserService, limited.app.grpcAddress);
    try {
      const token = await limited.token(ADMIN);
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await unary(c, 'GetUser', { id: 1 }, bearer(token)));
      expect(answers.slice(0, 2).every((a) => a.ok)).toBe(true);
      expect(answers[2]).toMatchObject({ ok: false, code: grpc.status.RESOURCE_EXHAUSTED, kind: 'RATE_LIMITED' });
      expect((answers[2] as { rich: any }).rich.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      c.close();
      await limited.close();
    }
  });

  it('echoes a valid x-request-id in the response headers, and makes one up otherwise', async () => {
    const ids: string[] = [];
    for (const sent of ['grpc-test-42', 'not valid!']) {
      const md = bearer(admin);
      md.set('x-request-id', sent);
      await new Promise<void>((resolve) => {
        const call = users.GetUser({ id: 1 }, md, () => resolve());
        call.on('metadata', (m: grpc.Metadata) => ids.push(String(m.get('x-request-id')[0])));
      });
    }
    expect(ids[0]).toBe('grpc-test-42');
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('deadlines and cancellation', () => {
  it('a deadline that passes ends the call with DEADLINE_EXCEEDED', async () => {
    const r = await unary(users, 'ListUsers', {}, bearer(admin), { deadline: Date.now() + 1 });
    expect(r).toMatchObject({ ok: false, code: grpc.status.DEADLINE_EXCEEDED });
    expect(await unary(users, 'GetUser', { id: 1 }, bearer(admin))).toMatchObject({ ok: true });
  });

  it('cancelling a server stream stops it: the server logs the call as CANCELLED and keeps serving', async () => {
    const ds = server.app.container.get(TYPES.DomainServices);
    const adminCtx = { caller: { subject: 'admin', role: 'admin' as const, userId: null } };
    for (let i = 0; i < 60; i++) await ds.users.create(adminCtx, { name: `Many ${i}`, email: `many.${i}@cancel.test` });
    const lines: { grpc?: string; status?: string; operation?: string; principal?: string }[] = [];
    const log = server.app.log as unknown as { info: (...a: unknown[]) => void; isLevelEnabled: (level: string) => boolean };
    const original = log.info;
    const enabled = log.isLevelEnabled;
    // The call's line is only made when info is on (the test server logs less): say it is, and catch the line.
    log.isLevelEnabled = (level: string) => level === 'info' || enabled.call(server.app.log, level);
    log.info = (obj: unknown, ...rest: unknown[]) => {
      if (obj && typeof obj === 'object') lines.push(obj as (typeof lines)[number]);
      return original.call(server.app.log, obj, ...rest);
    };
    const seed = client(packages.user.UserService, server.app.grpcAddress);
    try {
      const stream = seed.ListUsers({ pageSize: 100 }, bearer(admin));
      const result = collect(stream);
      await new Promise((resolve) => stream.once('data', resolve));
      stream.cancel();
      const { status, messages } = await result;
      expect(status.code).toBe(grpc.status.CANCELLED);
      expect(messages.length).toBeLessThan(100);
      await expect.poll(() => lines.find((l) => l.grpc === '/user.UserService/ListUsers')?.status).toBe('CANCELLED');
      expect(await unary(seed, 'GetUser', { id: '1' }, bearer(admin))).toMatchObject({ ok: true });
      // Each call's line names what the runtime noted, as the front door's access lines do.
      await expect.poll(() => lines.find((l) => l.grpc === '/user.UserService/GetUser')).toMatchObject({ status: 'OK', operation: 'getUser', principal: 'admin' });
    } finally {
      log.info = original;
      log.isLevelEnabled = enabled;
      seed.close();
    }
  });
});

describe('calls per connection', () => {
  it('GRPC_MAX_CONCURRENT_STREAMS: with a limit of 1, a second call on the connection waits until the first ends', async () => {
    const narrow = await startServer({ grpc: { port: 0, maxConcurrentStreams: 1 } });
    const { loadSync } = await import('@grpc/proto-loader');
    const { protoPath } = await import('grpc-health-check');
    const health = grpc.loadPackageDefinition(loadSync(protoPath, { enums: String })) as any;
    const channel = new grpc.Channel(narrow.app.grpcAddress, grpc.credentials.createInsecure(), {});
    const h = new health.grpc.health.v1.Health(narrow.app.grpcAddress, grpc.credentials.createInsecure(), { channelOverride: channel });
    const u = new packages.polyface.v1.UserService(narrow.app.grpcAddress, grpc.credentials.createInsecure(), { channelOverride: channel });
    try {
      const token = await narrow.token(ADMIN);
      const watch = h.Watch({ service: '' });
      watch.on('error', () => {});
      await new Promise((resolve) => watch.once('data', resolve));
      const started = Date.now();
      const waiting = unary(u, 'GetUser', { id: 1 }, bearer(token));
      let settled = false;
      void waiting.then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 200));
      expect(settled).toBe(false);
      watch.cancel();
      expect(await waiting).toMatchObject({ ok: true, value: { id: '1' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    } finally {
      h.close();
      u.close();
      channel.close();
      await narrow.close();
    }
  });
});
