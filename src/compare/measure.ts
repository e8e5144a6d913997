import { randomBytes } from 'node:crypto';
import { decodeGrpcMessages } from './protobuf-raw.js';
import type { ExchangeText, Latency, MessageText, WireFigures } from './report.js';
import type { Scenario, ScenarioContext, StyleClient } from './scenarios.js';
import type { Style } from './styles.js';
import { WireTap, type WireWindow } from './tap.js';
import type { Exchange } from './wire.js';

/** A short unique tag for records a run creates (emails stay valid: [a-z0-9-]). */
export const runTag = (prefix: string, n: number): string => `${prefix.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${n}-${randomBytes(3).toString('hex')}`;

/** Lets bytes a client sends right after an answer (HTTP/2 WINDOW_UPDATE, a WebSocket pong) land in the window they belong to. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

const figures = (w: WireWindow, runs = 1): WireFigures => ({
  bytesUp: w.bytesUp / runs,
  bytesDown: w.bytesDown / runs,
  roundTrips: w.requests / runs,
  connections: w.connections / runs,
});

const HEX_LIMIT = 4096;

function hexDump(bytes: Buffer): string {
  const shown = bytes.subarray(0, HEX_LIMIT);
  const lines: string[] = [];
  for (let i = 0; i < shown.length; i += 16) {
    const row = shown.subarray(i, i + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${i.toString(16).padStart(6, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > HEX_LIMIT) lines.push(`… ${bytes.length - HEX_LIMIT} more bytes`);
  return lines.join('\n');
}

function message(parts: Buffer[], bytes: number, kind: Exchange['kind']): MessageText {
  if (kind === 'h2') {
    // HTTP/2 HEADERS are HPACK-compressed and not kept; DATA is shown decoded when it holds gRPC messages, and in hex.
    const data = Buffer.concat(parts);
    const decoded = decodeGrpcMessages(data);
    const dump = data.length ? hexDump(data) : '(no DATA frames: headers only)';
    return { text: decoded ? `${decoded}\n\n${dump}` : dump, bytes, format: 'h2' };
  }
  if (kind === 'websocket') return { text: parts.map((p) => p.toString('utf8')).join('\n'), bytes, format: 'websocket' };
  return { text: Buffer.concat(parts).toString('utf8'), bytes, format: 'http' };
}

/** An exchange as the report keeps it: text to read, bytes as they went over the wire. */
export function exchangeText(e: Exchange): ExchangeText {
  return { connection: e.connection, request: message(e.request, e.bytesUp, e.kind), response: message(e.response, e.bytesDown, e.kind) };
}

export interface WireResult {
  cold: WireFigures;
  warm: WireFigures & { runs: number };
  exchanges: ExchangeText[];
  exchangesTruncated: boolean;
  /** What the last run produced (the same for every style). */
  output: unknown;
}

/**
 * Bytes, round trips and the exact exchanges of a scenario in one style,
 * through a wire tap of its own: the first run with a fresh client on fresh
 * connections (cold), then `warmRuns` more on the connections it kept
 * (warm, averaged), the last of which is kept as text.
 */
export async function measureWire(
  style: Style,
  scenario: Scenario<unknown>,
  target: string,
  ctx: (n: number) => ScenarioContext,
  warmRuns: number,
  onRun: () => void = () => {},
): Promise<WireResult> {
  const tap = await WireTap.open(target);
  const client: StyleClient = style.create(tap.url);
  let session: unknown;
  try {
    session = scenario.open ? await scenario.open(client, ctx(0)) : undefined;
    let output = await scenario.run(client, ctx(1), session);
    onRun();
    await settle();
    const cold = figures(tap.take());
    let total: WireFigures = { bytesUp: 0, bytesDown: 0, roundTrips: 0, connections: 0 };
    let last: WireWindow | undefined;
    for (let n = 0; n < warmRuns; n++) {
      output = await scenario.run(client, ctx(2 + n), session);
      onRun();
      await settle();
      last = tap.take();
      const f = figures(last);
      total = {
        bytesUp: total.bytesUp + f.bytesUp,
        bytesDown: total.bytesDown + f.bytesDown,
        roundTrips: total.roundTrips + f.roundTrips,
        connections: total.connections + f.connections,
      };
    }
    const runs = Math.max(1, warmRuns);
    return {
      cold,
      warm: { bytesUp: total.bytesUp / runs, bytesDown: total.bytesDown / runs, roundTrips: total.roundTrips / runs, connections: total.connections / runs, runs: warmRuns },
      exchanges: (last?.exchanges ?? []).map(exchangeText),
      exchangesTruncated: last?.truncated ?? false,
      output,
    };
  } finally {
    if (scenario.close && session !== undefined) await scenario.close(session).catch(() => {});
    await client.close?.();
    await tap.close();
  }
}

/** Nearest-rank percentile of sorted values (q in 0–1). */
export function percentile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function summarise(samples: number[], iterations: number, concurrency: number, warmup: number): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return {
    iterations,
    concurrency,
    warmup,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    mean: round(samples.reduce((a, b) => a + b, 0) / (samples.length || 1)),
    min: round(sorted[0] ?? 0),
    max: round(sorted.at(-1) ?? 0),
    samples: samples.map(round),
  };
}

export interface LatencyOptions {
  iterations: number;
  warmup: number;
  concurrency: number;
}

/**
 * `warmup` runs first (not timed), then `iterations` runs by `concurrency`
 * workers sharing one client, each run timed from start to answer. Between
 * the warm-up and the end, `during` (the server CPU meter) is running.
 */
export async function measureLatency(
  client: StyleClient,
  scenario: Scenario<unknown>,
  session: unknown,
  ctx: (n: number) => ScenarioContext,
  options: LatencyOptions,
  during: { start(): Promise<() => Promise<number>> } | undefined,
  onRun: () => void = () => {},
): Promise<{ latency: Latency; cpuMicros: number | undefined }> {
  const concurrency = scenario.sequential ? 1 : Math.max(1, Math.min(options.concurrency, options.iterations || 1));
  let n = 0;
  const loop = async (count: number, record?: number[]) => {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next++;
        const t0 = performance.now();
        await scenario.run(client, ctx(n++), session);
        record?.push(performance.now() - t0);
        onRun();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await loop(options.warmup);
  const stop = await during?.start();
  const samples: number[] = [];
  await loop(options.iterations, samples);
  const cpu = await stop?.();
  return {
    latency: summarise(samples, options.iterations, concurrency, options.warmup),
    cpuMicros: cpu === undefined ? undefined : cpu / Math.max(1, options.iterations),
  };
}
