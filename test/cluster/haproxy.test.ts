import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpcClient } from '../../src/clients/grpc.js';
import { RestClient } from '../../src/clients/rest.js';
import { freePort, login, root, SECRETS, startCluster } from './support.js';

const HAPROXY = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';
const CONFIG = join(root, 'deploy', 'haproxy.cfg');
/** Failed logins per account in the first window (LOGIN_FAILURES_PER_ACCOUNT), counted across both instances. */
const FAILURE_LIMIT = 6;

let cluster: Awaited<ReturnType<typeof startCluster>>;
let haproxy: ChildProcess | undefined;
let haproxyLog = '';
let http = '';
let grpcAddress = '';

beforeAll(async () => {
  cluster = await startCluster('haproxy', { LOGIN_FAILURES_PER_ACCOUNT: String(FAILURE_LIMIT) });
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  http = `http://127.0.0.1:${httpPort}`;
  grpcAddress = `127.0.0.1:${grpcPort}`;
  // The same file deploy/compose.yaml mounts; only the addresses differ (environment).
  haproxy = spawn(HAPROXY, ['-db', '-f', CONFIG], {
    env: { PATH: process.env.PATH, HAPROXY_HTTP_BIND: `127.0.0.1:${httpPort}`, HAPROXY_GRPC_BIND: grpcAddress, GATEWAY_A: `127.0.0.1:${cluster.a.port}`, GATEWAY_B: `127.0.0.1:${cluster.b.port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  haproxy.stdout!.setEncoding('utf8').on('data', (d: string) => (haproxyLog += d));
  haproxy.stderr!.setEncoding('utf8').on('data', (d: string) => (haproxyLog += d));
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${http}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`HAProxy did not come up: ${haproxyLog}`);
});
afterAll(async () => {
  haproxy?.kill('SIGKILL');
  await cluster?.close();
});

describe('two instances behind a real HAProxy (deploy/haproxy.cfg)', () => {
  it('the configuration is valid for haproxy -c', () => {
    const check = spawnSync(HAPROXY, ['-c', '-f', CONFIG], {
      env: { PATH: process.env.PATH, HAPROXY_HTTP_BIND: '127.0.0.1:8080', HAPROXY_GRPC_BIND: '127.0.0.1:50051', GATEWAY_A: '127.0.0.1:3000', GATEWAY_B: '127.0.0.1:3001' },
      encoding: 'utf8',
    });
    expect(check.stdout + check.stderr).toContain('Configuration file is valid');
    expect(check.status).toBe(0);
  });

  it('HTTP/1.1 through HAProxy reaches both instances, which share one database', async () => {
    const token = (await login(http, 'admin', SECRETS.ADMIN_PASSWORD)).token!;
    const rest = new RestClient(http);
    const created = await rest.call('createProduct', { name: 'Proxied', price: '1.25' }, token);
    expect(created.ok).toBe(true);
    // Fresh connections alternate between the servers (roundrobin); every one sees the product.
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${http}/api/v1/products?name=Proxied`, { headers: { Authorization: `Bearer ${token}`, Connection: 'close' } });
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).toContain('Proxied');
    }
  });

  it('gRPC as h2c through HAProxy', async () => {
    const token = (await login(cluster.b.url, 'admin', SECRETS.ADMIN_PASSWORD)).token!;
    const client = new GrpcClient(grpcAddress);
    try {
      expect(await client.call('listProducts', {}, token)).toMatchObject({ ok: true });
      expect(await client.call('listProducts', {}, 'not-a-token')).toMatchObject({ ok: false, kind: 'UNAUTHENTICATED' });
    } finally {
      await client.close();
    }
  });

  it('failed logins alternating A and B are throttled together', async () => {
    // The login throttle counts an account's failures in Redis: A and B spend from one budget, so the refusals
    // begin after FAILURE_LIMIT failures in all (each instance alone would allow FAILURE_LIMIT, i.e. twice as many
    // alternating attempts), and then even the right password is refused.
    const statuses: number[] = [];
    for (let i = 0; i < FAILURE_LIMIT + 2; i++) statuses.push((await login(i % 2 ? cluster.b.url : cluster.a.url, 'admin', 'wrong-password')).status);
    expect(statuses).toEqual([...Array(FAILURE_LIMIT).fill(401), 429, 429]);
    expect((await login(cluster.a.url, 'admin', SECRETS.ADMIN_PASSWORD)).status).toBe(429);
    expect((await login(cluster.b.url, 'admin', SECRETS.ADMIN_PASSWORD)).status).toBe(429);
  });
});
