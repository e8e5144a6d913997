import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { GRAPHQL_SHAPE, SOCKETIO_SHAPE } from '../../src/app/styles.js';
import { loadConfig } from '../../src/infra/config.js';
import { GraphqlHttp } from '../../src/protocols/graphql/http.js';
import { WsGuard } from '../../src/protocols/shared/ws.js';
import { WsConnections } from '../../src/protocols/shared/ws.js';
import { SocketChatHttp } from '../../src/protocols/socketio/http.js';
import type { Runtime } from '../../src/runtime/invoker.js';
import { createLogger } from '../../src/infra/logger.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'polyface-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Issue 18: what the first request does not need is not loaded at start (cold start and idle RSS). A real
 * `serve()` in a fresh process answers /healthz, then reports which packages node has loaded; the test process's
 * own modules would hide the answer, hence the child.
 */
const PROBE = `
  const { serve } = await import('./src/app/serve.ts');
  const app = await serve();
  // fetch offers gzip, deflate and br: a probe is the front door's own answer, which is never compressed.
  const res = await fetch(app.url + '/healthz');
  const { createRequire } = await import('node:module');
  const loaded = Object.keys(createRequire(import.meta.url).cache);
  process.stdout.write(JSON.stringify({ status: res.status, loaded }), () => process.exit(0));
`;

function probe(env: Record<string, string>): Promise<{ status: number; loaded: string[] }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], {
      cwd: root,
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', GRPC_PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: join(dir, `db-${Math.random()}.sqlite`), ADMIN_PASSWORD: 'lazy-admin-password', DEMO_PASSWORD: 'lazy-demo-password', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    proc.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.slice(out.indexOf('{')))) : reject(new Error(`probe exited with ${code}: ${out.slice(0, 500)}`))));
  });
}

const packages = (loaded: string[]) => new Set(loaded.filter((f) => f.includes('node_modules/')).map((f) => f.split('node_modules/').pop()!.split('/').slice(0, 2).join('/').replace(/^([^@][^/]*)\/.*$/, '$1')));

it('a server without tracing or a terminal loads no OpenTelemetry SDK, no pino-pretty, no compare-page libraries, no Redis or PostgreSQL client, no Socket.IO, no gRPC (loaded on the first gRPC connection), no OData grammar generator (the first $filter), no GraphQL (built on its first request), no compression middleware or MIME table (the first request to a style offering a coding; a probe offering one loads none)', async () => {
  const { status, loaded } = await probe({ LOG_FORMAT: 'json' });
  expect(status).toBe(200);
  const pkgs = packages(loaded);
  expect(pkgs.has('better-sqlite3')).toBe(true); // the probe sees what was loaded
  for (const lazy of ['@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/core', 'pino-pretty', 'cli-table3', 'soap', 'vega', 'highlight.js', 'ioredis', 'pg', 'socket.io', 'engine.io', 'protobufjs', '@grpc/proto-loader', '@grpc/reflection', 'grpc-health-check', 'peggy', 'fast-json-stringify', 'ajv', 'graphql', 'graphql-http', 'graphql-ws', 'compression', 'compressible', 'mime-db', 'accepts']) {
    expect(pkgs.has(lazy), lazy).toBe(false);
  }
  // Of grpc-js, only its constants (the status codes every style's error table names).
  expect(loaded.filter((f) => f.includes('node_modules/@grpc/grpc-js/') && !f.endsWith('/build/src/constants.js'))).toEqual([]);
}, 120_000);

it('with OTEL_EXPORTER_OTLP_ENDPOINT set, the SDK is loaded', async () => {
  const { status, loaded } = await probe({ LOG_FORMAT: 'json', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
  expect(status).toBe(200);
  expect(packages(loaded).has('@opentelemetry/sdk-trace-base')).toBe(true);
}, 120_000);

it('the Socket.IO chat, built on its first request, is announced with the paths and face SocketChatHttp declares', async () => {
  const options = { log: createLogger('silent', 'json'), connections: new WsConnections(), users: new WsConnections(), maxConnectionsPerAddress: 1, maxConnectionsPerUser: 1, maxMessageBytes: 1024, maxMessagesPerSecond: 1, maxRoomsPerConnection: 1, heartbeatMs: 25_000, idleTimeoutMs: 60_000, maxQueuedPackets: 16, slowPeerMs: 1000 };
  const real = new SocketChatHttp({} as Runtime, options);
  try {
    const { upgradePath, ...shape } = SOCKETIO_SHAPE;
    expect(shape).toEqual({ name: real.name, paths: real.paths, prefixes: real.prefixes, face: real.face });
    expect(real.paths.some((p) => p.startsWith(upgradePath))).toBe(true);
  } finally {
    await real.close();
  }
});

it('GraphQL, built on its first request, is announced with the paths and face GraphqlHttp declares', async () => {
  const config = loadConfig({});
  const log = createLogger('silent', 'json');
  const runtime = { operations: () => [] } as unknown as Runtime;
  const ws = new WsGuard({ ...config.ws, maxPayloadBytes: 1024 }, new WsConnections(), log, 'graphql');
  const real = new GraphqlHttp(runtime, { ...config.graphql, bodyLimitBytes: 1024, log, ws, maxOperationsPerConnection: 1, slowPeerMs: 1000 });
  const { upgradePath, ...shape } = GRAPHQL_SHAPE;
  expect(shape).toEqual({ name: real.name, paths: real.paths, prefixes: real.prefixes, face: real.face });
  expect(real.paths).toContain(upgradePath);
  await real.close();
});
