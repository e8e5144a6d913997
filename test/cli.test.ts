import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app/app.js';
import { TYPES } from '../src/app/tokens.js';
import { testConfig } from '../src/infra/config.js';
import { MIGRATION_NAMES } from '../src/infra/storage/migrations.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'polyface-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as `npx polyface` runs it (bin/polyface.mjs runs the compiled copy of the same module). */
function polyface(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/app/cli.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    proc.stdin.end(stdin ?? '');
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`polyface ${args.join(' ')} did not finish: ${stdout} ${stderr}`));
    }, 60_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function login(databaseUrl: string, username: string, password: string) {
  const app = await buildApp(testConfig({ databaseUrl, adminPassword: undefined, demoPassword: undefined, seedDemoData: false }), () => {});
  try {
    const auth = app.container.get(TYPES.DomainServices).auth;
    return await auth.authenticate((await auth.login({ username, password })).access_token);
  } finally {
    await app.close();
  }
}

describe('polyface CLI', { timeout: 120_000 }, () => {
  it('is the package bin, and every command has --help', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ polyface: 'bin/polyface.mjs', 'polyface-compare': 'bin/polyface-compare.mjs' });
    expect(readFileSync(join(root, pkg.bin.polyface!), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    const help = await polyface(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'seed', 'create-admin', 'reset-password', 'export-contracts', 'compare']) expect(help.stdout).toContain(`  ${command}`);
    const each = await Promise.all(['serve', 'migrate', 'seed', 'create-admin', 'reset-password', 'export-contracts'].map((c) => polyface([c, '--help'])));
    for (const run of each) {
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: polyface [a-z-]+ /);
    }
    // `compare` hands its arguments to the comparison CLI, whose help is its own.
    const compare = await polyface(['compare', '--help']);
    expect(compare.code).toBe(0);
    expect(compare.stdout).toContain('Usage: npm run compare -- [options]');
    const unknown = await polyface(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });

  it('migrate applies pending migrations once; seed fills an empty database once', async () => {
    const env = { DATABASE_URL: join(dir, 'a.sqlite'), DEMO_PASSWORD: 'demo-password' };
    expect(await polyface(['migrate'], env)).toMatchObject({ code: 0, stdout: `applied ${MIGRATION_NAMES.join(', ')}\n` });
    expect(MIGRATION_NAMES.slice(0, 2)).toEqual(['0001_initial', '0002_credentials_version']);
    expect(await polyface(['migrate'], env)).toMatchObject({ code: 0, stdout: 'database is up to date\n' });
    expect(await polyface(['seed'], env)).toMatchObject({ code: 0, stdout: 'seeded demo data\n' });
    expect(await polyface(['seed'], env)).toMatchObject({ code: 0, stdout: 'the database already holds data: nothing seeded\n' });
    expect(await login(env.DATABASE_URL, 'alice@example.com', 'demo-password')).toMatchObject({ subject: 'user:1' });
  });

  it('create-admin makes an admin user; reset-password changes a user\'s or the admin\'s password', async () => {
    const env = { DATABASE_URL: join(dir, 'b.sqlite'), DEMO_PASSWORD: 'demo-password' };
    await polyface(['seed'], env);
    const created = await polyface(['create-admin', '--email', 'Carol@Example.com', '--name', 'Carol', '--password-stdin'], env, 'carol-password-1\n');
    expect(created).toMatchObject({ code: 0, stdout: 'created admin user 3 (carol@example.com)\n' });
    expect(await login(env.DATABASE_URL, 'carol@example.com', 'carol-password-1')).toMatchObject({ role: 'admin', userId: 3 });

    const alice = await polyface(['reset-password', 'alice@example.com', '--password-stdin'], env, 'alice-new-password');
    expect(alice).toMatchObject({ code: 0, stdout: 'password changed for alice@example.com\n' });
    expect(await login(env.DATABASE_URL, 'alice@example.com', 'alice-new-password')).toMatchObject({ userId: 1 });
    await expect(login(env.DATABASE_URL, 'alice@example.com', 'demo-password')).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });

    const admin = await polyface(['reset-password', 'admin'], env);
    expect(admin.code).toBe(0);
    const generated = /^generated password: (\S+)$/m.exec(admin.stdout)![1]!;
    expect(admin.stdout).toContain('password changed for admin');
    expect(await login(env.DATABASE_URL, 'admin', generated)).toMatchObject({ subject: 'admin' });
  });

  it('fails in one line with exit code 1: unknown user, invalid input, bad DATABASE_URL', async () => {
    const env = { DATABASE_URL: join(dir, 'c.sqlite') };
    const nobody = await polyface(['reset-password', 'nobody@example.com', '--password-stdin'], env, 'some-password');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe('polyface reset-password: No user has the email nobody@example.com\n');
    const invalid = await polyface(['create-admin', '--email', 'not-an-email', '--name', 'X', '--password-stdin'], env, 'long-enough-1');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(invalid.stderr).toMatch(/^polyface create-admin: Invalid input: email: /);
    const odd = await polyface(['migrate'], { DATABASE_URL: 'mysql://x@localhost/db' });
    expect(odd.code).toBe(1);
    expect(odd.stderr).toMatch(/^polyface migrate: DATABASE_URL has the unsupported scheme "mysql:"/);
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const pg = await polyface(['migrate'], { DATABASE_URL: 'postgres://x:secret@127.0.0.1:1/db', DATABASE_CONNECT_RETRIES: '0' });
    expect(pg.code).toBe(1);
    expect(pg.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(pg.stderr).toMatch(/^polyface migrate: DATABASE_URL=postgres:\/\/x:\*\*\*@127\.0\.0\.1:1\/db: cannot reach the PostgreSQL database \(.*ECONNREFUSED/);
  });

  it('export-contracts writes every contract document the faces publish', async () => {
    const out = join(dir, 'contracts');
    const run = await polyface(['export-contracts', out, '--base-url', 'https://api.example.com'], { DATABASE_URL: join(dir, 'unused.sqlite') });
    expect(run.code).toBe(0);
    const files = ['openapi.json', 'openrpc.json', 'polyface.wsdl', 'schema.graphql', 'user.proto', join('polyface', 'v1', 'polyface.proto')];
    for (const f of files) expect(run.stdout).toContain(`wrote ${join(out, f)}`);
    expect(JSON.parse(readFileSync(join(out, 'openapi.json'), 'utf8'))).toMatchObject({ openapi: '3.1.0' });
    expect(JSON.parse(readFileSync(join(out, 'openrpc.json'), 'utf8'))).toMatchObject({ openrpc: '1.3.2' });
    expect(readFileSync(join(out, 'polyface.wsdl'), 'utf8')).toContain('location="https://api.example.com/soap"');
    expect(readFileSync(join(out, 'schema.graphql'), 'utf8')).toContain('type Query');
    expect(readFileSync(join(out, 'user.proto'), 'utf8')).toContain('package user;');
    expect(readFileSync(join(out, 'polyface', 'v1', 'polyface.proto'), 'utf8')).toContain('package polyface.v1;');
    // Built in memory: the database named in the environment is not created.
    expect(existsSync(join(dir, 'unused.sqlite'))).toBe(false);
  });
});
