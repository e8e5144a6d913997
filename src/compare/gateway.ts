import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface EmbeddedGateway {
  readonly url: string;
  readonly pid: number;
  /** The admin login of this gateway (a fresh random password). */
  readonly credentials: { username: string; password: string };
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Longest wait for the gateway to listen. */
  startTimeoutMs?: number;
}

/** The "listening" line main.ts logs, in the log file. */
function listeningUrl(logFile: string): string | undefined {
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"url"')) continue;
    try {
      const entry = JSON.parse(line) as { url?: string };
      if (entry.url) return entry.url;
    } catch {
      // not a JSON line (yet): keep reading
    }
  }
  return undefined;
}

/**
 * The gateway as its own process, exactly as `npm run dev` runs it (tsx on
 * src/app/main.ts), on a scratch SQLite file in a temporary folder with the
 * demo data, on a port the OS picks. A separate process so its CPU can be
 * read from /proc without the measuring tool's own work in it. Its log goes
 * to a file in the same folder (the tool never reads its pipe while it
 * measures); the folder is removed on stop.
 */
export async function startEmbeddedGateway(options: EmbeddedOptions = {}): Promise<EmbeddedGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'polyface-compare-'));
  const logFile = join(dir, 'gateway.log');
  const log = openSync(logFile, 'a');
  const password = randomBytes(12).toString('base64url');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/app/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: join(dir, 'compare.db'),
      ADMIN_PASSWORD: password,
      DEMO_PASSWORD: 'demo-password',
      JWT_SECRET: randomBytes(32).toString('base64url'),
      SEED_DEMO_DATA: 'true',
      // As shipped: one access line per request (the cost of logging is part of a request's cost).
      LOG_LEVEL: 'info',
      RATE_LIMIT_CALLS_PER_MINUTE: '0',
      RATE_LIMIT_WRITES_PER_MINUTE: '0',
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    cleanup();
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let url: string | undefined;
  while (!url) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
      await stop();
      throw new Error(`The embedded gateway did not start${child.exitCode !== null ? ` (exit ${child.exitCode})` : ''}:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    url = listeningUrl(logFile);
  }
  return { url, pid: child.pid!, credentials: { username: 'admin', password }, stop };
}
