import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // inversify needs legacy (TypeScript "experimental") parameter decorators;
  // Vite's oxc transform only emits them when asked.
  oxc: { decorator: { legacy: true } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Browser tests have their own config and script (vitest.browser.config.ts, `npm run test:browser`), and so
    // do the multi-process cluster tests (vitest.cluster.config.ts, `npm run test:cluster`). The files needing
    // Redis run when TEST_REDIS_URL names one (CI sets it), so `npm test` alone needs no Redis.
    exclude: [...configDefaults.exclude, 'test/browser/**', 'test/cluster/**', ...(process.env.TEST_REDIS_URL ? [] : ['test/redis/**'])],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // graphql ships CJS (main) and ESM (module) builds without an exports map:
    // Vite resolves our `import 'graphql'` to the ESM build while Node loads
    // the CJS one for graphql-http, and graphql refuses a schema from the
    // other copy. Letting Vite process graphql-http gives both the same copy
    // (plain Node, as in production, loads the CJS build for both). The same
    // holds for graphql-ws and graphql-sse, which execute subscriptions.
    server: { deps: { inline: ['graphql-http', 'graphql-ws', 'graphql-sse'] } },
  },
});
