import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { JsonSchema } from '../../contract/json-schema.js';
import { msg, type Text } from '../../domain/i18n/index.js';
import { coerceText } from '../shared/coerce.js';
import { decodeEntities, EntityError, xmlSafe } from '../shared/xml-text.js';
import { unreadable } from './errors.js';

/**
 * XML in and out for the REST facade. Arrays are written as repeated `<i>`
 * elements inside an element named for the field, the convention RFC 9457
 * appendix B uses for problem details; on input any child name is accepted.
 */
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false });

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

export function toXml(root: string, value: unknown, namespace?: string): string {
  const body = shape(value);
  const element = namespace && body && typeof body === 'object' ? { '@_xmlns': namespace, ...body } : body;
  return DECLARATION + builder.build({ [root]: element });
}

function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? { i: value.map(shape) } : '';
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) out[k] = shape(v);
    return out;
  }
  // The builder escapes markup but passes characters XML cannot carry; never write them raw.
  return typeof value === 'string' ? xmlSafe(value) : value;
}

export class XmlReader {
  private readonly parser: XMLParser;

  constructor(maxDepth: number) {
    this.parser = new XMLParser({
      ignoreAttributes: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      parseTagValue: false,
      processEntities: false,
      htmlEntities: false,
      trimValues: true,
      maxNestedTags: maxDepth,
      // Entity processing is off so no DTD-declared entity can ever expand; the
      // five predefined entities and character references are XML itself and
      // are decoded by the shared decoder (an undeclared one is malformed).
      tagValueProcessor: (_name, value) => decodeEntities(value),
    });
  }

  /** The root element's content as the operation's input, typed by its schema. */
  read(text: string, schema: JsonSchema): Record<string, unknown> {
    if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw bad(msg('xml.noDtd'));
    const valid = XMLValidator.validate(text);
    if (valid !== true) throw bad(msg('xml.malformed', { detail: valid.err.msg }));
    let doc: Record<string, unknown>;
    try {
      doc = this.parser.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw bad(msg('xml.malformed', { detail: err instanceof EntityError ? err.text : (err as Error).message }));
    }
    const roots = Object.keys(doc);
    if (roots.length !== 1) throw bad(msg('xml.oneRoot'));
    const content = doc[roots[0]!];
    if (content === '') return {};
    if (!content || typeof content !== 'object' || Array.isArray(content)) throw bad(msg('xml.rootFields'));
    return coerceText(schema, unwrapArrays(schema, content)) as Record<string, unknown>;
  }
}

/** `<items><i>…</i><i>…</i></items>` → the list; an empty wrapper → []. */
function unwrapArrays(schema: JsonSchema | undefined, value: unknown): unknown {
  if (!schema || value === null || value === undefined) return value;
  if (schema.type === 'array') {
    if (value === '') return [];
    let list: unknown = value;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1) list = (value as Record<string, unknown>)[keys[0]!];
    }
    const items = Array.isArray(list) ? list : [list];
    return items.map((v) => unwrapArrays(schema.items as JsonSchema | undefined, v));
  }
  if (schema.type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = unwrapArrays(props[k], v);
    return out;
  }
  return value;
}

/** Whatever keeps the document from being read is a 400, not a 422 (see MalformedRequest). */
const bad = (message: Text) => unreadable('(body)', message);
