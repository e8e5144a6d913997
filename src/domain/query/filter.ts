import { z } from 'zod';
import { msg, render, type Message } from '../i18n/index.js';
import { parseMoney } from '../money.js';
import { parseFilterSyntax, QuerySyntaxError, type Comparison, type Literal, type RawFilter, type TextFunction } from './odata.js';

/**
 * The one query model under every filter syntax: simple parameters
 * (`name=`, `role=admin,user`, `minPrice=`), OData `$filter` and the same
 * text in every other style all become a `Filter` — a typed tree over a
 * collection's own fields, values already converted to what storage holds
 * (money in cents, dates as ISO strings) — and storage compiles that tree
 * with bound parameters. No syntax ever reaches SQL as text.
 */
export type Value = string | number | boolean | null;

export type Filter =
  | { op: 'and' | 'or'; args: Filter[] }
  | { op: 'not'; arg: Filter }
  | { op: Comparison; field: string; value: Value }
  | { op: TextFunction; field: string; value: string }
  | { op: 'in'; field: string; values: Value[] };

/** What a field holds, which decides the literals and operators it accepts. */
export type FieldKind =
  | { type: 'integer' }
  | { type: 'text'; /** Compared in lower case (emails). */ folded?: boolean }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'datetime' }
  | { type: 'money' };

/** The fields a collection can be filtered on, by their public names. */
export type FieldCatalogue = Readonly<Record<string, FieldKind>>;

/** Longest filter text and largest tree accepted: a filter is a query the server runs, so its size is bounded. */
export const MAX_FILTER_LENGTH = 1000;
export const MAX_FILTER_NODES = 50;

export const and = (...parts: (Filter | undefined)[]): Filter | undefined => {
  const args = parts.filter((p): p is Filter => p !== undefined);
  return args.length === 0 ? undefined : args.length === 1 ? args[0] : { op: 'and', args };
};

/** Every field a filter names (to refuse fields the caller may not select on). */
export function fieldsOf(filter: Filter): string[] {
  if ('args' in filter) return filter.args.flatMap(fieldsOf);
  if ('arg' in filter) return fieldsOf(filter.arg);
  return [filter.field];
}

/** An expression that parses but does not fit the collection: its catalogue message. */
class FilterError extends Error {
  constructor(readonly text: Message) {
    super(render(text));
  }
}

function count(f: RawFilter): number {
  if ('args' in f) return 1 + f.args.reduce((n, a) => n + count(a), 0);
  if ('arg' in f) return 1 + count(f.arg);
  return 1;
}

const describe = (l: Literal) => (l.type === 'string' ? `'${l.value}'` : String(l.value));

/** A literal as the field's stored value; FilterError naming both when they do not fit. */
function valueFor(field: string, kind: FieldKind, literal: Literal): Value {
  if (literal.type === 'null') return null;
  const wrong = (expected: Message) => new FilterError(msg('query.notA', { field, expected, value: describe(literal) }));
  switch (kind.type) {
    case 'integer': {
      const n = literal.type === 'number' ? Number(literal.value) : NaN;
      if (!Number.isSafeInteger(n)) throw wrong(msg('query.expectInteger'));
      return n;
    }
    case 'money': {
      const cents = literal.type === 'number' || literal.type === 'string' ? parseMoney(literal.value) : null;
      if (cents === null) throw wrong(msg('query.expectMoney'));
      return cents;
    }
    case 'text':
      if (literal.type !== 'string') throw wrong(msg('query.expectText', { example: "'Alice'" }));
      return kind.folded ? literal.value.toLowerCase() : literal.value;
    case 'enum':
      if (literal.type !== 'string' || !kind.values.includes(literal.value)) throw wrong(msg('query.expectEnum', { values: kind.values.map((v) => `'${v}'`).join(', ') }));
      return literal.value;
    case 'datetime': {
      const ms = literal.type === 'datetime' || literal.type === 'string' ? Date.parse(literal.value) : NaN;
      if (Number.isNaN(ms)) throw wrong(msg('query.expectDate'));
      return new Date(ms).toISOString();
    }
  }
}

function check(f: RawFilter, fields: FieldCatalogue): Filter {
  if ('args' in f) return { op: f.op, args: f.args.map((a) => check(a, fields)) };
  if ('arg' in f) return { op: 'not', arg: check(f.arg, fields) };
  const kind = fields[f.field];
  if (!kind) throw new FilterError(msg('query.unknownField', { field: f.field, fields: Object.keys(fields).join(', ') }));
  if ('values' in f) return { op: 'in', field: f.field, values: f.values.map((v) => valueFor(f.field, kind, v)) };
  if (f.op === 'contains' || f.op === 'startswith' || f.op === 'endswith') {
    if (kind.type !== 'text') throw new FilterError(msg('query.textOnly', { fn: f.op, field: f.field }));
    return { op: f.op, field: f.field, value: valueFor(f.field, kind, f.value) as string };
  }
  if (kind.type === 'enum' && f.op !== 'eq' && f.op !== 'ne') throw new FilterError(msg('query.enumOps', { field: f.field, op: f.op }));
  const value = valueFor(f.field, kind, f.value);
  if (value === null && f.op !== 'eq' && f.op !== 'ne') throw new FilterError(msg('query.nullOps', { op: f.op }));
  return { op: f.op, field: f.field, value };
}

/** Parses and checks a filter expression against a collection's fields; throws with a message naming the problem. */
export function compileFilter(text: string, fields: FieldCatalogue): Filter {
  const raw = parseFilterSyntax(text);
  const nodes = count(raw);
  if (nodes > MAX_FILTER_NODES) throw new FilterError(msg('query.tooManyTerms', { count: String(nodes), max: String(MAX_FILTER_NODES) }));
  return check(raw, fields);
}

/**
 * A list operation's `filter` input: the expression text, checked and turned
 * into a Filter during validation, so an unparsable or ill-typed expression
 * is a VALIDATION error naming `filter` in every style.
 */
export const filterInput = (fields: FieldCatalogue, example: string) =>
  z
    .string()
    .max(MAX_FILTER_LENGTH)
    .transform((text, ctx) => {
      if (text.trim() === '') return undefined;
      try {
        return compileFilter(text, fields);
      } catch (err) {
        if (err instanceof FilterError || err instanceof QuerySyntaxError) {
          // A catalogue key and its arguments: validate() renders it in the caller's language.
          ctx.addIssue({ code: 'custom', message: err.text.key, params: err.text.args });
          return z.NEVER;
        }
        throw err;
      }
    })
    .optional()
    .meta({
      description:
        `OData-style filter, e.g. "${example}": eq ne gt ge lt le, in (…), and or not, ` +
        `contains/startswith/endswith, parentheses; on ${Object.keys(fields).join(', ')}. At most ${MAX_FILTER_LENGTH} characters, ${MAX_FILTER_NODES} terms`,
    });
