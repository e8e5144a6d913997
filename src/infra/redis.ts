import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { StartupError } from './startup-error.js';
import { withoutPassword } from './url.js';

/**
 * The gateway's Redis connections when REDIS_URL is set: one for commands
 * (rate limits, chat presence, publishing) and two in subscriber mode (a
 * connection that has SUBSCRIBEd may run no other command, RESP2 "Pub/Sub"):
 * the gateway's own channels, and Socket.IO's adapter.
 * Every key and channel starts with `prefix`, so several gateways (or test
 * runs) can share one Redis.
 */
export interface RedisConnections {
  readonly command: Redis;
  readonly subscriber: Redis;
  /** A second subscriber for Socket.IO's Redis adapter, which subscribes to its own channels and patterns. */
  readonly adapterSubscriber: Redis;
  readonly prefix: string;
  /** This process's id on the shared channels: its own messages come back to it and are told apart by it. */
  readonly instanceId: string;
  /** Resolves when Redis answers a PING; the /readyz probe. */
  ping(): Promise<void>;
  /** Listens to a channel (its full name, prefix included); returns the unsubscribe function. */
  listen(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}


const CONNECT_TIMEOUT_MS = 5000;
const COMMAND_TIMEOUT_MS = 1000;

/**
 * Connects both clients or fails with one StartupError naming REDIS_URL.
 * After the start, ioredis reconnects on its own (capped backoff below);
 * while it is away, commands fail at once instead of queueing
 * (`enableOfflineQueue: false`, as rate-limiter-flexible advises), so the
 * limits fall back to their in-process insurance and /readyz reports it.
 */
export async function connectRedis(url: string, prefix: string, onError: (err: unknown) => void): Promise<RedisConnections> {
  // Loaded here, not at import: a gateway without REDIS_URL never needs the client (issue 18: cold start). Through
  // `default` (module.exports): the esbuild bundle, split at this import, gives a CommonJS package no named exports.
  const { Redis } = (await import('ioredis')).default;
  const options = {
    lazyConnect: true,
    enableOfflineQueue: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
  // A command that gets no answer (Redis stalled, a network path blackholed) fails after a second, so a rate
  // limit falls back to its insurance and /readyz answers instead of a call waiting on a dead connection.
  const command = new Redis(url, { ...options, commandTimeout: COMMAND_TIMEOUT_MS });
  // The subscribers keep their offline queue, and a (P)SUBSCRIBE sent while Redis is away waits in it for the
  // reconnect rather than failing after one retry: ioredis re-subscribes through it, and the Socket.IO adapter,
  // built on the chat's first request (perhaps while Redis is away), does not handle a failed subscribe. Only
  // subscriptions ever wait there: a handful per process.
  const subscriber = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
  const adapterSubscriber = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
  const clients = [command, subscriber, adapterSubscriber];
  let started = false;
  let firstError: unknown;
  // ioredis emits 'error' on every failed reconnect; before the start the first one (ECONNREFUSED, a DNS or
  // auth failure) is the reason in the StartupError below, where connect() itself only says the connection closed.
  for (const client of clients) client.on('error', (err) => (started ? onError(err) : (firstError ??= err)));
  try {
    await Promise.all(clients.map((c) => c.connect()));
  } catch (err) {
    for (const c of clients) c.disconnect();
    const cause = firstError ?? err;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new StartupError('REDIS_URL', `REDIS_URL=${withoutPassword(url) ?? '(not a URL)'} is not reachable (${reason}): start Redis there, or unset REDIS_URL to run one instance on its own`, { cause });
  }
  started = true;
  const handlers = new Map<string, Set<(message: string) => void>>();
  subscriber.on('message', (channel: string, message: string) => {
    for (const handler of handlers.get(channel) ?? []) handler(message);
  });
  return {
    command,
    subscriber,
    adapterSubscriber,
    prefix,
    instanceId: randomUUID(),
    async ping() {
      if (command.status !== 'ready') throw new Error(`Redis connection is ${command.status}`);
      await command.ping();
    },
    async listen(channel, onMessage) {
      const name = channel;
      let set = handlers.get(name);
      if (!set) {
        set = new Set();
        handlers.set(name, set);
        await subscriber.subscribe(name);
      }
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
        if (set.size === 0 && handlers.get(name) === set) {
          handlers.delete(name);
          if (subscriber.status === 'ready') await subscriber.unsubscribe(name);
        }
      };
    },
    async close() {
      started = false;
      await Promise.allSettled(clients.map((c) => c.quit()));
      for (const c of clients) c.disconnect();
    },
  };
}

/**
 * The command client as seen by a library that publishes without handling
 * the returned promise (Socket.IO's Redis adapter broadcasts that way): while
 * Redis is away a PUBLISH fails at once (no offline queue), and unhandled,
 * that rejection would end the process. Here it is reported instead and the
 * message simply does not leave this instance (its own sockets still get it).
 */
export function guardedPublisher(client: Redis, onError: (err: unknown) => void): Redis {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'publish') return Reflect.get(target, prop, receiver) as unknown;
      return (channel: string, message: string | Buffer) =>
        target.publish(channel, message).catch((err: unknown) => {
          onError(err);
          return 0;
        });
    },
  });
}
