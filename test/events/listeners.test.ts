import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { startServer, type TestServer } from '../support/server.js';
import { ADMIN_CTX } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

it('many subscribers at once print no "possible memory leak" warning (the shutdown signal has one listener per open stream), and each ending takes its listener off', async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const feed = s.app.container.get(TYPES.FeedService);
    // Within EVENTS_MAX_PER_PRINCIPAL (16), past Node's default of ten listeners per signal.
    const subs = await Promise.all(Array.from({ length: 12 }, () => feed.watch(ADMIN_CTX, {})));
    const shutdown = s.app.container.get(TYPES.Shutdown).signal;
    const listening = () => getEventListeners(shutdown, 'abort').length;
    expect(listening()).toBeGreaterThanOrEqual(12);
    for (const sub of subs) await sub[Symbol.asyncIterator]().return?.();
    expect(listening()).toBe(0);
    // The warning is emitted on a later tick.
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  } finally {
    process.off('warning', onWarning);
  }
});
