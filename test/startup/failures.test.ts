import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'polyface-fail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real entry point (`npm start` runs the same module), with only the given settings and a fresh database. */
function start(env: Record<string, string>, timeoutMs = 40_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', GRPC_PORT: '0', DATABASE_URL: join(dir, `db-${Math.random()}.sqlite`), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`still running after ${timeoutMs} ms: ${stdout} ${stderr}`));
    }, timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** One readable line on stderr, nothing on stdout, exit code 1, no stack. */
function expectOneLine(run: Run, ...parts: string[]): void {
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^polyface: cannot start: /);
  for (const part of parts) expect(lines[0]).toContain(part);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('a failed start is one readable line naming the setting, exit code 1, no stack', { timeout: 120_000 }, () => {
  let blocker: Server;
  let taken: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    taken = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => blocker.close(() => r())));

  it('port in use: names PORT and the fix, and touches no secret or database', async () => {
    const db = join(dir, 'untouched.sqlite');
    const run = await start({ PORT: String(taken), DATABASE_URL: db });
    expectOneLine(run, `PORT=${taken} is already in use`, 'set PORT to a free port');
    expect(run.stderr).not.toContain('password');
    expect(existsSync(db)).toBe(false);
  });

  it('port in use on a database that already has secrets: they stay as they were', async () => {
    const db = join(dir, 'kept.sqlite');
    const first = await start({ DATABASE_URL: db, PORT: String(taken), ADMIN_PASSWORD: '' });
    expect(first.code).toBe(1);
    // Now give the database its secrets with a normal start that is stopped at once.
    const ok = await startAndStop({ DATABASE_URL: db });
    expect(ok.stderr).toContain('generated the admin password');
    const before = settings(db);
    const again = await start({ DATABASE_URL: db, PORT: String(taken) });
    expectOneLine(again, 'already in use');
    expect(settings(db)).toEqual(before);
  });

  it('GRPC_PORT in use stops the start the same way, before secrets', async () => {
    const db = join(dir, 'grpc-taken.sqlite');
    const run = await start({ GRPC_PORT: String(taken), DATABASE_URL: db });
    expectOneLine(run, `GRPC_PORT=${taken} is already in use`, 'set GRPC_PORT to a free port');
    expect(existsSync(db)).toBe(false);
  });

  it('PORT that is not a port', async () => {
    const [word, big] = await Promise.all([start({ PORT: 'eighty' }), start({ PORT: '70000' })]);
    expectOneLine(word, 'PORT must be a non-negative integer, got "eighty"');
    expectOneLine(big, 'PORT must be at most 65535');
  });

  it('unknown LOG_LEVEL names the variable and the allowed values', async () => {
    expectOneLine(await start({ LOG_LEVEL: 'verbose' }), 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"');
  });

  it('a database path that cannot be opened fails at once instead of hanging', async () => {
    const [proc, underFile, notDb] = await Promise.all([
      start({ DATABASE_URL: '/proc/polyface.db' }),
      start({ DATABASE_URL: join(root, 'package.json', 'db.sqlite') }),
      start({ DATABASE_URL: join(root, 'package.json') }),
    ]);
    expectOneLine(proc, 'DATABASE_URL=/proc/polyface.db', 'set DATABASE_URL to a file path');
    expectOneLine(underFile, 'DATABASE_URL=', 'cannot use it as the SQLite database');
    expectOneLine(notDb, 'file is not a database');
  });

  it('malformed or unsupported DATABASE_URL values', async () => {
    const [pg, mysql, host, escape] = await Promise.all(
      ['postgres:///polyface', 'mysql://localhost/db', 'sqlite://db.example.com/x.db', 'sqlite:%zz.db'].map((url) => start({ DATABASE_URL: url })),
    );
    expectOneLine(pg!, 'DATABASE_URL names PostgreSQL but no host');
    expectOneLine(mysql!, 'unsupported scheme "mysql:"');
    expectOneLine(host!, 'names a host');
    expectOneLine(escape!, 'malformed %-escape');
    // Refused before anything is opened: no folder named after the scheme appears where polyface runs.
    expect(existsSync(join(root, 'sqlite:'))).toBe(false);
    expect(existsSync(join(root, 'mysql:'))).toBe(false);
  });

  it('a PostgreSQL server that is not there: one line after the connect retries, the password masked', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const run = await start({ DATABASE_URL: `postgres://polyface:s3cret@127.0.0.1:${closed}/polyface`, DATABASE_CONNECT_RETRIES: '1' });
    expectOneLine(run, `DATABASE_URL=postgres://polyface:***@127.0.0.1:${closed}/polyface: cannot reach the PostgreSQL database after 2 attempts`, 'ECONNREFUSED');
    expect(run.stderr).not.toContain('s3cret');
  });

  it('a HOST that is not an address of this machine', async () => {
    expectOneLine(await start({ HOST: '192.0.2.1' }), 'HOST=192.0.2.1 is not an address of this machine');
  });

  it('Redis not reachable at start names REDIS_URL (without its password) and the fix', async () => {
    // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
    const run = await start({ REDIS_URL: 'redis://:s3cret@127.0.0.1:1' });
    expectOneLine(run, 'REDIS_URL=redis://:***@127.0.0.1:1 is not reachable', 'ECONNREFUSED', 'unset REDIS_URL');
    expect(run.stderr).not.toContain('s3cret');
  });

  it('REDIS_URL that is not a redis URL, and WORKERS combinations that would split state', async () => {
    const [scheme, noRedis, memory, garbage] = await Promise.all([
      start({ REDIS_URL: 'http://127.0.0.1:6379' }),
      start({ WORKERS: '2' }),
      start({ WORKERS: '2', REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: ':memory:' }),
      start({ WORKERS: 'many' }),
    ]);
    expectOneLine(scheme!, 'REDIS_URL must be a redis:// or rediss:// URL');
    expectOneLine(noRedis!, 'WORKERS=2 needs REDIS_URL');
    expectOneLine(memory!, 'WORKERS=2 cannot share DATABASE_URL=:memory:');
    expectOneLine(garbage!, 'WORKERS must be a positive integer or auto, got "many"');
  });

  it('with LOG_LEVEL=debug the same failure also prints the stack', async () => {
    const run = await start({ PORT: String(taken), LOG_LEVEL: 'debug' });
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')[0]).toContain('already in use');
    expect(run.stderr).toMatch(/\n\s+at /);
    expect(run.stderr).toContain('EADDRINUSE');
  });
});

function settings(db: string): Record<string, string> {
  const sqlite = new Database(db, { readonly: true });
  try {
    return Object.fromEntries((sqlite.prepare('select key, value from settings order by key').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  } finally {
    sqlite.close();
  }
}

/** A start that succeeds: wait for the listening line, then SIGTERM. */
function startAndStop(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', GRPC_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (stdout.includes('listening on')) proc.kill('SIGTERM');
    });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`did not start: ${stdout} ${stderr}`));
    }, 40_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
