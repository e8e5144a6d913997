import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { dropPrefix, REDIS_URL } from '../redis/support.js';

export { freePort } from '../redis/support.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** CI (.ci/run) sets both; a developer runs `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_REDIS_URL=redis://127.0.0.1:6379 npm run test:cluster`. */
export function clusterServices(): { databaseUrl: string; redisUrl: string } {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl || !process.env.TEST_REDIS_URL) {
    throw new Error('npm run test:cluster needs TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL (Redis); .ci/run sets both');
  }
  return { databaseUrl, redisUrl: REDIS_URL };
}

/** psql, run against the server TEST_DATABASE_URL names (no PostgreSQL client library needed in the tests). */
function psql(url: string, statement: string): void {
  const run = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', statement], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`psql failed: ${run.stderr || run.error?.message}`);
}

/** A scratch database of this branch on the server of TEST_DATABASE_URL; `drop` removes it (and ends its sessions). */
export function scratchDatabase(label: string): { url: string; drop(): void } {
  const { databaseUrl } = clusterServices();
  const name = `polyface_issue_redis_${label}_${randomUUID().slice(0, 8)}`;
  psql(databaseUrl, `create database ${name}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => psql(databaseUrl, `drop database if exists ${name} with (force)`) };
}

export interface Gateway {
  readonly name: string;
  readonly proc: ChildProcess;
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  readonly grpc: string;
  readonly stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export const SECRETS = { JWT_SECRET: 'cluster-test-secret-cluster-test-secret-0123', ADMIN_PASSWORD: 'cluster-admin', DEMO_PASSWORD: 'cluster-demo' };

/** The real entry point (what `npm start` runs) as its own process; resolves once it logs that it listens. */
export async function startGateway(name: string, env: Record<string, string>, port = 0): Promise<Gateway> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), GRPC_PORT: '0', LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...SECRETS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const started = await new Promise<{ url: string; grpc: string }>((resolve, reject) => {
    let buffer = '';
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string; grpc?: string };
          if (entry.msg?.startsWith('polyface listening on') && entry.url) resolve({ url: entry.url, grpc: entry.grpc ?? '' });
        } catch {
          // Not a log line.
        }
      }
    });
    proc.once('exit', (code) => reject(new Error(`gateway ${name} exited with ${code} during its start: ${err}`)));
  });
  return {
    name,
    proc,
    url: started.url,
    port: Number(new URL(started.url).port),
    grpc: started.grpc,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      const [code] = (await once(proc, 'exit')) as [number | null];
      return code;
    },
  };
}

/** Two gateways on one scratch PostgreSQL database and one Redis prefix, started at the same moment (migrations race). */
export async function startCluster(label: string, env: Record<string, string> = {}): Promise<{ a: Gateway; b: Gateway; prefix: string; close(): Promise<void> }> {
  const { redisUrl } = clusterServices();
  const db = scratchDatabase(label);
  const prefix = `polyface:test:issue-redis:cluster-${label}:${randomUUID().slice(0, 8)}:`;
  const shared = { DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, ...env };
  const started = await Promise.allSettled([startGateway('A', shared), startGateway('B', shared)]);
  const close = async (gateways: Gateway[]) => {
    await Promise.allSettled(gateways.map((g) => g.stop('SIGKILL')));
    db.drop();
    await dropPrefix(prefix);
  };
  const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await close(up);
    throw failed.reason;
  }
  const [a, b] = up as [Gateway, Gateway];
  return { a, b, prefix, close: () => close([a, b]) };
}

/** A token by the REST login, as a client would get it. */
export async function login(base: string, username: string, password: string): Promise<{ status: number; token?: string }> {
  const res = await fetch(`${base}/api/v1/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const body = (await res.json()) as { access_token?: string };
  return { status: res.status, ...(body.access_token ? { token: body.access_token } : {}) };
}
