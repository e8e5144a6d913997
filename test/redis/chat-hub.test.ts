import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { RedisChatHub } from '../../src/protocols/chat/hub.js';
import { connectRedis, type RedisConnections } from '../../src/infra/redis.js';
import { dropPrefix, REDIS_URL, testPrefix } from './support.js';

const prefix = testPrefix('chat-hub');
const opened: RedisConnections[] = [];
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await dropPrefix(prefix);
});

async function hub(livenessMs: number): Promise<RedisChatHub> {
  const redis = await connectRedis(REDIS_URL, prefix, () => {});
  opened.push(redis);
  const h = new RedisChatHub({ redis: redis.command, listen: (c, on) => redis.listen(c, on), prefix, instanceId: redis.instanceId, onError: () => {}, livenessMs });
  await h.start();
  return h;
}

it('members of an instance that stopped refreshing (killed) stop counting once its liveness runs out', async () => {
  const [a, b] = [await hub(400), await hub(400)];
  expect(await a.enter('on-a')).toBe(1);
  expect(await b.enter('on-b')).toBe(2);
  expect(await b.isPresent('on-a')).toBe(true);
  // A dies without leaving: no more heartbeats (stop() only ends its timer and subscription, as a kill would).
  await a.stop();
  const deadline = Date.now() + 5_000;
  while ((await b.isPresent('on-a')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(await b.isPresent('on-a')).toBe(false);
  expect(await b.leave('nobody')).toBe(1);
  // B's own set outlives the liveness because B keeps refreshing it.
  const raw = new Redis(REDIS_URL);
  try {
    expect(await raw.sismember(`${prefix}chat:members:${opened[1]!.instanceId}`, 'on-b')).toBe(1);
  } finally {
    raw.disconnect();
  }
  await b.stop();
});
