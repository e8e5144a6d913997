import { DomainError, toDomainError } from '../../domain/errors.js';
import type { CallContext } from '../context.js';
import type { Logger } from '../log.js';
import { isStreaming, type Interceptor } from './types.js';

const logged = new WeakSet<DomainError>();

/**
 * Anything thrown → a DomainError. The one place INTERNAL failures are
 * logged with their real cause (once, with the operation and request id);
 * what leaves here carries only the kind and a safe message.
 */
export function normalise(err: unknown, log: Logger, operation?: string, requestId?: string): DomainError {
  const e = toDomainError(err);
  if (e.kind === 'INTERNAL' && !logged.has(e)) {
    logged.add(e);
    log.error({ err: e.cause ?? e, operation, requestId }, 'internal error');
  }
  return e;
}

/** Errors while a stream is being read are normalised the same way as errors of unary calls. */
async function* guarded(source: AsyncIterable<unknown>, ctx: CallContext, operation: string): AsyncGenerator<unknown> {
  try {
    yield* source;
  } catch (err) {
    throw normalise(err, ctx.log, operation, ctx.requestId);
  }
}

/** Outermost but for metrics: notes the operation for the access log and normalises failures. */
export const errorInterceptor: Interceptor = (next) => async (inv) => {
  const { ctx, procedure } = inv;
  ctx.notes.operation(procedure.name);
  try {
    const out = await next(inv);
    return isStreaming(procedure) ? guarded(out as AsyncIterable<unknown>, ctx, procedure.name) : out;
  } catch (err) {
    throw normalise(err, ctx.log, procedure.name, ctx.requestId);
  }
};
