import { createRequire } from 'node:module';
import type peggy from 'peggy';
import { msg, type Message } from '../i18n/index.js';

/**
 * The OData `$filter` and `$orderby` syntax the source material teaches
 * (002, lines 1043–1070), as a grammar (peggy) rather than string slicing:
 * the parser either returns a syntax tree or says where the text stops
 * making sense. The subset: comparisons `eq ne gt ge lt le`, `in (…)`,
 * `and`, `or`, `not`, parentheses, and the string functions `contains`,
 * `startswith`, `endswith`; literals are 'strings' ('' escapes a quote),
 * numbers, true/false, null and ISO dates. Names are checked against each
 * collection's fields afterwards (filter.ts), not here.
 */
const GRAMMAR = String.raw`
Filter = _ e:Or _ { return e; }
OrderBy = _ head:OrderItem tail:(_ "," _ @OrderItem)* _ { return [head, ...tail]; }
OrderItem = field:Name dir:(__ @Direction)? { return { field, descending: dir === 'desc' }; }
Direction = d:$("asc"i / "desc"i) !NameChar { return d.toLowerCase(); }

Or = head:And tail:(__ "or"i !NameChar __ @And)* { return tail.length ? { op: 'or', args: [head, ...tail] } : head; }
And = head:Unary tail:(__ "and"i !NameChar __ @Unary)* { return tail.length ? { op: 'and', args: [head, ...tail] } : head; }
Unary = "not"i !NameChar _ arg:Unary { return { op: 'not', arg }; }
      / Primary
Primary = "(" _ @Or _ ")"
        / Call
        / In
        / Comparison
Call = fn:$("contains"i / "startswith"i / "endswith"i) _ "(" _ field:Name _ "," _ value:Literal _ ")" { return { op: fn.toLowerCase(), field, value }; }
In = field:Name __ "in"i _ "(" _ head:Literal tail:(_ "," _ @Literal)* _ ")" { return { op: 'in', field, values: [head, ...tail] }; }
Comparison = field:Name __ op:Operator __ value:Literal { return { op, field, value }; }
Operator "comparison operator (eq, ne, gt, ge, lt, le)" = o:$("eq"i / "ne"i / "gt"i / "ge"i / "lt"i / "le"i) !NameChar { return o.toLowerCase(); }

Literal "value ('text', number, true, false, null or a date)"
  = String / DateTime / Number / Keyword
String = "'" chars:("''" { return "'"; } / [^'])* "'" { return { type: 'string', value: chars.join('') }; }
DateTime = text:$([0-9][0-9][0-9][0-9] "-" [0-9][0-9] "-" [0-9][0-9] ("T" [0-9][0-9] ":" [0-9][0-9] (":" [0-9][0-9] ("." [0-9]+)?)? ("Z" / [+-] [0-9][0-9] ":" [0-9][0-9]))?) { return { type: 'datetime', value: text }; }
Number = text:$("-"? [0-9]+ ("." [0-9]+)?) !NameChar { return { type: 'number', value: text }; }
Keyword = word:$("true"i / "false"i / "null"i) !NameChar { const w = word.toLowerCase(); return w === 'null' ? { type: 'null', value: null } : { type: 'boolean', value: w === 'true' }; }

Name "field name" = $([A-Za-z_] NameChar*)
NameChar = [A-Za-z0-9_]
__ "whitespace" = [ \t\r\n]+
_ "whitespace" = [ \t\r\n]*
`;

export type Literal =
  | { type: 'string' | 'datetime' | 'number'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'null'; value: null };

export type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type TextFunction = 'contains' | 'startswith' | 'endswith';

/** What the parser returns: names and literals as written, not yet checked against any collection. */
export type RawFilter =
  | { op: 'and' | 'or'; args: RawFilter[] }
  | { op: 'not'; arg: RawFilter }
  | { op: Comparison | TextFunction; field: string; value: Literal }
  | { op: 'in'; field: string; values: Literal[] };

export interface RawSortKey {
  field: string;
  descending: boolean;
}

// Loaded and generated on first use, not at import: peggy (with its source-map generator, some 160 KB) and
// generating the grammar are most of what this module costs, and a gateway that never sees a $filter should not
// pay them at every cold start (issue 18). A synchronous require, because parsing is synchronous for its callers;
// the bundle leaves a createRequire'd module in node_modules.
let generated: peggy.Parser | undefined;
const parserOf = (): peggy.Parser => {
  if (generated) return generated;
  const { generate } = createRequire(import.meta.url)('peggy') as typeof peggy;
  return (generated = generate(GRAMMAR, { allowedStartRules: ['Filter', 'OrderBy'] }));
};

/**
 * Where and why a text is not valid syntax; `position` counts characters
 * from 1. The parser's own account of what it expected stays as it wrote it
 * (grammar tokens); the sentence around it comes from the catalogue.
 */
export class QuerySyntaxError extends Error {
  readonly text: Message;

  constructor(
    detail: string,
    readonly position: number,
  ) {
    super(`${detail} at character ${position}`);
    this.name = 'QuerySyntaxError';
    this.text = msg('query.syntax', { detail, position: String(position) });
  }
}

function parse(text: string, startRule: 'Filter' | 'OrderBy'): unknown {
  const parser = parserOf();
  try {
    return parser.parse(text, { startRule });
  } catch (err) {
    if (err instanceof parser.SyntaxError) {
      const position = err.location.start.offset + 1;
      throw new QuerySyntaxError(err.message.replace(/\.$/, ''), position);
    }
    throw err;
  }
}

/** `$filter` text → syntax tree; QuerySyntaxError when it does not parse. */
export const parseFilterSyntax = (text: string): RawFilter => parse(text, 'Filter') as RawFilter;

/** `$orderby` text ("name desc, price") → sort keys; QuerySyntaxError when it does not parse. */
export const parseOrderBySyntax = (text: string): RawSortKey[] => parse(text, 'OrderBy') as RawSortKey[];
