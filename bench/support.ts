import { execFileSync } from 'node:child_process';
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
