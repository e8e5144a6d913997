// npm run bench:http [-- --seconds 5 --rounds 3 --connections 10 --only GraphQL --json out.json --env NAME=value]
//
// polyface and each style's usual library, side by side in one run: every server pinned to core 0, the load
// generator (autocannon, or grpc-js for gRPC, in this process) on core 1, configurations interleaved round by
// round, server CPU charged from /proc/<pid>/stat, windows thrown away when anything else used core 0. Prints µs of
// server CPU per request, req/s, p50/p99 latency, peak RSS, each polyface style's ratio to its peer with the target,
// the µs the access log adds per request (two REST-only gateways alike but for LOG_LEVEL), and polyface's peak RSS
// under a mixed load (every style and logins at once).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { demoToken, ensureBuilt, envPairs, freePort, median, POLYFACE_ENV, root, untilHealthy } from '../support.js';
import { CASES, SERVERS, type Case, type ServerSpec } from './cases.js';
import { grpcLoad, type LoadResult } from './grpc-load.js';
import { coreTicks, peakRssMiB, processTicks, rssMiB, TICK_US } from './proc.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string' },
    'max-other': { type: 'string', default: '0.05' },
    mixed: { type: 'boolean', default: true },
    json: { type: 'string' },
    // Settings for the polyface servers only, e.g. --env MALLOC_MMAP_THRESHOLD_=131072 (the image's malloc setting).
    env: { type: 'string', multiple: true, default: [] },
  },
});
const extraEnv = envPairs(args.env);
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const connections = Number(args.connections);
const maxOther = Number(args['max-other']);
const pinned = availableParallelism() >= 2 && existsSync('/usr/bin/taskset');
const SERVER_CORE = 0;

interface Running {
  spec: ServerSpec;
  proc: ChildProcess;
  port: number;
  /** polyface's dedicated gRPC listener (GRPC_PORT); peers serve gRPC on `port`. */
  grpcPort: number;
  startMs: number;
  idleRssMiB: number;
}

const scratch = mkdtempSync(join(tmpdir(), 'polyface-bench-'));
const DATABASE_URL = join(scratch, 'bench.db');

async function start(spec: ServerSpec): Promise<Running> {
  const port = await freePort();
  const grpcPort = spec.script ? port : await freePort();
  const command = spec.script
    ? [process.execPath, '--import', 'tsx', join(root, 'bench/http/peers', spec.script)]
    : [process.execPath, join(root, 'dist/app/main.js')];
  const argv = pinned ? ['taskset', '-c', String(SERVER_CORE), ...command] : command;
  const logFd = spec.logFile ? openSync(join(scratch, `${spec.name.replace(/\W+/g, '-')}.log`), 'a') : undefined;
  const began = performance.now();
  const proc = spawn(argv[0]!, argv.slice(1), {
    cwd: root,
    env: {
      ...process.env,
      ...(spec.script ? {} : { ...POLYFACE_ENV, DATABASE_URL, GRPC_PORT: String(grpcPort), ...extraEnv }),
      LOG_LEVEL: 'warn',
      ...spec.env,
      PORT: String(port),
    },
    stdio: ['ignore', logFd ?? (spec.script ? 'pipe' : 'ignore'), 'inherit'],
  });
  if (logFd !== undefined) closeSync(logFd);
  if (spec.script) {
    // Peers say `ready <port>` once listening (a gRPC-only peer cannot be probed over HTTP/1.1).
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      proc.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (/^ready /m.test(seen)) resolve();
      });
      proc.once('exit', (code) => reject(new Error(`${spec.name} exited with ${code}`)));
    });
    proc.stdout!.resume();
  } else {
    await untilHealthy(proc, `http://127.0.0.1:${port}`, spec.name);
  }
  const startMs = performance.now() - began;
  await new Promise((r) => setTimeout(r, 500));
  return { spec, proc, port, grpcPort, startMs, idleRssMiB: rssMiB(proc.pid!) };
}

interface Sample {
  usPerRequest: number;
  rps: number;
  p50: number;
  p99: number;
}

async function load(server: Running, c: Case, token: string, duration: number, conns = connections): Promise<LoadResult> {
  if (c.kind === 'grpc') return grpcLoad(`127.0.0.1:${server.grpcPort}`, token, duration, conns);
  const r = c.request(token);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}${r.path}`,
    method: r.method,
    headers: r.headers ?? {},
    ...(r.body === undefined ? {} : { body: r.body }),
    connections: conns,
    duration,
  });
  return { total: result.requests.total, failed: result.non2xx + result.errors, p50: result.latency.p50, p99: result.latency.p99 };
}

async function measure(server: Running, c: Case, token: string): Promise<Sample | undefined> {
  await load(server, c, token, Number(args.warmup));
  for (let attempt = 0; attempt < 3; attempt++) {
    const pid = server.proc.pid!;
    const t0 = processTicks(pid);
    const k0 = coreTicks(SERVER_CORE);
    const result = await load(server, c, token, seconds);
    const serverTicks = processTicks(pid) - t0;
    const k1 = coreTicks(SERVER_CORE);
    if (result.failed > 0) throw new Error(`${c.name}: ${result.failed} failed answers`);
    const other = pinned ? (k1.busy - k0.busy - serverTicks) / Math.max(1, k1.total - k0.total) : 0;
    if (other > maxOther) {
      process.stdout.write(`  (${c.name}: ${(other * 100).toFixed(1)}% of core ${SERVER_CORE} went to other processes; window discarded)\n`);
      continue;
    }
    return { usPerRequest: (serverTicks * TICK_US) / result.total, rps: result.total / seconds, p50: result.p50, p99: result.p99 };
  }
  return undefined;
}

/**
 * Every polyface case at once, plus password logins (scrypt) a few at a time, for twice the window: the peak RSS
 * (VmHWM) after it is the "peak under a mixed load" figure.
 */
async function mixedLoad(polyface: Running, token: string): Promise<number> {
  const cases = CASES.filter((c) => c.server === 'polyface');
  const login = autocannon({
    url: `http://127.0.0.1:${polyface.port}/api/v1/auth/token`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'alice@example.com', password: 'demo-password' }),
    connections: 4,
    duration: seconds * 2,
  });
  await Promise.all([login, ...cases.map((c) => load(polyface, c, token, seconds * 2, Math.max(2, Math.ceil(connections / cases.length))))]);
  return peakRssMiB(polyface.proc.pid!);
}

async function main(): Promise<void> {
  ensureBuilt();
  // -a: every thread of this process (V8's GC helpers and libuv's pool already run, on any core), not just the main one.
  if (pinned) execFileSync('taskset', ['-a', '-pc', '1', String(process.pid)], { stdio: 'ignore' });
  const only = args.only ? new RegExp(args.only, 'i') : undefined;
  const cases = CASES.filter((c) => !only || only.test(c.name) || CASES.some((p) => p.peer?.name === c.name && only.test(p.name)));
  const needed = SERVERS.filter((s) => cases.some((c) => c.server === s.name) || (s.name === 'polyface' && args.mixed && !only));
  // The first start creates and seeds the database; the cold start that counts is the second, on existing data.
  if (needed.some((s) => !s.script)) {
    const first = await start(SERVERS[0]!);
    first.proc.kill('SIGTERM');
    await new Promise((r) => first.proc.once('exit', r));
  }
  const servers = new Map<string, Running>();
  for (const spec of needed) servers.set(spec.name, await start(spec));
  const polyface = servers.get('polyface');
  let token = '';
  const anyPolyface = [...servers.values()].find((s) => !s.spec.script);
  if (anyPolyface) token = await demoToken(`http://127.0.0.1:${anyPolyface.port}`);

  const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  for (let round = 1; round <= rounds; round++) {
    process.stdout.write(`round ${round}/${rounds}\n`);
    for (const c of cases) {
      const s = await measure(servers.get(c.server)!, c, token);
      if (s) samples.get(c.name)!.push(s);
    }
  }
  const mixedPeak = polyface && args.mixed && !only ? (process.stdout.write('mixed load (every style and logins at once)\n'), await mixedLoad(polyface, token)) : undefined;

  const rows = cases.map((c) => {
    const list = samples.get(c.name)!;
    const us = median(list.map((s) => s.usPerRequest));
    const server = servers.get(c.server)!;
    const peer = c.peer && median(samples.get(c.peer.name)?.map((s) => s.usPerRequest) ?? []);
    const ratio = c.peer && peer ? (c.peer.delta ? us - peer : us / peer) : undefined;
    return {
      case: c.name,
      clean: list.length,
      usPerRequest: Math.round(us * 10) / 10,
      rps: Math.round(median(list.map((s) => s.rps))),
      p50ms: median(list.map((s) => s.p50)),
      p99ms: median(list.map((s) => s.p99)),
      peakRssMiB: Math.round(peakRssMiB(server.proc.pid!)),
      ...(c.peer
        ? { peer: c.peer.name, [c.peer.delta ? 'deltaUs' : 'ratio']: ratio === undefined ? undefined : Math.round(ratio * 100) / 100, target: c.peer.target, met: ratio !== undefined && ratio <= c.peer.target }
        : {}),
    };
  });
  const pad = (v: unknown, n: number) => String(v ?? '').padEnd(n);
  process.stdout.write(`\n${pad('case', 32)}${pad('clean', 6)}${pad('µs/req', 9)}${pad('req/s', 8)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('peak MiB', 10)}vs peer (target)\n`);
  for (const r of rows) {
    const vs =
      'ratio' in r ? `${r.ratio}× (≤ ${r.target}) ${r.met ? 'met' : 'NOT met'}` : 'deltaUs' in r ? `+${r.deltaUs} µs (≤ ${r.target} µs) ${r.met ? 'met' : 'NOT met'}` : '';
    process.stdout.write(`${pad(r.case, 32)}${pad(r.clean, 6)}${pad(r.usPerRequest, 9)}${pad(r.rps, 8)}${pad(r.p50ms, 8)}${pad(r.p99ms, 8)}${pad(r.peakRssMiB, 10)}${vs}\n`);
  }
  if (polyface) {
    process.stdout.write(`\npolyface: cold start to /healthz on an existing database ${Math.round(polyface.startMs)} ms (target ≤ 300; npm run bench:startup for the median of several); idle RSS ${Math.round(polyface.idleRssMiB)} MiB (target ≤ 80)\n`);
  }
  if (mixedPeak !== undefined) process.stdout.write(`polyface: peak RSS under the mixed load ${Math.round(mixedPeak)} MiB (target ≤ 150)\n`);
  if (!pinned) process.stdout.write('note: fewer than 2 cores or no taskset: server and load generator share cores, figures are rough\n');
  if (args.json)
    writeFileSync(args.json, JSON.stringify({ date: new Date().toISOString(), seconds, rounds, rows, polyface: polyface && { coldStartMs: polyface.startMs, idleRssMiB: polyface.idleRssMiB, mixedPeakRssMiB: mixedPeak } }, null, 2));
  for (const s of servers.values()) s.proc.kill('SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
}

await main();
