import { renderCharts } from '../../compare/charts.js';
import { highlightMessage } from '../../compare/highlight.js';
import { measureWire, runTag } from '../../compare/measure.js';
import type { Cell, MessageText, WireFigures } from '../../compare/report.js';
import { applies, type Scenario, type ScenarioContext } from '../../compare/scenarios.js';
import { allStyles } from '../../compare/styles.js';

export interface LiveMessage {
  bytes: number;
  format: MessageText['format'];
  /** Highlighted markup (highlight.js escapes the text it wraps). */
  html: string;
}

export interface LiveStyle {
  id: string;
  label: string;
  status: Cell['status'];
  error?: string;
  cold?: WireFigures;
  warm?: WireFigures;
  /** One warm run, timed directly (no tap in the path). */
  ms?: number;
  exchanges?: { connection: number; request: LiveMessage; response: LiveMessage }[];
}

export interface LiveRun {
  scenario: { id: string; title: string; summary: string; source: string };
  createdAt: string;
  styles: LiveStyle[];
  charts: Record<string, string>;
}

export class LoginRefused extends Error {}

const message = (m: MessageText): LiveMessage => ({ bytes: m.bytes, format: m.format, html: highlightMessage(m) });

/**
 * One scenario, once, in every registered style, against this gateway
 * itself: through a wire tap for the exact exchanges and their bytes (a
 * first run on fresh connections, then a warm one that is shown), then one
 * warm run timed directly. The same measurement code as the CLI, fewer runs.
 */
export async function runLive(scenario: Scenario<unknown>, self: string, credentials: { username: string; password: string }): Promise<LiveRun> {
  const styles = allStyles();
  const writer = styles[0]!.create(self);
  try {
    const login = await writer.call('login', { ...credentials });
    if (!login.ok) throw new LoginRefused(`Logging in as ${credentials.username} failed (${login.kind})`);
    const token = (login.data as { access_token: string }).access_token;
    const results: LiveStyle[] = [];
    for (const style of styles) {
      const client = style.create(self);
      const ctx = (phase: string) => (n: number): ScenarioContext => ({ token, credentials, tag: runTag(`page-${style.id}-${phase}`, n), writer });
      const base = { id: style.id, label: style.label };
      try {
        if (!applies(scenario, client)) {
          results.push({ ...base, status: 'not-applicable' });
          continue;
        }
        const wire = await measureWire(style, scenario, self, ctx('wire'), 1);
        const session = scenario.open ? await scenario.open(client, ctx('open')(0)) : undefined;
        let ms: number;
        try {
          await scenario.run(client, ctx('warm')(0), session);
          const t0 = performance.now();
          await scenario.run(client, ctx('timed')(0), session);
          ms = Math.round((performance.now() - t0) * 100) / 100;
        } finally {
          if (session !== undefined) await scenario.close?.(session).catch(() => {});
        }
        const { runs: _runs, ...warm } = wire.warm;
        results.push({
          ...base,
          status: 'ok',
          cold: wire.cold,
          warm,
          ms,
          exchanges: wire.exchanges.map((e) => ({ connection: e.connection, request: message(e.request), response: message(e.response) })),
        });
      } catch (err) {
        results.push({ ...base, status: 'failed', error: err instanceof Error ? err.message : String(err) });
      } finally {
        await client.close?.();
      }
    }
    const meta = { id: scenario.id, title: scenario.title, summary: scenario.summary, source: scenario.source };
    const charts = await renderCharts({
      styles: styles.map((s) => ({ id: s.id, label: s.label, capabilities: [] })),
      scenarios: [meta],
      results: results.map(
        (r): Cell => ({
          scenario: scenario.id,
          style: r.id,
          status: r.status,
          ...(r.cold && r.warm ? { cold: r.cold, warm: { ...r.warm, runs: 1 } } : {}),
          ...(r.ms === undefined ? {} : { latency: { iterations: 1, concurrency: 1, warmup: 1, p50: r.ms, p95: r.ms, p99: r.ms, mean: r.ms, min: r.ms, max: r.ms, samples: [r.ms] } }),
        }),
      ),
    });
    return { scenario: meta, createdAt: new Date().toISOString(), styles: results, charts: charts as Record<string, string> };
  } finally {
    await writer.close?.();
  }
}
