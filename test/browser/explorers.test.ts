import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../support/server.js';
import { launch } from './browser.js';

/**
 * GraphiQL (/graphql) and Swagger UI (/docs) render and work under their
 * Content-Security-Policy (issue 10, finding 10): no script, style or request
 * refused by the policy, and each explorer answers a query of its own.
 */
let s: TestServer;
let browser: Browser;
beforeAll(async () => {
  s = await startServer();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A CSP refusal is reported on the console ("Refused to … because it violates the following Content Security Policy").
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const res = await page.goto(`${s.url}${path}`);
  expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  return { page, errors };
}

it('GraphiQL renders and runs a query under its CSP', async () => {
  const { page, errors } = await open('/graphql?query=%7B%20products(limit%3A%201)%20%7B%20items%20%7B%20name%20%7D%20%7D%20%7D');
  await page.waitForSelector('.graphiql-container .CodeMirror', { timeout: 30_000 });
  await page.click('.graphiql-execute-button');
  // Anonymous, so the answer is an UNAUTHENTICATED error: what counts is that the fetch went out and came back.
  await expect.poll(() => page.locator('.result-window').textContent(), { timeout: 30_000 }).toMatch(/"(errors|data)"/);
  expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  expect(errors).toEqual([]);
  await page.close();
});

it('Swagger UI at /docs renders the OpenAPI document under its CSP', async () => {
  const { page, errors } = await open('/docs');
  await page.waitForSelector('.swagger-ui .info .title', { timeout: 30_000 });
  await expect(page.locator('.swagger-ui .opblock').count()).resolves.toBeGreaterThan(5);
  expect(errors).toEqual([]);
  await page.close();
});
