import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Config } from '../../src/infra/config.js';
import { startServer, type TestServer } from '../support/server.js';

/** Set by CI (.ci/run) to the local Redis; the files under test/redis run only then (vitest.config.ts). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of this branch and test file, unique per run, so parallel files and helpers never share keys. */
export const testPrefix = (file: string) => `polyface:test:issue-redis:${file}:${randomUUID().slice(0, 8)}:`;

/** Deletes every key under the prefix (SCAN, not KEYS, as on a shared Redis). */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Two gateways in this process sharing one SQLite file (WAL) and one Redis
 * prefix: two instances as far as events, limits and chats are concerned.
 */
export async function startPair(prefix: string, overrides: Partial<Config> = {}): Promise<{ a: TestServer; b: TestServer; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'polyface-redis-'));
  const shared = { databaseUrl: join(dir, 'shared.db'), redis: { url: REDIS_URL, prefix }, ...overrides };
  const a = await startServer(shared);
  const b = await startServer(shared);
  return {
    a,
    b,
    async close() {
      await Promise.allSettled([a.close(), b.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A TCP relay in front of Redis that the test can cut, to lose Redis while
 * the gateway runs without stopping the Redis other tests share.
 */
export async function redisRelay(): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const cut = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  };
  await open();
  return { url: `redis://127.0.0.1:${port}`, cut, restore: open, close: cut };
}

/** A port free right now, for processes that must be told their port in advance. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
