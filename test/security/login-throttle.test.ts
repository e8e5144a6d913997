import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { createClients, type ClientVariant } from '../../src/clients/index.js';
import { testConfig, type Config } from '../../src/infra/config.js';
import { envelope, faultOf, post as soapPost, TNS, usernameToken } from '../soap/helpers.js';
import { call, openSocket, post as rpcPost } from '../jsonrpc/support.js';
import { ADMIN, ALICE, BOB, startServer, type TestServer } from '../support/server.js';

/**
 * Finding 4: 27–45 password guesses a second went through over REST,
 * JSON-RPC (50 per batch), SOAP and WebSocket, and a flood made a real
 * login wait 11–17 s. Now failed logins are counted per account and per
 * address, with growing backoff, on every path that checks a password;
 * one login per batch or message; and a bounded pool of password checks
 * that refuses what it cannot take. Each case failed before.
 */
let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const start = (login: Partial<Config['loginThrottle']>, overrides: Partial<Config> = {}) =>
  startServer({ ...overrides, loginThrottle: { ...testConfig().loginThrottle, ...login } }).then((server) => (s = server));

/** POST JSON from a chosen local address (the loopback is all of 127/8), so two "clients" can be told apart. */
function postFrom(url: string, path: string, body: unknown, localAddress: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', localAddress, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const STYLES: ClientVariant[] = ['rest', 'graphql', 'jsonrpc', 'soap-1.1', 'soap-1.2', 'grpc'];

describe('failed logins per account', () => {
  it('every style: after five wrong passwords the account is refused with RATE_LIMITED, even the right password', async () => {
    const server = await start({ perAccount: 5, perAddress: 1000 });
    const clients = createClients(server.url);
    const admin = await server.token(ADMIN);
    try {
      for (const style of STYLES) {
        const email = `victim-${style.replace('.', '')}@example.com`;
        const made = await clients.rest.call('createUser', { name: `Victim ${style}`, email, password: 'right-password' }, admin);
        expect(made.ok).toBe(true);
        for (let i = 0; i < 5; i++) {
          expect(await clients[style].call('login', { username: email, password: `guess-${i}` }), `${style} guess ${i}`).toMatchObject({ ok: false, kind: 'UNAUTHENTICATED' });
        }
        expect(await clients[style].call('login', { username: email, password: 'guess-6' }), style).toMatchObject({ ok: false, kind: 'RATE_LIMITED' });
        expect(await clients[style].call('login', { username: email, password: 'right-password' }), style).toMatchObject({ ok: false, kind: 'RATE_LIMITED' });
        // Someone else's account is untouched.
        expect(await clients[style].call('login', BOB), style).toMatchObject({ ok: true });
      }
    } finally {
      for (const c of Object.values(clients)) await c.close?.();
    }
    // Five styles × (five scrypt checks + a user created): seconds on a quiet machine, more on a busy CI VM.
  }, 90_000);

  it('REST answers 429 with Retry-After on /api/v1/auth/token and on the source profile /auth', { timeout: 60_000 }, async () => {
    const server = await start({ perAccount: 3, perAddress: 1000, windowSeconds: 60 });
    for (let i = 0; i < 3; i++) expect((await postFrom(server.url, '/api/v1/auth/token', { username: 'admin', password: `no-${i}` }, '127.0.0.1')).status).toBe(401);
    const token = await postFrom(server.url, '/api/v1/auth/token', { username: 'admin', password: 'admin-password' }, '127.0.0.1');
    expect(token.status).toBe(429);
    const wait = Number(token.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    const profile = await postFrom(server.url, '/auth', { username: 'admin', password: 'admin-password' }, '127.0.0.1');
    expect(profile.status).toBe(429);
    expect(profile.headers['retry-after']).toBeDefined();
  });

  it('SOAP UsernameToken header credentials share the account throttle (a Fault for RATE_LIMITED)', { timeout: 60_000 }, async () => {
    const server = await start({ perAccount: 3, perAddress: 1000 });
    const body = `<GetUser xmlns="${TNS}"><id>1</id></GetUser>`;
    for (let i = 0; i < 3; i++) {
      const r = await soapPost(server.url, envelope('1.1', body, usernameToken('alice@example.com', `wrong-${i}`)));
      expect(faultOf(r).kind).toBe('UNAUTHENTICATED');
    }
    const right = await soapPost(server.url, envelope('1.1', body, usernameToken(ALICE.username, ALICE.password)));
    expect(faultOf(right).kind).toBe('RATE_LIMITED');
  });

  it('a correct password clears the account\'s failures', { timeout: 60_000 }, async () => {
    const server = await start({ perAccount: 3, perAddress: 1000 });
    const rest = createClients(server.url).rest;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) expect(await rest.call('login', { username: ALICE.username, password: 'nope' })).toMatchObject({ ok: false, kind: 'UNAUTHENTICATED' });
      expect(await rest.call('login', ALICE)).toMatchObject({ ok: true });
    }
  });
});

describe('failed logins per address', () => {
  it('an address that fails across many accounts is refused; another address still logs in', { timeout: 60_000 }, async () => {
    const server = await start({ perAccount: 1000, perAddress: 5 });
    for (let i = 0; i < 5; i++) {
      expect((await postFrom(server.url, '/api/v1/auth/token', { username: `nobody-${i}@example.com`, password: 'x' }, '127.0.0.2')).status).toBe(401);
    }
    expect((await postFrom(server.url, '/api/v1/auth/token', ALICE, '127.0.0.2')).status).toBe(429);
    expect((await postFrom(server.url, '/api/v1/auth/token', ALICE, '127.0.0.1')).status).toBe(200);
  });

  it('gRPC is counted by address too (its peer names a new port per connection)', { timeout: 60_000 }, async () => {
    const server = await start({ perAccount: 1000, perAddress: 3 });
    const clients = createClients(server.url);
    try {
      for (let i = 0; i < 3; i++) {
        const grpc = createClients(server.url).grpc; // a fresh connection each time
        expect(await grpc.call('login', { username: `nobody-${i}@example.com`, password: 'x' })).toMatchObject({ ok: false, kind: 'UNAUTHENTICATED' });
        await grpc.close?.();
      }
      expect(await clients.grpc.call('login', ALICE)).toMatchObject({ ok: false, kind: 'RATE_LIMITED' });
    } finally {
      for (const c of Object.values(clients)) await c.close?.();
    }
  });
});

describe('one login per batch or message', () => {
  const logins = (n: number) => Array.from({ length: n }, (_, i) => call('login', { username: 'admin', password: `guess-${i}` }, i + 1));

  it('JSON-RPC over HTTP: a batch of 50 logins checks one password; the rest are RATE_LIMITED error objects', { timeout: 60_000 }, async () => {
    const server = await start({ perAccount: 1000, perAddress: 1000 });
    const hasher = server.app.container.get(TYPES.PasswordHasher);
    const verify = vi.spyOn(hasher, 'verify');
    const admin = server.app.container.get(TYPES.AdminCredentials);
    const adminVerify = vi.spyOn(admin, 'verify');
    const r = await rpcPost(server.url, logins(50));
    expect(r.status).toBe(200);
    const errors = (r.body as { id: number; error: { code: number; data: { kind: string } } }[]).map((x) => x.error.data.kind).sort();
    expect(errors.filter((k) => k === 'UNAUTHENTICATED')).toHaveLength(1);
    expect(errors.filter((k) => k === 'RATE_LIMITED')).toHaveLength(49);
    expect((r.body as { error: { code: number } }[]).find((x) => x.error.code === -32029)).toBeDefined();
    expect(adminVerify.mock.calls.length + verify.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('JSON-RPC over WebSocket: one login per message, and the next message may log in again', { timeout: 60_000 }, async () => {
    const server = await start({ perAccount: 1000, perAddress: 1000 });
    const sock = await openSocket(server.url);
    try {
      sock.send([...logins(10), call('login', ADMIN, 99)]);
      const answers = (await sock.next()) as { id: number; error?: { data: { kind: string } } }[];
      expect(answers.filter((a) => a.error?.data.kind === 'RATE_LIMITED')).toHaveLength(10);
      sock.send(call('login', ADMIN, 100));
      expect(await sock.next()).toMatchObject({ id: 100, result: { token_type: 'Bearer' } });
    } finally {
      sock.ws.close();
    }
  });

  it('GraphQL: aliased logins in one document check one password', { timeout: 60_000 }, async () => {
    const server = await start({ perAccount: 1000, perAddress: 1000 });
    const admin = server.app.container.get(TYPES.AdminCredentials);
    const verify = vi.spyOn(admin, 'verify');
    // A failed login ends a mutation document (its result is non-null), so the first is a right one.
    const guesses = Array.from({ length: 9 }, (_, i) => `g${i}: login(username: "admin", password: "guess-${i}") { access_token }`).join(' ');
    const query = `mutation { ok: login(username: "admin", password: "admin-password") { access_token } ${guesses} }`;
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { errors: { path: string[]; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({ path: ['g0'], extensions: { code: 'RATE_LIMITED' } });
    expect(verify).toHaveBeenCalledTimes(1);
  });
});

describe('the password-check pool', () => {
  it('a flood from one address holds only a few checks; a real login from elsewhere is answered among the first', { timeout: 60_000 }, async () => {
    const server = await start({ perAccount: 1000, perAddress: 1000, concurrent: 2 }, { passwordHashing: { concurrency: 2, queue: 8 } });
    const hasher = server.app.container.get(TYPES.PasswordHasher);
    const verify = vi.spyOn(hasher, 'verify');
    const flood = Array.from({ length: 60 }, (_, i) => postFrom(server.url, '/api/v1/auth/token', { username: ALICE.username, password: `guess-${i}` }, '127.0.0.2'));
    const real = postFrom(server.url, '/api/v1/auth/token', BOB, '127.0.0.1').then((r) => ({ status: r.status, checksBefore: verify.mock.calls.length }));
    const outcome = await real;
    const statuses = (await Promise.all(flood)).map((r) => r.status);
    expect(outcome.status).toBe(200);
    // Unbounded, Bob's check queued behind all 60 guesses; now the flood gets at most its two slots at a time.
    expect(outcome.checksBefore).toBeLessThan(20);
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThan(30);
    expect(statuses.every((x) => x === 401 || x === 429)).toBe(true);
  });

  it('past the queue, checks are refused with RATE_LIMITED (429) instead of waiting', { timeout: 60_000 }, async () => {
    const server = await start({ perAccount: 1000, perAddress: 1000, concurrent: 0 }, { passwordHashing: { concurrency: 1, queue: 2 } });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postFrom(server.url, '/api/v1/auth/token', { username: `nobody-${i}@example.com`, password: 'x' }, '127.0.0.1')),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((x) => x === 401).length).toBeGreaterThanOrEqual(3);
    const refused = results.find((r) => r.status === 429)!;
    expect(refused.headers['retry-after']).toBe('1');
  });
});
