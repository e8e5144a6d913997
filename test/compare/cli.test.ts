import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../src/compare/cli.js';
import { report as reportSchema } from '../../src/compare/report.js';
import { allStyles } from '../../src/compare/styles.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'polyface-cli-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['bin/polyface-compare.mjs', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ADMIN_PASSWORD: '' } });

describe('npm run compare (bin/polyface-compare.mjs)', () => {
  it('starts its own gateway, prints the tables, and writes report.json in the documented format plus Markdown, HTML and SVG charts', () => {
    const run = cli(['--iterations', '3', '--warmup', '1', '--warm-runs', '1', '--scenarios', 'get-user,nested-read', '--out', out, '--no-progress']);
    expect(run.stderr).toContain('starting an embedded gateway');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Get one user \(get-user\)\n┌/);
    expect(run.stdout).toMatch(/│ style +│ bytes up │ bytes down │ first call bytes │ round trips │ p50 ms │ p95 ms │ p99 ms │ server CPU µs │/);
    expect(run.stdout).toContain(`wrote 8 files to ${out}`);

    const report = reportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(report.target.embedded).toBe(true);
    expect(report.options).toMatchObject({ iterations: 3, warmup: 1, concurrency: 1, warmRuns: 1, scenarios: ['get-user', 'nested-read'] });
    expect(report.results).toHaveLength(2 * allStyles().length);
    for (const c of report.results) {
      expect(c.status, c.error).toBe('ok');
      // The tool started the gateway, so it reads the gateway's CPU from /proc at sub-millisecond resolution.
      expect(c.cpu!.source).toBe('proc-schedstat');
      expect(c.cpu!.microsPerRun).toBeGreaterThan(0);
    }
    for (const f of ['report.md', 'report.html', 'bytes.svg', 'bytes-cold.svg', 'round-trips.svg', 'latency.svg', 'cpu.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| style | bytes up | bytes down |');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<svg[\s\S]*Nested read/);
  });

  it('--help prints the options; a bad option is exit 2 with the reason', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--iterations <n>');
    const bad = cli(['--iterations', 'many']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--iterations must be an integer from 1 to 100000, got "many"');
    const url = cli(['--url', 'http://127.0.0.1:9']);
    expect(url.status).toBe(2);
    expect(url.stderr).toContain('--url needs an admin password');
  });
});

describe('parseCli', () => {
  it('reads every option, with documented defaults', () => {
    expect(parseCli([], {})).toEqual({
      url: undefined,
      username: 'admin',
      password: undefined,
      scenarios: undefined,
      styles: undefined,
      iterations: 100,
      warmup: 10,
      concurrency: 1,
      warmRuns: 3,
      out: 'compare-report',
      readme: false,
      progress: true,
    });
    expect(
      parseCli(['--url', 'http://127.0.0.1:3000/', '--scenarios', 'get-user, batch-10', '--styles', 'rest', '--iterations', '200', '--concurrency', '4', '--readme', '--no-progress'], {
        ADMIN_PASSWORD: 'from-env',
      }),
    ).toMatchObject({ url: 'http://127.0.0.1:3000', password: 'from-env', scenarios: ['get-user', 'batch-10'], styles: ['rest'], iterations: 200, warmup: 20, concurrency: 4, readme: true, progress: false });
    expect(parseCli(['-h'])).toBe('help');
  });

  it('refuses values outside the limits, unknown options and non-http URLs', () => {
    expect(() => parseCli(['--iterations', '0'])).toThrow(UsageError);
    expect(() => parseCli(['--iterations', '100001'])).toThrow(/at most|from 1 to 100000/);
    expect(() => parseCli(['--concurrency', '65'])).toThrow(/--concurrency must be an integer from 1 to 64/);
    expect(() => parseCli(['--warm-runs', '0'])).toThrow(/--warm-runs/);
    expect(() => parseCli(['--fast'])).toThrow(/Unknown option '--fast'/);
    expect(() => parseCli(['--url', 'https://example.test'])).toThrow(/--url must be an http:\/\/ URL/);
  });
});
