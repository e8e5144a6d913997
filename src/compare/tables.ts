import Table from 'cli-table3';
import { findCell, type Cell, type Report } from './report.js';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const trips = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const micros = (n: number) => int(n);

/** The figures of one cell as table text; failures and gaps say so instead of a number. */
export function cellFigures(c: Cell | undefined): Record<'up' | 'down' | 'coldTotal' | 'trips' | 'p50' | 'p95' | 'p99' | 'cpu', string> {
  const none = c?.status === 'not-applicable' ? 'n/a' : c?.status === 'failed' ? 'failed' : '—';
  return {
    up: c?.warm ? int(c.warm.bytesUp) : none,
    down: c?.warm ? int(c.warm.bytesDown) : none,
    coldTotal: c?.cold ? int(c.cold.bytesUp + c.cold.bytesDown) : none,
    trips: c?.warm ? trips(c.warm.roundTrips) : none,
    p50: c?.latency ? ms(c.latency.p50) : none,
    p95: c?.latency ? ms(c.latency.p95) : none,
    p99: c?.latency ? ms(c.latency.p99) : none,
    cpu: c?.cpu ? micros(c.cpu.microsPerRun) : none,
  };
}

const HEAD = ['style', 'bytes up', 'bytes down', 'first call bytes', 'round trips', 'p50 ms', 'p95 ms', 'p99 ms', 'server CPU µs'];

function rows(report: Report, scenario: string): string[][] {
  return report.styles.map((s) => {
    const f = cellFigures(findCell(report, scenario, s.id));
    return [s.label, f.up, f.down, f.coldTotal, f.trips, f.p50, f.p95, f.p99, f.cpu];
  });
}

/** " — 30 timed runs" when a scenario ran fewer timed runs than asked (its maxIterations). */
function runsNote(report: Report, scenario: string, lead = ' — '): string {
  const n = report.results.find((c) => c.scenario === scenario && c.latency)?.latency?.iterations;
  return n !== undefined && n !== report.options.iterations ? `${lead}${n} timed runs` : '';
}

/** What the terminal shows at the end of a run: one table per scenario. */
export function terminalTables(report: Report): string {
  const out: string[] = [];
  for (const sc of report.scenarios) {
    const table = new Table({ head: HEAD, style: { head: [], border: [] }, colAligns: ['left', ...HEAD.slice(1).map(() => 'right' as const)] });
    table.push(...rows(report, sc.id));
    out.push(`${sc.title} (${sc.id})${runsNote(report, sc.id)}`, table.toString());
    for (const c of report.results.filter((r) => r.scenario === sc.id && r.status === 'failed')) out.push(`  ${c.style} failed: ${c.error}`);
  }
  return out.join('\n');
}

const mdRow = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const mdTable = (head: readonly string[], body: readonly (readonly string[])[], align: string) => [mdRow(head), align, ...body.map(mdRow)].join('\n');

export function runLine(report: Report): string {
  const o = report.options;
  return `${report.createdAt.slice(0, 10)}, ${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}, ${report.target.embedded ? 'embedded gateway (SQLite)' : report.target.url}; ${o.iterations} iterations after ${o.warmup} warm-up, concurrency ${o.concurrency}, bytes averaged over ${o.warmRuns} warm runs`;
}

/** report.md: the same tables as the terminal, plus what each scenario is and where the source material has it. */
export function markdownReport(report: Report, charts: readonly string[]): string {
  const out = ['# polyface: the styles compared', '', runLine(report), ''];
  out.push(
    'Bytes are counted at the socket (headers and framing included); "first call" is the first run on fresh connections and a fresh client, the rest are per run on warm connections. Round trips are the HTTP requests, WebSocket messages or HTTP/2 streams the client started. Latency is per scenario run; server CPU is the gateway process\'s CPU time per run.',
    '',
  );
  for (const sc of report.scenarios) {
    out.push(`## ${sc.title}`, '', `${sc.summary} Source: ${sc.source}.${runsNote(report, sc.id, ' ')}${runsNote(report, sc.id) ? '.' : ''}`, '');
    out.push(mdTable(HEAD, rows(report, sc.id), `|---|${HEAD.slice(1).map(() => '---:').join('|')}|`), '');
    for (const c of report.results.filter((r) => r.scenario === sc.id && r.status === 'failed')) out.push(`- ${c.style} failed: ${c.error}`);
  }
  if (charts.length) out.push('## Charts', '', ...charts.map((c) => `![${c}](${c}.svg)`), '');
  return out.join('\n');
}

/** The source material's comparison table (000, lines 722–730), in English, beside our numbers. */
export const SOURCE_CLAIMS: Readonly<Record<string, string>> = {
  REST: '+ simple, scalable, cacheable; − under- and over-fetching',
  GraphQL: '+ flexible queries, one endpoint; − hard to cache, more server load',
  'JSON-RPC': '+ simple, compact; − limited functionality',
  'SOAP 1.1': '+ strict typing, extensible; − verbose XML, complex',
  'SOAP 1.2': '+ strict typing, extensible; − verbose XML, complex',
  gRPC: '+ fast, strict contracts; − harder to debug, not in browsers directly',
};

/** README rows, in the source material's order; a style not registered yet keeps its row with dashes. */
export const README_STYLES: readonly { id: string; label: string }[] = [
  { id: 'rest', label: 'REST' },
  { id: 'graphql', label: 'GraphQL' },
  { id: 'jsonrpc', label: 'JSON-RPC' },
  { id: 'soap-1.1', label: 'SOAP 1.1' },
  { id: 'soap-1.2', label: 'SOAP 1.2' },
  { id: 'grpc', label: 'gRPC' },
];

export const README_HEAD = [
  'style',
  'get-user bytes (up / down)',
  'nested read bytes (up / down)',
  'nested read round trips',
  'get-user p50 ms',
  'get-user server CPU µs',
  'the source material says',
];

export const README_BEGIN = '<!-- compare-table:begin (generated by `npm run compare -- --readme`; do not edit) -->';
export const README_END = '<!-- compare-table:end -->';

function total(c: Cell | undefined, which: 'cold' | 'warm'): number | undefined {
  const f = c?.[which];
  return f ? f.bytesUp + f.bytesDown : undefined;
}

/** A few plain sentences read off the report (each only when its figures are there). */
export function observations(report: Report): string[] {
  const label = new Map(report.styles.map((s) => [s.id, s.label]));
  const ok = (scenario: string) => report.results.filter((c) => c.scenario === scenario && c.status === 'ok');
  const out: string[] = [];
  const nested = ok('nested-read');
  if (nested.length > 1) {
    const byTrips = new Map<number, string[]>();
    for (const c of nested) byTrips.set(c.warm!.roundTrips, [...(byTrips.get(c.warm!.roundTrips) ?? []), label.get(c.style) ?? c.style]);
    const parts = [...byTrips.entries()].sort((a, b) => a[0] - b[0]).map(([n, styles]) => `${styles.join(', ')}: ${trips(n)}`);
    out.push(`Round trips for the nested read — ${parts.join('; ')}.`);
  }
  const get = ok('get-user').filter((c) => c.warm);
  if (get.length > 1) {
    const sorted = [...get].sort((a, b) => total(a, 'warm')! - total(b, 'warm')!);
    const [least, most] = [sorted[0]!, sorted.at(-1)!];
    out.push(
      `Bytes for one get-user on a warm connection: ${label.get(least.style)} ${int(total(least, 'warm')!)}, ${label.get(most.style)} ${int(total(most, 'warm')!)} (${(total(most, 'warm')! / total(least, 'warm')!).toFixed(1)}×).`,
    );
    const first = [...get].sort((a, b) => total(b, 'cold')! - total(b, 'warm')! - (total(a, 'cold')! - total(a, 'warm')!))[0]!;
    if (total(first, 'cold')! > 2 * total(first, 'warm')!) {
      out.push(
        `A fresh ${label.get(first.style)} client's first get-user moves ${int(total(first, 'cold')!)} bytes in ${trips(first.cold!.roundTrips)} round trips${first.style.startsWith('soap') ? ' (the client reads the WSDL first)' : ''}, against ${int(total(first, 'warm')!)} once warm.`,
      );
    }
  }
  const cpu = get.filter((c) => c.cpu);
  if (cpu.length > 1) {
    const sorted = [...cpu].sort((a, b) => a.cpu!.microsPerRun - b.cpu!.microsPerRun);
    out.push(`Server CPU per get-user: from ${micros(sorted[0]!.cpu!.microsPerRun)} µs (${label.get(sorted[0]!.style)}) to ${micros(sorted.at(-1)!.cpu!.microsPerRun)} µs (${label.get(sorted.at(-1)!.style)}).`);
  }
  return out;
}

/** The README's comparison block: where the figures come from, the table, and the charts of the same run. */
export function readmeBlock(report: Report, chartDir: string | undefined): string {
  const extra = report.styles.filter((s) => !README_STYLES.some((r) => r.id === s.id));
  const body = [...README_STYLES, ...extra].map((s) => {
    const get = cellFigures(findCell(report, 'get-user', s.id));
    const nested = cellFigures(findCell(report, 'nested-read', s.id));
    const registered = report.styles.some((r) => r.id === s.id);
    const pair = (a: string, b: string) => (a === b && !/\d/.test(a) ? a : `${a} / ${b}`);
    return [
      s.label,
      registered ? pair(get.up, get.down) : '—',
      registered ? pair(nested.up, nested.down) : '—',
      registered ? nested.trips : '—',
      registered ? get.p50 : '—',
      registered ? get.cpu : '—',
      SOURCE_CLAIMS[s.label] ?? '',
    ];
  });
  const lines = [
    README_BEGIN,
    '',
    `Measured ${runLine(report)}.`,
    '',
    mdTable(README_HEAD, body, '|---|---:|---:|---:|---:|---:|---|'),
    '',
    ...observations(report).map((o) => `- ${o}`),
    '',
  ];
  if (chartDir) lines.push(...['bytes', 'bytes-cold', 'round-trips', 'latency', 'cpu'].map((c) => `![${c}](${chartDir}/${c}.svg)`), '');
  lines.push(README_END);
  return lines.join('\n');
}

/** README text with its comparison block replaced (the markers must already be there). */
export function replaceReadmeBlock(readme: string, block: string): string {
  const start = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (start === -1 || end < start) throw new Error('README.md has no comparison block markers');
  return readme.slice(0, start) + block + readme.slice(end + README_END.length);
}
