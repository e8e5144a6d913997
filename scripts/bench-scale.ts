/**
 * Scaling out, measured: requests per second of one gateway instance against
 * two (`WORKERS=1` and `WORKERS=2`: the real entry point, node:cluster on one
 * port), both with REDIS_URL (shared limits and events) and one SQLite file,
 * under the same autocannon load: an authenticated `GET /api/v1/products`
 * (reads: storage, auth cache, the interceptor chain, JSON) and a
 * `POST /rpc` `getProduct`. Prints a Markdown table (README "Scaling out").
 * Each run is bounded (a few seconds); it only targets 127.0.0.1.
 *
 *   TEST_REDIS_URL=redis://127.0.0.1:6379 npx tsx scripts/bench-scale.ts [seconds=8] [connections=32]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const [seconds = 8, connections = 32] = process.argv.slice(2).map(Number);
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const root = fileURLToPath(new URL('..', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function run(workers: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'polyface-scale-'));
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      GRPC_PORT: String(await freePort()),
      WORKERS: String(workers),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: `polyface:bench:${randomUUID().slice(0, 8)}:`,
      DATABASE_URL: join(dir, 'bench.db'),
      ADMIN_PASSWORD: 'bench-admin',
      DEMO_PASSWORD: 'bench-demo',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    // Ready when /readyz answers (every worker is started before the primary forks the next one, and the first serves first).
    for (let i = 0; ; i++) {
      if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) break;
      if (i > 600 || proc.exitCode !== null) throw new Error(`gateway with WORKERS=${workers} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (workers > 1) await new Promise((r) => setTimeout(r, 3000));
    const login = await fetch(`${base}/api/v1/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-admin' }) });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const cases = {
      'REST GET /api/v1/products': { method: 'GET' as const, path: '/api/v1/products', body: undefined },
      'JSON-RPC getProduct': { method: 'POST' as const, path: '/rpc', body: JSON.stringify({ jsonrpc: '2.0', method: 'getProduct', params: { id: 1 }, id: 1 }) },
    };
    const out: Record<string, number> = {};
    for (const [name, c] of Object.entries(cases)) {
      const result = await autocannon({ url: base + c.path, method: c.method, headers, body: c.body, connections, duration: seconds });
      if (result.non2xx > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers`);
      out[name] = Math.round(result.requests.average);
    }
    return out;
  } finally {
    proc.kill('SIGTERM');
    await once(proc, 'exit');
    rmSync(dir, { recursive: true, force: true });
  }
}

// The machine's load before and after: on a shared machine the figures mean little when it is high.
const before = loadavg()[0]!.toFixed(1);
const one = await run(1);
const two = await run(2);
console.log(`\n${cpus().length} cores, load average ${before} before and ${loadavg()[0]!.toFixed(1)} after, ${connections} connections, ${seconds} s per case\n`);
console.log('| case | 1 instance (req/s) | 2 instances (req/s) | ratio |');
console.log('|---|---|---|---|');
for (const name of Object.keys(one)) console.log(`| ${name} | ${one[name]} | ${two[name]} | ${(two[name]! / one[name]!).toFixed(2)} |`);
