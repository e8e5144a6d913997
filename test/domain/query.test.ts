import { beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { compileFilter, MAX_FILTER_NODES } from '../../src/domain/query/filter.js';
import { USER_FILTER_FIELDS } from '../../src/domain/users/schemas.js';
import { admin, domainFixture } from '../support/domain.js';

type Fixture = Awaited<ReturnType<typeof domainFixture>>;

async function failure(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('the one query model: filter expressions, simple parameters and storage', () => {
  let d: Fixture;
  const names = async (input: Record<string, unknown>) => (await d.users.list(admin, { limit: 100, ...input })).items.map((u) => u.name);
  beforeAll(async () => {
    d = await domainFixture();
    for (const [name, role] of [
      ['Carol', 'admin'],
      ["Dan O'Brien", 'user'],
      ['Eve_Admin', 'admin'],
      ['100% Frank', 'user'],
    ] as const) {
      await d.users.create(admin, { name, email: `${name.replace(/\W/g, '').toLowerCase()}@example.com`, role });
    }
  });

  it('comparisons, and/or/not, in, and the text functions', async () => {
    expect(await names({ filter: "role eq 'admin'" })).toEqual(['Carol', 'Eve_Admin']);
    expect(await names({ filter: "role ne 'admin' and id gt 1" })).toEqual(['Bob', "Dan O'Brien", '100% Frank']);
    expect(await names({ filter: "name eq 'Alice' or name eq 'Bob'" })).toEqual(['Alice', 'Bob']);
    expect(await names({ filter: "not (role eq 'user')" })).toEqual(['Carol', 'Eve_Admin']);
    expect(await names({ filter: 'id in (1, 3, 99)' })).toEqual(['Alice', 'Carol']);
    expect(await names({ filter: "startswith(name,'c') or endswith(name, 'ob')" })).toEqual(['Bob', 'Carol']);
    expect(await names({ filter: "contains(name,'O''Brien')" })).toEqual(["Dan O'Brien"]);
  });

  it('LIKE wildcards in the value are literal characters, not patterns', async () => {
    expect(await names({ filter: "contains(name,'_')" })).toEqual(['Eve_Admin']);
    expect(await names({ filter: "startswith(name,'100%')" })).toEqual(['100% Frank']);
    expect(await names({ filter: "contains(name,'%')" })).toEqual(['100% Frank']);
  });

  it('an injection attempt is just a string that matches nothing', async () => {
    expect(await names({ filter: "name eq 'x'' or 1=1 --'" })).toEqual([]);
    expect((await d.users.list(admin, { limit: 100 })).total).toBe(6);
  });

  it('dates compare as instants; emails fold to lower case', async () => {
    expect(await names({ filter: 'createdAt lt 2026-01-15T09:00:30Z' })).toEqual(['Alice']);
    expect(await names({ filter: "createdAt ge '2026-01-15T10:01:00+01:00'" })).toEqual(['Bob', 'Carol', "Dan O'Brien", 'Eve_Admin', '100% Frank']);
    expect(await names({ filter: "email eq 'BOB@EXAMPLE.COM'" })).toEqual(['Bob']);
  });

  it('simple parameters are terms of the same tree: role, name, and filter together', async () => {
    expect(await names({ filter: "role in ('admin', 'user')" })).toHaveLength(6);
    expect(await names({ role: 'admin', name: 'ev' })).toEqual(['Eve_Admin']);
    expect(await names({ role: 'user', filter: 'id le 2' })).toEqual(['Alice', 'Bob']);
    expect(await names({ role: 'admin', filter: "role eq 'user'" })).toEqual([]);
    const bad = await failure(d.users.list(admin, { role: 'root' }));
    expect(bad.fields.map((f) => f.field)).toEqual(['role']);
  });

  it('products: money literals are decimals, ranges are inclusive', async () => {
    const products = async (input: Record<string, unknown>) => (await d.products.list(admin, input)).items.map((p) => p.name);
    expect(await products({ filter: 'price lt 30' })).toEqual(['Mouse']);
    expect(await products({ filter: "price eq '25.50'" })).toEqual(['Mouse']);
    expect(await products({ minPrice: '25.50', maxPrice: 50 })).toEqual(['Laptop', 'Mouse']);
    expect(await products({ minPrice: '25.51', filter: "contains(name,'a')" })).toEqual(['Laptop']);
  });

  it('a bad expression is a VALIDATION error on `filter` that says what is wrong', async () => {
    const cases: [string, RegExp][] = [
      ["name eqq 'x'", /comparison operator.*at character 6/],
      ["colour eq 'red'", /unknown field "colour"; filter on id, name, email, role/],
      ["id eq 'one'", /id is a whole number; 'one' is not/],
      ["role gt 'admin'", /role can be compared with eq, ne or in, not gt/],
      ['contains(id, 1)', /contains works on text fields; id is not one/],
      ["role eq 'root'", /role is one of 'admin', 'user'; 'root' is not/],
      ['createdAt gt yesterday', /at character 14/],
      ['id gt null', /null can be compared with eq or ne, not gt/],
    ];
    for (const [filter, message] of cases) {
      const e = await failure(d.users.list(admin, { filter }));
      expect(e.kind, filter).toBe('VALIDATION');
      expect(e.fields, filter).toEqual([{ field: 'filter', message: expect.stringMatching(message) }]);
    }
  });

  it('limits: length and number of terms', async () => {
    const long = await failure(d.users.list(admin, { filter: `name eq '${'x'.repeat(1000)}'` }));
    expect(long.fields[0]!.field).toBe('filter');
    const many = Array.from({ length: MAX_FILTER_NODES }, (_, i) => `id eq ${i}`).join(' or ');
    expect(() => compileFilter(many, USER_FILTER_FIELDS)).toThrow(`at most ${MAX_FILTER_NODES} are allowed`);
    expect(() => compileFilter(Array.from({ length: MAX_FILTER_NODES - 1 }, (_, i) => `id eq ${i}`).join(' or '), USER_FILTER_FIELDS)).not.toThrow();
  });
});
