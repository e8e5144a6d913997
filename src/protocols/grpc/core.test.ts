import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Operation } from '../../contract/operation.js';
import { AccessNotes } from '../../runtime/context.js';
import { errorInterceptor } from '../../runtime/interceptors/errors.js';
import { Runtime } from '../../runtime/invoker.js';
import type { PrincipalCache } from '../../runtime/principals.js';
import { GrpcCore, GrpcFailure, type GrpcCallInfo } from './core.js';
import { GrpcStatus } from './spec.js';

/**
 * The framework-free core on its own: signals (client cancellation,
 * deadline, shutdown) decide whether work starts and when streams end.
 * The operations are stand-ins under contract names, so the core maps them
 * to real RPC paths; one of them is a subscription, which the contract does
 * not have yet, to prove the server-streaming path.
 */
const ran: string[] = [];
const stopped: string[] = [];
const tick = z.object({ n: z.number().int() }).meta({ id: 'Tick' });
const OPS: Operation[] = [
  { name: 'getUser', summary: 'stand-in', kind: 'query', access: 'public', input: z.strictObject({}), output: tick, errors: [], run: async () => (ran.push('getUser'), { n: 1 }) },
  {
    name: 'listUsers',
    summary: 'stand-in subscription',
    kind: 'subscription',
    access: 'public',
    input: z.strictObject({}),
    output: tick,
    errors: [],
    run: async function* (_d, ctx) {
      try {
        for (let n = 1; ; n++) {
          yield { n };
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (ctx.signal?.aborted) return;
        }
      } finally {
        stopped.push('listUsers');
      }
    },
  },
];

function setup() {
  const shutdown = new AbortController();
  const runtime = new Runtime({
    services: {} as never,
    principals: { resolve: async () => null } as unknown as PrincipalCache,
    interceptors: [errorInterceptor],
    operations: OPS,
    shutdown: shutdown.signal,
  });
  return { core: new GrpcCore(runtime), shutdown };
}

const call = (signal: AbortSignal, timeoutMs?: number): GrpcCallInfo => ({
  path: '/test',
  requestId: 'r1',
  log: pino({ level: 'silent' }),
  authorization: undefined,
  signal,
  timeoutMs,
  peer: undefined,
  notes: new AccessNotes(),
});

const method = (core: GrpcCore, path: string) => core.methods.find((m) => m.path === path)!;

describe('GrpcCore', () => {
  it('a call whose deadline has passed never reaches the domain: DEADLINE_EXCEEDED', async () => {
    const { core } = setup();
    const expired = AbortSignal.timeout(1);
    await new Promise((r) => setTimeout(r, 10));
    ran.length = 0;
    const m = method(core, '/polyface.v1.UserService/GetUser');
    await expect(m.handle({}, call(expired))).rejects.toMatchObject({ code: GrpcStatus.DEADLINE_EXCEEDED });
    expect(ran).toEqual([]);
  });

  it('a call the client cancelled never reaches the domain: CANCELLED', async () => {
    const { core } = setup();
    const gone = new AbortController();
    gone.abort();
    ran.length = 0;
    const m = method(core, '/polyface.v1.UserService/GetUser');
    const err = await m.handle({}, call(gone.signal)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrpcFailure);
    expect(err).toMatchObject({ code: GrpcStatus.CANCELLED });
    expect(ran).toEqual([]);
    expect(await m.handle({}, call(new AbortController().signal))).toEqual({ n: 1 });
    expect(ran).toEqual(['getUser']);
  });

  it("the client's deadline becomes the call context's signal", async () => {
    const { core } = setup();
    const ctx = core.context(call(new AbortController().signal, 20));
    expect(ctx.signal.aborted).toBe(false);
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
    expect((ctx.signal.reason as Error).name).toBe('TimeoutError');
  });

  it('a subscription is a server stream that ends when the client cancels, and its source stops', async () => {
    const { core } = setup();
    const m = method(core, '/polyface.v1.UserService/ListUsers');
    expect(m.kind).toBe('server-stream');
    const client = new AbortController();
    stopped.length = 0;
    const reply = await (m.handle({}, call(client.signal)) as Promise<{ messages: AsyncIterable<unknown> }>);
    const got: unknown[] = [];
    for await (const message of reply.messages) {
      got.push(message);
      if (got.length === 3) client.abort();
    }
    expect(got).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await expect.poll(() => stopped).toEqual(['listUsers']);
  });

  it('server streams end at shutdown', async () => {
    const { core, shutdown } = setup();
    const m = method(core, '/polyface.v1.UserService/ListUsers');
    const reply = await (m.handle({}, call(new AbortController().signal)) as Promise<{ messages: AsyncIterable<unknown> }>);
    let count = 0;
    for await (const _ of reply.messages) if (++count === 2) shutdown.abort();
    expect(count).toBe(2);
  });
});
