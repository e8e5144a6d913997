import type { XmlType } from './model.js';
import { escapeText } from '../shared/xml-text.js';

export type Writer = (value: unknown) => string;

/**
 * A reply writer compiled once per type: string templates in the XSD's
 * sequence order, arrays as repeated elements, absent optionals omitted.
 * Templated strings rather than an XML builder because this is the hot path
 * and the shapes are fixed.
 */
export function compileWriter(type: XmlType, memo = new Map<XmlType, Writer>()): Writer {
  const known = memo.get(type);
  if (known) return known;
  if (type.kind === 'simple') {
    const write: Writer =
      type.base === 'xsd:boolean' ? (v) => (v ? 'true' : 'false') : (v) => (typeof v === 'string' ? escapeText(v) : String(v));
    memo.set(type, write);
    return write;
  }
  let parts: { name: string; open: string; close: string; repeated: boolean; write: Writer }[] = [];
  // Set before compiling fields so recursive types resolve to this writer.
  const write: Writer = (value) => {
    const record = value as Record<string, unknown>;
    let out = '';
    for (const p of parts) {
      const v = record[p.name];
      if (v === undefined || v === null) continue;
      if (p.repeated) {
        for (const item of v as unknown[]) out += p.open + p.write(item) + p.close;
      } else {
        out += p.open + p.write(v) + p.close;
      }
    }
    return out;
  };
  memo.set(type, write);
  parts = type.fields.map((f) => ({
    name: f.name,
    open: `<${f.name}>`,
    close: `</${f.name}>`,
    repeated: f.maxOccurs !== 1,
    write: compileWriter(f.type, memo),
  }));
  return write;
}
