import type { JobProcedure } from '../contract/jobs.js';
import type { Loader } from '../contract/loaders.js';
import type { DomainServices, Operation } from '../contract/operation.js';
import { OPERATIONS } from '../contract/operations.js';
import { DomainError } from '../domain/errors.js';
import { msg } from '../domain/i18n/index.js';
import type { Caller } from '../domain/principal.js';
import type { CallContext } from './context.js';
import { normalise } from './interceptors/errors.js';
import type { Handler, Interceptor, Procedure } from './interceptors/types.js';
import type { PrincipalCache } from './principals.js';

export type Outcome = { ok: true; value: unknown } | { ok: false; error: DomainError };

export interface RuntimeOptions {
  services: DomainServices;
  principals: PrincipalCache;
  /** Outermost first. The composition root decides the chain; facades add none. */
  interceptors: readonly Interceptor[];
  /** Defaults to the contract's OPERATIONS; tests pass their own. */
  operations?: readonly Operation[];
  /** Aborts when the server shuts down: every open stream ends then. */
  shutdown?: AbortSignal;
}

const ENDED = Symbol('ended');

/**
 * The only door from any style into the domain. A binding makes a
 * CallContext per request and calls operations by name; the runtime runs
 * them through the interceptor chain (errors and logs, authentication,
 * limits, metrics) and hands back a value, a stream, or a DomainError.
 */
export class Runtime {
  private readonly byName: Map<string, Operation>;
  private readonly chain: Handler;

  constructor(private readonly options: RuntimeOptions) {
    this.byName = new Map((options.operations ?? OPERATIONS).map((o) => [o.name, o]));
    const innermost: Handler = async (inv) => (inv.procedure as Procedure & { run: (...a: unknown[]) => unknown }).run(options.services, inv.ctx, inv.input);
    this.chain = options.interceptors.reduceRight<Handler>((next, interceptor) => interceptor(next), innermost);
  }

  get operations(): Iterable<Operation> {
    return this.byName.values();
  }

  /** A unary operation: its value, or a DomainError. */
  async call(name: string, ctx: CallContext, input: unknown): Promise<unknown> {
    const op = this.find(name, ctx);
    if (op.kind === 'subscription') throw new DomainError('VALIDATION', msg('operation.isSubscription', { name }));
    return this.chain({ procedure: op, ctx, input });
  }

  /** Same as call, without throwing: for styles that build replies from outcomes. */
  async attempt(name: string, ctx: CallContext, input: unknown): Promise<Outcome> {
    try {
      return { ok: true, value: await this.call(name, ctx, input) };
    } catch (err) {
      return { ok: false, error: this.normalise(err, ctx) };
    }
  }

  /**
   * A subscription: resolves once the stream is set up (authenticated,
   * validated), then yields until the source ends, the context's signal
   * aborts (client gone, deadline) or the server shuts down.
   */
  async stream(name: string, ctx: CallContext, input: unknown): Promise<AsyncIterable<unknown>> {
    const op = this.find(name, ctx);
    if (op.kind !== 'subscription') throw new DomainError('VALIDATION', msg('operation.notSubscription', { name }));
    const signals = [ctx.signal, this.options.shutdown].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
    const source = (await this.chain({ procedure: op, ctx: { ...ctx, signal }, input })) as AsyncIterable<unknown>;
    return until(source, signal);
  }

  /** A batch read for many keys at once (DataLoader batch functions call this). */
  load<K, V>(loader: Loader<K, V>, ctx: CallContext, keys: readonly K[]): Promise<V[]> {
    return this.chain({ procedure: loader, ctx, input: keys }) as Promise<V[]>;
  }

  /** A job procedure (contract/jobs.ts): submit, poll, cancel or collect asynchronous work. */
  invoke<O>(procedure: JobProcedure<O>, ctx: CallContext, input: unknown): Promise<O> {
    return this.chain({ procedure, ctx, input }) as Promise<O>;
  }

  /**
   * The caller behind a context's credentials, for bindings that must know
   * before calling (REST refuses anonymous uploads before reading them).
   * Shares the memo the authentication interceptor uses.
   */
  async authenticate(ctx: CallContext): Promise<Caller> {
    try {
      return await this.options.principals.resolve(ctx.credentials);
    } catch (err) {
      throw this.normalise(err, ctx);
    }
  }

  /** For failures outside a call (a binding's own code): the same normalisation and logging. */
  normalise(err: unknown, ctx: Pick<CallContext, 'log' | 'requestId'>, operation?: string): DomainError {
    return normalise(err, ctx.log, operation, ctx.requestId);
  }

  private find(name: string, ctx: CallContext): Operation {
    const op = this.byName.get(name);
    if (!op) throw this.normalise(new DomainError('NOT_FOUND', msg('operation.unknown', { name })), ctx);
    return op;
  }
}

/** Ends a stream when the signal aborts, even while it waits for its next value, and lets the source clean up. */
async function* until<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  if (signal.aborted) return;
  const it = source[Symbol.asyncIterator]();
  let onAbort!: () => void;
  const aborted = new Promise<typeof ENDED>((resolve) => {
    onAbort = () => resolve(ENDED);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([it.next(), aborted]);
      if (next === ENDED || next.done) return;
      yield next.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // An async generator cannot return while it awaits its next value; it got the same signal and ends on it,
    // so after an abort its cleanup is not waited for here (that could wait forever on a misbehaving source).
    const closing = it.return?.();
    if (signal.aborted) void closing?.catch(() => {});
    else await closing;
  }
}
