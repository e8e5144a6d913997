import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { Filter } from '../../domain/query/filter.js';
import { containsPattern } from './database.js';

/** Comparison operators as SQL; the only text that enters a statement unbound, from this closed table. */
const OPERATORS = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

const escapeLike = (text: string) => text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The domain's typed filter as a Kysely expression: every value a bound
 * parameter, every column a quoted identifier from the repository's own
 * field → column map (a field without one is a programming error, not
 * user input: the domain checked the names). The same tree compiles for
 * SQLite and PostgreSQL. Text functions are case-insensitive, as the
 * simple `name=` filter always was.
 */
/**
 * An index that can narrow a `contains` on a field (users-repo.ts: FTS5
 * trigram on SQLite): given the lower-cased needle, a condition selecting a
 * superset of the matching rows, or undefined when it cannot help. The LIKE
 * is kept beside it, so the result is exactly the LIKE's.
 */
export type SearchIndex = (needle: string) => RawBuilder<SqlBool> | undefined;

export function filterSql(
  filter: Filter,
  columns: Readonly<Record<string, string>>,
  search: Readonly<Record<string, SearchIndex>> = {},
): Expression<SqlBool> {
  const column = (field: string): RawBuilder<unknown> => {
    const name = columns[field];
    if (!name) throw new Error(`no column for filter field ${field}`);
    return sql.ref(name);
  };
  const walk = (f: Filter): RawBuilder<SqlBool> => {
    switch (f.op) {
      case 'and':
      case 'or':
        return sql<SqlBool>`(${sql.join(f.args.map(walk), f.op === 'and' ? sql` and ` : sql` or `)})`;
      case 'not':
        return sql<SqlBool>`not (${walk(f.arg)})`;
      case 'in': {
        const values = f.values.filter((v) => v !== null);
        const hasNull = values.length < f.values.length;
        const listed = values.length ? sql<SqlBool>`${column(f.field)} in (${sql.join(values)})` : sql<SqlBool>`1 = 0`;
        return hasNull ? sql<SqlBool>`(${listed} or ${column(f.field)} is null)` : listed;
      }
      case 'contains': {
        const like = sql<SqlBool>`lower(${column(f.field)}) like ${containsPattern(f.value)} escape '\\'`;
        const narrowed = search[f.field]?.(f.value.toLowerCase());
        return narrowed ? sql<SqlBool>`(${narrowed} and ${like})` : like;
      }
      case 'startswith':
        return sql<SqlBool>`lower(${column(f.field)}) like ${`${escapeLike(f.value)}%`} escape '\\'`;
      case 'endswith':
        return sql<SqlBool>`lower(${column(f.field)}) like ${`%${escapeLike(f.value)}`} escape '\\'`;
      default:
        if (f.value === null) return f.op === 'eq' ? sql<SqlBool>`${column(f.field)} is null` : sql<SqlBool>`${column(f.field)} is not null`;
        return sql<SqlBool>`${column(f.field)} ${sql.raw(OPERATORS[f.op])} ${f.value}`;
    }
  };
  return walk(filter);
}
