import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { RestClient } from '../../src/clients/rest.js';
import { testConfig } from '../../src/infra/config.js';
import { startServer, type TestServer } from '../support/server.js';
import { scratchDatabaseUrl, TEST_ENGINE } from '../support/storage.js';
import { ADMIN_CTX, cursor, quiet, take } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'polyface-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the transactional outbox', () => {
  it('an event survives a restart of the process: replayed by Last-Event-ID and by a long poll on the new process', async () => {
    // A file on SQLite; on PostgreSQL one scratch schema that both processes open.
    const databaseUrl = TEST_ENGINE === 'postgres' ? await scratchDatabaseUrl() : join(dir, 'restart.db');
    const first = await startServer({ databaseUrl });
    const admin = await first.token();
    const before = await cursor(first);
    const created = await new RestClient(first.url).call('createProduct', { name: 'Survivor', price: '7.00' }, admin);
    expect(created.ok).toBe(true);
    await first.close();

    const second = await startServer({ databaseUrl });
    try {
      const token = await second.token();
      const poll = await fetch(`${second.url}/api/v1/events?after=${before}`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
      expect(((await poll.json()) as { data: unknown[] }).data).toMatchObject([{ type: 'product.created', data: { name: 'Survivor' } }]);
      const sub = new RestClient(second.url).subscribe(['product.created'], { token, after: before });
      expect(await take(sub, 1)).toMatchObject([{ type: 'product.created', data: { name: 'Survivor', price: '7.00' } }]);
      await sub.close();
    } finally {
      await second.close();
    }
  });

  it('a rolled-back write emits nothing: the change and its event fail together', async () => {
    const s = await startServer();
    try {
      const admin = await s.token();
      const rest = new RestClient(s.url);
      const sub = rest.subscribe([], { token: admin, after: await cursor(s) });
      await sub.ready;
      // The outbox insert is the last statement of the transaction; make it fail after the user row was written.
      if (TEST_ENGINE === 'postgres') {
        await sql`create function refuse_events() returns trigger language plpgsql as $$ begin raise exception 'outbox unavailable'; end $$`.execute(s.app.db);
        await sql`create trigger refuse_events before insert on events for each row execute function refuse_events()`.execute(s.app.db);
      } else {
        await sql`create trigger refuse_events before insert on events begin select raise(abort, 'outbox unavailable'); end`.execute(s.app.db);
      }
      const failed = await rest.call('createUser', { name: 'Ghost', email: 'ghost@example.com' }, admin);
      expect(failed).toEqual({ ok: false, kind: 'INTERNAL', fields: [] });
      await (TEST_ENGINE === 'postgres' ? sql`drop function refuse_events cascade` : sql`drop trigger refuse_events`).execute(s.app.db);
      // No user, no event row, and nothing pushed.
      expect(await rest.call('listUsers', { email: 'ghost@example.com' }, admin)).toMatchObject({ ok: true, data: { total: 0 } });
      expect((await s.app.container.get(TYPES.EventStore).read({ after: '0', limit: 100 })).map((e) => e.type)).not.toContain('user.created');
      // A refused write (duplicate email) emits nothing either.
      expect(await rest.call('createUser', { name: 'Dup', email: 'alice@example.com' }, admin)).toMatchObject({ ok: false, kind: 'CONFLICT' });
      await quiet(sub);
      // The next committed change is the next event the subscriber sees.
      await rest.call('createUser', { name: 'Real', email: 'real@example.com' }, admin);
      expect(await take(sub, 1)).toMatchObject([{ type: 'user.created', data: { name: 'Real' } }]);
      await sub.close();
    } finally {
      await s.close();
    }
  });

  it('publishes committed events in id order, each once, even when commits finish together', async () => {
    const s = await startServer();
    try {
      const { products } = s.app.container.get(TYPES.DomainServices);
      const seen: string[] = [];
      const stop = s.app.container.get(TYPES.EventBus).subscribe((e) => seen.push(e.id));
      const made = await Promise.all(Array.from({ length: 40 }, (_, n) => products.create(ADMIN_CTX, { name: `Burst ${n}`, price: '1.00' })));
      await s.app.container.get(TYPES.OutboxRelay).flushed();
      stop();
      expect(made).toHaveLength(40);
      expect(seen).toHaveLength(40);
      expect(new Set(seen).size).toBe(40);
      expect([...seen].sort((a, b) => Number(a) - Number(b))).toEqual(seen);
    } finally {
      await s.close();
    }
  });

  it('retention prunes by count and by age; a subscriber resuming from a pruned cursor replays what is left', async () => {
    const s = await startServer({ events: { ...testConfig().events, retentionCount: 3, retentionSeconds: 3600, pruneIntervalSeconds: 0 } });
    try {
      const { products } = s.app.container.get(TYPES.DomainServices);
      for (let n = 0; n < 5; n++) await products.create(ADMIN_CTX, { name: `Kept ${n}`, price: '1.00' });
      const relay = s.app.container.get(TYPES.OutboxRelay);
      const store = s.app.container.get(TYPES.EventStore);
      expect(await relay.prune()).toBe(2);
      const left = await store.read({ after: '0', limit: 100 });
      expect(left.map((e) => (e.data as { name: string }).name)).toEqual(['Kept 2', 'Kept 3', 'Kept 4']);
      // Ids are never reused after pruning (AUTOINCREMENT): the next event continues the sequence.
      await products.create(ADMIN_CTX, { name: 'After prune', price: '1.00' });
      const head = await store.head();
      expect(BigInt(head)).toBe(BigInt(left[2]!.id) + 1n);

      // Age: everything older than an hour from a clock two hours ahead goes.
      const aged = await store.prune(new Date(Date.now() + 3_600_000), 1_000);
      expect(aged).toBe(4);
      expect(await store.read({ after: '0', limit: 100 })).toEqual([]);
      expect(await store.head()).toBe('0');
      await products.create(ADMIN_CTX, { name: 'Fresh', price: '1.00' });
      expect(BigInt(await store.head())).toBeGreaterThan(BigInt(head));
    } finally {
      await s.close();
    }
  });

  it('prunes in the background on its interval', async () => {
    const s: TestServer = await startServer({ events: { ...testConfig().events, retentionCount: 1, pruneIntervalSeconds: 1 } });
    try {
      const { products } = s.app.container.get(TYPES.DomainServices);
      for (let n = 0; n < 3; n++) await products.create(ADMIN_CTX, { name: `Background ${n}`, price: '1.00' });
      const store = s.app.container.get(TYPES.EventStore);
      const deadline = Date.now() + 5_000;
      while ((await store.read({ after: '0', limit: 10 })).length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect((await store.read({ after: '0', limit: 10 })).map((e) => (e.data as { name: string }).name)).toEqual(['Background 2']);
    } finally {
      await s.close();
    }
  });
});

describe('the hand-over from replay to live', () => {
  it('loses nothing and repeats nothing while changes keep committing', async () => {
    const s = await startServer();
    try {
      const { products } = s.app.container.get(TYPES.DomainServices);
      const after = await cursor(s);
      const writes = (async () => {
        for (let n = 0; n < 150; n++) await products.create(ADMIN_CTX, { name: `Flow ${n}`, price: '1.00' });
      })();
      // Joins while the writes are under way: part replay, part live.
      await new Promise((r) => setTimeout(r, 20));
      const sub = new RestClient(s.url).subscribe(['product.created'], { token: await s.token(), after });
      const events = await take(sub, 150, 15_000);
      await writes;
      expect(events.map((e) => (e.data as { name: string }).name)).toEqual(Array.from({ length: 150 }, (_, n) => `Flow ${n}`));
      const ids = events.map((e) => BigInt(e.id));
      for (let n = 1; n < ids.length; n++) expect(ids[n]! > ids[n - 1]!).toBe(true);
      await quiet(sub);
      await sub.close();
    } finally {
      await s.close();
    }
  });
});
