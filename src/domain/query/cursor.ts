import { z } from 'zod';
import { invalidInput } from '../validate.js';
import { msg } from '../i18n/index.js';
import type { Keyset, ListPage, ListQuery, SortKey } from '../ports.js';
import type { Page } from '../shapes.js';
import type { Filter } from './filter.js';

/**
 * Keyset ("seek") paging: a cursor names the last row of a page by the
 * values of its sort keys and its id (the tie-breaker), so the next page is
 * `WHERE (keys, id) > (those values) ORDER BY keys, id LIMIT n` — an index
 * range, costing the same on page 1 and page 100,000, where OFFSET walks and
 * discards every row before it. The text is opaque to clients (base64url of
 * a small JSON record) and carries a fingerprint of the sort and filter it
 * was made for, plus a checksum: a cursor from another query, or one edited
 * by hand, is a VALIDATION error naming `cursor` rather than a silently
 * different page. The checksum is not a secret MAC on purpose: a forged
 * position only moves within rows the same caller may list anyway (filters
 * and visibility are applied afresh on every page).
 */
const MAX_CURSOR_LENGTH = 600;

/** FNV-1a, 32 bits: a small, dependency-free checksum (not a security boundary, see above). */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

const fingerprint = (sort: readonly SortKey[], where: Filter | undefined) => fnv(JSON.stringify([sort, where ?? null]));

const payload = z.strictObject({
  k: z.array(z.union([z.string().max(300), z.number()])).max(10),
  i: z.number().int().positive(),
  q: z.string().max(20),
});

/** The `cursor` input: only its shape is checked here; whether it fits the query is `seek`'s job. */
export const cursorInput = z
  .string()
  .max(MAX_CURSOR_LENGTH)
  .optional()
  .meta({
    description:
      "Keyset paging, the same cost at any depth: empty for the first page, then each page's nextCursor (same sort and filter, offset 0). Pages asked for this way carry nextCursor while more rows follow",
  });

export const withTotalInput = z
  .boolean()
  .optional()
  .meta({ description: 'Count every matching row into total. Default: true without a cursor, false with one (an empty one too)' });

const refused = (key: 'field.cursor' | 'field.cursorOther' | 'field.cursorOffset', field = 'cursor'): never =>
  invalidInput([{ field, message: msg(key) }]);

/** Encodes the position after `last` for this sort and filter. */
export function encodeCursor(last: Keyset, sort: readonly SortKey[], where: Filter | undefined): string {
  const body = JSON.stringify({ k: last.values, i: last.id, q: fingerprint(sort, where) });
  return `${Buffer.from(body, 'utf8').toString('base64url')}.${fnv(body)}`;
}

/**
 * A cursor back to the position it names, checked against the query it is
 * used with; VALIDATION naming `cursor` for anything this server did not
 * issue for the same sort and filter (and naming `offset` when both are given).
 */
export function decodeCursor(text: string, sort: readonly SortKey[], where: Filter | undefined, offset: number): Keyset {
  if (offset !== 0) refused('field.cursorOffset', 'offset');
  const [data = '', sum, extra] = text.split('.');
  if (extra !== undefined || !/^[A-Za-z0-9_-]+$/.test(data)) return refused('field.cursor');
  const body = Buffer.from(data, 'base64url').toString('utf8');
  if (fnv(body) !== sum) return refused('field.cursor');
  let parsed: z.infer<typeof payload>;
  try {
    parsed = payload.parse(JSON.parse(body));
  } catch {
    return refused('field.cursor');
  }
  if (parsed.q !== fingerprint(sort, where) || parsed.k.length !== sort.length) return refused('field.cursorOther');
  return { values: parsed.k, id: parsed.i };
}

/** A list operation's paging inputs, as its schema outputs them. */
export interface PagingInput {
  limit: number;
  offset: number;
  cursor?: string | undefined;
  withTotal?: boolean | undefined;
}

/**
 * The storage query for a list request. The total is counted when asked
 * for, and by default only in offset paging, whose documented pages carry
 * it; a cursor walk asks for it once if it wants it.
 */
export function listQuery(p: PagingInput, where: Filter | undefined, sort: SortKey[]): ListQuery {
  if (p.cursor === '' && p.offset !== 0) refused('field.cursorOffset', 'offset');
  const after = p.cursor ? decodeCursor(p.cursor, sort, where, p.offset) : undefined;
  return { limit: p.limit, offset: p.offset, where, sort, after, withTotal: p.withTotal ?? p.cursor === undefined };
}

/**
 * A storage page as the contract's page: items shaped and, when the caller
 * pages by cursor (`p.cursor` given, empty for the first page), the next
 * cursor encoded for the same sort and filter. Offset pages stay exactly
 * as they always were.
 */
export function pageOf<R, T>(slice: ListPage<R>, q: ListQuery, p: PagingInput, shape: (r: R) => T): Page<T> {
  const page: Page<T> = { items: slice.items.map(shape), limit: q.limit, offset: q.offset };
  if (slice.total !== undefined) page.total = slice.total;
  if (slice.next && p.cursor !== undefined) page.nextCursor = encodeCursor(slice.next, q.sort, q.where);
  return page;
}
