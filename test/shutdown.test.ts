import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => child?.kill('SIGKILL'));

/** The real entry point in its own process, on an ephemeral port. */
async function startMain(): Promise<{ proc: ChildProcess; port: number; logs: string[] }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', GRPC_PORT: '0', HOST: '127.0.0.1', DATABASE_URL: ':memory:', ADMIN_PASSWORD: 'x-admin-pass', DEMO_PASSWORD: 'x-demo-pass', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child = proc;
  const logs: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      logs.push(...chunk.split('\n').filter(Boolean));
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(chunk);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
  return { proc, port, logs };
}

it('on SIGTERM stops accepting, lets an in-flight request finish, and exits 0', async () => {
  const { proc, port, logs } = await startMain();

  // An in-flight request: headers sent, body still arriving when the signal lands.
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const body = '{"jsonrpc":"2.0","method":"login","params":{"username":"admin","password":"x-admin-pass"},"id":7}';
  socket.write(`POST /rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
  socket.write(body.slice(0, 10));
  let reply = '';
  socket.setEncoding('utf8').on('data', (d: string) => (reply += d));
  await new Promise((r) => setTimeout(r, 100));

  proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();

  socket.write(body.slice(10));
  const [code] = await once(proc, 'exit');
  expect(code).toBe(0);
  expect(reply).toMatch(/^HTTP\/1\.1 200/);
  expect(reply).toContain('"access_token"');
  expect(reply).toMatch(/x-request-id: [0-9a-f-]{36}/i);
  const entries = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(entries.some((e) => e.msg === 'shutting down' && e.signal === 'SIGTERM')).toBe(true);
  // The access log line carries the same request id the client saw.
  const requestId = /x-request-id: ([0-9a-f-]{36})/i.exec(reply)![1];
  expect(entries).toContainEqual(expect.objectContaining({ msg: 'request', url: '/rpc', status: 200, requestId }));
});
