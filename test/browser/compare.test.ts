import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { allStyles } from '../../src/compare/styles.js';
import { ADMIN, startServer, type TestServer } from '../support/server.js';
import { launch } from './browser.js';

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

it('/compare runs get-user in every style: a response panel per style, side by side with its request, and charts drawn', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} ${m.location().url}`));
  // Only this server is ever asked for anything.
  const foreign: string[] = [];
  page.on('request', (r) => !r.url().startsWith(s.url) && !r.url().startsWith('blob:') && foreign.push(r.url()));

  await page.goto(`${s.url}/compare`);
  await page.waitForSelector('#scenario option[value="get-user"]', { state: 'attached' });
  await page.selectOption('#scenario', 'get-user');
  await page.fill('#password', ADMIN.password);
  await page.click('#run');
  await page.waitForSelector('#status:has-text("Done")', { timeout: 45_000 });

  for (const style of allStyles()) {
    const card = page.locator(`section.style[data-style="${style.id}"]`);
    await expect(card.locator('h3').textContent()).resolves.toBe(style.label);
    const request = card.locator('.pair .request pre').first();
    const response = card.locator('.pair .response pre').first();
    const [req, res] = [await request.textContent(), await response.textContent()];
    // HTTP/1.1 styles show the raw exchange; gRPC (HTTP/2) its messages decoded from protobuf.
    if (res!.startsWith('gRPC')) {
      expect(req).toMatch(/^gRPC message, \d+ bytes:\n {2}1: 1\n/);
      expect(res).toMatch(/^gRPC message, \d+ bytes:[\s\S]*"Alice"/);
    } else {
      expect(req).toMatch(/^POST|^GET/);
      expect(res).toMatch(/^HTTP\/1\.1 200 OK/);
      expect(res).toContain('Alice');
      // Syntax-highlighted, not plain text.
      expect(await card.locator('.pair .response .hljs-attribute').count()).toBeGreaterThan(0);
    }
    // Side by side: the response panel starts to the right of the request panel, on the same row.
    const [a, b] = [await request.boundingBox(), await response.boundingBox()];
    expect(b!.x).toBeGreaterThan(a!.x + a!.width - 1);
    expect(Math.abs(b!.y - a!.y)).toBeLessThan(5);
  }
  expect(await page.locator('#summary tbody tr').count()).toBe(allStyles().length);

  const chart = page.locator('img[data-chart="bytes"]');
  await chart.waitFor();
  // Evaluated in the page (a string: this project's TypeScript has no DOM library): the SVG decoded into a real picture.
  await page.waitForFunction(`(() => { const img = document.querySelector('img[data-chart="bytes"]'); return !!img && img.complete && img.naturalWidth > 100; })()`);
  expect(await page.locator('#charts img').count()).toBeGreaterThanOrEqual(3);
  expect(errors).toEqual([]);
  expect(foreign).toEqual([]);
  await page.screenshot({ path: 'test-results/compare-page.png', fullPage: true }).catch(() => {});
});
