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
    // The stream's own signal: the client went away, the server shuts down, or the binding returned the iterator.
    const own = new AbortController();
    const signals = [ctx.signal, this.options.shutdown, own.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = AbortSignal.any(signals);
    try {
      const source = (await this.chain({ procedure: op, ctx: { ...ctx, signal }, input })) as AsyncIterable<unknown>;
      return until(source, signal, () => own.abort());
    } catch (err) {
      own.abort();
      throw err;
    }
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
      return await this.options.principals.resolve(ctx.credentials, ctx.peer);
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

/**
 * The stream a binding iterates. It ends when the signal aborts, even while
 * it waits for its next value, and `return()` (the client unsubscribed) ends
 * it at once: it aborts the stream's own signal, which the domain listens
 * to, rather than asking the wrapped async generators to return — those
 * would only hear the request once their pending value arrived.
 */
function until<T>(source: AsyncIterable<T>, signal: AbortSignal, stop: () => void): AsyncIterableIterator<T> {
  const it = source[Symbol.asyncIterator]();
  const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
  const ended = new Promise<IteratorReturnResult<undefined>>((resolve) => {
    if (signal.aborted) resolve(done);
    else signal.addEventListener('abort', () => resolve(done), { once: true });
  });
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    stop();
    // Not awaited: the source got the same signal and ends on it; a misbehaving one must not hold the caller.
    void it.return?.()?.catch(() => {});
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (finished || signal.aborted) {
        finish();
        return done;
      }
      try {
        const next = await Promise.race([it.next(), ended]);
        if (next.done) finish();
        return next as IteratorResult<T>;
      } catch (err) {
        finish();
        throw err;
      }
    },
    async return() {
      finish();
      return done;
    },
  };
}
