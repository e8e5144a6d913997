import { ContainerModule } from 'inversify';
import { sql, type Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { AuthService } from '../domain/auth/service.js';
import { ProductService } from '../domain/catalog/service.js';
import { JobService } from '../domain/jobs/service.js';
import { OrderService } from '../domain/orders/service.js';
import type { AdminCredentials, PasswordHasher, SettingsRepository } from '../domain/ports.js';
import { UserBulkService } from '../domain/users/bulk.js';
import { UserService } from '../domain/users/service.js';
import { GrpcHost } from '../hosts/grpc.js';
import { HttpHost } from '../hosts/http.js';
import { WsConnections } from '../protocols/shared/ws.js';
import { systemClock } from '../infra/clock.js';
import type { Config } from '../infra/config.js';
import { InProcessEventBus } from '../infra/events/memory-bus.js';
import { memoryRateLimiters } from '../infra/limits/memory.js';
import type { Logger } from '../infra/logger.js';
import type { QueryCounter } from '../infra/storage/database.js';
import { SqlJobRepository } from '../infra/storage/jobs-repo.js';
import { SqlOrderRepository } from '../infra/storage/orders-repo.js';
import { SqlProductRepository } from '../infra/storage/products-repo.js';
import type { Database } from '../infra/storage/schema.js';
import { SqlUnitOfWork } from '../infra/storage/unit-of-work.js';
import { SqlUserRepository } from '../infra/storage/users-repo.js';
import { JwtCodec } from '../infra/tokens.js';
import { authInterceptor } from '../runtime/interceptors/auth.js';
import { errorInterceptor } from '../runtime/interceptors/errors.js';
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
  jwtSecret: string;
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
    bind(TYPES.TokenCodec).toConstantValue(new JwtCodec(r.jwtSecret, r.config.tokenTtlSeconds));
    bind(TYPES.UserRepository).toDynamicValue((c) => new SqlUserRepository(c.get(TYPES.Database))).inSingletonScope();
    bind(TYPES.ProductRepository).toDynamicValue((c) => new SqlProductRepository(c.get(TYPES.Database))).inSingletonScope();
    bind(TYPES.OrderRepository).toDynamicValue((c) => new SqlOrderRepository(c.get(TYPES.Database))).inSingletonScope();
    bind(TYPES.UnitOfWork).toDynamicValue((c) => new SqlUnitOfWork(c.get(TYPES.Database))).inSingletonScope();
    bind(TYPES.JobRepository).toDynamicValue((c) => new SqlJobRepository(c.get(TYPES.Database))).inSingletonScope();
    bind(TYPES.EventBus)
      .toDynamicValue((c) => new InProcessEventBus(c.get(TYPES.Clock), (err) => c.get(TYPES.Logger).error({ err }, 'event listener failed')))
      .inSingletonScope();
    bind(TYPES.RateLimiters).toConstantValue(memoryRateLimiters);
  });

/**
 * The domain imports no DI library, so its services are built here from
 * their ports; every style then reaches them through the runtime.
 */
export const domainModule = new ContainerModule(({ bind }) => {
  bind(TYPES.UserService)
    .toDynamicValue((c) => new UserService(c.get(TYPES.UserRepository), c.get(TYPES.PasswordHasher), c.get(TYPES.EventBus)))
    .inSingletonScope();
  bind(TYPES.ProductService).toDynamicValue((c) => new ProductService(c.get(TYPES.ProductRepository), c.get(TYPES.EventBus))).inSingletonScope();
  bind(TYPES.OrderService)
    .toDynamicValue(
      (c) => new OrderService(c.get(TYPES.OrderRepository), c.get(TYPES.UserRepository), c.get(TYPES.ProductRepository), c.get(TYPES.EventBus)),
    )
    .inSingletonScope();
  bind(TYPES.AuthService)
    .toDynamicValue(
      (c) => new AuthService(c.get(TYPES.UserRepository), c.get(TYPES.PasswordHasher), c.get(TYPES.TokenCodec), c.get(TYPES.AdminCredentials)),
    )
    .inSingletonScope();
  bind(TYPES.UserBulkService)
    .toDynamicValue(
      (c) => new UserBulkService(c.get(TYPES.UserRepository), c.get(TYPES.PasswordHasher), c.get(TYPES.UnitOfWork), c.get(TYPES.EventBus)),
    )
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
      userBulk: c.get(TYPES.UserBulkService),
      jobs: c.get(TYPES.JobService),
    }))
    .inSingletonScope();
});

/**
 * The runtime: the credential cache (told of user changes by the event
 * bus), and the interceptor chain every call of every style goes through,
 * outermost first — metrics see the final outcome, errors are normalised
 * and logged once, then authentication, then per-principal limits.
 */
export const runtimeModule = new ContainerModule(({ bind }) => {
  bind(TYPES.Metrics).toConstantValue(new Registry());
  bind(TYPES.Shutdown).toConstantValue(new AbortController());
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
      return new Runtime({
        services: c.get(TYPES.DomainServices),
        principals: c.get(TYPES.PrincipalCache),
        shutdown: c.get(TYPES.Shutdown).signal,
        interceptors: [
          metricsInterceptor(c.get(TYPES.Metrics)),
          errorInterceptor,
          authInterceptor(c.get(TYPES.PrincipalCache)),
          ...(calls || writes ? [rateLimitInterceptor({ calls, writes })] : []),
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

/**
 * The front door: every registered style's binding behind one path table;
 * and, when gRPC is registered, the HTTP/2 host, which also takes the
 * front door's h2c connections.
 */
export const hostModule = new ContainerModule(({ bind, isBound }) => {
  bind(TYPES.HttpHost)
    .toDynamicValue((c) => {
      const db = c.get(TYPES.Database);
      const grpc = isBound(TYPES.GrpcServices) ? c.get(TYPES.GrpcHost) : undefined;
      return new HttpHost({
        log: c.get(TYPES.Logger),
        bindings: c.getAll(TYPES.HttpBinding, { optional: true }),
        probes: { database: async () => void (await sql`select 1`.execute(db)) },
        compressionThresholdBytes: c.get(TYPES.Config).compressionThresholdBytes,
        ...(grpc ? { http2: (socket) => grpc.inject(socket) } : {}),
      });
    })
    .inSingletonScope();
  bind(TYPES.GrpcHost)
    .toDynamicValue((c) => {
      const config = c.get(TYPES.Config);
      return new GrpcHost({
        log: c.get(TYPES.Logger),
        services: c.get(TYPES.GrpcServices),
        host: config.host,
        port: config.grpc.port,
        maxMessageBytes: config.bodyLimitBytes,
        maxConcurrentStreams: config.grpc.maxConcurrentStreams,
      });
    })
    .inSingletonScope();
});
