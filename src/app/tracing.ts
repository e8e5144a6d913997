import type { FrontDoorHook } from '../hosts/http.js';
import type { Config } from '../infra/config.js';
import type { Tracing } from '../infra/telemetry.js';
import type { Interceptor } from '../runtime/interceptors/types.js';

/** Tracing when it is on: the exporter and provider, the front door's span hook and the runtime's call-span interceptor. */
export interface TracingParts {
  readonly telemetry: Tracing;
  readonly hook: FrontDoorHook;
  readonly interceptor: Interceptor;
}

/**
 * OpenTelemetry is opt-in (OTEL_EXPORTER_OTLP_ENDPOINT), and its SDK, exporter and API are some 300 modules:
 * they are imported only when tracing is configured, so a gateway without it neither loads them at start nor
 * holds them in memory.
 */
export async function loadTracing(options: Config['tracing']): Promise<TracingParts | undefined> {
  if (!options.otlpEndpoint) return undefined;
  const [{ startTracing }, { tracingHook }, { tracingInterceptor }] = await Promise.all([
    import('../infra/telemetry.js'),
    import('../hosts/tracing.js'),
    import('../runtime/interceptors/tracing.js'),
  ]);
  const telemetry = startTracing(options);
  if (!telemetry) return undefined;
  return { telemetry, hook: tracingHook(telemetry.tracer), interceptor: tracingInterceptor(telemetry.tracer) };
}
