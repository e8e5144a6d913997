import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CHART_NAMES } from '../../compare/charts.js';
import { REPORT_FILES, report as reportSchema } from '../../compare/report.js';
import { applies, findScenario, SCENARIOS } from '../../compare/scenarios.js';
import { DomainError } from '../../domain/errors.js';
import { msg } from '../../domain/i18n/index.js';
import { createContext } from '../../runtime/context.js';
import { fromAuthorization } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { publicMessage } from '../../runtime/public-error.js';
import { mediaType, type HttpReply, type RequestInfo } from '../../protocols/shared/http.js';
import { ASSETS, COMPARE_PATH, CSS, PAGE, SCRIPT } from './page.js';
import type { LiveRun } from './live.js';

export interface ComparePageOptions {
  /** Where `npm run compare` wrote its last report (COMPARE_REPORT_DIR). */
  reportDir: string;
}

/** What the binding reads off a request; `self` is this server's own base URL (the live run calls it back over loopback). */
export interface PageRequest {
  method: string;
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body(limit: number): Promise<Buffer>;
  self: string;
}

/** A run request is a scenario id and a login: a few hundred bytes at most. */
export const RUN_BODY_LIMIT = 4096;

const runInput = z.strictObject({
  scenario: z.string().max(64),
  username: z.string().min(1).max(254),
  password: z.string().min(1).max(200),
});

// frame-ancestors (CSP Level 3 §6.4.2): no other site may frame a page of ours (clickjacking).
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpReply => ({
  status,
  headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

const problem = (status: number, title: string, detail: string, headers: Record<string, string> = {}): HttpReply => ({
  status,
  headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', ...headers },
  body: JSON.stringify({ type: 'about:blank', title, status, detail }),
});

const text = (type: string, body: string, extra: Record<string, string> = {}): HttpReply => ({
  status: 200,
  headers: { 'Content-Type': `${type}; charset=utf-8`, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache', ...extra },
  body,
});

const REPORT_TYPES: Record<string, string> = {
  [REPORT_FILES.html]: 'text/html',
  [REPORT_FILES.json]: 'application/json',
  [REPORT_FILES.markdown]: 'text/markdown',
  ...Object.fromEntries(CHART_NAMES.map((c) => [`${c}.svg`, 'image/svg+xml'])),
};

/**
 * The /compare page and its API, framework-free (what it needs of the
 * comparison tooling — the protocol clients, highlight.js, Vega — loads on
 * first use, so the gateway starts without them): the page and its assets;
 * the scenario list; a live run of one scenario in every style (one at a
 * time: a second request while one runs gets 503 + Retry-After); the last
 * run's charts (this page's, kept in memory, and the CLI's report files);
 * and the gateway's own CPU time for `npm run compare --url` (admins only).
 */
export class ComparePageCore {
  private running = false;
  private last: LiveRun | undefined;
  private css: string | undefined;
  private list: object | undefined;

  constructor(
    private readonly runtime: Runtime,
    private readonly options: ComparePageOptions,
  ) {}

  async handle(req: PageRequest, info: RequestInfo): Promise<HttpReply> {
    const path = new URL(req.url, 'http://x').pathname;
    const get = req.method === 'GET' || req.method === 'HEAD';
    const only = (allowed: string, ok: boolean, then: () => Promise<HttpReply> | HttpReply) =>
      ok ? then() : problem(405, 'Method Not Allowed', `${path} accepts ${allowed}`, { Allow: allowed });

    if (path === COMPARE_PATH || path === `${COMPARE_PATH}/`) return only('GET, HEAD', get, () => text('text/html', PAGE, { 'Content-Security-Policy': CSP }));
    if (path === `${ASSETS}compare.js`) return only('GET, HEAD', get, () => text('text/javascript', SCRIPT));
    if (path === `${ASSETS}compare.css`) return only('GET, HEAD', get, () => text('text/css', CSS));
    if (path === `${ASSETS}highlight.css`) return only('GET, HEAD', get, async () => text('text/css', (this.css ??= (await import('../../compare/highlight.js')).highlightCss())));
    if (path === `${COMPARE_PATH}/api/scenarios`) return only('GET, HEAD', get, () => this.scenarios());
    if (path === `${COMPARE_PATH}/api/last`) return only('GET, HEAD', get, () => this.lastRuns());
    if (path === `${COMPARE_PATH}/api/cpu`) return only('GET, HEAD', get, () => this.cpu(req, info));
    if (path === `${COMPARE_PATH}/api/run`) return only('POST', req.method === 'POST', () => this.run(req));
    if (path.startsWith(`${COMPARE_PATH}/report/`)) return only('GET, HEAD', get, () => this.reportFile(path.slice(`${COMPARE_PATH}/report/`.length)));
    return problem(404, 'Not Found', `No resource at ${path}`);
  }

  private async scenarios(): Promise<HttpReply> {
    // The clients (and the libraries behind them) load on first use, not with the gateway.
    const { allStyles } = await import('../../compare/styles.js');
    this.list ??= (() => {
      const styles = allStyles();
      // Clients connect lazily, so building them (to ask what they can do) opens nothing.
      const clients = styles.map((s) => s.create('http://127.0.0.1:1'));
      const usable = SCENARIOS.filter((sc) => clients.some((c) => applies(sc, c)));
      return {
        scenarios: usable.map(({ id, title, summary, source }) => ({ id, title, summary, source })),
        styles: styles.map(({ id, label }) => ({ id, label })),
      };
    })();
    return json(200, this.list);
  }

  private async run(req: PageRequest): Promise<HttpReply> {
    if (mediaType(req.headers['content-type'] as string | undefined) !== 'application/json') {
      return problem(415, 'Unsupported Media Type', 'Send the run request as application/json', { 'Accept-Post': 'application/json' });
    }
    let raw: Buffer;
    try {
      raw = await req.body(RUN_BODY_LIMIT);
    } catch {
      return problem(413, 'Content Too Large', `A run request is at most ${RUN_BODY_LIMIT} bytes`, { Connection: 'close' });
    }
    let input: z.infer<typeof runInput>;
    try {
      input = runInput.parse(JSON.parse(raw.toString('utf8')));
    } catch {
      return problem(400, 'Bad Request', 'Expected {"scenario", "username", "password"}');
    }
    const scenario = findScenario(input.scenario);
    if (!scenario) return problem(400, 'Bad Request', `Unknown scenario ${input.scenario}`);
    // One live run at a time: each runs every style against this very server, and they would measure each other.
    if (this.running) return problem(503, 'Service Unavailable', 'Another comparison is running; try again in a moment', { 'Retry-After': '2' });
    this.running = true;
    try {
      const { runLive, LoginRefused } = await import('./live.js');
      try {
        this.last = await runLive(scenario, req.self, { username: input.username, password: input.password });
      } catch (err) {
        if (err instanceof LoginRefused) return problem(401, 'Unauthorized', err.message);
        throw err;
      }
      return json(200, this.last);
    } finally {
      this.running = false;
    }
  }

  private async lastRuns(): Promise<HttpReply> {
    let cli: { createdAt: string; line: string; charts: string[] } | null = null;
    try {
      const report = reportSchema.parse(JSON.parse(await readFile(join(this.options.reportDir, REPORT_FILES.json), 'utf8')));
      // The tables module brings cli-table3, which only the CLI's report needs: loaded when a report exists.
      const { runLine } = await import('../../compare/tables.js');
      const charts: string[] = [];
      for (const c of CHART_NAMES) if (await exists(join(this.options.reportDir, `${c}.svg`))) charts.push(c);
      cli = { createdAt: report.createdAt, line: runLine(report), charts };
    } catch {
      // No CLI report yet (or one from an older format): the page shows only its own runs.
    }
    return json(200, { page: this.last ?? null, cli });
  }

  private async reportFile(name: string): Promise<HttpReply> {
    const type = Object.hasOwn(REPORT_TYPES, name) ? REPORT_TYPES[name]! : undefined;
    if (!type) return problem(404, 'Not Found', `No report file ${name}`);
    try {
      const body = await readFile(join(this.options.reportDir, name), 'utf8');
      return text(type, body, type === 'text/html' || type === 'image/svg+xml' ? { 'Content-Security-Policy': REPORT_CSP } : {});
    } catch {
      return problem(404, 'Not Found', `No ${name}: run npm run compare first`);
    }
  }

  /** process.cpuUsage() of this gateway, for a comparison run from elsewhere; admins only. */
  private async cpu(req: PageRequest, info: RequestInfo): Promise<HttpReply> {
    const ctx = createContext({ style: 'internal', log: info.log, requestId: info.requestId, credentials: fromAuthorization(req.headers.authorization as string | undefined) });
    try {
      const caller = await this.runtime.authenticate(ctx);
      if (!caller) throw new DomainError('UNAUTHENTICATED', msg('auth.required'));
      if (caller.role !== 'admin') throw new DomainError('FORBIDDEN', msg('access.adminOnly'));
    } catch (err) {
      const e = err instanceof DomainError ? err : this.runtime.normalise(err, ctx);
      if (e.kind === 'UNAUTHENTICATED') return problem(401, 'Unauthorized', publicMessage(e), { 'WWW-Authenticate': 'Bearer realm="polyface"' });
      if (e.kind === 'FORBIDDEN') return problem(403, 'Forbidden', publicMessage(e));
      return problem(500, 'Internal Server Error', publicMessage(e));
    }
    const { user, system } = process.cpuUsage();
    return json(200, { userMicros: user, systemMicros: system, totalMicros: user + system });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
