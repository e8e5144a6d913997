import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** How the benchmarks start polyface: demo data and fixed passwords, production mode, gRPC on a free port. */
export const POLYFACE_ENV = {
  HOST: '127.0.0.1',
  GRPC_PORT: '0',
  ADMIN_PASSWORD: 'bench-admin-password',
  DEMO_PASSWORD: 'demo-password',
  NODE_ENV: 'production',
};

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const newest = (dir: string): number =>
  Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));

/** Compiles src/ when dist/ is missing or older, as `npm start` does: the benchmarks measure the compiled gateway. */
export function ensureBuilt(): void {
  const entry = join(root, 'dist/app/main.js');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newest(join(root, 'src'))) return;
  process.stdout.write('building…\n');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN;
};

/** Polls a started polyface until /healthz answers 200 (every `everyMs`); throws if the process exits first. */
export async function untilHealthy(proc: ChildProcess, base: string, name = 'polyface', everyMs = 10): Promise<void> {
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A bearer token for the demo user of a polyface started with POLYFACE_ENV (REST's password grant). */
export async function demoToken(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'alice@example.com', password: POLYFACE_ENV.DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`the demo login answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** `--env NAME=value` options as an environment (the value may contain '='). */
export const envPairs = (list: readonly string[] | undefined): Record<string, string> =>
  Object.fromEntries((list ?? []).map((kv) => kv.split(/=(.*)/s).slice(0, 2) as [string, string]));
