import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, README_PASSWORDS, runExample } from '../scripts/examples.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * The examples that need only Node run here, against a gateway with the
 * README's passwords; the curl and Python (zeep) ones run in CI through
 * scripts/examples.ts, so `npm test` needs nothing but Node.
 */
describe('examples/', { timeout: 60_000 }, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ adminPassword: README_PASSWORDS.ADMIN_PASSWORD, demoPassword: README_PASSWORDS.DEMO_PASSWORD });
  });
  afterAll(() => s.close());

  it.each(EXAMPLES.filter((e) => e.needs === 'node').map((e) => [e.file, e]))('%s runs, ends by itself and prints what it promises', async (_file, example) => {
    await runExample(example, s.url);
  });

  it('every example file exists, and the README links each one', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const example of EXAMPLES) {
      expect(existsSync(new URL(`../${example.file}`, import.meta.url)), example.file).toBe(true);
      expect(readme, example.file).toContain(`](${example.file})`);
    }
  });
});
