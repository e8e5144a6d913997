import type { IncomingMessage } from 'node:http';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type TextMapGetter, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_URL_PATH, ATTR_URL_SCHEME } from '@opentelemetry/semantic-conventions';
import { pathOf } from '../protocols/shared/http.js';
import type { FrontDoorHook } from './http.js';

const propagator = new W3CTraceContextPropagator();

const headerGetter: TextMapGetter<IncomingMessage['headers']> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key.toLowerCase()],
};

/**
 * The HTTP side of tracing: a SERVER span per request that continues the
 * caller's W3C trace context (`traceparent` / `tracestate`, W3C Trace
 * Context §3), is active while the binding runs — so the runtime's call
 * spans are its children — and is named back to the caller in a
 * `traceresponse` header (W3C Trace Context Level 2 §4), so a client can
 * find its request's trace. 5xx marks the span as an error (OpenTelemetry
 * HTTP semantic conventions: 4xx is the client's, not the server's).
 */
export function tracingHook(tracer: Tracer): FrontDoorHook {
  return (req, res, next, route) => {
    const parent = propagator.extract(ROOT_CONTEXT, req.headers, headerGetter);
    const method = req.method ?? 'GET';
    const span = tracer.startSpan(
      `${method} ${route.binding ?? pathOf(req.url)}`,
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: pathOf(req.url), [ATTR_URL_SCHEME]: 'http', 'polyface.style': route.binding ?? 'host' },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    const out: Record<string, string> = {};
    propagator.inject(active, out, { set: (carrier, key, value) => void (carrier[key] = value) });
    if (out.traceparent) res.setHeader('traceresponse', out.traceparent);
    res.once('close', () => {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    return context.with(active, next);
  };
}
