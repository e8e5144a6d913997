import { cpus } from 'node:os';
import type { CpuMeter } from './cpu.js';
import { measureLatency, measureWire, runTag } from './measure.js';
import { REPORT_FORMAT, type Cell, type Report } from './report.js';
import { applies, SCENARIOS, type Scenario, type ScenarioContext, type StyleClient } from './scenarios.js';
import { allStyles, type Style } from './styles.js';

export interface CompareOptions {
  /** The gateway's base URL. */
  url: string;
  /** Whether this tool started the gateway (recorded in the report). */
  embedded: boolean;
  /** An admin login: the client flow creates and deletes users, place-order orders for Bob. */
  credentials: { username: string; password: string };
  /** Scenario ids; all when absent. */
  scenarios?: readonly string[] | undefined;
  /** Style ids (client registrations); all when absent. */
  styles?: readonly string[] | undefined;
  /** Where styles come from: the client registrations unless given (tests add styles of their own). */
  registry?: readonly Style[] | undefined;
  iterations: number;
  warmup: number;
  concurrency: number;
  /** Warm runs averaged for bytes and round trips. */
  warmRuns: number;
  /** How to read the server's CPU, given the run's admin token; none: no CPU figures. */
  cpu?: ((token: string) => CpuMeter | Promise<CpuMeter>) | undefined;
  progress?: (done: number, total: number, label: string) => void;
}

function pick<T extends { id: string }>(all: readonly T[], wanted: readonly string[] | undefined, what: string): T[] {
  if (!wanted?.length) return [...all];
  const unknown = wanted.filter((w) => !all.some((a) => a.id === w));
  if (unknown.length) throw new Error(`Unknown ${what}: ${unknown.join(', ')} (known: ${all.map((a) => a.id).join(', ')})`);
  return all.filter((a) => wanted.includes(a.id));
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Runs every chosen scenario in every chosen style against one gateway and
 * returns the report: for each cell the wire figures (through a tap), then
 * latency and server CPU (directly, with no tap in the path). A scenario
 * that needs a capability no chosen style has (push latency when no chosen
 * client can subscribe) is left out; a style lacking it is "not-applicable".
 */
export async function runComparison(o: CompareOptions): Promise<Report> {
  const started = performance.now();
  const styles = pick(o.registry ?? allStyles(), o.styles, 'style');
  const direct = new Map<string, StyleClient>(styles.map((s) => [s.id, s.create(o.url)]));
  const candidates = pick(SCENARIOS, o.scenarios, 'scenario');
  const scenarios = candidates.filter((sc) => styles.some((st) => applies(sc, direct.get(st.id)!)));
  const writer = direct.get(styles[0]!.id)!;
  try {
    const login = await writer.call('login', { ...o.credentials });
    if (!login.ok) throw new Error(`Logging in as ${o.credentials.username} failed (${login.kind}); pass --username/--password of an admin`);
    const token = (login.data as { access_token: string }).access_token;
    const meter = o.cpu ? await o.cpu(token) : undefined;
    await meter?.calibrate();

    const counts = (sc: Scenario<unknown>) => {
      const iterations = Math.min(o.iterations, sc.maxIterations ?? Infinity);
      // A capped scenario warms up in proportion (a tenth stays a tenth).
      const warmup = iterations === o.iterations ? o.warmup : Math.min(o.warmup, Math.ceil((o.warmup * iterations) / o.iterations));
      return { iterations, warmup, concurrency: o.concurrency };
    };
    const perCell = (sc: Scenario<unknown>) => 1 + o.warmRuns + counts(sc).warmup + counts(sc).iterations;
    const total = scenarios.reduce((sum, sc) => sum + styles.length * perCell(sc), 0);
    let done = 0;
    const tick = (label: string) => () => o.progress?.(++done, total, label);
    const results: Cell[] = [];
    for (const scenario of scenarios) {
      for (const style of styles) {
        const label = `${scenario.id} · ${style.label}`;
        const client = direct.get(style.id)!;
        const ctx = (phase: string) => (n: number): ScenarioContext => ({ token, credentials: o.credentials, tag: runTag(`${style.id}-${phase}`, n), writer });
        if (!applies(scenario, client)) {
          results.push({ scenario: scenario.id, style: style.id, status: 'not-applicable' });
          done += perCell(scenario);
          o.progress?.(done, total, label);
          continue;
        }
        const before = done;
        try {
          results.push(await measureCell(scenario, style, client, ctx, { ...o, ...counts(scenario), meter }, tick(label)));
        } catch (err) {
          results.push({ scenario: scenario.id, style: style.id, status: 'failed', error: message(err) });
        }
        done = before + perCell(scenario);
        o.progress?.(done, total, label);
      }
    }
    const cpuInfo = cpus();
    return {
      format: REPORT_FORMAT,
      createdAt: new Date().toISOString(),
      target: { url: o.url, embedded: o.embedded },
      machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpuInfo.length, cpuModel: cpuInfo[0]?.model.trim() ?? 'unknown' },
      options: {
        iterations: o.iterations,
        warmup: o.warmup,
        concurrency: o.concurrency,
        warmRuns: o.warmRuns,
        scenarios: scenarios.map((s) => s.id),
        styles: styles.map((s) => s.id),
      },
      styles: styles.map((s) => ({
        id: s.id,
        label: s.label,
        capabilities: (['batch', 'readGraph', 'subscribe'] as const).filter((c) => typeof direct.get(s.id)![c] === 'function'),
      })),
      scenarios: scenarios.map(({ id, title, summary, source }) => ({ id, title, summary, source })),
      results,
      durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await Promise.all([...direct.values()].map((c) => c.close?.()));
  }
}

async function measureCell(
  scenario: Scenario<unknown>,
  style: Style,
  client: StyleClient,
  ctx: (phase: string) => (n: number) => ScenarioContext,
  o: CompareOptions & { meter: CpuMeter | undefined },
  onRun: () => void,
): Promise<Cell> {
  const wire = await measureWire(style, scenario, o.url, ctx('wire'), o.warmRuns, onRun);
  const session = scenario.open ? await scenario.open(client, ctx('open')(0)) : undefined;
  try {
    const { latency, cpuMicros } = await measureLatency(client, scenario, session, ctx('run'), o, o.meter, onRun);
    return {
      scenario: scenario.id,
      style: style.id,
      status: 'ok',
      cold: wire.cold,
      warm: wire.warm,
      latency,
      ...(cpuMicros === undefined || !o.meter ? {} : { cpu: { microsPerRun: Math.round(cpuMicros * 10) / 10, source: o.meter.probe.source } }),
      exchanges: wire.exchanges,
      exchangesTruncated: wire.exchangesTruncated,
    };
  } finally {
    if (session !== undefined) await scenario.close?.(session).catch(() => {});
  }
}
