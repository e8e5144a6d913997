// npm run bench:http [-- --seconds 5 --rounds 3 --connections 10 --only GraphQL --json out.json]
//
// polyface and each style's usual library, side by side in one run: every server pinned to core 0, the load
// generator (autocannon, in this process) on core 1, configurations interleaved round by round, server CPU
// charged from /proc/<pid>/stat, windows thrown away when anything else used core 0. Prints µs of server CPU
// per request, req/s, p50/p99 latency, peak RSS, and each polyface style's ratio to its peer with the target.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { CASES, SERVERS, type Case, type ServerSpec } from './cases.js';
import { coreTicks, peakRssMiB, processTicks, rssMiB, TICK_US } from './proc.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string' },
    'max-other': { type: 'string', default: '0.05' },
    json: { type: 'string' },
  },
});
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const maxOther = Number(args['max-other']);
const pinned = availableParallelism() >= 2 && existsSync('/usr/bin/taskset');
const SERVER_CORE = 0;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Compiles src/ when dist/ is missing or older, as `npm start` does: the benchmark measures the compiled gateway. */
function ensureBuilt(): void {
  const entry = join(root, 'dist/app/main.js');
  if (existsSync(entry) && statSync(entry).mtimeMs > statSync(join(root, 'src/app/app.ts')).mtimeMs) return;
  process.stdout.write('building…\n');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
}

interface Running {
  spec: ServerSpec;
  proc: ChildProcess;
  port: number;
  startMs: number;
  idleRssMiB: number;
}

const scratch = mkdtempSync(join(tmpdir(), 'polyface-bench-'));
const POLYFACE_ENV = { HOST: '127.0.0.1', GRPC_PORT: '0', DATABASE_URL: join(scratch, 'bench.db'), ADMIN_PASSWORD: 'bench-admin-password', DEMO_PASSWORD: 'demo-password', NODE_ENV: 'production' };

async function start(spec: ServerSpec, env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const command = spec.script
    ? [process.execPath, '--import', 'tsx', join(root, 'bench/http/peers', spec.script)]
    : [process.execPath, join(root, 'dist/app/main.js')];
  const argv = pinned ? ['taskset', '-c', String(SERVER_CORE), ...command] : command;
  const began = performance.now();
  const proc = spawn(argv[0]!, argv.slice(1), {
    cwd: root,
    env: { ...process.env, ...(spec.script ? {} : POLYFACE_ENV), LOG_LEVEL: 'warn', ...spec.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${spec.name} exited with ${proc.exitCode}`);
    try {
      const probe = spec.script ? '/' : '/healthz';
      await fetch(`http://127.0.0.1:${port}${probe}`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const startMs = performance.now() - began;
  await new Promise((r) => setTimeout(r, 500));
  return { spec, proc, port, startMs, idleRssMiB: rssMiB(proc.pid!) };
}

interface Sample {
  usPerRequest: number;
  rps: number;
  p50: number;
  p99: number;
}

function load(port: number, c: Case, token: string, duration: number) {
  const r = c.request(token);
  return autocannon({
    url: `http://127.0.0.1:${port}${r.path}`,
    method: r.method,
    headers: r.headers ?? {},
    ...(r.body === undefined ? {} : { body: r.body }),
    connections: Number(args.connections),
    duration,
  });
}

async function measure(server: Running, c: Case, token: string): Promise<Sample | undefined> {
  await load(server.port, c, token, Number(args.warmup));
  for (let attempt = 0; attempt < 3; attempt++) {
    const pid = server.proc.pid!;
    const t0 = processTicks(pid);
    const k0 = coreTicks(SERVER_CORE);
    const result = await load(server.port, c, token, seconds);
    const serverTicks = processTicks(pid) - t0;
    const k1 = coreTicks(SERVER_CORE);
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${c.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    const other = pinned ? (k1.busy - k0.busy - serverTicks) / Math.max(1, k1.total - k0.total) : 0;
    if (other > maxOther) {
      process.stdout.write(`  (${c.name}: ${(other * 100).toFixed(1)}% of core ${SERVER_CORE} went to other processes; window discarded)\n`);
      continue;
    }
    const requests = result.requests.total;
    return { usPerRequest: (serverTicks * TICK_US) / requests, rps: requests / seconds, p50: result.latency.p50, p99: result.latency.p99 };
  }
  return undefined;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN;
};

async function main(): Promise<void> {
  ensureBuilt();
  if (pinned) execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
  const cases = CASES.filter((c) => !args.only || new RegExp(args.only, 'i').test(c.name) || CASES.some((p) => p.peer?.name === c.name && new RegExp(args.only!, 'i').test(p.name)));
  const needed = SERVERS.filter((s) => cases.some((c) => c.server === s.name));
  // The first start creates and seeds the database; the cold start that counts is the second, on existing data.
  if (needed.some((s) => s.name === 'polyface')) {
    const first = await start(SERVERS[0]!);
    first.proc.kill('SIGTERM');
    await new Promise((r) => first.proc.once('exit', r));
  }
  const servers = new Map<string, Running>();
  for (const spec of needed) servers.set(spec.name, await start(spec));
  const polyface = servers.get('polyface');
  let token = '';
  if (polyface) {
    const res = await fetch(`http://127.0.0.1:${polyface.port}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'alice@example.com', password: 'demo-password' }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  }

  const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  for (let round = 1; round <= rounds; round++) {
    process.stdout.write(`round ${round}/${rounds}\n`);
    for (const c of cases) {
      const s = await measure(servers.get(c.server)!, c, token);
      if (s) samples.get(c.name)!.push(s);
    }
  }

  const rows = cases.map((c) => {
    const list = samples.get(c.name)!;
    const us = median(list.map((s) => s.usPerRequest));
    const server = servers.get(c.server)!;
    const peer = c.peer && median(samples.get(c.peer.name)?.map((s) => s.usPerRequest) ?? []);
    const ratio = c.peer && peer ? us / peer : undefined;
    return {
      case: c.name,
      clean: list.length,
      usPerRequest: Math.round(us * 10) / 10,
      rps: Math.round(median(list.map((s) => s.rps))),
      p50ms: median(list.map((s) => s.p50)),
      p99ms: median(list.map((s) => s.p99)),
      peakRssMiB: Math.round(peakRssMiB(server.proc.pid!)),
      ...(c.peer ? { peer: c.peer.name, ratio: ratio && Math.round(ratio * 100) / 100, target: c.peer.target, met: ratio !== undefined && ratio <= c.peer.target } : {}),
    };
  });
  const pad = (v: unknown, n: number) => String(v ?? '').padEnd(n);
  process.stdout.write(`\n${pad('case', 32)}${pad('µs/req', 9)}${pad('req/s', 8)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('peak MiB', 10)}ratio (target)\n`);
  for (const r of rows) {
    const ratio = 'ratio' in r ? `${r.ratio} (≤ ${r.target}) ${r.met ? 'met' : 'NOT met'}` : '';
    process.stdout.write(`${pad(r.case, 32)}${pad(r.usPerRequest, 9)}${pad(r.rps, 8)}${pad(r.p50ms, 8)}${pad(r.p99ms, 8)}${pad(r.peakRssMiB, 10)}${ratio}\n`);
  }
  if (polyface) {
    process.stdout.write(`\npolyface: cold start to /healthz on an existing database ${Math.round(polyface.startMs)} ms (target ≤ 300); idle RSS ${Math.round(polyface.idleRssMiB)} MiB (target ≤ 80)\n`);
  }
  if (!pinned) process.stdout.write('note: fewer than 2 cores or no taskset: server and load generator share cores, figures are rough\n');
  if (args.json) writeFileSync(args.json, JSON.stringify({ date: new Date().toISOString(), seconds, rounds, rows, polyface: polyface && { coldStartMs: polyface.startMs, idleRssMiB: polyface.idleRssMiB } }, null, 2));
  for (const s of servers.values()) s.proc.kill('SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
}

await main();
