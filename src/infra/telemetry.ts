import { createRequire } from 'node:module';
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export interface Tracing {
  readonly tracer: Tracer;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry traces, opt-in: with an OTLP endpoint set, spans go in
 * batches to `<endpoint>/v1/traces` over OTLP/HTTP (the per-signal path
 * the OTLP exporter specification derives from OTEL_EXPORTER_OTLP_ENDPOINT).
 * The provider is registered globally so the AsyncLocalStorage context
 * manager carries the active span from the front door into the runtime;
 * the SDK's other OTEL_* variables (headers, timeouts, batch sizes) apply.
 */
export function startTracing(options: { otlpEndpoint: string | undefined; serviceName: string }): Tracing | undefined {
  if (!options.otlpEndpoint) return undefined;
  const exporter = new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, [ATTR_SERVICE_VERSION]: version }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  return { tracer: provider.getTracer('polyface', version), shutdown: () => provider.shutdown() };
}
