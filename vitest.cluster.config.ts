import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * Several gateway processes (the real src/app/main.ts) on one PostgreSQL
 * database and one Redis, directly and behind a real HAProxy:
 * `npm run test:cluster`, run by .ci/run with TEST_DATABASE_URL and
 * TEST_REDIS_URL set and HAProxy installed. `npm test` never starts them.
 */
// The base config runs its files once more as a `postgres` project when TEST_DATABASE_URL is set; these files
// start their own processes on PostgreSQL and are no such project.
const { projects: _projects, ...shared } = base.test ?? {};

export default defineConfig({
  ...base,
  test: {
    ...shared,
    include: ['test/cluster/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Each file starts several processes: one file at a time on a small machine.
    fileParallelism: false,
  },
});
