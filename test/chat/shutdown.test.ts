import { expect, it } from 'vitest';
import { ALICE, BOB, startServer } from '../support/server.js';
import { plain, sio } from './support.js';

it('closing the gateway ends every chat connection promptly: plain 1001, Socket.IO on both transports', async () => {
  const s = await startServer({ shutdownTimeoutMs: 10_000 });
  const ws = await plain(s, await s.token(ALICE));
  const polling = await sio(s, await s.token(BOB), { transports: ['polling'] });
  const websocket = await sio(s, await s.token(ALICE), { transports: ['websocket'] });
  const reasons = [polling, websocket].map((c) => new Promise<string>((r) => c.socket.once('disconnect', r)));
  const started = Date.now();
  await s.close();
  // Well inside the 10 s grace: a held long-poll request must not keep the server open.
  expect(Date.now() - started).toBeLessThan(3_000);
  expect((await ws.closed).code).toBe(1001);
  expect(await Promise.all(reasons)).toEqual([expect.stringMatching(/^transport (close|error)$/), 'transport close']);
});
