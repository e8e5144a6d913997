import { z } from 'zod';

/**
 * A character XML 1.0 cannot carry (XML 1.0 §2.2, production [2] Char:
 * #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]),
 * lone surrogates included (with the `u` flag each is one code point
 * outside every allowed range). Not even as a character reference (§4.1
 * WFC: Legal Character), so one stored U+0001 would make every SOAP or
 * REST XML document that lists it malformed for every reader.
 */
export const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Text every style can carry: refused at validation (VALIDATION naming the field) when XML could not hold it. */
export const xmlText = <S extends z.ZodString>(schema: S): S => schema.refine((v) => !NOT_XML_CHAR.test(v), { message: 'field.xmlChar' }) as S;
