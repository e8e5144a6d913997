import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import type { DomainEvent } from '../../src/domain/events.js';
import { systemClock } from '../../src/infra/clock.js';
import { StartupError } from '../../src/infra/startup-error.js';
import { connectDatabase, openDatabase, QueryCounter } from '../../src/infra/storage/database.js';
import { SqlEventStore } from '../../src/infra/storage/events-repo.js';
import { SqlJobRepository } from '../../src/infra/storage/jobs-repo.js';
import { migrate, MIGRATION_NAMES } from '../../src/infra/storage/migrations.js';
import type { Database } from '../../src/infra/storage/schema.js';
import { SqlUnitOfWork } from '../../src/infra/storage/unit-of-work.js';
import { admin, domainFixture } from '../support/domain.js';
import { startServer } from '../support/server.js';
import { openTestDatabase, scratchDatabaseUrl, TEST_ENGINE, TEST_STORAGE_OPTIONS } from '../support/storage.js';

/**
 * PostgreSQL alone (the `postgres` vitest project, TEST_DATABASE_URL set):
 * the pool and its limits, the type parsing, and the races that SQLite's
 * single writer never lets happen.
 */

const opened: Kysely<Database>[] = [];
afterAll(async () => {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
});
const track = <T extends Kysely<Database>>(db: T): T => (opened.push(db), db);

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof DomainError) return err.kind;
    throw err;
  }
}

it('runs on PostgreSQL', () => {
  expect(TEST_ENGINE).toBe('postgres');
});

describe('types', () => {
  it('int8 columns and counts arrive as numbers, sums of money as exact numbers of cents', async () => {
    const db = track(await openTestDatabase());
    await db.insertInto('products').values({ name: 'Big', price_cents: 2 ** 40 }).execute();
    const row = await db.selectFrom('products').select(['price_cents', (eb) => eb.fn.countAll<number>().over().as('n')]).executeTakeFirstOrThrow();
    expect(row).toEqual({ price_cents: 2 ** 40, n: 1 });
  });

  it('an int8 beyond 2^53 is an error, not silently rounded money', async () => {
    const db = track(await openTestDatabase());
    await expect(sql`select 9007199254740993::int8 as n`.execute(db)).rejects.toThrow(/beyond JavaScript's exact integers/);
  });
});

describe('pool and timeouts', () => {
  it('DATABASE_POOL_SIZE caps the connections: six concurrent queries share two backends', async () => {
    const db = track(openDatabase(await scratchDatabaseUrl(), new QueryCounter(), { ...TEST_STORAGE_OPTIONS, poolSize: 2 }));
    const pids = await Promise.all(
      Array.from({ length: 6 }, async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.05)`.execute(db)).rows[0]!.pid),
    );
    expect(new Set(pids).size).toBe(2);
  });

  it('DATABASE_STATEMENT_TIMEOUT_MS cancels a statement that runs longer', async () => {
    const db = track(openDatabase(await scratchDatabaseUrl(), new QueryCounter(), { ...TEST_STORAGE_OPTIONS, statementTimeoutMs: 50 }));
    await expect(sql`select pg_sleep(2)`.execute(db)).rejects.toMatchObject({ code: '57014' });
  });

  it('DATABASE_CONNECT_TIMEOUT_MS: a server that accepts but never answers fails the start in one line', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = connectDatabase(`postgres://u:pw@127.0.0.1:${port}/db`, new QueryCounter(), { ...TEST_STORAGE_OPTIONS, connectTimeoutMs: 200, connectRetries: 1 }, 10);
      const err = await started.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StartupError);
      expect((err as Error).message).toMatch(/^DATABASE_URL=postgres:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/db: cannot reach the PostgreSQL database after 2 attempts \(.*timeout/);
    } finally {
      silent.close();
    }
  });

  it('a wrong database name is not retried', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = '/polyface_test_no_such_database';
    const err = await connectDatabase(url.toString(), new QueryCounter(), { ...TEST_STORAGE_OPTIONS, connectRetries: 5 }, 60_000).catch((e: unknown) => e);
    expect((err as Error).message).toContain('cannot reach the PostgreSQL database (');
    expect((err as Error).message).toContain('does not exist');
  });
});

describe('migrations', () => {
  it('two instances starting at once on an empty database: one migrates, the other waits and finds nothing to do', async () => {
    const url = await scratchDatabaseUrl();
    const [a, b] = [track(openDatabase(url, new QueryCounter(), TEST_STORAGE_OPTIONS)), track(openDatabase(url, new QueryCounter(), TEST_STORAGE_OPTIONS))];
    const applied = await Promise.all([migrate(a), migrate(b)]);
    expect(applied.map((names) => names.length).sort()).toEqual([0, MIGRATION_NAMES.length]);
    expect(await migrate(a)).toEqual([]);
  });

  it('ids are identity columns, so an explicit id (a restore) is accepted and later ids do not collide with it', async () => {
    const db = track(await openTestDatabase());
    await db.insertInto('products').values({ id: 1, name: 'Restored', price_cents: 1 } as never).execute();
    await sql`select setval(pg_get_serial_sequence('products', 'id'), 1)`.execute(db);
    const next = await db.insertInto('products').values({ name: 'New', price_cents: 2 }).returning('id').executeTakeFirstOrThrow();
    expect(next.id).toBe(2);
  });
});

describe('races that a single writer hid', () => {
  it('the same new email from ten concurrent calls: one user, nine CONFLICTs', async () => {
    const d = await domainFixture();
    track(d.db);
    const results = await Promise.all(Array.from({ length: 10 }, (_, n) => outcome(d.users.create(admin, { name: `Twin ${n}`, email: 'twin@example.com' }))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'CONFLICT')).toHaveLength(9);
  });

  it('ten concurrent updates against one version: one wins, nine are PRECONDITION_FAILED', async () => {
    const d = await domainFixture();
    track(d.db);
    const { version } = await d.users.get(admin, { id: 2 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, n) => outcome(d.users.patch(admin, { id: 2, name: `Bob ${n}`, expectedVersion: version }))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'PRECONDITION_FAILED')).toHaveLength(9);
  });

  it('a versioned delete racing a versioned update: exactly one of them succeeds, and what is stored is its result', async () => {
    const d = await domainFixture();
    track(d.db);
    for (let round = 0; round < 4; round++) {
      const user = await d.users.create(admin, { name: `Racer ${round}`, email: `racer${round}@example.com` });
      const [deleted, patched] = await Promise.all([
        outcome(d.users.delete(admin, { id: user.id, expectedVersion: user.version })),
        outcome(d.users.patch(admin, { id: user.id, name: 'Renamed', expectedVersion: user.version })),
      ]);
      const stored = await d.repos.users.findById(user.id);
      if (deleted === 'ok') {
        // The update came second: the row it names is gone.
        expect(patched).toBe('NOT_FOUND');
        expect(stored).toBeUndefined();
      } else {
        expect([deleted, patched]).toEqual(['PRECONDITION_FAILED', 'ok']);
        expect(stored?.name).toBe('Renamed');
      }
    }
  });

  it('orders created while their user is deleted: each is refused as NOT_FOUND or goes with the user, none is orphaned', async () => {
    const d = await domainFixture();
    track(d.db);
    const orders = Array.from({ length: 8 }, () => outcome(d.orders.create(admin, { userId: 2, items: [{ productId: 1, quantity: 1 }] })));
    const results = await Promise.all([...orders, outcome(d.users.delete(admin, { id: 2 }))]);
    expect(results.at(-1)).toBe('ok');
    expect(new Set(results.slice(0, -1)).size).toBeGreaterThan(0);
    for (const r of results.slice(0, -1)) expect(['ok', 'NOT_FOUND']).toContain(r);
    expect(await d.db.selectFrom('orders').select('id').where('user_id', '=', 2).execute()).toEqual([]);
  });

  it('orders for a product that is being deleted: the delete is a CONFLICT or the orders are refused, never a server error', async () => {
    const d = await domainFixture();
    track(d.db);
    const product = await d.products.create(admin, { name: 'Fleeting', price: 1 });
    const orders = Array.from({ length: 6 }, () => outcome(d.orders.create(admin, { userId: 1, items: [{ productId: product.id, quantity: 1 }] })));
    const results = await Promise.all([...orders, outcome(d.products.delete(admin, { id: product.id }))]);
    const deleted = results.at(-1);
    expect(['ok', 'CONFLICT']).toContain(deleted);
    for (const r of results.slice(0, -1)) expect(['ok', 'NOT_FOUND', 'VALIDATION']).toContain(r);
    const lines = await d.db.selectFrom('order_items').select('id').where('product_id', '=', product.id).execute();
    if (deleted === 'ok') expect(lines).toEqual([]);
    else expect(lines.length).toBeGreaterThan(0);
  });

  it('job runners on several instances claiming at once each get a different queued job (SKIP LOCKED), none comes back empty', async () => {
    const db = track(await openTestDatabase());
    const jobs = new SqlJobRepository(db);
    const at = '2026-01-15T09:00:00.000Z';
    for (let n = 0; n < 8; n++) {
      await jobs.insert({ id: `job-${n}`, ownerSubject: 'admin', ownerUserId: null, kind: 'export', input: '{}', status: 'queued', done: 0, total: null, result: null, error: null, createdAt: at, updatedAt: at });
    }
    const claimed = await Promise.all(Array.from({ length: 8 }, () => jobs.claimNext(at)));
    expect(claimed.every((j) => j?.status === 'running')).toBe(true);
    expect(new Set(claimed.map((j) => j?.id)).size).toBe(8);
  });

  it('outbox ids become visible in order: a later writer waits for an earlier one, so a reader never skips an id', async () => {
    const db = track(await openTestDatabase());
    const store = new SqlEventStore(db);
    const uow = new SqlUnitOfWork(db, systemClock);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let recordedFirst!: () => void;
    const firstRecorded = new Promise<void>((resolve) => (recordedFirst = resolve));
    const first = uow.run(async (w) => {
      await w.record({ type: 'product.created', data: { id: 1 } });
      recordedFirst();
      await gate;
    });
    await firstRecorded;
    let secondDone = false;
    const second = uow.run((w) => w.record({ type: 'product.created', data: { id: 2 } })).then((e: DomainEvent) => ((secondDone = true), e));
    // The second transaction is free to run; were it to commit its (larger) id now, a reader would pass the first.
    await Promise.race([second, new Promise((resolve) => setTimeout(resolve, 300))]);
    expect(secondDone).toBe(false);
    expect(await store.read({ after: '0', limit: 10 })).toEqual([]);
    release();
    await Promise.all([first, second]);
    const seen = await store.read({ after: '0', limit: 10 });
    expect(seen.map((e) => e.data['id'])).toEqual([1, 2]);
  });
});

describe('/readyz', () => {
  it('reflects the pool: 503 while PostgreSQL cannot be reached, 200 again once it can', async () => {
    // A TCP relay between the gateway and PostgreSQL that the test can cut.
    const target = new URL(process.env.TEST_DATABASE_URL!);
    const sockets = new Set<Socket>();
    let open = true;
    const relay = createServer((client) => {
      if (!open) return client.destroy();
      const upstream = createConnection(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const url = new URL(await scratchDatabaseUrl());
    url.hostname = '127.0.0.1';
    url.port = String((relay.address() as { port: number }).port);
    const s = await startServer({ databaseUrl: url.toString(), database: { poolSize: 2, statementTimeoutMs: 5000, connectRetries: 0, connectTimeoutMs: 500 } });
    try {
      expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
      open = false;
      for (const socket of sockets) socket.destroy();
      const down = await fetch(`${s.url}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 'unavailable', database: 'unreachable' });
      open = true;
      expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    } finally {
      open = true;
      await s.close();
      relay.close();
      for (const socket of sockets) socket.destroy();
    }
  });
});
