import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { createClients, type ClientVariant, type ProtocolClient } from '../../src/clients/index.js';
import { RestClient } from '../../src/clients/rest.js';
import type { DomainEvent } from '../../src/domain/events.js';
import { cursor, quiet, take } from '../events/support.js';
import { startServer, type TestServer } from '../support/server.js';

/**
 * Bulk writes emit their events like every other write: through the
 * outbox, one per user created, changed or deleted, only for items that
 * stayed, and only once the call's unit of work committed.
 */
let s: TestServer;
let admin: string;
let clients: Record<ClientVariant, ProtocolClient>;
let seq = 0;
const email = () => `bulk-events-${++seq}@example.com`;
const stored = async (after: string): Promise<DomainEvent[]> => s.app.container.get(TYPES.EventStore).read({ after, limit: 500 });

beforeAll(async () => {
  s = await startServer();
  admin = await s.token();
  clients = createClients(s.url);
});
afterAll(() => s.close());

describe('bulk operations and the outbox', () => {
  it('lenient: one user.created per item that stayed, pushed to subscribers after the commit; the refused item emits nothing', async () => {
    const after = await cursor(s);
    const sub = new RestClient(s.url).subscribe(['user.created'], { token: admin, after });
    await sub.ready;
    const [a, b] = [email(), email()];
    const out = await clients.jsonrpc.call(
      'bulkCreateUsers',
      { items: [{ name: 'Kept A', email: a }, { name: 'Dup', email: 'alice@example.com' }, { name: 'Kept B', email: b }], handling: 'lenient' },
      admin,
    );
    expect(out).toMatchObject({ ok: true, data: { succeeded: 2, failed: 1 } });
    const ids = (out as { data: { items: { id?: number; ok: boolean }[] } }).data.items.filter((i) => i.ok).map((i) => i.id);

    const events = await take(sub, 2);
    expect(events.map((e) => [e.type, e.data.id, e.data.email])).toEqual([
      ['user.created', ids[0], a],
      ['user.created', ids[1], b],
    ]);
    await quiet(sub);
    await sub.close();
    // What was pushed is what the outbox holds, in the same order.
    expect((await stored(after)).map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('strict: a failed item rolls the whole call back, and with it every event the good items recorded', async () => {
    const after = await cursor(s);
    const sub = new RestClient(s.url).subscribe([], { token: admin, after });
    await sub.ready;
    const first = email();
    const out = await clients.graphql.call('bulkCreateUsers', { items: [{ name: 'Gone', email: first }, { name: 'Dup', email: 'bob@example.com' }] }, admin);
    expect(out).toEqual({ ok: false, kind: 'CONFLICT', fields: ['items.1.email'] });
    await quiet(sub);
    await sub.close();
    expect(await stored(after)).toEqual([]);
    expect(await clients.rest.call('listUsers', { email: first }, admin)).toMatchObject({ ok: true, data: { total: 0 } });
  });

  it('patch and delete: user.updated with the user as written, user.deleted with its id — in item order, for the items that stayed', async () => {
    const made = await clients.rest.call('bulkCreateUsers', { items: [{ name: 'P1', email: email() }, { name: 'P2', email: email() }] }, admin);
    const [one, two] = (made as { data: { items: { id: number }[] } }).data.items.map((i) => i.id);
    const after = await cursor(s);

    const patched = await clients['soap-1.1'].call(
      'bulkPatchUsers',
      {
        items: [
          { id: two, name: 'P2 renamed' },
          { id: 999_999, name: 'Nobody' },
          { id: one, name: 'P1 renamed' },
        ],
        handling: 'lenient',
      },
      admin,
    );
    expect(patched).toMatchObject({ ok: true, data: { succeeded: 2, failed: 1 } });
    const deleted = await clients.rest.call('bulkDeleteUsers', { items: [{ id: one }, { id: two }] }, admin);
    expect(deleted).toMatchObject({ ok: true, data: { succeeded: 2, failed: 0 } });

    expect((await stored(after)).map((e) => [e.type, e.data])).toEqual([
      ['user.updated', expect.objectContaining({ id: two, name: 'P2 renamed', version: 2 })],
      ['user.updated', expect.objectContaining({ id: one, name: 'P1 renamed', version: 2 })],
      ['user.deleted', { id: one }],
      ['user.deleted', { id: two }],
    ]);
  });
});
