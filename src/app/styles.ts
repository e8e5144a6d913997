import { ContainerModule, type ResolutionContext } from 'inversify';
import type { Config } from '../infra/config.js';
import { EventsHttp } from '../protocols/events/http.js';
import { ASSET_PREFIX, GRAPHQL_FACE, GRAPHQL_PATH, SDL_PATH } from '../protocols/graphql/spec.js';
import { grpcFace } from '../protocols/grpc/face.js';
import { JsonRpcHttp } from '../protocols/jsonrpc/http.js';
import { RestHttp } from '../protocols/rest/http.js';
import type { HttpBinding } from '../protocols/shared/http.js';
import { SoapHttp } from '../protocols/soap/http.js';
import { WsConnections, WsGuard, type WsLimits } from '../protocols/shared/ws.js';
import { ChatHttp } from '../protocols/chat/http.js';
import { LocalChatHub, RedisChatHub } from '../protocols/chat/hub.js';
import { CHAT_PAGE_PATH, SOCKETIO_FACE, SOCKETIO_PATH } from '../protocols/socketio/spec.js';
import type { Runtime } from '../runtime/invoker.js';
import { TYPES } from './tokens.js';
import { LazyBinding, type LazyBindingShape } from './lazy-binding.js';

/** The shared WebSocket limits for one endpoint; the per-address count spans every endpoint. */
export const wsGuard = (c: ResolutionContext, name: string, overrides: Partial<WsLimits> = {}): WsGuard => {
  const config = c.get(TYPES.Config);
  return new WsGuard({ ...config.ws, maxPayloadBytes: config.bodyLimitBytes, ...overrides }, c.get(TYPES.WsConnections), c.get(TYPES.Logger), name);
};

/** The Socket.IO chat's paths and face as SocketChatHttp declares them (test/startup/lazy.test.ts compares the two). */
export const SOCKETIO_SHAPE: LazyBindingShape = {
  name: 'socketio',
  paths: [SOCKETIO_PATH, CHAT_PAGE_PATH],
  prefixes: [`${SOCKETIO_PATH}/`, `${CHAT_PAGE_PATH}/`],
  upgradePath: SOCKETIO_PATH,
  face: SOCKETIO_FACE,
};

/** GraphQL's paths and face as GraphqlHttp declares them (test/startup/lazy.test.ts compares the two); graphql-ws upgrades on /graphql. */
export const GRAPHQL_SHAPE: LazyBindingShape = {
  name: 'graphql',
  paths: [GRAPHQL_PATH, SDL_PATH],
  prefixes: [ASSET_PREFIX],
  upgradePath: GRAPHQL_PATH,
  face: GRAPHQL_FACE,
};

/** Demo mode (demo data on and DEMO_PASSWORD set): explorers may prefill Alice's real password; otherwise a placeholder. */
const demoLogin = (config: Config) => ({ username: 'alice@example.com', password: config.seedDemoData ? config.demoPassword : undefined });

/** One registration per style: how its binding is built from the runtime and its settings. */
const style = (make: (runtime: Runtime, config: Config, c: ResolutionContext) => HttpBinding) =>
  new ContainerModule(({ bind }) => {
    bind(TYPES.HttpBinding)
      .toDynamicValue((c) => make(c.get(TYPES.Runtime), c.get(TYPES.Config), c))
      .inSingletonScope();
  });

/**
 * Every API style the gateway serves. Adding one is a folder under
 * src/protocols/, its error map in protocols/error-table.ts, and one line
 * here. Paths never overlap (the front door refuses a start where two
 * styles claim the same one), so the order is only the order of the list.
 */
export const STYLE_MODULES: ContainerModule[] = [
  // Built on GraphQL's first request (graphql-js, graphql-http, graphql-ws and the schema: ~30 ms of a start; issue 18).
  style((runtime, config, c) => {
    const options = {
      ...config.graphql,
      bodyLimitBytes: config.bodyLimitBytes,
      log: c.get(TYPES.Logger),
      explorerLogin: demoLogin(config),
      ws: wsGuard(c, 'graphql'),
      maxOperationsPerConnection: config.events.maxPerConnection,
      slowPeerMs: config.ws.slowPeerMs,
    };
    return new LazyBinding(GRAPHQL_SHAPE, async () => new (await import('../protocols/graphql/http.js')).GraphqlHttp(runtime, options));
  }),
  style(
    (runtime, config, c) =>
      new JsonRpcHttp(runtime, {
        maxBatch: config.jsonrpc.maxBatch,
        bodyLimitBytes: config.bodyLimitBytes,
        ws: wsGuard(c, 'jsonrpc'),
        maxSubscriptionsPerConnection: config.events.maxPerConnection,
      }),
  ),
  style((runtime, config, c) => new SoapHttp(runtime, { ...config.soap, bodyLimitBytes: config.bodyLimitBytes, publicUrl: c.get(TYPES.PublicUrl) })),
  style((runtime, config) => new EventsHttp(runtime, { heartbeatMs: config.events.heartbeatSeconds * 1000, slowPeerMs: config.ws.slowPeerMs })),
  style((runtime, config, c) => new RestHttp(runtime, { bodyLimitBytes: config.bodyLimitBytes, xmlMaxDepth: config.rest.xmlMaxDepth, events: c.get(TYPES.EventBus) })),
  // The two chats share a per-account connection count; with REDIS_URL the plain one's hub is shared across instances.
  new ContainerModule(({ bind }) => {
    bind(TYPES.ChatUsers).toConstantValue(new WsConnections());
    bind(TYPES.ChatHub)
      .toDynamicValue((c) => {
        const redis = c.get(TYPES.Redis, { optional: true });
        if (!redis) return new LocalChatHub();
        const log = c.get(TYPES.Logger);
        return new RedisChatHub({ redis: redis.command, listen: (channel, on) => redis.listen(channel, on), prefix: redis.prefix, instanceId: redis.instanceId, onError: (err, what) => log.warn({ err }, what) });
      })
      .inSingletonScope();
  }),
  style((runtime, { chat, ws }, c) => {
    // One socket's messages are handled in order (in-flight 1), under the chat's own size and rate.
    const guard = wsGuard(c, 'chat', { maxPayloadBytes: chat.maxMessageBytes, maxMessagesPerSecond: chat.maxMessagesPerSecond, maxInFlight: 1 });
    const options = { guard, users: c.get(TYPES.ChatUsers), maxConnectionsPerUser: chat.maxConnectionsPerUser, maxBufferedBytes: ws.maxBufferedBytes };
    return new ChatHttp(runtime, c.get(TYPES.ChatHub), options);
  }),
  // Built on the chat's first request (socket.io is a fifth of what a start would otherwise load; issue 18).
  style((runtime, { chat, ws }, c) => {
    const options = {
      log: c.get(TYPES.Logger),
      connections: c.get(TYPES.WsConnections),
      users: c.get(TYPES.ChatUsers),
      maxConnectionsPerAddress: ws.maxConnectionsPerAddress,
      ...chat,
      heartbeatMs: ws.heartbeatMs,
      idleTimeoutMs: ws.idleTimeoutMs,
      slowPeerMs: ws.slowPeerMs,
      maxQueuedPackets: Math.max(16, Math.floor(ws.maxBufferedBytes / chat.maxMessageBytes)),
    };
    const redis = c.get(TYPES.Redis, { optional: true });
    return new LazyBinding(SOCKETIO_SHAPE, async () => (await import('./socketio.js')).socketChat(runtime, options, redis));
  }),
  // gRPC is served by the HTTP/2 host (hostModule), not the HTTP/1.1 path table.
  new ContainerModule(({ bind }) => {
    bind(TYPES.GrpcServices)
      .toDynamicValue((c) => {
        const runtime = c.get(TYPES.Runtime);
        const log = c.get(TYPES.Logger);
        // Loaded and built on the first gRPC connection (LazyGrpcHost, hosts/lazy-grpc.ts).
        return async () => new (await import('../protocols/grpc/server.js')).GrpcServices(runtime, { log });
      })
      .inSingletonScope();
    bind(TYPES.Face).toDynamicValue((c) => {
      const { host, grpc } = c.get(TYPES.Config);
      return grpcFace(() => c.get(TYPES.GrpcHost).address || `${host.includes(':') ? `[${host}]` : host}:${grpc.port}`);
    });
  }),
];
