import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from '../infra/logger.js';
import { guardedPublisher, type RedisConnections } from '../infra/redis.js';
import { SocketChatHttp, type SocketChatOptions } from '../protocols/socketio/http.js';
import type { Runtime } from '../runtime/invoker.js';

/**
 * Socket.IO across instances: its own Redis adapter (broadcasts and room emits published on Redis, each
 * instance emitting to its local sockets) rather than the plain chat's hub — it is the documented way and
 * keeps fetchSockets() and the rest of Socket.IO's server API working across instances.
 */
const socketIoAdapter = (redis: RedisConnections | undefined, log: Logger) =>
  redis
    ? {
        adapter: createAdapter(
          guardedPublisher(redis.command, (err) => log.warn({ err }, 'a Socket.IO broadcast did not reach other instances (Redis unreachable)')),
          redis.adapterSubscriber,
          { key: `${redis.prefix}socket.io` },
        ),
      }
    : {};

/** The Socket.IO chat, in a module of its own so that styles.ts loads it (and socket.io) on the chat's first request. */
export const socketChat = (runtime: Runtime, options: Omit<SocketChatOptions, 'adapter'>, redis: RedisConnections | undefined): SocketChatHttp =>
  new SocketChatHttp(runtime, { ...socketIoAdapter(redis, options.log), ...options });
