import { pino } from 'pino';
import { buildApp, type App } from '../../src/app/app.js';
import { TYPES } from '../../src/app/tokens.js';
import type { DomainServices } from '../../src/contract/operation.js';
import { testConfig, type Config } from '../../src/infra/config.js';
import { createContext, type ContextInit } from '../../src/runtime/context.js';
import type { Runtime } from '../../src/runtime/invoker.js';

export interface RuntimeFixture {
  app: App;
  runtime: Runtime;
  services: DomainServices;
  config: Config;
  /** A bearer token for a demo login ("admin" / "alice@example.com" / "bob@example.com"). */
  token(username?: string): Promise<string>;
  /** What a binding would hand a core besides the request itself. */
  init(): Omit<ContextInit, 'style' | 'credentials'>;
  close(): Promise<void>;
}

/** The runtime over a real in-memory database with the demo data, for testing cores without any socket. */
export async function runtimeFixture(overrides: Partial<Config> = {}): Promise<RuntimeFixture> {
  const config = testConfig(overrides);
  const app = await buildApp(config, () => {});
  const services = app.container.get(TYPES.DomainServices);
  const log = pino({ level: 'silent' });
  return {
    app,
    config,
    runtime: app.container.get(TYPES.Runtime),
    services,
    token: async (username = 'admin') =>
      (await services.auth.login({ username, password: username === 'admin' ? 'admin-password' : 'demo-password' })).access_token,
    init: () => ({ log, requestId: 'test-request' }),
    close: () => app.close(),
  };
}

export { createContext };
