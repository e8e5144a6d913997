import { setMaxListeners } from 'node:events';
import type { Server } from 'node:http';
import { ContainerModule } from 'inversify';
import { sql, type Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { AuthService } from '../domain/auth/service.js';
import { LoginThrottle } from '../domain/auth/throttle.js';
import { ProductService } from '../domain/catalog/service.js';
import { FeedService } from '../domain/feed/service.js';
import { JobService } from '../domain/jobs/service.js';
import { OrderService } from '../domain/orders/service.js';
import type { AdminCredentials, PasswordHasher, SettingsRepository, StartupWork } from '../domain/ports.js';
import { UserBulkService } from '../domain/users/bulk.js';
import { UserService } from '../domain/users/service.js';
import { compressionHook } from '../hosts/compression.js';
import { corsHook } from '../hosts/cors.js';
import { HttpHost, type FrontDoorHook } from '../hosts/http.js';
import { LandingHttp } from '../hosts/landing.js';
import { LazyGrpcHost } from '../hosts/lazy-grpc.js';
import { urlOf } from '../hosts/listener.js';
import { GatewayMetrics, METRICS_PATH, MetricsHttp } from '../hosts/metrics.js';
import { derivedFace, type Face } from '../protocols/shared/face.js';
import { WsConnections } from '../protocols/shared/ws.js';
import { systemClock } from '../infra/clock.js';
import type { Config } from '../infra/config.js';
import { InProcessEventBus } from '../infra/events/memory-bus.js';
import { OutboxRelay } from '../infra/events/outbox.js';
import { RedisEventSignal } from '../infra/events/redis-signal.js';
import { memoryRateLimiters } from '../infra/limits/memory.js';
import { redisRateLimiters } from '../infra/limits/redis.js';
import type { RedisConnections } from '../infra/redis.js';
import type { Logger } from '../infra/logger.js';
import type { QueryCounter } from '../infra/storage/database.js';
import { SqlEventStore } from '../infra/storage/events-repo.js';
import { SqlJobRepository } from '../infra/storage/jobs-repo.js';
import { SqlOrderRepository } from '../infra/storage/orders-repo.js';
import { SqlProductRepository } from '../infra/storage/products-repo.js';
import type { Database } from '../infra/storage/schema.js';
import { SqlUnitOfWork } from '../infra/storage/unit-of-work.js';
import { SqlUserRepository } from '../infra/storage/users-repo.js';
import type { TracingParts } from './tracing.js';
import { JwtCodec } from '../infra/tokens.js';
import { authInterceptor } from '../runtime/interceptors/auth.js';
import { errorInterceptor } from '../runtime/interceptors/errors.js';
import { oneLoginPerRequest } from '../runtime/interceptors/login.js';
import { metricsInterceptor } from '../runtime/interceptors/metrics.js';
import { rateLimitInterceptor } from '../runtime/interceptors/rate-limit.js';
import { Runtime } from '../runtime/invoker.js';
import { JobRunner } from '../runtime/jobs.js';
import { PrincipalCache } from '../runtime/principals.js';
import { TYPES } from './tokens.js';

/** What start-up prepared before the container exists (opened, migrated, secrets resolved). */
export interface InfraResources {
  config: Config;
  log: Logger;
  db: Kysely<Database>;
  counter: QueryCounter;
  settings: SettingsRepository;
  hasher: PasswordHasher;
  admin: AdminCredentials;
  /** The start-up password work, which may still run when the door opens; absent: done (tests). */
  startup?: StartupWork | undefined;
  jwtSecret: string;
  /** Present when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing?: TracingParts | undefined;
  /** The front door's port, already bound (serve.ts binds before secrets are touched). */
  httpServer?: Server | undefined;
  /** Connected when REDIS_URL is set: events, limits and chats are then shared with other instances. */
  redis?: RedisConnections | undefined;
}

/** Ports → implementations. Tests load the same module with other resources. */
export const infraModule = (r: InfraResources) =>
  new ContainerModule(({ bind }) => {
    bind(TYPES.Config).toConstantValue(r.config);
    bind(TYPES.Logger).toConstantValue(r.log);
    bind(TYPES.Clock).toConstantValue(systemClock);
    bind(TYPES.Database).toConstantValue(r.db);
    bind(TYPES.QueryCounter).toConstantValue(r.counter);
    bind(TYPES.SettingsRepository).toConstantValue(r.settings);
    bind(TYPES.PasswordHasher).toConstantValue(r.hasher);
    bind(TYPES.AdminCredentials).toConstantValue(r.admin);
    bind(TYPES.StartupWork).toConstantValue(r.startup ?? { done: Promise.resolve() });
    bind(TYPES.TokenCodec).toConstantValue(new JwtCodec(r.jwtSecret, r.config.tokenTtlSeconds));
    bind(TYPES.UserRepository).toDynamicValue((c) => new SqlUserRepository(c.get(TYPES.Database))).inSingletonScope();
    bind(TYPES.ProductRepository).toDynamicValue((c) => new SqlProductRepository(c.get(TYPES.Database))).inSingletonScope();
    bind(TYPES.OrderRepository).toDynamicValue((c) => new SqlOrderRepository(c.get(TYPES.Database))).inSingletonScope();
    bind(TYPES.JobRepository).toDynamicValue((c) => new SqlJobRepository(c.get(TYPES.Database))).inSingletonScope();
    bind(TYPES.EventBus)
      .toDynamicValue((c) => new InProcessEventBus((err) => c.get(TYPES.Logger).error({ err }, 'event listener failed')))
      .inSingletonScope();
    bind(TYPES.EventStore).toDynamicValue((c) => new SqlEventStore(c.get(TYPES.Database))).inSingletonScope();
    bind(TYPES.OutboxRelay)
      .toDynamicValue((c) => {
        const { events } = c.get(TYPES.Config);
        return new OutboxRelay({
          store: c.get(TYPES.EventStore),
          bus: c.get(TYPES.EventBus),
          maxAgeSeconds: events.retentionSeconds,
          maxCount: events.retentionCount,
          pruneIntervalMs: events.pruneIntervalSeconds * 1000,
          gapWaitMs: c.get(TYPES.Config).eventsGapWaitMs,
          onError: (err, what) => c.get(TYPES.Logger).error({ err }, what),
        });
      })
      .inSingletonScope();
    bind(TYPES.UnitOfWork)
      .toDynamicValue((c) => {
        const relay = c.get(TYPES.OutboxRelay);
        const signal = c.get(TYPES.EventSignal, { optional: true });
        return new SqlUnitOfWork(c.get(TYPES.Database), c.get(TYPES.Clock), (events) => {
          relay.committed(events);
          signal?.committed(events);
        });
      })
      .inSingletonScope();
    const redis = r.redis;
    if (redis) {
      bind(TYPES.Redis).toConstantValue(redis);
      bind(TYPES.EventSignal)
        .toDynamicValue((c) => new RedisEventSignal(redis, c.get(TYPES.OutboxRelay), (err, what) => c.get(TYPES.Logger).warn({ err }, what)))
        .inSingletonScope();
    }
    bind(TYPES.RateLimiters).toConstantValue(redis ? redisRateLimiters(redis) : memoryRateLimiters);
    if (r.tracing) bind(TYPES.Tracing).toConstantValue(r.tracing);
    if (r.httpServer) bind(TYPES.HttpServer).toConstantValue(r.httpServer);
  });

/**
 * The domain imports no DI library, so its services are built here from
 * their ports; every style then reaches them through the runtime.
 */
export const domainModule = new ContainerModule(({ bind }) => {
  bind(TYPES.UserService)
    .toDynamicValue((c) => new UserService(c.get(TYPES.UserRepository), c.get(TYPES.PasswordHasher), c.get(TYPES.UnitOfWork)))
    .inSingletonScope();
  bind(TYPES.ProductService).toDynamicValue((c) => new ProductService(c.get(TYPES.ProductRepository), c.get(TYPES.UnitOfWork))).inSingletonScope();
  bind(TYPES.OrderService)
    .toDynamicValue(
      (c) => new OrderService(c.get(TYPES.OrderRepository), c.get(TYPES.UserRepository), c.get(TYPES.UnitOfWork)),
    )
    .inSingletonScope();
  bind(TYPES.AuthService)
    .toDynamicValue(
      (c) =>
        new AuthService(
          c.get(TYPES.UserRepository),
          c.get(TYPES.PasswordHasher),
          c.get(TYPES.TokenCodec),
          c.get(TYPES.AdminCredentials),
          new LoginThrottle(c.get(TYPES.RateLimiters), c.get(TYPES.Config).loginThrottle),
          c.get(TYPES.StartupWork),
        ),
    )
    .inSingletonScope();
  bind(TYPES.FeedService)
    .toDynamicValue((c) => {
      const { events } = c.get(TYPES.Config);
      const limits = { queueMax: events.queueMax, maxPerPrincipal: events.maxPerPrincipal };
      return new FeedService(c.get(TYPES.EventStore), c.get(TYPES.EventBus), limits, c.get(TYPES.Shutdown).signal);
    })
    .inSingletonScope();
  bind(TYPES.UserBulkService)
    .toDynamicValue((c) => new UserBulkService(c.get(TYPES.PasswordHasher), c.get(TYPES.UnitOfWork)))
    .inSingletonScope();
  bind(TYPES.JobService)
    .toDynamicValue((c) => {
      const { jobs } = c.get(TYPES.Config);
      // The runner depends on the runtime, which depends on these services: it is looked up when a job is queued, not now.
      return new JobService(c.get(TYPES.JobRepository), c.get(TYPES.UserRepository), c.get(TYPES.Clock), jobs, () => c.get(TYPES.JobRunner).kick());
    })
    .inSingletonScope();
  bind(TYPES.DomainServices)
    .toDynamicValue((c) => ({
      auth: c.get(TYPES.AuthService),
      users: c.get(TYPES.UserService),
      products: c.get(TYPES.ProductService),
      orders: c.get(TYPES.OrderService),
      feed: c.get(TYPES.FeedService),
      userBulk: c.get(TYPES.UserBulkService),
      jobs: c.get(TYPES.JobService),
    }))
    .inSingletonScope();
});

/** The operations that check a password: one of them per transport request. */
const LOGIN_OPERATIONS: ReadonlySet<string> = new Set(['login']);

/**
 * The runtime: the credential cache (told of user changes by the event
 * bus), and the interceptor chain every call of every style goes through,
 * outermost first — a trace span around everything (when tracing is on),
 * metrics see the final outcome, errors are normalised and logged once,
 * then one login per request (a batch, a message, a document), then
 * authentication, then per-principal limits.
 */
export const runtimeModule = new ContainerModule(({ bind }) => {
  bind(TYPES.Metrics).toConstantValue(new Registry());
  const shutdown = new AbortController();
  // Every open subscription and waiting poll listens to it, one listener each, taken off when it ends: how many is
  // bounded by the per-principal, per-connection and per-address limits, not by Node's default of ten, whose
  // "possible memory leak" warning the eleventh subscriber used to print.
  setMaxListeners(0, shutdown.signal);
  bind(TYPES.Shutdown).toConstantValue(shutdown);
  bind(TYPES.WsConnections).toConstantValue(new WsConnections());
  bind(TYPES.PrincipalCache)
    .toDynamicValue((c) => {
      const { auth } = c.get(TYPES.Config);
      const cache = new PrincipalCache(c.get(TYPES.AuthService), { max: auth.cacheSize, ttlMs: auth.cacheTtlSeconds * 1000, tokenExpiry: JwtCodec.expiry });
      c.get(TYPES.EventBus).subscribe((e) => cache.onEvent(e));
      return cache;
    })
    .inSingletonScope();
  bind(TYPES.Runtime)
    .toDynamicValue((c) => {
      const { rateLimits } = c.get(TYPES.Config);
      const limiters = c.get(TYPES.RateLimiters);
      const perMinute = (name: string, points: number) => (points > 0 ? limiters({ name, points, windowSeconds: 60 }) : undefined);
      const calls = perMinute('calls', rateLimits.callsPerMinute);
      const writes = perMinute('writes', rateLimits.writesPerMinute);
      const tracing = c.get(TYPES.Tracing, { optional: true });
      return new Runtime({
        services: c.get(TYPES.DomainServices),
        principals: c.get(TYPES.PrincipalCache),
        shutdown: c.get(TYPES.Shutdown).signal,
        interceptors: [
          ...(tracing ? [tracing.interceptor] : []),
          metricsInterceptor(c.get(TYPES.Metrics)),
          errorInterceptor,
          oneLoginPerRequest(LOGIN_OPERATIONS),
          authInterceptor(c.get(TYPES.PrincipalCache)),
          ...(calls || writes ? [rateLimitInterceptor({ calls, writes, adminsWriteFreely: true })] : []),
        ],
      });
    })
    .inSingletonScope();
});

/** The background job runner: ordinary operation calls through the runtime, as each job's owner. */
export const jobsModule = new ContainerModule(({ bind }) => {
  bind(TYPES.JobRunner)
    .toDynamicValue((c) => {
      const { jobs } = c.get(TYPES.Config);
      return new JobRunner(c.get(TYPES.JobService), c.get(TYPES.Runtime), { ...jobs, log: c.get(TYPES.Logger), shutdown: c.get(TYPES.Shutdown).signal });
    })
    .inSingletonScope();
});

/** The gateway's own links: probes, and /metrics when it is served on the front door. */
const gatewayFace = (metricsOnFrontDoor: boolean): Face => ({
  name: 'gateway',
  title: 'Operations',
  summary: 'Health and readiness probes and Prometheus metrics',
  links: [
    { rel: 'health', title: 'Liveness', href: '/healthz', type: 'application/json' },
    { rel: 'ready', title: 'Readiness (storage and Redis reachable)', href: '/readyz', type: 'application/json' },
    ...(metricsOnFrontDoor ? [{ rel: 'metrics', title: 'Prometheus metrics (admin credentials)', href: METRICS_PATH, type: 'text/plain' }] : []),
  ],
});

/**
 * The front door: every registered style's binding behind one path table,
 * the landing page and /metrics beside them, and the hooks every request
 * passes — tracing (when on), request metrics, CORS (when configured),
 * response compression; and, when gRPC is registered, the HTTP/2 host,
 * which also takes the front door's h2c connections.
 */
export const hostModule = new ContainerModule(({ bind, isBound }) => {
  bind(TYPES.GatewayMetrics)
    .toDynamicValue((c) => new GatewayMetrics(c.get(TYPES.Metrics), () => c.get(TYPES.WsConnections).byEndpoint))
    .inSingletonScope();
  bind(TYPES.Faces)
    .toDynamicValue((c) => {
      const styles = c.getAll(TYPES.HttpBinding, { optional: true }).map((b) => b.face ?? derivedFace(b));
      const others = c.getAll(TYPES.Face, { optional: true });
      return [...styles, ...others, gatewayFace(c.get(TYPES.Config).metrics.port === undefined)];
    })
    .inSingletonScope();
  bind(TYPES.PublicUrl)
    .toDynamicValue((c) => {
      const config = c.get(TYPES.Config);
      if (config.publicUrl) return () => config.publicUrl!;
      // Resolved on first use: the host is built after the bindings that print this URL.
      let host: HttpHost | undefined;
      return () => {
        host ??= c.get(TYPES.HttpHost);
        return host.server.listening ? urlOf(host.server, config.host) : `http://${config.host}:${config.port}`;
      };
    })
    .inSingletonScope();
  bind(TYPES.HttpHost)
    .toDynamicValue((c) => {
      const config = c.get(TYPES.Config);
      const db = c.get(TYPES.Database);
      const grpc = isBound(TYPES.GrpcServices) ? c.get(TYPES.GrpcHost) : undefined;
      const metrics = c.get(TYPES.GatewayMetrics);
      const tracing = c.get(TYPES.Tracing, { optional: true });
      const server = c.get(TYPES.HttpServer, { optional: true });
      const redis = c.get(TYPES.Redis, { optional: true });
      const hooks: FrontDoorHook[] = [...(tracing ? [tracing.hook] : []), metrics.hook];
      const cors = corsHook(config.cors);
      if (cors) hooks.push(cors);
      // Innermost: CORS preflights are answered before it, and what it wraps is only the bindings' bodies.
      hooks.push(compressionHook(config.compressionThresholdBytes));
      const landing = new LandingHttp(
        () => c.get(TYPES.Faces),
        c.get(TYPES.PublicUrl),
      );
      const pages = [landing, ...(config.metrics.port === undefined ? [new MetricsHttp(metrics.registry, c.get(TYPES.Runtime))] : [])];
      const host = new HttpHost({
        log: c.get(TYPES.Logger),
        server,
        hooks,
        bindings: [...c.getAll(TYPES.HttpBinding, { optional: true }), ...pages],
        probes: {
          database: async () => void (await sql`select 1`.execute(db)),
          ...(redis ? { redis: () => redis.ping() } : {}),
        },
        timeouts: config.http,
        ...(grpc ? { http2: (socket) => grpc.inject(socket) } : {}),
      });
      metrics.watch(host.server);
      return host;
    })
    .inSingletonScope();
  bind(TYPES.GrpcHost)
    .toDynamicValue((c) => {
      const config = c.get(TYPES.Config);
      const log = c.get(TYPES.Logger);
      const services = c.get(TYPES.GrpcServices);
      return new LazyGrpcHost({
        log,
        host: config.host,
        port: config.grpc.port,
        // On the first gRPC connection: grpc-js's server with every service, fed by the injector only.
        build: async () => {
          const [{ GrpcHost }, built] = await Promise.all([import('../hosts/grpc.js'), services()]);
          return new GrpcHost({
            log,
            services: built,
            maxMessageBytes: config.bodyLimitBytes,
            maxConcurrentStreams: config.grpc.maxConcurrentStreams,
          });
        },
      });
    })
    .inSingletonScope();
});
