import { defineConfig } from 'vitest/config';

export default defineConfig({
  // inversify needs legacy (TypeScript "experimental") parameter decorators;
  // Vite's oxc transform only emits them when asked.
  oxc: { decorator: { legacy: true } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
