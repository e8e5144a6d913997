import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Filter } from '../../src/domain/query/filter.js';
import { openDatabase, QueryCounter } from '../../src/infra/storage/database.js';
import { listPage } from '../../src/infra/storage/keyset.js';
import { migrate } from '../../src/infra/storage/migrations.js';
import type { Database } from '../../src/infra/storage/schema.js';
import { SqlUserRepository } from '../../src/infra/storage/users-repo.js';

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PARTS = ['Ali', 'ALICE', 'alí', 'Ångström', 'ÅNG', 'ß', 'Straße', 'STRASSE', 'Zoë', 'ZOË', 'Ölaf', 'olaf', 'İstanbul', 'istanbul', 'Ωmega', 'ωmega', '100%', 'a_b', 'x\\y', 'mal', 'Kalinin', 'natália', '北京', '東京都', '😀smile', ' ', '-', "O'Brien", '"quoted"'];

describe('name search through the FTS5 trigram index', () => {
  let db: Kysely<Database>;
  let repo: SqlUserRepository;
  const rnd = random(18);
  const names: string[] = [];

  beforeAll(async () => {
    db = openDatabase(':memory:', new QueryCounter());
    await migrate(db);
    for (let i = 0; i < 400; i++) {
      const name = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => PARTS[Math.floor(rnd() * PARTS.length)]).join(rnd() < 0.5 ? ' ' : '');
      names.push(name.trim() || 'x');
    }
    await db
      .insertInto('users')
      .values(names.map((name, i) => ({ name, email: `n${i}@example.com`, role: 'user', password_hash: null, created_at: 't', updated_at: 't', version: 1 })))
      .execute();
    repo = new SqlUserRepository(db);
  });
  afterAll(() => db.destroy());

  /** The same filter without the index: the plain case-insensitive LIKE filter-sql.ts always compiled. */
  const byLike = async (where: Filter) =>
    (await listPage<{ id: number }>(db, { table: 'users', columns: { id: 'id', name: 'name' } }, { limit: 1000, offset: 0, sort: [], where, withTotal: true })).items.map((r) => r.id);
  const byIndex = async (where: Filter) => {
    const page = await repo.list({ limit: 1000, offset: 0, sort: [], where, withTotal: true });
    expect(page.total).toBe(page.items.length);
    return page.items.map((r) => r.id);
  };

  it('finds exactly what the LIKE finds, for needles cut from the names in any case, and for made-up ones', async () => {
    const needles = new Set(['ali', 'ALI', 'ång', 'ÅNG', 'straße', 'STRASSE', 'ss', 'zoë', 'ZOË', 'ölaf', 'ωme', 'ΩME', '0%', '%', '_b', 'x\\y', '京都', '😀sm', "o'b", '"quo', 'al', 'a', 'nothing-like-it']);
    for (let i = 0; i < 150; i++) {
      const name = names[Math.floor(rnd() * names.length)]!;
      const chars = [...name];
      const from = Math.floor(rnd() * chars.length);
      const cut = chars.slice(from, from + 1 + Math.floor(rnd() * 6)).join('');
      needles.add(rnd() < 0.3 ? cut.toUpperCase() : rnd() < 0.5 ? cut.toLowerCase() : cut);
    }
    let matched = 0;
    for (const value of needles) {
      const where: Filter = { op: 'contains', field: 'name', value };
      const expected = await byLike(where);
      if (expected.length) matched++;
      expect(await byIndex(where), JSON.stringify(value)).toEqual(expected);
      const negated: Filter = { op: 'not', arg: where };
      expect(await byIndex(negated), `not ${JSON.stringify(value)}`).toEqual(await byLike(negated));
    }
    expect(matched).toBeGreaterThan(100);
  });

  it('uses the index for a selective needle of three characters or more, and the plain scan for shorter ones', async () => {
    const counter = new QueryCounter();
    const sqlOf: string[] = [];
    counter.onQuery = (_s, text) => sqlOf.push(text);
    const traced = openDatabase(':memory:', counter);
    try {
      await migrate(traced);
      const r = new SqlUserRepository(traced);
      sqlOf.length = 0;
      await r.list({ limit: 10, offset: 0, sort: [], where: { op: 'contains', field: 'name', value: 'ali' }, withTotal: false });
      expect(sqlOf[0]).toContain('users_name_fts match');
      expect(sqlOf.at(-1)).toContain('json_each');
      sqlOf.length = 0;
      await r.list({ limit: 10, offset: 0, sort: [], where: { op: 'contains', field: 'name', value: 'al' }, withTotal: false });
      expect(sqlOf.join('\n')).not.toContain('users_name_fts');
    } finally {
      await traced.destroy();
    }
  });
});
