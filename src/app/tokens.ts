import type { Server } from 'node:http';
import type { ServiceIdentifier } from 'inversify';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { DomainServices } from '../contract/operation.js';
import type { AuthService } from '../domain/auth/service.js';
import type { JobRepository } from '../domain/jobs/repository.js';
import type { JobService } from '../domain/jobs/service.js';
import type { ProductService } from '../domain/catalog/service.js';
import type { EventBus } from '../domain/events.js';
import type { FeedService } from '../domain/feed/service.js';
import type { OrderService } from '../domain/orders/service.js';
import type {
  AdminCredentials,
  Clock,
  OrderRepository,
  PasswordHasher,
  ProductRepository,
  RateLimiterFactory,
  SettingsRepository,
  StartupWork,
  TokenCodec,
  UnitOfWork,
  UserRepository,
} from '../domain/ports.js';
import type { UserBulkService } from '../domain/users/bulk.js';
import type { UserService } from '../domain/users/service.js';
import type { HttpHost } from '../hosts/http.js';
import type { GatewayMetrics } from '../hosts/metrics.js';
import type { Config } from '../infra/config.js';
import type { OutboxRelay } from '../infra/events/outbox.js';
import type { RedisEventSignal } from '../infra/events/redis-signal.js';
import type { RedisConnections } from '../infra/redis.js';
import type { Logger } from '../infra/logger.js';
import type { QueryCounter } from '../infra/storage/database.js';
import type { SqlEventStore } from '../infra/storage/events-repo.js';
import type { Database } from '../infra/storage/schema.js';
import type { ChatHub } from '../protocols/chat/hub.js';
import type { GrpcServices } from '../protocols/grpc/server.js';
import type { TracingParts } from './tracing.js';
import type { LazyGrpcHost } from '../hosts/lazy-grpc.js';
import type { Face } from '../protocols/shared/face.js';
import type { HttpBinding } from '../protocols/shared/http.js';
import type { WsConnections } from '../protocols/shared/ws.js';
import type { Runtime } from '../runtime/invoker.js';
import type { JobRunner } from '../runtime/jobs.js';
import type { PrincipalCache } from '../runtime/principals.js';

const t = <T>(name: string) => Symbol.for(`polyface.${name}`) as ServiceIdentifier<T>;

/** Every injection token, typed, in one place. Only src/app/ sees them. */
export const TYPES = {
  Config: t<Config>('Config'),
  Logger: t<Logger>('Logger'),
  Clock: t<Clock>('Clock'),
  Database: t<Kysely<Database>>('Database'),
  QueryCounter: t<QueryCounter>('QueryCounter'),
  UserRepository: t<UserRepository>('UserRepository'),
  ProductRepository: t<ProductRepository>('ProductRepository'),
  OrderRepository: t<OrderRepository>('OrderRepository'),
  SettingsRepository: t<SettingsRepository>('SettingsRepository'),
  PasswordHasher: t<PasswordHasher>('PasswordHasher'),
  TokenCodec: t<TokenCodec>('TokenCodec'),
  AdminCredentials: t<AdminCredentials>('AdminCredentials'),
  StartupWork: t<StartupWork>('StartupWork'),
  EventBus: t<EventBus>('EventBus'),
  /** The outbox: read side (replay, long polls) and retention. */
  EventStore: t<SqlEventStore>('EventStore'),
  /** Publishes committed outbox rows on the EventBus, in id order, and prunes the outbox. */
  OutboxRelay: t<OutboxRelay>('OutboxRelay'),
  /** Bound only when REDIS_URL is set. */
  Redis: t<RedisConnections>('Redis'),
  EventSignal: t<RedisEventSignal>('EventSignal'),
  UnitOfWork: t<UnitOfWork>('UnitOfWork'),
  RateLimiters: t<RateLimiterFactory>('RateLimiters'),
  AuthService: t<AuthService>('AuthService'),
  UserService: t<UserService>('UserService'),
  ProductService: t<ProductService>('ProductService'),
  OrderService: t<OrderService>('OrderService'),
  FeedService: t<FeedService>('FeedService'),
  UserBulkService: t<UserBulkService>('UserBulkService'),
  JobRepository: t<JobRepository>('JobRepository'),
  JobService: t<JobService>('JobService'),
  /** Runs stored jobs in the background (started and stopped by app.ts). */
  JobRunner: t<JobRunner>('JobRunner'),
  DomainServices: t<DomainServices>('DomainServices'),
  Metrics: t<Registry>('Metrics'),
  PrincipalCache: t<PrincipalCache>('PrincipalCache'),
  /** Aborted when the server begins to shut down: every open stream ends. */
  Shutdown: t<AbortController>('Shutdown'),
  Runtime: t<Runtime>('Runtime'),
  /** Open WebSockets per client address, shared by every WebSocket endpoint. */
  WsConnections: t<WsConnections>('WsConnections'),
  /** Open chat connections per account, shared by the plain and the Socket.IO chat. */
  ChatUsers: t<WsConnections>('ChatUsers'),
  /** The plain chat's presence and fan-out (in-process; a Redis one when instances scale out). */
  ChatHub: t<ChatHub>('ChatHub'),
  /** Multi-bound: every style mounted on the HTTP front door, one registration each (styles.ts). */
  HttpBinding: t<HttpBinding>('HttpBinding'),
  HttpHost: t<HttpHost>('HttpHost'),
  /** The gateway's public base URL: config PUBLIC_URL, else the front door's listening URL (never a request's Host). */
  PublicUrl: t<() => string>('PublicUrl'),
  /** The gRPC style (not an HttpBinding: it is served by the HTTP/2 host, on GRPC_PORT and as h2c on PORT). */
  /** Builds the gRPC services (bound when the style is registered; called on the first gRPC connection). */
  GrpcServices: t<() => Promise<GrpcServices>>('GrpcServices'),
  GrpcHost: t<LazyGrpcHost>('GrpcHost'),
  /** The front door's server when it was bound before the app was built (serve.ts); unbound otherwise. */
  HttpServer: t<Server>('HttpServer'),
  /** OpenTelemetry, bound only when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  Tracing: t<TracingParts>('Tracing'),
  /** Front-door series (requests, connections, storage time, event loop) in the Metrics registry. */
  GatewayMetrics: t<GatewayMetrics>('GatewayMetrics'),
  /**
   * Multi-bound, optional: a face that is not an HttpBinding (e.g. gRPC on
   * its own port) adds itself here to appear on the landing page, in the
   * startup block and in export-contracts. HttpBindings declare `face`.
   */
  Face: t<Face>('Face'),
  /** Every face, assembled once (hostModule). */
  Faces: t<readonly Face[]>('Faces'),
} as const;
