import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Keyset, ListPage, ListQuery } from '../../domain/ports.js';
import { filterSql, type SearchIndex } from './filter-sql.js';
import type { Database } from './schema.js';

/** A sort key as storage sees it: a column and a direction. */
export interface ColumnKey {
  column: string;
  descending: boolean;
}

/**
 * The ORDER BY of a list: the requested keys, then the id as tie-breaker
 * (unless it is already a key), so every row has exactly one position and
 * keyset paging neither skips nor repeats rows with equal keys.
 */
export function orderKeys(f: Pick<ListQuery, 'sort'>, columns: Readonly<Record<string, string>>): ColumnKey[] {
  const keys = f.sort.map((k) => ({ column: columns[k.field] ?? 'id', descending: k.descending }));
  return keys.some((k) => k.column === 'id') ? keys : [...keys, { column: 'id', descending: false }];
}

/**
 * Rows strictly after `after` in that order, as the expanded row-value
 * comparison `k1 > v1 OR (k1 = v1 AND k2 > v2) OR …` (`<` for descending
 * keys) — a tuple comparison `(k1, k2) > (v1, v2)` only fits when every key
 * runs the same way. The leading `k1 >= v1` repeats what the disjunction
 * implies so both SQLite and PostgreSQL see an index range on the first key
 * (Markus Winand, "Use The Index, Luke", paging through results).
 */
export function afterKeyset(keys: readonly ColumnKey[], after: Keyset): Expression<SqlBool> {
  // The appended tie-breaker's value is the id; a sort that names id itself carries it among the values.
  const values: unknown[] = keys.length > after.values.length ? [...after.values, after.id] : after.values;
  const col = (k: ColumnKey): RawBuilder<unknown> => sql.ref(k.column);
  const past = (k: ColumnKey, v: unknown) => (k.descending ? sql<SqlBool>`${col(k)} < ${v}` : sql<SqlBool>`${col(k)} > ${v}`);
  const terms = keys.map((k, i) => {
    const equal = keys.slice(0, i).map((p, j) => sql<SqlBool>`${col(p)} = ${values[j]}`);
    return equal.length ? sql<SqlBool>`(${sql.join([...equal, past(k, values[i])], sql` and `)})` : past(k, values[i]);
  });
  const first = keys[0]!;
  if (keys.length === 1) return terms[0]!;
  const bound = first.descending ? sql<SqlBool>`${col(first)} <= ${values[0]}` : sql<SqlBool>`${col(first)} >= ${values[0]}`;
  return sql<SqlBool>`(${bound} and (${sql.join(terms, sql` or `)}))`;
}

/** The position of a fetched row: the values of the requested keys (not the appended id), and its id. */
export function keysetOf(row: Record<string, unknown>, f: Pick<ListQuery, 'sort'>, columns: Readonly<Record<string, string>>): Keyset {
  return {
    values: f.sort.map((k) => {
      const v = row[columns[k.field] ?? 'id'];
      return typeof v === 'bigint' ? Number(v) : (v as string | number);
    }),
    id: Number(row.id),
  };
}

/** What a collection's list needs to know about its table. */
export interface ListTable {
  table: 'users' | 'products';
  /** Public sort/filter field → column. */
  columns: Readonly<Record<string, string>>;
  search?: Readonly<Record<string, SearchIndex>>;
}

/**
 * One page of a collection: the rows (one more is fetched to learn whether
 * another page follows — no count needed for that), the position after the
 * last one, and the total only when asked for: from `row_counts` (kept by
 * triggers, migrations.ts 0005) when nothing filters, else counted.
 */
export async function listPage<Row extends Record<string, unknown>>(db: Kysely<Database>, t: ListTable, f: ListQuery): Promise<ListPage<Row>> {
  const any = db as unknown as Kysely<any>;
  const where = f.where ? filterSql(f.where, t.columns, t.search) : undefined;
  const keys = orderKeys(f, t.columns);
  let page = any.selectFrom(t.table).selectAll();
  if (where) page = page.where(where);
  if (f.after) page = page.where(afterKeyset(keys, f.after));
  for (const k of keys) page = page.orderBy(sql.ref(k.column), k.descending ? 'desc' : 'asc');
  const rows = (await page.limit(f.limit + 1).offset(f.offset).execute()) as Row[];
  const more = rows.length > f.limit;
  if (more) rows.pop();
  let total: number | undefined;
  if (f.withTotal) {
    const counted = where
      ? await any.selectFrom(t.table).where(where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()
      : await any.selectFrom('row_counts').select('n').where('name', '=', t.table).executeTakeFirst();
    total = Number(counted?.n ?? 0);
  }
  return { items: rows, total, next: more ? keysetOf(rows[rows.length - 1]!, f, t.columns) : undefined };
}
