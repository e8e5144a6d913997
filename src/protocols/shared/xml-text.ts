import { msg, render, type Message } from '../../domain/i18n/index.js';

/**
 * Escaping and entity decoding. The parser runs with entity processing off
 * (no DTD can define anything, nothing expands), so the five predefined
 * entities and character references are decoded here and any other
 * reference is a malformed document.
 */
const TEXT_SPECIAL = /[&<>]/;
const ATTR_SPECIAL = /[&<>"]/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);|&/g;

/** A reference XML does not allow; its text is a catalogue message so each style can show it in the reader's language. */
export class EntityError extends Error {
  constructor(readonly text: Message) {
    super(render(text));
  }
}

/**
 * Characters XML 1.0 cannot carry at all (§2.2 Char; not even as a
 * reference). Validation refuses them in stored text (domain/text.ts); a
 * writer still replaces any that reach it (an echoed input in an error
 * message, a row stored before the rule) with U+FFFD, so one value never
 * makes a whole document malformed.
 */
const NOT_XML_CHAR_G = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlSafe(value: string): string {
  return value.replace(NOT_XML_CHAR_G, '\uFFFD');
}

export function escapeText(value: string): string {
  value = xmlSafe(value);
  if (!TEXT_SPECIAL.test(value)) return value;
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(value: string): string {
  if (!ATTR_SPECIAL.test(value)) return value;
  return escapeText(value).replace(/"/g, '&quot;');
}

export function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(REFERENCE, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new EntityError(msg('xml.bareAmpersand'));
    if (ref[0] !== '#') {
      const ch = PREDEFINED[ref];
      if (ch === undefined) throw new EntityError(msg('xml.undeclaredEntity', { name: ref }));
      return ch;
    }
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) && code !== 0xfffe && code !== 0xffff);
    if (!valid) throw new EntityError(msg('xml.badCharRef', { ref: whole }));
    return String.fromCodePoint(code);
  });
}
