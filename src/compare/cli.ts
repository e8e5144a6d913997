import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { runComparison, type CompareOptions } from './compare.js';
import { CpuMeter, endpointProbe, procProbe } from './cpu.js';
import { startEmbeddedGateway, type EmbeddedGateway } from './gateway.js';
import { updateReadme, writeReports } from './output.js';
import { SCENARIOS } from './scenarios.js';
import { allStyles } from './styles.js';
import { terminalTables } from './tables.js';

const LIMITS = { iterations: 100_000, concurrency: 64, warmRuns: 100 } as const;

export const HELP = `polyface-compare: run the same work through every API style and show what it costs.

Usage: npm run compare -- [options]

  --url <url>           compare a running gateway instead of starting one
                        (its server CPU is read from GET /compare/api/cpu, admin only)
  --username <name>     an admin login for --url (default: admin)
  --password <secret>   its password (default: $ADMIN_PASSWORD)
  --scenarios <ids>     comma-separated, default all: ${SCENARIOS.map((s) => s.id).join(', ')}
  --styles <ids>        comma-separated, default all registered: ${allStyles()
  .map((s) => s.id)
  .join(', ')}
  --iterations <n>      timed runs per scenario and style (default 100, at most ${LIMITS.iterations})
  --warmup <n>          untimed runs first (default: a tenth of --iterations, at least 5)
  --concurrency <n>     runs in flight at once (default 1, at most ${LIMITS.concurrency})
  --warm-runs <n>       warm runs averaged for bytes and round trips (default 3)
  --out <dir>           where report.json, report.md, report.html and the charts go
                        (default ./compare-report)
  --readme              also rewrite README.md's comparison table and docs/compare/*.svg
  --no-progress         no progress bar
  -h, --help            this text

Without --url, a gateway is started as a child process on a scratch SQLite
database (removed afterwards) and its CPU is read from /proc.`;

function count(raw: string | undefined, fallback: number, name: string, max: number, min = 0): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

export class UsageError extends Error {}

export interface CliOptions extends Omit<CompareOptions, 'url' | 'embedded' | 'credentials' | 'cpu' | 'progress'> {
  url: string | undefined;
  username: string;
  password: string | undefined;
  out: string;
  readme: boolean;
  progress: boolean;
}

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      allowNegative: true,
      options: {
        url: { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        scenarios: { type: 'string' },
        styles: { type: 'string' },
        iterations: { type: 'string' },
        warmup: { type: 'string' },
        concurrency: { type: 'string' },
        'warm-runs': { type: 'string' },
        out: { type: 'string' },
        readme: { type: 'boolean', default: false },
        progress: { type: 'boolean', default: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const list = (v: string | undefined) => v?.split(',').map((x) => x.trim()).filter(Boolean);
  const iterations = count(values.iterations, 100, 'iterations', LIMITS.iterations, 1);
  if (values.url !== undefined && !/^http:\/\//.test(values.url)) throw new UsageError('--url must be an http:// URL (the wire tap reads cleartext)');
  return {
    url: values.url?.replace(/\/$/, ''),
    username: values.username ?? 'admin',
    password: values.password ?? env.ADMIN_PASSWORD,
    scenarios: list(values.scenarios),
    styles: list(values.styles),
    iterations,
    warmup: count(values.warmup, Math.max(5, Math.round(iterations / 10)), 'warmup', LIMITS.iterations),
    concurrency: count(values.concurrency, 1, 'concurrency', LIMITS.concurrency, 1),
    warmRuns: count(values['warm-runs'], 3, 'warm-runs', LIMITS.warmRuns, 1),
    out: values.out ?? 'compare-report',
    readme: values.readme,
    progress: values.progress,
  };
}

/** The whole command: returns the exit code. Human output on stdout, progress and errors on stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  let cli: CliOptions | 'help';
  try {
    cli = parseCli(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${HELP}\n`);
    return 2;
  }
  if (cli === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (cli.url && !cli.password) {
    process.stderr.write('--url needs an admin password: --password or ADMIN_PASSWORD\n');
    return 2;
  }
  const started = Date.now();
  let gateway: EmbeddedGateway | undefined;
  const bar = new cliProgress.SingleBar(
    { format: ' {bar} {percentage}% | {value}/{total} runs | {label}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let barStarted = false;
  // Interrupted: the embedded gateway and its scratch folder go too.
  const stop = () => void (gateway?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    if (!cli.url) process.stderr.write('starting an embedded gateway on a scratch database…\n');
    gateway = cli.url ? undefined : await startEmbeddedGateway();
    const url = cli.url ?? gateway!.url;
    const report = await runComparison({
      ...cli,
      url,
      embedded: !!gateway,
      credentials: gateway ? gateway.credentials : { username: cli.username, password: cli.password! },
      cpu: gateway ? async () => new CpuMeter(await procProbe(gateway!.pid)) : (token) => new CpuMeter(endpointProbe(url, token)),
      progress: cli.progress
        ? (done, total, label) => {
            if (!barStarted) {
              bar.start(total, 0, { label });
              barStarted = true;
            }
            bar.update(done, { label });
          }
        : undefined,
    });
    if (barStarted) bar.stop();
    await gateway?.stop();
    gateway = undefined;
    process.stdout.write(`${terminalTables(report)}\n`);
    const out = resolve(cli.out);
    const files = await writeReports(report, out);
    process.stdout.write(`\nwrote ${files.length} files to ${out} (open report.html)\n`);
    if (cli.readme) {
      await updateReadme(report, resolve('README.md'), resolve('docs/compare'));
      process.stdout.write('updated README.md and docs/compare/\n');
    }
    process.stdout.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return report.results.some((r) => r.status === 'failed') ? 1 : 0;
  } catch (err) {
    if (barStarted) bar.stop();
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
    await gateway?.stop();
  }
}
