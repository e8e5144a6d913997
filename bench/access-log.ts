// npx tsx bench/access-log.ts [-- --lines 100000]
//
// The CPU one access line costs the process, apart from HTTP: the line the front door writes (src/hosts/http.ts,
// one small object) through pino to a file: synchronously, a write(2) per line (as before issue 18); in 4 KiB
// batches handed to the thread pool (sonic-boom's asynchronous mode); and in 4 KiB batches written synchronously
// (what src/infra/logger.ts does now). bench:http's "access log on" case measures the same
// thing end to end; this one has far less noise on a shared machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { destination, pino } from 'pino';
import { median } from './support.js';

const { values: args } = parseArgs({ options: { lines: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } } });
const lines = Number(args.lines);
const dir = mkdtempSync(join(tmpdir(), 'polyface-access-'));
const LINE = { requestId: 'e3e85cc3-cd0e-4b71-bec7-8df04bb36843', method: 'GET', url: '/api/v1/users/1', status: 200, ms: 1, operation: 'getUser', principal: 'user:1' };

type Mode = 'per line' | 'batched, thread pool' | 'batched, synchronous';
const MODES: Mode[] = ['per line', 'batched, thread pool', 'batched, synchronous'];

async function run(mode: Mode): Promise<number> {
  const batch = mode === 'per line' ? {} : { minLength: 4096, periodicFlush: 250 };
  const dest = destination({ dest: join(dir, `access-${MODES.indexOf(mode)}.log`), sync: mode !== 'batched, thread pool', ...batch });
  const log = pino({ level: 'info', base: { service: 'polyface' }, redact: ['req.headers.authorization', 'password'] }, dest);
  const c0 = process.cpuUsage();
  for (let i = 0; i < lines; i++) {
    log.info(LINE, 'request');
    // Requests arrive over event-loop turns, not in one synchronous burst: let the asynchronous writes run.
    if (i % 10 === 9) await new Promise((r) => setImmediate(r));
  }
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  const c = process.cpuUsage(c0);
  dest.destroy();
  return (c.user + c.system) / lines;
}

try {
  const figures = new Map<Mode, number[]>(MODES.map((m) => [m, []]));
  for (let r = 0; r < Number(args.rounds); r++) for (const mode of MODES) figures.get(mode)!.push(await run(mode));
  process.stdout.write(`access line, CPU per line (median of ${args.rounds} × ${lines}; target: logging adds ≤ 5 µs/request):\n`);
  for (const [mode, us] of figures) process.stdout.write(`  ${mode.padEnd(22)} ${median(us).toFixed(2)} µs\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
