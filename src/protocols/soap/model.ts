import { z } from 'zod';
import type { JsonSchema } from '../../contract/json-schema.js';
import { moneyOutput } from '../../domain/money.js';

/**
 * The XML view of the operations' JSON Schemas: one model that both the XSD
 * generator and the reply serialiser read, so what the WSDL declares and what
 * goes on the wire cannot disagree.
 */
export type XsdBuiltin = 'xsd:string' | 'xsd:int' | 'xsd:long' | 'xsd:double' | 'xsd:decimal' | 'xsd:boolean' | 'xsd:dateTime';

export type XmlType =
  | { kind: 'simple'; base: XsdBuiltin; enumeration?: readonly string[] }
  | { kind: 'complex'; name?: string; fields: readonly XmlField[] };

export interface XmlField {
  readonly name: string;
  readonly type: XmlType;
  readonly minOccurs: number;
  /** 1, or 'unbounded'/N for arrays, which travel as repeated elements. */
  readonly maxOccurs: number | 'unbounded';
  readonly doc?: string;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** Money outputs are strings with this pattern; XML clients get them as xsd:decimal. */
const MONEY_PATTERN = (z.toJSONSchema(moneyOutput) as JsonSchema).pattern;

/**
 * Named complex types, shared by every operation that refers to them through
 * $defs (User, Order, …). A name defined twice with different shapes is a
 * start-up error rather than a WSDL that lies about one of them.
 */
export class TypeRegistry {
  readonly named = new Map<string, XmlType & { kind: 'complex' }>();
  private readonly fingerprints = new Map<string, string>();

  /** The model of a root schema (an operation's input or output). */
  fromRoot(root: JsonSchema): XmlType {
    return this.convert(root, (root.$defs ?? {}) as Record<string, JsonSchema>);
  }

  private convert(schema: JsonSchema, defs: Record<string, JsonSchema>): XmlType {
    const ref = schema.$ref as string | undefined;
    if (ref) {
      const name = ref.replace('#/$defs/', '');
      const target = defs[name];
      if (!target) throw new Error(`Unresolvable $ref ${ref}`);
      return this.define(name, target, defs);
    }
    const type = schema.type;
    if (type === 'object') return { kind: 'complex', fields: this.fields(schema, defs) };
    if (Array.isArray(type)) {
      // string|number is how money inputs ("50.00" or 50) appear.
      if (type.length === 2 && type.includes('string') && type.includes('number')) return { kind: 'simple', base: 'xsd:decimal' };
      throw new Error(`No XML type for union ${JSON.stringify(type)}`);
    }
    if (schema.const !== undefined) {
      if (typeof schema.const === 'boolean') return { kind: 'simple', base: 'xsd:boolean' };
      return { kind: 'simple', base: 'xsd:string', enumeration: [String(schema.const)] };
    }
    switch (type) {
      case 'string':
        if (schema.pattern === MONEY_PATTERN) return { kind: 'simple', base: 'xsd:decimal' };
        // Timestamps are written as ISO 8601 UTC (2026-01-15T09:00:00.000Z), a valid xsd:dateTime lexical form
        // (XSD 1.1 Part 2 §3.3.7), so toolkits (zeep, suds, node-soap) hand their users dates, not strings.
        if (schema.format === 'date-time') return { kind: 'simple', base: 'xsd:dateTime' };
        if (Array.isArray(schema.enum)) return { kind: 'simple', base: 'xsd:string', enumeration: schema.enum.map(String) };
        return { kind: 'simple', base: 'xsd:string' };
      case 'integer': {
        const min = (schema.minimum ?? schema.exclusiveMinimum ?? -Infinity) as number;
        const max = (schema.maximum ?? schema.exclusiveMaximum ?? Infinity) as number;
        return { kind: 'simple', base: min >= INT32_MIN && max <= INT32_MAX ? 'xsd:int' : 'xsd:long' };
      }
      case 'number':
        return { kind: 'simple', base: 'xsd:double' };
      case 'boolean':
        return { kind: 'simple', base: 'xsd:boolean' };
      default:
        throw new Error(`No XML type for JSON Schema ${JSON.stringify(schema)}`);
    }
  }

  private define(name: string, schema: JsonSchema, defs: Record<string, JsonSchema>): XmlType {
    const print = JSON.stringify(schema);
    const seen = this.fingerprints.get(name);
    if (seen !== undefined) {
      if (seen !== print) throw new Error(`Two different shapes are both named ${name}`);
      return this.named.get(name)!;
    }
    this.fingerprints.set(name, print);
    // Registered before its fields are converted, so self-references terminate.
    const type = { kind: 'complex' as const, name, fields: [] as XmlField[] };
    this.named.set(name, type);
    type.fields.push(...this.fields(schema, defs));
    return type;
  }

  private fields(schema: JsonSchema, defs: Record<string, JsonSchema>): XmlField[] {
    if (schema.type !== 'object') throw new Error(`Expected an object schema, got ${JSON.stringify(schema)}`);
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema.required ?? []) as string[]);
    return Object.entries(props).map(([name, prop]) => {
      const doc = typeof prop.description === 'string' ? prop.description : undefined;
      if (prop.type === 'array') {
        return {
          name,
          type: this.convert(prop.items as JsonSchema, defs),
          minOccurs: required.has(name) ? ((prop.minItems as number | undefined) ?? 0) : 0,
          maxOccurs: (prop.maxItems as number | undefined) ?? 'unbounded',
          doc,
        };
      }
      return { name, type: this.convert(prop, defs), minOccurs: required.has(name) ? 1 : 0, maxOccurs: 1, doc };
    });
  }
}
