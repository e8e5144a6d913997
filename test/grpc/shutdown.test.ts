import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProto } from 'grpc-health-check';
import { expect, it } from 'vitest';
import { ADMIN, startServer } from '../support/server.js';
import { bearer, client, packages, targets, unary } from './helpers.js';

const health = grpc.loadPackageDefinition(loadSync(healthProto, { enums: String, defaults: true })) as any;

it('shutdown on both ports: health watchers hear NOT_SERVING, open streams are cut at the timeout, then nothing answers', async () => {
  const server = await startServer({ shutdownTimeoutMs: 300 });
  const token = await server.token(ADMIN);
  const where = targets(server);
  const stubs = Object.values(where).map((t) => ({ users: client(packages.user.UserService, t), health: new health.grpc.health.v1.Health(t, grpc.credentials.createInsecure()) }));
  try {
    const watches = stubs.map(({ health: h }) => {
      const statuses: string[] = [];
      const call = h.Watch({ service: 'user.UserService' });
      call.on('data', (m: { status: string }) => statuses.push(m.status));
      const ended = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
      call.on('error', () => {});
      return { statuses, ended };
    });
    for (const w of watches) await expect.poll(() => w.statuses).toEqual(['SERVING']);
    for (const { users } of stubs) expect(await unary(users, 'GetUser', { id: '1' }, bearer(token))).toMatchObject({ ok: true });

    const started = Date.now();
    await server.close();
    // The Watch streams never end by themselves: close waited for them up to SHUTDOWN_TIMEOUT_MS, then cut them.
    expect(Date.now() - started).toBeLessThan(3000);
    for (const w of watches) {
      expect(w.statuses).toEqual(['SERVING', 'NOT_SERVING']);
      expect((await w.ended).code).not.toBe(grpc.status.OK);
    }
    for (const { users } of stubs) {
      const after = await unary(users, 'GetUser', { id: '1' }, bearer(token), { deadline: Date.now() + 2000 });
      expect(after).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE });
    }
  } finally {
    for (const s of stubs) {
      s.users.close();
      s.health.close();
    }
  }
});
