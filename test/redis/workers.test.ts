import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { RestClient } from '../../src/clients/rest.js';
import { take } from '../events/support.js';
import { dropPrefix, freePort, REDIS_URL, testPrefix } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'polyface-workers-'));
const prefix = testPrefix('workers');
let proc: ChildProcess | undefined;
afterAll(async () => {
  proc?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  await dropPrefix(prefix);
});

it('WORKERS=2 runs two full instances behind node:cluster on one port, sharing the database and Redis; SIGTERM stops them all', { timeout: 240_000 }, async () => {
  // node:cluster workers share the primary's listener, so the port is fixed rather than 0.
  const [port, grpcPort] = [await freePort(), await freePort()];
  proc = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      GRPC_PORT: String(grpcPort),
      WORKERS: '2',
      REDIS_URL,
      REDIS_PREFIX: prefix,
      DATABASE_URL: join(dir, 'workers.db'),
      ADMIN_PASSWORD: 'workers-admin',
      DEMO_PASSWORD: 'workers-demo',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const serving = new Promise<void>((resolve, reject) => {
    proc!.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('2 workers serving')) resolve();
    });
    proc!.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  await serving;
  // Each worker is a full instance and logs its own start; the last line may land a moment after the primary's.
  const listening = () => stdout.split('\n').filter((l) => l.startsWith('{') && (JSON.parse(l) as { msg: string }).msg.startsWith('polyface listening on')).length;
  for (let i = 0; i < 100 && listening() < 2; i++) await new Promise((r) => setTimeout(r, 100));
  expect(listening()).toBe(2);
  expect(stdout.split('\n').filter((l) => l.includes('seeded demo data'))).toHaveLength(1);
  // The first worker generated nothing and seeded once: both accept the same admin password and see one Alice.
  const base = `http://127.0.0.1:${port}`;
  const login = async () => {
    const res = await fetch(`${base}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Connection: 'close' },
      body: JSON.stringify({ username: 'admin', password: 'workers-admin' }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const token = await login();
  expect(await login()).toBeTruthy();
  const rest = new RestClient(base);
  const alice = await rest.call('listUsers', { email: 'alice@example.com' }, token);
  expect(alice).toMatchObject({ ok: true, data: { total: 1 } });
  // A subscriber on one connection sees a change made on others, whichever worker took each.
  const sub = rest.subscribe(['user.created'], { token });
  await sub.ready;
  for (let i = 0; i < 4; i++) expect((await rest.call('createUser', { name: `W${i}`, email: `w${i}@example.com` }, token)).ok).toBe(true);
  expect((await take(sub, 4)).map((e) => (e.data as { email: string }).email)).toEqual(['w0@example.com', 'w1@example.com', 'w2@example.com', 'w3@example.com']);
  await sub.close();

  proc.kill('SIGTERM');
  const [code] = (await once(proc, 'exit')) as [number | null];
  expect(code).toBe(0);
  proc = undefined;
});
