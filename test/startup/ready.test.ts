import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'polyface-ready-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('the first answer after start', { timeout: 60_000 }, () => {
  it('on a new database, a login right after the first 200 from /healthz finds the seeded account (the placeholder answers 503 until then)', async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), GRPC_PORT: '0', DATABASE_URL: join(scratch, 'new.db'), LOG_LEVEL: 'warn', ADMIN_PASSWORD: 'ready-admin', DEMO_PASSWORD: 'ready-demo' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      const statuses = new Set<number>();
      for (;;) {
        expect(proc.exitCode).toBeNull();
        const status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
        statuses.add(status);
        if (status === 200) break;
        // 0: not bound yet; 503: bound, still starting (seeding and the demo password run then).
        expect([0, 503]).toContain(status);
        await new Promise((r) => setTimeout(r, 5));
      }
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'alice@example.com', password: 'ready-demo' }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { access_token?: unknown }).access_token).toEqual(expect.any(String));
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r(undefined) : proc.once('exit', r)));
    }
  });

  it('on a database that has its data, the door opens before the password checks end, and a login right after the first 200 sees a changed DEMO_PASSWORD', async () => {
    const db = join(scratch, 'existing.db');
    const start = (demo: string) => {
      const port = freePort();
      return port.then((p) => ({
        port: p,
        proc: spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
          cwd: root,
          env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(p), GRPC_PORT: '0', DATABASE_URL: db, LOG_LEVEL: 'warn', ADMIN_PASSWORD: 'ready-admin', DEMO_PASSWORD: demo },
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      }));
    };
    const stop = async (proc: ReturnType<typeof spawn>) => {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r(undefined) : proc.once('exit', r)));
    };
    const healthy = async (port: number, proc: ReturnType<typeof spawn>) => {
      for (;;) {
        expect(proc.exitCode).toBeNull();
        if ((await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0)) === 200) return;
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const login = (port: number, password: string) =>
      fetch(`http://127.0.0.1:${port}/api/v1/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'alice@example.com', password }) }).then((r) => r.status);
    const first = await start('first-demo');
    try {
      await healthy(first.port, first.proc);
      expect(await login(first.port, 'first-demo')).toBe(200);
    } finally {
      await stop(first.proc);
    }
    const second = await start('second-demo');
    try {
      await healthy(second.port, second.proc);
      // Made at once: they wait for DEMO_PASSWORD to be applied, rather than checking against the old hash.
      expect(await Promise.all([login(second.port, 'second-demo'), login(second.port, 'first-demo')])).toEqual([200, 401]);
    } finally {
      await stop(second.proc);
    }
  });

  it('a lone access line reaches stdout without further traffic (log lines are batched, and a quiet server still flushes them)', async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), GRPC_PORT: '0', DATABASE_URL: join(scratch, 'log.db'), LOG_LEVEL: 'info', LOG_FORMAT: 'json', ADMIN_PASSWORD: 'ready-admin', DEMO_PASSWORD: 'ready-demo' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    try {
      while (!/listening on http/.test(stdout)) {
        expect(proc.exitCode).toBeNull();
        await new Promise((r) => setTimeout(r, 20));
      }
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { 'X-Request-Id': 'lone-line-1' } });
      expect(res.status).toBe(200);
      const sent = Date.now();
      while (!stdout.includes('"requestId":"lone-line-1"') && Date.now() - sent < 3_000) await new Promise((r) => setTimeout(r, 10));
      const line = stdout.split('\n').find((l) => l.includes('"requestId":"lone-line-1"'));
      expect(line && JSON.parse(line)).toMatchObject({ msg: 'request', method: 'GET', url: '/healthz', status: 200 });
      expect(Date.now() - sent).toBeLessThan(2_500);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r(undefined) : proc.once('exit', r)));
    }
  });
});
