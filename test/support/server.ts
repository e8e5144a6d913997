import { buildApp, type App } from '../../src/app/app.js';
import { testConfig, type Config } from '../../src/infra/config.js';
import { TYPES } from '../../src/app/tokens.js';
import { scratchDatabaseUrl } from './storage.js';

export const ADMIN = { username: 'admin', password: 'admin-password' };
export const ALICE = { username: 'alice@example.com', password: 'demo-password' };
export const BOB = { username: 'bob@example.com', password: 'demo-password' };

export interface TestServer {
  app: App;
  url: string;
  /** A bearer token for the given credentials, via the REST-independent domain path. */
  token(who?: { username: string; password: string }): Promise<string>;
  close(): Promise<void>;
}

/** A real gateway on an ephemeral 127.0.0.1 port with a fresh database (in-memory SQLite, or a PostgreSQL scratch schema: support/storage.ts) and the demo data. */
export async function startServer(overrides: Partial<Config> = {}, options: Parameters<typeof buildApp>[2] = {}): Promise<TestServer> {
  const databaseUrl = overrides.databaseUrl ?? (await scratchDatabaseUrl());
  const app = await buildApp(testConfig({ ...overrides, databaseUrl }), () => {}, options);
  const url = await app.listen();
  const tokens = new Map<string, string>();
  return {
    app,
    url,
    async token(who = ADMIN) {
      let t = tokens.get(who.username);
      if (!t) {
        const services = app.container.get(TYPES.DomainServices);
        t = (await services.auth.login(who)).access_token;
        tokens.set(who.username, t);
      }
      return t;
    },
    close: () => app.close(),
  };
}
