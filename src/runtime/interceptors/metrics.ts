import { Gauge, type Registry } from 'prom-client';
import { DomainError } from '../../domain/errors.js';
import { FastCounter, FastHistogram, secondsSince } from '../histogram.js';
import { isStreaming, type Interceptor } from './types.js';

/**
 * Calls into the domain, by API style, operation and outcome (`OK` or the
 * error kind): a duration histogram, a call counter and an error counter
 * (the same facts, in the shapes dashboards and alerts usually want), and
 * the subscriptions open per style. The registry belongs to the app, so
 * several apps in one process (tests) do not share series.
 */
export function metricsInterceptor(registry: Registry): Interceptor {
  const labelNames = ['style', 'operation', 'outcome'] as const;
  const durations = new FastHistogram(
    'polyface_call_duration_seconds',
    'Duration of calls into the domain, by API style, operation and outcome (OK or the error kind)',
    labelNames,
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registry,
  );
  const calls = new FastCounter('polyface_calls_total', 'Calls into the domain, by API style, operation and outcome', labelNames, registry);
  const errors = new FastCounter('polyface_call_errors_total', 'Calls that failed, by API style, operation and error kind', ['style', 'operation', 'kind'] as const, registry);
  const open = new Gauge({ name: 'polyface_open_subscriptions', help: 'Subscriptions (event streams) open, by API style', labelNames: ['style'] as const, registers: [registry] });

  /**
   * A stream counts as open from set-up until it ends or its signal aborts
   * (client gone, deadline, shutdown) — whichever comes first, so a source
   * that never yields again still stops counting when its reader leaves.
   */
  function counted(source: AsyncIterable<unknown>, style: string, signal: AbortSignal): AsyncIterable<unknown> {
    if (signal.aborted) return source;
    let counting = true;
    const stop = () => {
      if (counting) open.dec({ style });
      counting = false;
      signal.removeEventListener('abort', stop);
    };
    open.inc({ style });
    signal.addEventListener('abort', stop, { once: true });
    return (async function* () {
      try {
        yield* source;
      } finally {
        stop();
      }
    })();
  }

  return (next) => async (inv) => {
    const { style } = inv.ctx;
    const operation = inv.procedure.name;
    const start = performance.now();
    try {
      const out = await next(inv);
      const labels = [style, operation, 'OK'];
      durations.observe(labels, secondsSince(start));
      calls.inc(labels);
      return isStreaming(inv.procedure) ? counted(out as AsyncIterable<unknown>, style, inv.ctx.signal) : out;
    } catch (err) {
      const kind = err instanceof DomainError ? err.kind : 'INTERNAL';
      const labels = [style, operation, kind];
      durations.observe(labels, secondsSince(start));
      calls.inc(labels);
      errors.inc(labels);
      throw err;
    }
  };
}
