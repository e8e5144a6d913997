// npm run bench:profile -- --only 'polyface REST' [--seconds 5 --top 40 --by function|package]
//
// Where one polyface case's server CPU goes: starts the compiled gateway under `node --cpu-prof` (pinned to core 0
// like bench:http), drives the case from core 1 for the window, stops the server so V8 writes its profile, and
// prints the heaviest functions (or packages) by self time with their share of the busy samples. The profile file
// is kept for Chrome DevTools / speedscope.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { demoToken, ensureBuilt, envPairs, freePort, POLYFACE_ENV, root, untilHealthy } from '../support.js';
import { CASES } from './cases.js';
import { grpcLoad } from './grpc-load.js';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: 'polyface /healthz' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    top: { type: 'string', default: '40' },
    by: { type: 'string', default: 'function' },
    env: { type: 'string', multiple: true, default: [] },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const only = new RegExp(args.only!, 'i');
const c = CASES.find((k) => k.server === 'polyface' && only.test(k.name));
if (!c) throw new Error(`no polyface case matches ${args.only}; cases: ${CASES.filter((k) => k.server === 'polyface').map((k) => k.name).join(', ')}`);
ensureBuilt();
const pinned = availableParallelism() >= 2 && existsSync('/usr/bin/taskset');
if (pinned) execFileSync('taskset', ['-a', '-pc', '1', String(process.pid)], { stdio: 'ignore' });
const scratch = mkdtempSync(join(tmpdir(), 'polyface-profile-'));
const port = await freePort();
const grpcPort = await freePort();
const command = [process.execPath, '--cpu-prof', `--cpu-prof-dir=${scratch}`, join(root, 'dist/app/main.js')];
const extra = envPairs(args.env);
const proc = spawn(pinned ? 'taskset' : command[0]!, pinned ? ['-c', '0', ...command] : command.slice(1), {
  cwd: root,
  env: { ...process.env, ...POLYFACE_ENV, DATABASE_URL: join(scratch, 'profile.db'), GRPC_PORT: String(grpcPort), LOG_LEVEL: 'warn', PORT: String(port), ...extra },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
await untilHealthy(proc, base);
const token = await demoToken(base);
if (c.kind !== 'grpc') {
  // A 200 can still carry a failure (JSON-RPC, GraphQL, SOAP faults are 500): show the first answer, so a profile of an error path is not mistaken for the real one.
  const r = c.request(token);
  const first = await fetch(base + r.path, { method: r.method, headers: r.headers ?? {}, ...(r.body === undefined ? {} : { body: r.body }) });
  process.stdout.write(`first answer: ${first.status} ${(await first.text()).slice(0, 160)}\n`);
}
const seconds = Number(args.seconds);
const connections = Number(args.connections);
let requests: number;
// V8 stamps samples with the monotonic clock in µs, as process.hrtime does: start-up and the login are left out.
const loadFrom = Number(process.hrtime.bigint() / 1000n);
if (c.kind === 'grpc') requests = (await grpcLoad(`127.0.0.1:${grpcPort}`, token, seconds, connections)).total;
else {
  const r = c.request(token);
  const result = await autocannon({ url: base + r.path, method: r.method, headers: r.headers ?? {}, ...(r.body === undefined ? {} : { body: r.body }), connections, duration: seconds });
  if (result.non2xx + result.errors) throw new Error(`${c.name}: ${result.non2xx + result.errors} failed answers`);
  requests = result.requests.total;
}
proc.kill('SIGINT');
await new Promise((r) => proc.once('exit', r));
const file = readdirSync(scratch).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(join(scratch, file), 'utf8')) as Profile;

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let busy = 0;
let at = profile.startTime;
let counted = 0;
for (const [i, id] of profile.samples.entries()) {
  at += profile.timeDeltas[i]!;
  if (at < loadFrom) continue;
  counted++;
  const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
  if (functionName === '(idle)') continue;
  busy++;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  const short = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
  const key = args.by === 'package' ? (pkg ?? (url.includes('/dist/') ? short : url.startsWith('node:') ? url : functionName || '(native)')) : `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + 1);
}
const perSample = (profile.endTime - Math.max(loadFrom, profile.startTime)) / Math.max(1, counted);
process.stdout.write(`${c.name}: ${requests} requests in ${seconds} s; ${busy} busy samples (${((busy * perSample) / requests).toFixed(1)} µs/request of sampled main-thread time)\n`);
for (const [key, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) {
  process.stdout.write(`${((100 * n) / busy).toFixed(1).padStart(5)}%  ${((n * perSample) / requests).toFixed(2).padStart(7)} µs  ${key}\n`);
}
process.stdout.write(`profile: ${join(scratch, file)}\n`);
