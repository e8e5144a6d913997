// The source material's own Python REST client (seed 000, lines ~198–284), run unchanged but for
// its base_url against `npm start` with ADMIN_PASSWORD=password, as issue 16 asks. Called by .ci/run;
// needs /usr/bin/python3 with `requests` (Debian: python3-requests). Not part of `npm test`.
//
//   node scripts/source-client.mjs          # or: npm run source-client
//
// 1. When the source material is beside the repository (../shared/seeds, as in CI), checks that
//    examples/source-client/rest_client.py is its client verbatim except for the base_url line.
// 2. Starts `npm start` on a free loopback port with a throw-away database.
// 3. Runs the client with base_url pointed at that port, and checks that every step of its flow
//    printed success (the client catches its own exceptions, so its exit code alone proves nothing).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const clientPath = join(root, 'examples', 'source-client', 'rest_client.py');
const seedPath = join(root, '..', 'shared', 'seeds', '000_f1984208054c94f2.txt');
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const BASE_URL_LINE = /^base_url = '([^']*)'$/m;

function fail(message) {
  process.stderr.write(`source-client: ${message}\n`);
  process.exitCode = 1;
}

/** The ```python block of the seed that holds the client (the one with its base_url line). */
function seedClient(text) {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim() === "base_url = 'http://localhost:5000'");
  if (at === -1) return undefined;
  let start = at;
  while (start > 0 && !lines[start].startsWith('```python')) start--;
  let end = at;
  while (end < lines.length && !lines[end].startsWith('```')) end++;
  return lines.slice(start + 1, end).join('\n') + '\n';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, server, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`npm start exited with ${server.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${url}/healthz within ${timeoutMs / 1000} s`);
}

const client = readFileSync(clientPath, 'utf8');
if (existsSync(seedPath)) {
  const original = seedClient(readFileSync(seedPath, 'utf8'));
  if (!original) fail(`no client found in ${seedPath}`);
  else if (original.replace(BASE_URL_LINE, '') !== client.replace(BASE_URL_LINE, '')) fail(`${clientPath} differs from the source material's client beyond its base_url line`);
  else process.stdout.write('source-client: the checked-in client is the source material\'s, but for base_url\n');
} else {
  process.stdout.write(`source-client: ${seedPath} not found; running the checked-in client without comparing it\n`);
}

if (spawnSync(PYTHON, ['-c', 'import requests'], { stdio: 'ignore' }).status !== 0) {
  fail(`${PYTHON} cannot import requests (Debian: apt-get install python3-requests)`);
  process.exit();
}

const port = await freePort();
const url = `http://localhost:${port}`;
const dir = mkdtempSync(join(tmpdir(), 'polyface-source-client-'));
const server = spawn('npm', ['start'], {
  cwd: root,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, ADMIN_PASSWORD: 'password', PORT: String(port), GRPC_PORT: '0', HOST: '127.0.0.1', DATABASE_URL: join(dir, 'polyface.db'), LOG_LEVEL: 'warn' },
});
let serverLog = '';
server.stdout.on('data', (c) => (serverLog += c));
server.stderr.on('data', (c) => (serverLog += c));

try {
  await waitForHealth(`http://127.0.0.1:${port}`, server, 180_000);
  const runnable = join(dir, 'rest_client.py');
  writeFileSync(runnable, client.replace(BASE_URL_LINE, `base_url = '${url}'`));
  const run = spawnSync(PYTHON, [runnable], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, PYTHONIOENCODING: 'utf-8' } });
  const out = run.stdout ?? '';
  process.stdout.write(out);
  if (run.stderr) process.stderr.write(run.stderr);
  const steps = [
    ['authenticate', /^Успешная аутентификация, токен: \S+$/m],
    ['list users', /^Пользователи: \[\{'id': 1, 'name': 'Alice', 'email': 'alice@example\.com'\}, \{'id': 2, 'name': 'Bob', 'email': 'bob@example\.com'\}\]$/m],
    ['create Charlie', /^Создан новый пользователь: \{'id': \d+, 'name': 'Charlie', 'email': 'charlie@example\.com'\}$/m],
    ['patch his email', /^Обновленный пользователь: \{'id': \d+, 'name': 'Charlie', 'email': 'charlie\.updated@example\.com'\}$/m],
    ['delete him', /^Пользователь удален: True$/m],
  ];
  if (run.status !== 0) fail(`the client exited with ${run.status}`);
  if (/Ошибка/.test(out)) fail('the client reported an error');
  for (const [step, pattern] of steps) if (!pattern.test(out)) fail(`the client's "${step}" step did not print what it should`);
  if (!process.exitCode) process.stdout.write(`source-client: the client's whole flow ran (${steps.length} steps)\n`);
} catch (err) {
  fail(`${err.message}\n${serverLog}`);
} finally {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
  rmSync(dir, { recursive: true, force: true });
}
