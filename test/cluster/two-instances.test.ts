import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestClient } from '../../src/clients/rest.js';
import { take } from '../events/support.js';
import { login, SECRETS, startCluster } from './support.js';

let cluster: Awaited<ReturnType<typeof startCluster>>;
let admin: string;
beforeAll(async () => {
  // Both processes start at the same moment on an empty database: migrations and seeding must not race.
  cluster = await startCluster('pair');
  admin = (await login(cluster.a.url, 'admin', SECRETS.ADMIN_PASSWORD)).token!;
});
afterAll(async () => {
  await cluster?.close();
});

describe('two gateway processes on one PostgreSQL database and one Redis', () => {
  it('both started at once on an empty database: one schema, one set of demo data, both ready', async () => {
    for (const g of [cluster.a, cluster.b]) {
      const res = await fetch(`${g.url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ready', redis: 'ok' });
    }
    const users = await new RestClient(cluster.b.url).call('listUsers', { email: 'alice@example.com' }, admin);
    expect(users).toMatchObject({ ok: true, data: { total: 1 } });
  });

  it('a user created on A is read on B, and the same email again on B is a conflict', async () => {
    const created = await new RestClient(cluster.a.url).call('createUser', { name: 'Ana', email: 'ana@example.com' }, admin);
    expect(created.ok).toBe(true);
    const id = (created as { data: { id: number } }).data.id;
    expect(await new RestClient(cluster.b.url).call('getUser', { id }, admin)).toMatchObject({ ok: true, data: { id, email: 'ana@example.com' } });
    expect(await new RestClient(cluster.b.url).call('createUser', { name: 'Ana again', email: 'ana@example.com' }, admin)).toMatchObject({ ok: false, kind: 'CONFLICT' });
  });

  it('an SSE subscriber on B gets the event raised on A', async () => {
    const sub = new RestClient(cluster.b.url).subscribe(['product.created'], { token: admin });
    await sub.ready;
    expect((await new RestClient(cluster.a.url).call('createProduct', { name: 'Cross', price: '9.99' }, admin)).ok).toBe(true);
    expect(await take(sub, 1, 15_000)).toMatchObject([{ type: 'product.created', data: { name: 'Cross', price: '9.99' } }]);
    await sub.close();
  });

  it('SIGKILL on A: B keeps serving and has everything A acknowledged', async () => {
    const rest = new RestClient(cluster.a.url);
    const acknowledged: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await rest.call('createUser', { name: `Kept ${i}`, email: `kept${i}@example.com` }, admin);
      expect(r.ok).toBe(true);
      acknowledged.push((r as { data: { id: number } }).data.id);
    }
    // Writes in flight when the process dies: whatever was answered must be there; the rest may or may not be.
    const inFlight = Array.from({ length: 5 }, (_, i) => rest.call('createUser', { name: `Maybe ${i}`, email: `maybe${i}@example.com` }, admin).catch(() => undefined));
    await cluster.a.stop('SIGKILL');
    const late = await Promise.all(inFlight);
    for (const r of late) if (r?.ok) acknowledged.push((r as { data: { id: number } }).data.id);
    const onB = new RestClient(cluster.b.url);
    for (const id of acknowledged) expect(await onB.call('getUser', { id }, admin)).toMatchObject({ ok: true, data: { id } });
    expect((await fetch(`${cluster.b.url}/readyz`)).status).toBe(200);
    // B still writes, and a new login works on it.
    expect((await login(cluster.b.url, 'admin', SECRETS.ADMIN_PASSWORD)).status).toBe(200);
    expect((await onB.call('createUser', { name: 'After', email: 'after@example.com' }, admin)).ok).toBe(true);
  });
});
