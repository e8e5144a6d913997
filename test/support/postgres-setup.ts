import { afterAll } from 'vitest';
import { dropScratchDatabases } from './storage.js';

// The `postgres` project's setup file (vitest.config.ts): each test file's scratch schemas go when it ends.
afterAll(async () => {
  await dropScratchDatabases();
});
