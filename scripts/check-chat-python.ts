/**
 * `npm run test:python-chat`: a python-socketio client (Debian's
 * python3-socketio, run with /usr/bin/python3) and a node socket.io-client
 * meet in a room of a real gateway and exchange messages, once over each
 * transport. Prints one line per run and a closing "N passed, N failed";
 * exits non-zero on any failure. .ci/run installs the Python packages when
 * missing and runs this after `npm test`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { buildApp } from '../src/app/app.js';
import { testConfig } from '../src/infra/config.js';

const PYTHON = process.env.CHAT_PYTHON ?? '/usr/bin/python3';
const script = fileURLToPath(new URL('./chat_client.py', import.meta.url));

async function token(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function run(base: string, transport: 'polling' | 'websocket'): Promise<void> {
  const room = `python-${transport}`;
  const node = io(base, { auth: { token: await token(base, 'alice@example.com', 'demo-password') }, forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    node.once('connect', resolve);
    node.once('connect_error', reject);
  });
  try {
    await node.emitWithAck('join_room', { room_id: room });
    const fromPython = new Promise<Record<string, unknown>>((resolve) =>
      node.on('new_message', (m: Record<string, unknown>) => m.message === `hello from python over ${transport}` && resolve(m)),
    );
    // Speak once the Python client is in the room.
    node.on('user_joined', (m: { username: string }) => {
      if (m.username === 'Py (Bob)') node.emit('send_message', { room_id: room, message: 'hello from node' });
    });
    const child = spawn(PYTHON, [script, base, 'bob@example.com', 'demo-password', room, transport], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const result = lines.at(-1) as { result?: { from_node?: { username?: string } }; transport?: string };
    if (code !== 0) throw new Error(`python client exited ${code}: ${out}`);
    if (result.result?.from_node?.username !== 'Alice') throw new Error(`python did not hear Alice: ${out}`);
    if (result.transport !== transport) throw new Error(`python used ${result.transport}, not ${transport}`);
    const heard = await Promise.race([fromPython, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('node did not hear python')), 5_000))]);
    if (heard.username !== 'Py (Bob)') throw new Error(`unexpected sender ${String(heard.username)}`);
  } finally {
    node.close();
  }
}

const app = await buildApp(testConfig(), () => {});
const base = await app.listen();
let passed = 0;
let failed = 0;
for (const transport of ['polling', 'websocket'] as const) {
  try {
    await run(base, transport);
    passed++;
    process.stdout.write(`ok   python-socketio ↔ socket.io-client over ${transport}: login, join_room, send_message both ways\n`);
  } catch (err) {
    failed++;
    process.stdout.write(`FAIL python-socketio ↔ socket.io-client over ${transport}: ${(err as Error).message}\n`);
  }
}
await app.close();
process.stdout.write(`chat-python: ${passed} passed, ${failed} failed\n`);
process.exit(failed ? 1 : 0);
