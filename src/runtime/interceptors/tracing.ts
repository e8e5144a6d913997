import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { DomainError } from '../../domain/errors.js';
import type { Interceptor } from './types.js';

/**
 * One OpenTelemetry span per call, whatever the style: named
 * "<style> <operation>", a child of whatever span is active (the front
 * door's HTTP span, itself continuing the caller's W3C trace context).
 * The outcome is an attribute; only INTERNAL marks the span as an error
 * (a NOT_FOUND is the caller's business, not a fault of ours — the same
 * split as OpenTelemetry's HTTP conventions make between 4xx and 5xx on a
 * server). The principal is recorded as `enduser.id`, never credentials.
 * Installed only when tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT).
 */
export function tracingInterceptor(tracer: Tracer): Interceptor {
  return (next) => (inv) => {
    const { style, notes } = inv.ctx;
    const operation = inv.procedure.name;
    return tracer.startActiveSpan(
      `${style} ${operation}`,
      { kind: SpanKind.INTERNAL, attributes: { 'polyface.style': style, 'polyface.operation': operation, 'rpc.method': operation } },
      async (span) => {
        try {
          const out = await next(inv);
          span.setAttribute('polyface.outcome', 'OK');
          return out;
        } catch (err) {
          const kind = err instanceof DomainError ? err.kind : 'INTERNAL';
          span.setAttribute('polyface.outcome', kind);
          if (kind === 'INTERNAL') span.setStatus({ code: SpanStatusCode.ERROR, message: 'internal error' });
          throw err;
        } finally {
          if (notes.principal) span.setAttribute('enduser.id', notes.principal);
          span.end();
        }
      },
    );
  };
}
