// npm run bench:startup [-- --runs 5 --idle 1000 --env MALLOC_MMAP_THRESHOLD_=131072]
//
// Cold start of the compiled gateway (`node dist/app/main.js`, NODE_ENV=production as `npm start` sets it) on an
// existing database: wall time from spawn to the first 200 from /healthz, the process's own CPU time by then (from
// /proc/<pid>/stat — steadier than wall time on a shared machine), and RSS after it has idled. Median of N spawns.
// --env adds settings to the gateway's environment, e.g. the deploy/Dockerfile's malloc setting.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt, envPairs, freePort, median, POLYFACE_ENV, root, untilHealthy } from './support.js';
import { processTicks, rssMiB, TICK_US } from './http/proc.js';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' }, idle: { type: 'string', default: '1000' }, env: { type: 'string', multiple: true, default: [] } } });

const extra = envPairs(args.env);

interface Start {
  wallMs: number;
  cpuMs: number;
  idleRssMiB: number;
}

async function once(db: string): Promise<Start> {
  const port = await freePort();
  const began = performance.now();
  const proc = spawn(process.execPath, [join(root, 'dist/app/main.js')], {
    cwd: root,
    env: { ...process.env, ...POLYFACE_ENV, DATABASE_URL: db, LOG_LEVEL: 'warn', PORT: String(port), ...extra },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await untilHealthy(proc, `http://127.0.0.1:${port}`, 'polyface', 5);
    const wallMs = performance.now() - began;
    const cpuMs = (processTicks(proc.pid!) * TICK_US) / 1000;
    await new Promise((r) => setTimeout(r, Number(args.idle)));
    return { wallMs, cpuMs, idleRssMiB: rssMiB(proc.pid!) };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r(undefined) : proc.once('exit', r)));
  }
}

ensureBuilt();
const scratch = mkdtempSync(join(tmpdir(), 'polyface-startup-'));
const db = join(scratch, 'startup.db');
try {
  // The first start creates, migrates and seeds the database; the starts that count find it in place.
  await once(db);
  const runs: Start[] = [];
  for (let i = 0; i < Number(args.runs); i++) runs.push(await once(db));
  const m = (pick: (s: Start) => number) => Math.round(median(runs.map(pick)));
  process.stdout.write(`cold start to /healthz (compiled, NODE_ENV=production${args.env!.map((kv) => `, ${kv}`).join('')}, existing database), median of ${runs.length}:\n`);
  process.stdout.write(`  wall ${m((s) => s.wallMs)} ms (target ≤ 300; each run: ${runs.map((s) => Math.round(s.wallMs)).join(', ')})\n`);
  process.stdout.write(`  CPU  ${m((s) => s.cpuMs)} ms of the process's own time by then\n`);
  process.stdout.write(`  idle RSS ${m((s) => s.idleRssMiB)} MiB after ${args.idle} ms (target ≤ 80)\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
