import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * Tests that drive a real browser (playwright-core with Debian's Chromium,
 * /usr/bin/chromium): `npm run test:browser`, run by .ci/run after it
 * installs Chromium when missing. `npm test` never needs a browser.
 * (Spread rather than mergeConfig, which would append to the base include list.)
 */
// The base config runs its storage files once more as a `postgres` project when TEST_DATABASE_URL is set (CI
// sets it before this runs); browser tests are no such project.
const { projects: _projects, ...shared } = base.test ?? {};

export default defineConfig({
  ...base,
  test: {
    ...shared,
    include: ['test/browser/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    // One browser at a time on a small machine.
    fileParallelism: false,
  },
});
