import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/errors.js';
import type { DomainEvent } from '../../domain/events.js';
import { msg } from '../../domain/i18n/index.js';
import { systemClock } from '../clock.js';
import { openTestDatabase } from '../../../test/support/storage.js';
import type { Database } from './schema.js';
import { SqlUnitOfWork } from './unit-of-work.js';

/** The one unit of work, on a real database (in-memory SQLite, or PostgreSQL when TEST_DATABASE_URL is set): what commits, what rolls back, what reaches the relay. */
let db: Kysely<Database>;
let published: DomainEvent[][];
let uow: SqlUnitOfWork;

const row = (name: string) => ({ name, email: `${name.toLowerCase()}@uow.test`, role: 'user' as const, passwordHash: null });
const refused = () => new DomainError('CONFLICT', msg('user.conflict'));
const names = async () => (await db.selectFrom('users').select('name').where('email', 'like', '%@uow.test').orderBy('id').execute()).map((r) => r.name);
const outbox = async () => (await db.selectFrom('events').select(['id', 'type', 'data']).orderBy('id').execute()).map((r) => JSON.parse(r.data).name as string);

beforeEach(async () => {
  db = await openTestDatabase();
  published = [];
  uow = new SqlUnitOfWork(db, systemClock, (events) => published.push([...events]));
});
afterEach(() => db.destroy());

describe('SqlUnitOfWork', () => {
  it('commits the change and its event together, then hands the events to the relay', async () => {
    const value = await uow.run(async (w) => {
      const r = await w.users.insert(row('Ann'));
      if (!r.ok) throw refused();
      await w.record({ type: 'user.created', data: { id: r.value.id, name: 'Ann' } });
      return r.value.id;
    });
    expect(await names()).toEqual(['Ann']);
    expect(await outbox()).toEqual(['Ann']);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject([{ type: 'user.created', data: { id: value, name: 'Ann' } }]);
  });

  it('a throw rolls back the change and its event; nothing is handed on', async () => {
    await expect(
      uow.run(async (w) => {
        await w.users.insert(row('Ben'));
        await w.record({ type: 'user.created', data: { name: 'Ben' } });
        throw refused();
      }),
    ).rejects.toBeInstanceOf(DomainError);
    expect(await names()).toEqual([]);
    expect(await outbox()).toEqual([]);
    expect(published).toEqual([]);
  });

  it('a step that throws undoes its own writes and events only; the rest commits and is handed on', async () => {
    const outcomes = await uow.run(async (w) => {
      const out: string[] = [];
      for (const name of ['Cat', 'Dan', 'Eve']) {
        try {
          await w.step(async () => {
            await w.users.insert(row(name));
            await w.record({ type: 'user.created', data: { name } });
            // Recorded, then refused: the savepoint takes the row and the outbox row back, and the relay never hears of it.
            if (name === 'Dan') throw refused();
          });
          out.push(`${name}: ok`);
        } catch (err) {
          out.push(`${name}: ${(err as DomainError).kind}`);
        }
      }
      return out;
    });
    expect(outcomes).toEqual(['Cat: ok', 'Dan: CONFLICT', 'Eve: ok']);
    expect(await names()).toEqual(['Cat', 'Eve']);
    expect(await outbox()).toEqual(['Cat', 'Eve']);
    expect(published.map((batch) => batch.map((e) => e.data.name))).toEqual([['Cat', 'Eve']]);
  });

  it('the transaction stays usable after a step failed in the database itself (a unique violation)', async () => {
    await uow.run(async (w) => {
      await w.step(async () => {
        await w.users.insert(row('Fay'));
      });
      const dup = await w.step(() => w.users.insert(row('Fay')));
      expect(dup).toEqual({ ok: false, reason: 'conflict' });
      await w.step(async () => {
        await w.users.insert(row('Gus'));
      });
    });
    expect(await names()).toEqual(['Fay', 'Gus']);
  });

  it('steps nest: an inner rollback keeps what the outer step did', async () => {
    await uow.run(async (w) => {
      await w.step(async () => {
        await w.users.insert(row('Hal'));
        await w.record({ type: 'user.created', data: { name: 'Hal' } });
        await w.step(async () => {
          await w.record({ type: 'user.created', data: { name: 'Ivy' } });
          throw refused();
        }).catch(() => undefined);
      });
    });
    expect(await outbox()).toEqual(['Hal']);
    expect(published.map((batch) => batch.map((e) => e.data.name))).toEqual([['Hal']]);
  });

  it('all steps succeeding but the work throwing at the end (a strict bulk call) leaves nothing and hands on nothing', async () => {
    await expect(
      uow.run(async (w) => {
        for (const name of ['Jo', 'Kim']) {
          await w.step(async () => {
            await w.users.insert(row(name));
            await w.record({ type: 'user.created', data: { name } });
          });
        }
        throw refused();
      }),
    ).rejects.toBeInstanceOf(DomainError);
    expect(await names()).toEqual([]);
    expect(await outbox()).toEqual([]);
    expect(published).toEqual([]);
  });
});
