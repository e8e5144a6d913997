import type { JsonSchema } from '../../contract/json-schema.js';
import { DomainError, type FieldProblem } from '../../domain/errors.js';
import { msg, render, type Language } from '../../domain/i18n/index.js';
import { parseFilterSyntax, parseOrderBySyntax, QuerySyntaxError } from '../../domain/query/odata.js';
import { invalid, unreadable } from './errors.js';
import { parseFields, type PagingStyle } from './representation.js';
import { MAX_PER_PAGE, type Resource } from './spec.js';

export { MAX_PER_PAGE };

/**
 * The query syntaxes a collection understands, all translated into the one
 * input its list operation takes (so each means exactly what the others do):
 *
 * | what      | ours                | the source material's (003)  | OData (002)        |
 * |-----------|---------------------|------------------------------|--------------------|
 * | paging    | `limit`, `offset`   | `page`, `perPage`            | `$top`, `$skip`    |
 * | order     | `sort=name,-price`  | `sortBy=name.desc,price.asc` | `$orderby=name desc` |
 * | fields    | `fields=id,name`    |                              | `$select=id,name`  |
 * | filter    | `filter=…`, `name=`, `role=a,b`, `minPrice=` |     | `$filter=…`        |
 * | count     | `withTotal`, `page.total` (default: counted without a cursor) | | `$count=true/false` |
 * | keyset    | `cursor` (a page's `nextCursor`) |                 |                    |
 *
 * One syntax per concern in a request; mixing two is a 422 naming both.
 * Text that does not parse (`$filter`, `$orderby`, `sortBy`) is a 400 naming
 * the parameter and the position; what parses but is wrong (an unknown
 * field, a bad value) is the domain's 422, reported under the parameter the
 * client actually sent.
 */
export interface ListRequest {
  /** Text values for the list operation, still to be typed by its schema. */
  input: Record<string, unknown>;
  fields: string[] | undefined;
  /** `$count=true`: the total is repeated as `count`. */
  count: boolean;
  paging: { style: PagingStyle; page?: number; perPage?: number };
  /** Operation input field → the query parameter the client used for it. */
  renames: Record<string, string>;
}

const GROUPS: Record<string, readonly string[][]> = {
  paging: [['limit', 'offset'], ['page', 'perPage'], ['$top', '$skip']],
  order: [['sort'], ['sortBy'], ['$orderby']],
  selection: [['fields'], ['$select']],
  filter: [['filter'], ['$filter']],
};
const SYNTAX = new Set(Object.values(GROUPS).flat(2).concat('$count'));

const POSITIVE = /^[1-9]\d{0,8}$/;

function once(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(name, msg('rest.once'));
  return v;
}

/** `sortBy=name.desc,price.asc`, or the array form `sortBy=name&sortBy=desc&sortBy=price` (003, lines ~255–262). */
function sortByToSort(value: string | string[]): string {
  const tokens = Array.isArray(value) ? value : value.split(',');
  const keys: string[] = [];
  for (const raw of tokens) {
    const token = raw.trim();
    const lower = token.toLowerCase();
    if (Array.isArray(value) && (lower === 'asc' || lower === 'desc') && keys.length) {
      if (lower === 'desc') keys[keys.length - 1] = `-${keys[keys.length - 1]!.replace(/^-/, '')}`;
      continue;
    }
    const m = /^([A-Za-z_]\w*)(?:\.(asc|desc))?$/i.exec(token);
    if (!m) throw unreadable('sortBy', msg('rest.sortByToken', { token }));
    keys.push(m[2]?.toLowerCase() === 'desc' ? `-${m[1]}` : m[1]!);
  }
  if (!keys.length) throw unreadable('sortBy', msg('rest.sortByEmpty'));
  return keys.join(',');
}

function orderByToSort(value: string): string {
  try {
    return parseOrderBySyntax(value)
      .map((k) => (k.descending ? `-${k.field}` : k.field))
      .join(',');
  } catch (err) {
    if (err instanceof QuerySyntaxError) throw unreadable('$orderby', err.text);
    throw err;
  }
}

function checkFilterSyntax(name: string, value: string): void {
  try {
    if (value.trim() !== '') parseFilterSyntax(value);
  } catch (err) {
    if (err instanceof QuerySyntaxError) throw unreadable(name, err.text);
    throw err;
  }
}

/**
 * Several values for an enumerated filter — `role=admin,user` or
 * `role=admin&role=user` (003, lines ~282–285). The operation's own
 * parameter takes one value, so a list becomes the `in` term of the same
 * filter expression, ANDed with any the client sent: one model, not a
 * second code path. The values are checked against the enumeration first
 * and quoted as OData literals.
 */
function multiValue(input: Record<string, unknown>, props: Record<string, JsonSchema>): void {
  if (!props.filter) return;
  const terms: string[] = [];
  for (const [name, value] of Object.entries(input)) {
    const options = props[name]?.enum as string[] | undefined;
    if (!options || name === 'filter') continue;
    const values = [...new Set((Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()))];
    if (values.length === 1) {
      input[name] = values[0];
      continue;
    }
    const unknown = values.filter((v) => !options.includes(v));
    if (unknown.length) throw invalid(name, msg('rest.notOneOf', { values: unknown.map((u) => `"${u}"`).join(', '), allowed: options.join(', ') }));
    terms.push(`${name} in (${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`);
    delete input[name];
  }
  if (!terms.length) return;
  const given = typeof input.filter === 'string' && input.filter.trim() ? `(${input.filter}) and ` : '';
  input.filter = given + terms.join(' and ');
}

/** A collection's query string → its list operation's input, in whichever syntax the client chose. */
export function listRequest(query: Record<string, unknown>, resource: Resource, schema: JsonSchema): ListRequest {
  for (const syntaxes of Object.values(GROUPS)) {
    const used = syntaxes.filter((names) => names.some((n) => query[n] !== undefined));
    if (used.length > 1) {
      const named = used.map((names) => names.filter((n) => query[n] !== undefined).join('/'));
      throw invalid(named[1]!, msg('rest.syntaxClash', { other: named[0]! }));
    }
  }
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const input: Record<string, unknown> = {};
  const renames: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (SYNTAX.has(name)) continue;
    input[name] = value;
  }
  const paging: ListRequest['paging'] = { style: 'offset' };

  for (const name of ['limit', 'offset'] as const) {
    const v = once(query, name);
    if (v !== undefined) input[name] = v;
  }
  const page = once(query, 'page');
  const perPage = once(query, 'perPage');
  if (page !== undefined || perPage !== undefined) {
    if (page !== undefined && !POSITIVE.test(page)) throw invalid('page', msg('rest.pageNumber'));
    if (perPage !== undefined && !POSITIVE.test(perPage)) throw invalid('perPage', msg('rest.perPage', { max: String(MAX_PER_PAGE) }));
    const p = Number(page ?? 1);
    const size = Number(perPage ?? 10);
    Object.assign(paging, { style: 'page', page: p, perPage: size });
    input.limit = String(size);
    input.offset = String((p - 1) * size);
    Object.assign(renames, { limit: 'perPage', offset: 'page' });
  }
  const top = once(query, '$top');
  const skip = once(query, '$skip');
  if (top !== undefined || skip !== undefined) {
    paging.style = 'odata';
    if (top !== undefined) input.limit = top;
    if (skip !== undefined) input.offset = skip;
    Object.assign(renames, { limit: '$top', offset: '$skip' });
  }

  const sort = once(query, 'sort');
  if (sort !== undefined) input.sort = sort;
  if (query.sortBy !== undefined) {
    input.sort = sortByToSort(query.sortBy as string | string[]);
    renames.sort = 'sortBy';
  }
  const orderBy = once(query, '$orderby');
  if (orderBy !== undefined) {
    input.sort = orderByToSort(orderBy);
    renames.sort = '$orderby';
  }

  for (const name of ['filter', '$filter']) {
    const text = once(query, name);
    if (text === undefined) continue;
    checkFilterSyntax(name, text);
    input.filter = text;
    if (name !== 'filter') renames.filter = name;
  }

  multiValue(input, props);

  let fields: string[] | undefined;
  if (query.fields !== undefined) fields = parseFields(query.fields, resource, 'fields');
  if (query.$select !== undefined) fields = parseFields(query.$select, resource, '$select');

  const count = once(query, '$count');
  if (count !== undefined && count !== 'true' && count !== 'false') throw invalid('$count', msg('field.type', { expected: msg('type.boolean') }));
  // OData's $count asks for the count or says it is not wanted (OData 4.01 Part 2 §5.1.3): the operation's withTotal.
  if (count !== undefined && props.withTotal) {
    input.withTotal = count;
    renames.withTotal = '$count';
  }
  return { input, fields, count: count === 'true', paging, renames };
}

/** The same failure, with its fields named as the client wrote them (`$top`, not `limit`). */
export function renamed(err: unknown, renames: Record<string, string>): unknown {
  if (!(err instanceof DomainError) || err.kind !== 'VALIDATION' || !Object.keys(renames).length) return err;
  const fields: FieldProblem[] = err.problems.map((f) => {
    const [head, ...rest] = f.field.split('.');
    const to = renames[head!];
    return to ? { field: [to, ...rest].join('.'), message: f.message } : f;
  });
  if (fields.every((f, i) => f === err.problems[i])) return err;
  const details = (lang: Language) => fields.map((f) => `${f.field}: ${render(f.message, lang)}`).join('; ');
  return new DomainError('VALIDATION', msg('validation.invalid', { details }), { fields });
}
