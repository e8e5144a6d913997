import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ALICE, BOB, startServer, type TestServer } from '../support/server.js';

/**
 * The /chat page in Debian's Chromium: two people log in, meet in a room,
 * see each other type and talk — one over long polling, one over WebSocket —
 * and a message carrying HTML stays text.
 */
let s: TestServer;
let browser: Browser;
beforeAll(async () => {
  s = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function logIn(who: { username: string; password: string }, name: string, transport: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  await page.goto(`${s.url}/chat?transport=${transport}`);
  await page.fill('#email', who.username);
  await page.fill('#password', who.password);
  await page.fill('#username', name);
  await page.click('#login-btn');
  await page.locator('#chat-container').waitFor({ state: 'visible' });
  await expect.poll(() => page.textContent('#current-room')).toBe('Room: general');
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

it('two people log in, join the same room, see each other typing and exchange messages; HTML stays text', async () => {
  const alice = await logIn(ALICE, 'Ally', 'polling');
  const bob = await logIn(BOB, '', 'websocket');

  // Presence: Alice's list fills as Bob comes online.
  await expect.poll(() => alice.locator('#user-list li').allTextContents()).toEqual(['Ally (Alice)', 'Bob']);
  await expect.poll(() => alice.locator('#messages').textContent()).toContain('Bob joined the room');

  // Typing shows on the other page only.
  await alice.locator('#message-input').pressSequentially('Hello Bob');
  await expect.poll(() => bob.textContent('#typing-indicator')).toBe('Ally (Alice) is typing...');
  expect(await alice.textContent('#typing-indicator')).toBe('');
  await alice.press('#message-input', 'Enter');
  await expect.poll(() => bob.locator('#messages .message:not(.system-message)').allTextContents()).toEqual([expect.stringMatching(/^Ally \(Alice\): Hello Bob /)]);
  await expect.poll(() => bob.textContent('#typing-indicator')).toBe('');
  expect(await alice.locator('#messages strong').allTextContents()).toEqual(['Ally (Alice)']);

  // The source material's page put message text into innerHTML; here an HTML payload is shown, not run.
  const payload = '<img src=x onerror="window.__xss = 1"><b>bold</b>';
  await bob.fill('#message-input', payload);
  await bob.click('#send-btn');
  const shown = alice.locator('#messages .message:not(.system-message) .text').last();
  await expect.poll(() => shown.textContent()).toBe(`: ${payload} `);
  expect(await alice.locator('#messages img, #messages b').count()).toBe(0);
  expect(await alice.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await bob.locator('#messages img').count()).toBe(0);

  // Rooms are apart: Bob moves to Support and no longer sees General.
  await bob.click('a[data-room="support"]');
  await expect.poll(() => bob.textContent('#current-room')).toBe('Room: support');
  await alice.fill('#message-input', 'anyone still in general?');
  await alice.press('#message-input', 'Enter');
  await expect.poll(() => alice.locator('#messages').textContent()).toContain('anyone still in general?');
  await new Promise((r) => setTimeout(r, 300));
  expect(await bob.locator('#messages').textContent()).not.toContain('anyone still in general?');

  for (const page of [alice, bob]) expect((page as Page & { errors: string[] }).errors).toEqual([]);
});

it('a wrong password is reported on the login form', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${s.url}/chat`);
  await page.fill('#email', ALICE.username);
  await page.fill('#password', 'wrong-password');
  await page.click('#login-btn');
  await expect.poll(() => page.textContent('#login-status')).toBe('Invalid username or password');
  expect(await page.locator('#chat-container').isHidden()).toBe(true);
});
