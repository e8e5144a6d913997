import { Histogram, type Registry } from 'prom-client';
import { DomainError } from '../../domain/errors.js';
import type { Interceptor } from './types.js';

/**
 * One histogram of call durations labelled by style, operation and outcome
 * (`OK` or the error kind); its `_count` series is the call counter. The
 * registry belongs to the app, so several apps in one process (tests) do
 * not share series.
 */
export function metricsInterceptor(registry: Registry): Interceptor {
  const calls = new Histogram({
    name: 'polyface_call_duration_seconds',
    help: 'Duration of calls into the domain, by API style, operation and outcome (OK or the error kind)',
    labelNames: ['style', 'operation', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return (next) => async (inv) => {
    const end = calls.startTimer({ style: inv.ctx.style, operation: inv.procedure.name });
    try {
      const out = await next(inv);
      end({ outcome: 'OK' });
      return out;
    } catch (err) {
      end({ outcome: err instanceof DomainError ? err.kind : 'INTERNAL' });
      throw err;
    }
  };
}
