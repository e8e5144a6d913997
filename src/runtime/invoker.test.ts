import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Loader } from '../contract/loaders.js';
import type { DomainServices, Operation } from '../contract/operation.js';
import type { DomainContext } from '../domain/context.js';
import { DomainError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { createContext } from './context.js';
import { bearer } from './credentials.js';
import { authInterceptor } from './interceptors/auth.js';
import { errorInterceptor } from './interceptors/errors.js';
import { metricsInterceptor } from './interceptors/metrics.js';
import { rateLimitInterceptor } from './interceptors/rate-limit.js';
import type { Interceptor } from './interceptors/types.js';
import { Runtime } from './invoker.js';
import { PrincipalCache } from './principals.js';

/**
 * The runtime with plain records: operations defined here, no storage, no
 * transport. What every style relies on — the chain, streams, loaders — is
 * shown once, here.
 */
const alice: Principal = { subject: 'user:1', role: 'user', userId: 1 };
const none = z.object({});

const op = (o: Partial<Operation> & Pick<Operation, 'name' | 'kind' | 'run'>): Operation =>
  ({ summary: o.name, access: 'authenticated', input: none, output: none, errors: [], ...o }) as Operation;

const whoami = op({ name: 'whoami', kind: 'query', run: async (_s, ctx) => ctx.caller });
const open = op({ name: 'open', kind: 'mutation', access: 'public', run: async (_s, ctx) => ({ caller: ctx.caller }) });
const crash = op({ name: 'crash', kind: 'query', run: async () => { throw new Error('disk on fire'); } });
const refuse = op({ name: 'refuse', kind: 'mutation', run: async () => { throw new DomainError('CONFLICT', 'taken'); } });

/** Counts 0, 1, 2, … once per tick until its signal aborts; `boom` throws after two values. */
const ticks = op({
  name: 'ticks',
  kind: 'subscription',
  run: (_s, ctx: DomainContext, input) =>
    (async function* () {
      for (let n = 0; !ctx.signal?.aborted; n++) {
        if ((input as { boom?: boolean }).boom && n === 2) throw new Error('stream broke');
        yield n;
        await new Promise((r) => setTimeout(r, 5));
      }
    })(),
});
/** Never yields: it waits forever unless something ends it from outside. */
const silent = op({
  name: 'silent',
  kind: 'subscription',
  run: () => ({ [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<unknown>>(() => {}) }) }),
});

const double: Loader<number, number> = { name: 'double', kind: 'query', access: 'authenticated', run: async (_s, ctx, keys) => keys.map((k) => (ctx.caller ? k * 2 : -1)) };

function setup(extra: Interceptor[] = []) {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const principals = new PrincipalCache(
    { authenticate: async (t) => { if (t !== 'good') throw new DomainError('UNAUTHENTICATED', 'Invalid or expired token'); return alice; }, verifyPassword: async () => alice },
    { max: 10, ttlMs: 60_000 },
  );
  const registry = new Registry();
  const shutdown = new AbortController();
  const runtime = new Runtime({
    services: {} as DomainServices,
    principals,
    operations: [whoami, open, crash, refuse, ticks, silent],
    interceptors: [metricsInterceptor(registry), errorInterceptor, authInterceptor(principals), ...extra],
    shutdown: shutdown.signal,
  });
  const ctx = (token?: string, signal?: AbortSignal) => createContext({ style: 'internal', log, credentials: token ? bearer(token) : undefined, signal });
  return { runtime, ctx, lines, registry, shutdown };
}

describe('Runtime', () => {
  it('resolves the caller for the domain and notes the operation and principal for the access log', async () => {
    const { runtime, ctx } = setup();
    const c = ctx('good');
    expect(await runtime.call('whoami', c, {})).toEqual(alice);
    expect(c.notes.summary).toBe('whoami');
    expect(c.notes.principal).toBe('user:1');
    expect(await runtime.call('whoami', ctx(), {})).toBeNull();
  });

  it('public operations ignore credentials, even bad ones', async () => {
    const { runtime, ctx } = setup();
    expect(await runtime.call('open', ctx('expired'), {})).toEqual({ caller: null });
    await expect(runtime.call('whoami', ctx('expired'), {})).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it('turns anything thrown into INTERNAL with a fixed message, logging the cause once with the operation', async () => {
    const { runtime, ctx, lines } = setup();
    const c = ctx('good');
    const e = await runtime.call('crash', c, {}).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ kind: 'INTERNAL', message: 'Internal server error' });
    runtime.normalise(e, c);
    const logged = lines.filter((l) => l.msg === 'internal error');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ operation: 'crash', requestId: c.requestId, err: { message: 'disk on fire' } });
    // Domain errors pass through unchanged and are not logged as failures.
    await expect(runtime.call('refuse', c, {})).rejects.toMatchObject({ kind: 'CONFLICT', message: 'taken' });
    expect(lines.filter((l) => l.msg === 'internal error')).toHaveLength(1);
  });

  it('counts every call by style, operation and outcome', async () => {
    const { runtime, ctx, registry } = setup();
    await runtime.call('whoami', ctx('good'), {});
    await runtime.call('refuse', ctx('good'), {}).catch(() => {});
    await runtime.call('crash', ctx('good'), {}).catch(() => {});
    const text = await registry.metrics();
    expect(text).toContain('polyface_call_duration_seconds_count{style="internal",operation="whoami",outcome="OK"} 1');
    expect(text).toContain('polyface_call_duration_seconds_count{style="internal",operation="refuse",outcome="CONFLICT"} 1');
    expect(text).toContain('polyface_call_duration_seconds_count{style="internal",operation="crash",outcome="INTERNAL"} 1');
  });

  it('counts calls and errors in their own counters too', async () => {
    const { runtime, ctx, registry } = setup();
    await runtime.call('whoami', ctx('good'), {});
    await runtime.call('refuse', ctx('good'), {}).catch(() => {});
    const text = await registry.metrics();
    expect(text).toContain('polyface_calls_total{style="internal",operation="whoami",outcome="OK"} 1');
    expect(text).toContain('polyface_calls_total{style="internal",operation="refuse",outcome="CONFLICT"} 1');
    expect(text).toContain('polyface_call_errors_total{style="internal",operation="refuse",kind="CONFLICT"} 1');
    expect(text).not.toContain('polyface_call_errors_total{style="internal",operation="whoami"');
  });

  it('counts open subscriptions per style until they end, the client leaves, or the server stops', async () => {
    const { runtime, ctx, registry, shutdown } = setup();
    const open = async () => (await registry.getSingleMetric('polyface_open_subscriptions')!.get()).values.find((v) => v.labels.style === 'internal')?.value;
    const gone = new AbortController();
    const ticking = await runtime.stream('ticks', ctx('good', gone.signal), {});
    const quiet = await runtime.stream('silent', ctx('good'), {});
    expect(await open()).toBe(2);
    for await (const n of ticking) if (n === 1) gone.abort();
    expect(await open()).toBe(1);
    const ended = (async () => {
      for await (const _ of quiet) throw new Error('silent yielded');
    })();
    shutdown.abort();
    await ended;
    expect(await open()).toBe(0);
  });

  it('refuses over a rate limit with RATE_LIMITED and the seconds to wait', async () => {
    let left = 1;
    const limiter = { consume: async () => (left-- > 0 ? { allowed: true as const } : { allowed: false as const, retryAfterSeconds: 7 }), reset: async () => {} };
    const { runtime, ctx } = setup([rateLimitInterceptor({ writes: limiter })]);
    await expect(runtime.call('whoami', ctx('good'), {})).resolves.toEqual(alice);
    await expect(runtime.call('refuse', ctx('good'), {})).rejects.toMatchObject({ kind: 'CONFLICT' });
    await expect(runtime.call('refuse', ctx('good'), {})).rejects.toMatchObject({ kind: 'RATE_LIMITED', retryAfter: 7 });
    // Reads are not writes: the write limit does not touch them.
    await expect(runtime.call('whoami', ctx('good'), {})).resolves.toEqual(alice);
  });

  it('counts an anonymous IPv6 caller by its /64, so a new interface identifier is not a new client', async () => {
    const keys: string[] = [];
    const limiter = { consume: async (key: string) => (keys.push(key), { allowed: true as const }), reset: async () => {} };
    const { runtime } = setup([rateLimitInterceptor({ calls: limiter })]);
    const log = pino({ level: 'silent' });
    for (const peer of ['2001:db8:1:2::a', '[2001:db8:1:2:ffff::b]:443', '::ffff:10.0.0.9', '10.0.0.9']) {
      await runtime.call('open', createContext({ style: 'internal', log, peer }), {});
    }
    expect(keys).toEqual(['a:2001:db8:1:2::/64', 'a:2001:db8:1:2::/64', 'a:10.0.0.9', 'a:10.0.0.9']);
  });

  it('knows unary from streaming operations, and unknown names', async () => {
    const { runtime, ctx } = setup();
    await expect(runtime.call('ticks', ctx('good'), {})).rejects.toMatchObject({ kind: 'VALIDATION' });
    await expect(runtime.stream('whoami', ctx('good'), {})).rejects.toMatchObject({ kind: 'VALIDATION' });
    await expect(runtime.call('nope', ctx('good'), {})).rejects.toMatchObject({ kind: 'NOT_FOUND', message: 'Unknown operation nope' });
  });

  it('a stream is authenticated before it starts, and ends when the client goes away', async () => {
    const { runtime, ctx } = setup();
    await expect(runtime.stream('ticks', ctx('expired'), {})).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
    const gone = new AbortController();
    const seen: unknown[] = [];
    for await (const n of await runtime.stream('ticks', ctx('good', gone.signal), {})) {
      seen.push(n);
      if (n === 3) gone.abort();
    }
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('every open stream ends at shutdown, even one waiting for a value that never comes', async () => {
    const { runtime, ctx, shutdown } = setup();
    const quiet = await runtime.stream('silent', ctx('good'), {});
    const ended = (async () => {
      for await (const _ of quiet) throw new Error('silent yielded');
      return 'ended';
    })();
    setTimeout(() => shutdown.abort(), 20);
    expect(await ended).toBe('ended');
  });

  it('an error while a stream runs reaches the reader as a normalised DomainError', async () => {
    const { runtime, ctx, lines } = setup();
    const seen: unknown[] = [];
    const failure = await (async () => {
      for await (const n of await runtime.stream('ticks', ctx('good'), { boom: true })) seen.push(n);
    })().catch((err: unknown) => err);
    expect(seen).toEqual([0, 1]);
    expect(failure).toMatchObject({ kind: 'INTERNAL', message: 'Internal server error' });
    expect(lines.some((l) => l.msg === 'internal error' && l.operation === 'ticks')).toBe(true);
  });

  it('batch loaders go through the same chain: the caller is resolved for them too', async () => {
    const { runtime, ctx } = setup();
    const c = ctx('good');
    expect(await runtime.load(double, c, [1, 2, 3])).toEqual([2, 4, 6]);
    expect(c.notes.summary).toBe('double');
    await expect(runtime.load(double, ctx('expired'), [1])).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
  });
});
