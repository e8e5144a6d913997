import type { Server } from 'node:http';
import { Container } from 'inversify';
import type { Kysely } from 'kysely';
import type { AdminCredentials } from '../domain/ports.js';
import type { Config } from '../infra/config.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { BoundedHasher, ScryptHasher } from '../infra/passwords.js';
import { resolveAdminPasswordHash, resolveJwtSecret } from '../infra/secrets.js';
import { connectRedis } from '../infra/redis.js';
import { connectDatabase, QueryCounter, storageStartupError } from '../infra/storage/database.js';
import { migrate } from '../infra/storage/migrations.js';
import type { Database } from '../infra/storage/schema.js';
import { applyDemoPassword, hasDomainData, seedDemoData } from '../infra/storage/seed.js';
import { SqlSettingsRepository } from '../infra/storage/settings-repo.js';
import { withStartupLock } from '../infra/storage/startup-lock.js';
import { urlOf } from '../hosts/listener.js';
import { attachMetrics } from '../hosts/metrics.js';
import { RedisChatHub } from '../protocols/chat/hub.js';
import type { Face } from '../protocols/shared/face.js';
import { domainModule, hostModule, infraModule, jobsModule, runtimeModule } from './modules.js';
import { PAGE_MODULES } from './pages.js';
import { listenStartupError } from './startup.js';
import { STYLE_MODULES } from './styles.js';
import { TYPES } from './tokens.js';
import { loadTracing } from './tracing.js';

export interface App {
  readonly container: Container;
  readonly server: Server;
  readonly log: Logger;
  readonly db: Kysely<Database>;
  /** Every face the gateway shows (registered styles and the gateway's own pages), for the landing page and the startup block. */
  readonly faces: readonly Face[];
  /**
   * The start-up password work (the admin password checked, DEMO_PASSWORD applied), which may still run on the
   * thread pool when the door opens on a database that already has its data; logins and token checks wait for it.
   * Rejects when it failed: the process should then stop (runServe does).
   */
  readonly ready: Promise<void>;
  /** Base URL once listening, e.g. http://127.0.0.1:3000 */
  url: string;
  /** The dedicated gRPC listener once listening, e.g. 127.0.0.1:50051 (gRPC is also served as h2c on `url`'s port). */
  grpcAddress: string;
  /** The METRICS_PORT listener's URL of /metrics, when there is one. */
  metricsUrl: string | undefined;
  listen(): Promise<string>;
  /** Ends streams, stops accepting, lets in-flight requests finish (up to the timeout), closes the database. */
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Tests pass a logger writing somewhere they can read. */
  log?: Logger;
  /** Listeners bound before the app was built (serve.ts binds first, so a taken port stops the start before secrets are touched). */
  servers?: { http?: Server; metrics?: Server };
}

function listenOn(server: Server, host: string, port: number): Promise<void> {
  if (server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * The composition root: config → storage (opened, migrated, secrets
 * resolved, seeded, demo password applied) → implementations → inversify
 * modules (infra, domain, runtime, one per style, host).
 */
export async function buildApp(
  config: Config,
  announce: (message: string) => void = (m) => process.stdout.write(`\n*** ${m}\n\n`),
  options: BuildOptions = {},
): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel, config.logFormat);
  // Redis first: an instance that cannot share events and limits should not start at all (it would split state).
  const redis = config.redis.url ? await connectRedis(config.redis.url, config.redis.prefix, (err) => log.warn({ err }, 'Redis connection trouble (limits run in-process meanwhile)')) : undefined;
  const counter = new QueryCounter();
  const db = await connectDatabase(config.databaseUrl, counter, {
    ...config.database,
    onPoolError: (err) => log.warn({ err }, 'an idle database connection failed; the pool replaces it'),
  }).catch(async (err: unknown) => {
    await redis?.close();
    throw err;
  });
  try {
    await migrate(db);
  } catch (err) {
    await db.destroy();
    await redis?.close();
    throw storageStartupError(config.databaseUrl, err);
  }
  const settings = new SqlSettingsRepository(db);
  const hasher = new BoundedHasher(new ScryptHasher(), config.passwordHashing);
  // Instances starting at once on one PostgreSQL database take turns for secrets and demo data, so they are made once.
  const jwtSecret = await withStartupLock(db, () => resolveJwtSecret(config.jwtSecret, settings));
  // A new database is filled with the demo data before anything is served: a request must not find it half made.
  const seeding = config.seedDemoData && !(await hasDomainData(db));
  // The start-up password work (the admin's and the demo accounts' scrypt checks, or the seeding) runs on the
  // thread pool while the container builds the styles on this thread. Only the seeding holds the door; otherwise
  // the door opens first, and logins and token checks wait for the work in AuthService (issue 18: two checks in a
  // row were ~120 ms of a cold start, this thread idle).
  const credentials = withStartupLock(db, async () => {
    // The admin's and the demo accounts' checks run side by side (the hasher's concurrency allowing): each scrypt
    // holds 16 MiB, and glibc unmaps both buffers when they were taken before either was freed, where one after
    // the other the first free raised glibc's dynamic mmap threshold and the second buffer stayed in a thread
    // pool thread's heap for good (16 MiB of every idle gateway's RSS). Their messages still come in this order.
    const said: [string[], string[]] = [[], []];
    const [admin, demo] = await Promise.allSettled([
      resolveAdminPasswordHash(config.adminPassword, settings, hasher, (m) => said[0].push(m)),
      (async () => {
        if (seeding && (await seedDemoData(db, hasher, config.demoPassword, (m) => said[1].push(m)))) log.info('seeded demo data');
        else if (config.demoPassword) await applyDemoPassword(db, hasher, config.demoPassword, (m) => said[1].push(m));
      })(),
    ]);
    for (const m of said.flat()) announce(m);
    if (admin.status === 'rejected') throw admin.reason;
    if (demo.status === 'rejected') throw demo.reason;
    return admin.value;
  });
  // Awaited below; until then a failure must not count as an unhandled rejection.
  credentials.catch(() => undefined);
  const ready = credentials.then(() => undefined);
  // The caller awaits it (runServe); a caller that does not must not see an unhandled rejection.
  ready.catch(() => undefined);
  const admin: AdminCredentials = { verify: async (password) => hasher.verify(password, await credentials) };
  const tracing = await loadTracing(config.tracing);

  const container = new Container({ defaultScope: 'Singleton' });
  await container.load(
    infraModule({ config, log, db, counter, settings, hasher, admin, startup: { done: ready }, jwtSecret, tracing, httpServer: options.servers?.http, redis }),
    domainModule,
    runtimeModule,
    jobsModule,
    ...STYLE_MODULES,
    ...PAGE_MODULES,
    hostModule,
  );
  const host = container.get(TYPES.HttpHost);
  const metrics = container.get(TYPES.GatewayMetrics);
  counter.onQuery = metrics.observeQuery;
  const bindings = container.isBound(TYPES.HttpBinding) ? container.getAll(TYPES.HttpBinding) : [];
  const grpc = container.isBound(TYPES.GrpcServices) ? container.get(TYPES.GrpcHost) : undefined;
  const relay = container.get(TYPES.OutboxRelay);
  await relay.start();
  const signal = container.isBound(TYPES.EventSignal) ? container.get(TYPES.EventSignal) : undefined;
  await signal?.start();
  const chatHub = container.isBound(TYPES.ChatHub) ? container.get(TYPES.ChatHub) : undefined;
  if (chatHub instanceof RedisChatHub) await chatHub.start();
  const jobs = container.get(TYPES.JobRunner);
  await jobs.start();
  // Requests were answered 503 by the start-up placeholder until here: a new database opens once it is seeded.
  if (seeding) await credentials;
  host.open();
  const server = host.server;
  const metricsServer = config.metrics.port !== undefined ? attachMetrics(metrics.registry, options.servers?.metrics) : undefined;

  const app: App = {
    container,
    server,
    log,
    db,
    ready,
    faces: container.get(TYPES.Faces),
    url: '',
    grpcAddress: '',
    metricsUrl: undefined,
    async listen() {
      await listenOn(server, config.host, config.port);
      app.url = urlOf(server, config.host);
      if (metricsServer && config.metrics.port !== undefined) {
        await listenOn(metricsServer, config.host, config.metrics.port);
        app.metricsUrl = `${urlOf(metricsServer, config.host)}/metrics`;
      }
      if (grpc) {
        try {
          app.grpcAddress = await grpc.listen();
        } catch (err) {
          throw listenStartupError(err, 'GRPC_PORT', config.host, config.grpc.port);
        }
      }
      return app.url;
    },
    async close() {
      // One signal: streams end at once, then the door closes and in-flight requests finish.
      container.get(TYPES.Shutdown).abort();
      const stopped = Promise.all([host.stop(config.shutdownTimeoutMs), grpc?.stop(config.shutdownTimeoutMs)]);
      // Sockets a binding took over by upgrade (WebSockets) keep the server open until the binding ends them.
      await Promise.all(bindings.map((b) => b.close?.()));
      await stopped;
      await jobs.stop();
      if (metricsServer?.listening) {
        metricsServer.closeAllConnections();
        await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      }
      if (tracing) {
        // A collector that is away must not fail the stop (exit 1) nor hold it through the exporter's retries: the
        // spans still buffered are given up, and the log says so.
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${config.shutdownTimeoutMs} ms`)), config.shutdownTimeoutMs);
        });
        await Promise.race([tracing.telemetry.shutdown(), timedOut])
          .catch((err: unknown) => log.warn({ err }, 'the last traces were not exported: the collector did not take them'))
          .finally(() => clearTimeout(timer));
      }
      await signal?.stop();
      if (chatHub instanceof RedisChatHub) await chatHub.stop();
      await relay.stop();
      // The start-up password work may still be writing (a new demo password's hash).
      await credentials.catch(() => undefined);
      await db.destroy();
      await redis?.close();
    },
  };
  return app;
}
