import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Container } from 'inversify';
import type { Kysely } from 'kysely';
import type { Config } from '../infra/config.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { ScryptHasher } from '../infra/passwords.js';
import { resolveAdminCredentials, resolveJwtSecret } from '../infra/secrets.js';
import { openDatabase, QueryCounter } from '../infra/storage/database.js';
import { migrate } from '../infra/storage/migrations.js';
import type { Database } from '../infra/storage/schema.js';
import { seedDemoData } from '../infra/storage/seed.js';
import { SqlSettingsRepository } from '../infra/storage/settings-repo.js';
import { domainModule, hostModule, infraModule, runtimeModule } from './modules.js';
import { PAGE_MODULES } from './pages.js';
import { STYLE_MODULES } from './styles.js';
import { TYPES } from './tokens.js';

export interface App {
  readonly container: Container;
  readonly server: Server;
  readonly log: Logger;
  readonly db: Kysely<Database>;
  /** Base URL once listening, e.g. http://127.0.0.1:3000 */
  url: string;
  /** The dedicated gRPC listener once listening, e.g. 127.0.0.1:50051 (gRPC is also served as h2c on `url`'s port). */
  grpcAddress: string;
  listen(): Promise<string>;
  /** Ends streams, stops accepting, lets in-flight requests finish (up to the timeout), closes the database. */
  close(): Promise<void>;
}

/**
 * The composition root: config → storage (opened, migrated, secrets
 * resolved, seeded) → implementations → inversify modules (infra, domain,
 * runtime, one per style, host).
 */
export async function buildApp(
  config: Config,
  announce: (message: string) => void = (m) => process.stdout.write(`\n*** ${m}\n\n`),
  /** Tests pass a logger writing somewhere they can read. */
  options: { log?: Logger } = {},
): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  const counter = new QueryCounter();
  const db = openDatabase(config.databaseUrl, counter);
  await migrate(db);
  const settings = new SqlSettingsRepository(db);
  const hasher = new ScryptHasher();
  const jwtSecret = await resolveJwtSecret(config.jwtSecret, settings);
  const admin = await resolveAdminCredentials(config.adminPassword, settings, hasher, announce);
  if (config.seedDemoData && (await seedDemoData(db, hasher, config.demoPassword, announce))) log.info('seeded demo data');

  const container = new Container({ defaultScope: 'Singleton' });
  await container.load(infraModule({ config, log, db, counter, settings, hasher, admin, jwtSecret }), domainModule, runtimeModule, ...STYLE_MODULES, ...PAGE_MODULES, hostModule);
  const relay = container.get(TYPES.OutboxRelay);
  await relay.start();
  const host = container.get(TYPES.HttpHost);
  const bindings = container.isBound(TYPES.HttpBinding) ? container.getAll(TYPES.HttpBinding) : [];
  const grpc = container.isBound(TYPES.GrpcServices) ? container.get(TYPES.GrpcHost) : undefined;
  const server = host.server;

  const app: App = {
    container,
    server,
    log,
    db,
    url: '',
    grpcAddress: '',
    listen: async () => {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          app.url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
          resolve();
        });
      });
      if (grpc) app.grpcAddress = await grpc.listen();
      return app.url;
    },
    async close() {
      // One signal: streams end at once, then the door closes and in-flight requests finish.
      container.get(TYPES.Shutdown).abort();
      const stopped = Promise.all([host.stop(config.shutdownTimeoutMs), grpc?.stop(config.shutdownTimeoutMs)]);
      // Sockets a binding took over by upgrade (WebSockets) keep the server open until the binding ends them.
      await Promise.all(bindings.map((b) => b.close?.()));
      await stopped;
      await relay.stop();
      await db.destroy();
    },
  };
  return app;
}
