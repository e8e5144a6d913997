import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * The files that depend on the storage engine: the domain, the storage and
 * migration tests, the outbox and the cross-protocol conformance matrix.
 * With TEST_DATABASE_URL set they run a second time, as the `postgres`
 * project, each test on its own scratch schema there (test/support/storage.ts);
 * without it `npm test` runs on SQLite alone and needs no PostgreSQL.
 */
const POSTGRES_FILES = [
  'test/domain/**/*.test.ts',
  'test/infra/**/*.test.ts',
  'test/storage/**/*.test.ts',
  'src/infra/storage/**/*.test.ts',
  'test/events/outbox.test.ts',
  'test/events/all-styles.test.ts',
  'test/conformance/**/*.test.ts',
  // PostgreSQL alone: pool, timeouts, locks and races that SQLite's single writer cannot show.
  'test/postgres/**/*.test.ts',
];

// inversify needs legacy (TypeScript "experimental") parameter decorators;
// Vite's oxc transform only emits them when asked.
const oxc = { decorator: { legacy: true } };

// graphql-jit imports graphql both by its name and by deep CommonJS paths (`graphql/execution/execute.js`); with
// Vite resolving the name to the ESM build, the two halves met each other as another realm's. Every import of the
// name gets the CommonJS build, as plain Node (and the bundle) give it.
const resolve = { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] };

const test = {
  include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
  // Browser tests have their own config and script (vitest.browser.config.ts, `npm run test:browser`), and so
  // do the multi-process cluster tests (vitest.cluster.config.ts, `npm run test:cluster`). The files needing
  // Redis run when TEST_REDIS_URL names one (CI sets it), so `npm test` alone needs no Redis.
  exclude: [...configDefaults.exclude, 'test/browser/**', 'test/postgres/**', 'test/cluster/**', ...(process.env.TEST_REDIS_URL ? [] : ['test/redis/**'])],
  testTimeout: 20_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
  // graphql ships CJS (main) and ESM (module) builds without an exports map:
  // Vite resolves our `import 'graphql'` to the ESM build while Node loads
  // the CJS one for graphql-http, and graphql refuses a schema from the
  // other copy. Letting Vite process graphql-http gives both the same copy
  // (plain Node, as in production, loads the CJS build for both). The same
  // holds for graphql-ws and graphql-sse, which execute subscriptions, and for
  // graphql-jit, which compiles queries against the schema: left to Node, it
  // refused every schema and every query ran on graphql-js's fallback, so the
  // suites never ran the compiled path production runs.
  server: { deps: { inline: ['graphql-http', 'graphql-ws', 'graphql-sse', 'graphql-jit'] } },
};

const projects: TestProjectInlineConfiguration[] = [
  { oxc, resolve, test: { ...test, name: 'sqlite' } },
  {
    oxc,
    resolve,
    test: {
      ...test,
      name: 'postgres',
      include: POSTGRES_FILES,
      exclude: [...configDefaults.exclude, 'test/browser/**'],
      env: { POLYFACE_TEST_ENGINE: 'postgres' },
      setupFiles: ['test/support/postgres-setup.ts'],
    },
  },
];

export default defineConfig({
  oxc,
  resolve,
  test: { ...test, ...(process.env.TEST_DATABASE_URL && { projects }) },
});
