import { z } from 'zod';

/**
 * The comparison's JSON report (`--out`/report.json), defined once: the
 * CLI writes it, the page and the README generator read it, and a test
 * validates the CLI's real output against it. Bump REPORT_FORMAT on any
 * incompatible change.
 */
export const REPORT_FORMAT = 'polyface-compare/1';

/** The files a run leaves in its output folder (beside one SVG per chart). */
export const REPORT_FILES = { json: 'report.json', markdown: 'report.md', html: 'report.html' } as const;

const count = z.number().int().nonnegative();
const amount = z.number().nonnegative();

export const wireFigures = z.object({
  /** Bytes the client wrote: request lines, headers, bodies, WebSocket and HTTP/2 framing. */
  bytesUp: amount,
  /** Bytes the server wrote back, the same way. */
  bytesDown: amount,
  /** HTTP requests, WebSocket messages or HTTP/2 streams (gRPC calls) the client started. */
  roundTrips: amount,
  /** TCP connections opened. */
  connections: amount,
});

export const messageText = z.object({
  /**
   * What went over the wire, as text: raw HTTP/1.1, unmasked WebSocket
   * payloads, or for HTTP/2 the DATA frames (gRPC messages decoded to
   * protobuf field numbers and values, then a hex dump).
   */
  text: z.string(),
  bytes: count,
  /** How `text` should be read: http (head and body), websocket, h2. */
  format: z.enum(['http', 'websocket', 'h2']),
});

export const exchange = z.object({
  connection: count,
  request: messageText,
  response: messageText,
});

export const latency = z.object({
  iterations: count,
  concurrency: count,
  warmup: count,
  /** Milliseconds per scenario run, nearest-rank percentiles. */
  p50: amount,
  p95: amount,
  p99: amount,
  mean: amount,
  min: amount,
  max: amount,
  /** Every run's milliseconds, in the order they finished (for distribution charts). */
  samples: z.array(amount),
});

export const cell = z.object({
  scenario: z.string(),
  style: z.string(),
  status: z.enum(['ok', 'failed', 'not-applicable']),
  error: z.string().optional(),
  /** The first run on fresh connections and fresh clients (a SOAP client fetches the WSDL then). */
  cold: wireFigures.optional(),
  /** Per run, averaged over `runs` runs on the warm connections that followed. */
  warm: wireFigures.extend({ runs: count }).optional(),
  latency: latency.optional(),
  cpu: z.object({ microsPerRun: amount, source: z.enum(['proc-schedstat', 'proc-stat', 'endpoint']) }).optional(),
  /** The exact exchanges of the last warm run, in order. */
  exchanges: z.array(exchange).optional(),
  exchangesTruncated: z.boolean().optional(),
});

export const report = z.object({
  format: z.literal(REPORT_FORMAT),
  createdAt: z.string(),
  target: z.object({ url: z.string(), embedded: z.boolean() }),
  machine: z.object({ node: z.string(), platform: z.string(), cpus: count, cpuModel: z.string() }),
  options: z.object({
    iterations: count,
    warmup: count,
    concurrency: count,
    warmRuns: count,
    scenarios: z.array(z.string()),
    styles: z.array(z.string()),
  }),
  styles: z.array(z.object({ id: z.string(), label: z.string(), capabilities: z.array(z.string()) })),
  scenarios: z.array(z.object({ id: z.string(), title: z.string(), summary: z.string(), source: z.string() })),
  results: z.array(cell),
  /** Wall-clock seconds the whole comparison took. */
  durationSeconds: amount,
});

export type WireFigures = z.infer<typeof wireFigures>;
export type MessageText = z.infer<typeof messageText>;
export type ExchangeText = z.infer<typeof exchange>;
export type Latency = z.infer<typeof latency>;
export type Cell = z.infer<typeof cell>;
export type Report = z.infer<typeof report>;

export function findCell(r: Pick<Report, 'results'>, scenario: string, style: string): Cell | undefined {
  return r.results.find((c) => c.scenario === scenario && c.style === style);
}
