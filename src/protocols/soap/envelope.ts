import { msg, type Text } from '../../domain/i18n/index.js';
import { decodeEntities } from '../shared/xml-text.js';
import { SoapFault } from './errors.js';
import { ENVELOPE_NS, type SoapVersion } from './spec.js';

/**
 * Reading a SOAP envelope: one pass over the text that checks it is
 * well-formed, enforces the limits and builds the element tree with
 * namespaces resolved — no separate validator pass, no generic object tree
 * to convert afterwards.
 *
 * Written by hand rather than on an XML library because the request-time
 * cost and the refusal cost are the point (issue 18: a SOAP call may cost at
 * most two thirds of the `soap` package's; issue 10: an anonymous envelope
 * with 100k attributes cost fast-xml-parser's validator and parser 0.7–1.4 s
 * before anyone was authenticated). SOAP needs a small subset of XML — no
 * DTD may appear at all (SOAP 1.2 Part 1 §5: "A SOAP message MUST NOT
 * contain a Document Type Declaration"; WS-I Basic Profile 1.1 R1008) — so a
 * strict reader of that subset is short:
 *   - any markup declaration (<!DOCTYPE, <!ENTITY, …) is refused outright, so
 *     no DTD, external entity or entity expansion can ever be processed;
 *   - only the five predefined entities and character references are decoded
 *     (shared/xml-text.ts); any other reference is a malformed-XML fault;
 *   - the number of elements (soap.maxElements) and of attributes,
 *     namespace declarations included (soap.maxAttributes), are counted by an
 *     allocation-free pre-scan (countParts) that stops at the limit, so a
 *     refused envelope costs well under a millisecond; nesting
 *     (soap.maxDepth) is capped while reading;
 *   - the body size is capped before any of this (config bodyLimitBytes).
 * Well-formedness checked: one root element, matching end tags, quoted and
 * unique attributes, names that are XML QNames with declared prefixes,
 * terminated comments, CDATA sections and processing instructions, nothing
 * but white space and comments outside the root.
 */

/**
 * In-scope namespace declarations, innermost first: a linked list rather than
 * objects chained by prototype, because V8 turns every object used as a
 * prototype into a slow "prototype map" — a per-request cost that showed as
 * the reader's largest.
 */
interface Scope {
  readonly prefix: string;
  readonly uri: string;
  readonly parent: Scope | undefined;
}

function lookup(scope: Scope | undefined, prefix: string): string | undefined {
  for (let s = scope; s; s = s.parent) if (s.prefix === prefix) return s.uri;
  return undefined;
}

/** A child: an element, or a run of character data (entities decoded, CDATA as is). */
export type XmlNode = XmlElement | string;

export interface XmlElement {
  readonly ns: string;
  readonly local: string;
  /** Attributes other than namespace declarations, by qualified name as written (a prototype-less record). */
  readonly attrs: Record<string, string>;
  readonly children: XmlNode[];
  readonly scope: Scope;
}

export interface Envelope {
  readonly version: SoapVersion;
  readonly headers: readonly XmlElement[];
  /** The one child of soap:Body. */
  readonly body: XmlElement;
}

export interface ReaderLimits {
  /** Deepest element nesting, counting the Envelope as 1. */
  readonly maxDepth: number;
  /** Most elements in one envelope. */
  readonly maxElements: number;
  /** Most attributes in one envelope, namespace declarations included. */
  readonly maxAttributes: number;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const ROOT_SCOPE: Scope = { prefix: 'xml', uri: XML_NS, parent: undefined };

// XML 1.0 (5th ed.) §2.3 NameStartChar / NameChar without ':' — an NCName (Namespaces in XML 1.0 §3); a QName is one or two.
const START = 'A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\uD800-\\uDBFF\\uDC00-\\uDFFF';
const NCNAME = `[${START}][${START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040]*`;
const QNAME = new RegExp(`^${NCNAME}(?::${NCNAME})?$`);
/** The common case, tested first because it is cheaper than the full class. */
const ASCII_QNAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;
const isQName = (name: string) => ASCII_QNAME.test(name) || QNAME.test(name);
const BLANK = /^[ \t\r\n]*$/;

export const malformed = (detail: Text) => SoapFault.client('VALIDATION', msg('xml.malformed', { detail }));

/** A malformed-XML fault saying where; the position is only worked out when there is one. */
function fail(xml: string, detail: string, at: number): never {
  const before = xml.slice(0, at).split('\n');
  throw malformed(msg('xml.parserError', { detail, line: before.length, column: before.at(-1)!.length + 1 }));
}

const tooManyElements = (max: number) => SoapFault.client('VALIDATION', msg('soap.tooManyElements', { max }));
const tooManyAttributes = (max: number) => SoapFault.client('VALIDATION', msg('soap.tooManyAttributes', { max }));

/**
 * The pre-scan: counts start tags and attributes (an "=" inside a tag,
 * outside quotes) the way the reader will, building nothing, and refuses at
 * the first one over a limit. Building an element costs the reader about a
 * microsecond; skipping to the next "<" costs this a few nanoseconds, so an
 * envelope of 200k empty elements is refused in well under a millisecond
 * instead of after building 10,000 of them. It reads nothing else and stops
 * at anything odd (a declaration, an unterminated quote), which the reader
 * then refuses with its own message.
 */
function countParts(xml: string, maxElements: number, maxAttributes: number): void {
  const n = xml.length;
  let elements = 0;
  let attributes = 0;
  let i = xml.indexOf('<');
  while (i !== -1) {
    const c = xml.charCodeAt(i + 1);
    if (c === 0x21 /* ! */) {
      const comment = xml.startsWith('<!--', i);
      if (!comment && !xml.startsWith('<![CDATA[', i)) return;
      const end = xml.indexOf(comment ? '-->' : ']]>', i + 4);
      if (end === -1) return;
      i = xml.indexOf('<', end + 3);
      continue;
    }
    if (c === 0x3f /* ? */) {
      const end = xml.indexOf('?>', i + 2);
      if (end === -1) return;
      i = xml.indexOf('<', end + 2);
      continue;
    }
    if (c === 0x2f /* / */) {
      i = xml.indexOf('<', i + 2);
      continue;
    }
    if (++elements > maxElements) throw tooManyElements(maxElements);
    let j = i + 1;
    for (; j < n; j++) {
      const d = xml.charCodeAt(j);
      if (d === 0x3e /* > */) break;
      if (d === 0x22 || d === 0x27) {
        j = xml.indexOf(d === 0x22 ? '"' : "'", j + 1);
        if (j === -1) return;
      } else if (d === 0x3d /* = */ && ++attributes > maxAttributes) {
        throw tooManyAttributes(maxAttributes);
      }
    }
    i = xml.indexOf('<', j + 1);
  }
}

/** Spaces, tabs, CR and LF: XML's S (§2.3). */
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

export class EnvelopeReader {
  constructor(private readonly limits: ReaderLimits) {}

  /**
   * Parses and checks the envelope; throws a SoapFault naming what is wrong.
   * `expected` is the version the media type announced (undefined when it
   * does not say, as with application/xml).
   */
  read(xml: string, expected?: SoapVersion): Envelope {
    return envelopeOf(this.parse(xml), expected);
  }

  /** The document's root element, read in one pass. */
  parse(xml: string): XmlElement {
    const { maxDepth, maxElements, maxAttributes } = this.limits;
    countParts(xml, maxElements, maxAttributes);
    const n = xml.length;
    let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
    let root: XmlElement | undefined;
    const open: XmlElement[] = [];
    const tags: string[] = [];
    let elements = 0;
    let attributes = 0;
    while (i < n) {
      const lt = xml.indexOf('<', i);
      const end = lt === -1 ? n : lt;
      if (end > i) {
        const text = xml.slice(i, end);
        const parent = open[open.length - 1];
        if (parent) parent.children.push(decodeEntities(text));
        else if (!BLANK.test(text)) fail(xml, 'text outside the root element', i);
      }
      if (lt === -1) break;
      const c = xml.charCodeAt(lt + 1);
      if (c === 0x21 /* ! */) {
        if (xml.startsWith('<!--', lt)) {
          const close = xml.indexOf('-->', lt + 4);
          if (close === -1) fail(xml, 'unterminated comment', lt);
          i = close + 3;
        } else if (xml.startsWith('<![CDATA[', lt)) {
          const close = xml.indexOf(']]>', lt + 9);
          if (close === -1) fail(xml, 'unterminated CDATA section', lt);
          const parent = open[open.length - 1];
          if (!parent) fail(xml, 'CDATA outside the root element', lt);
          parent!.children.push(xml.slice(lt + 9, close));
          i = close + 3;
        } else {
          throw SoapFault.client('VALIDATION', msg('soap.noDtd'));
        }
        continue;
      }
      if (c === 0x3f /* ? */) {
        const close = xml.indexOf('?>', lt + 2);
        if (close === -1) fail(xml, 'unterminated processing instruction', lt);
        // The XML declaration may only open the document (§2.8); elsewhere a target named xml is reserved.
        if (/^xml[\s?]/i.test(xml.slice(lt + 2, lt + 6)) && lt !== (xml.charCodeAt(0) === 0xfeff ? 1 : 0)) fail(xml, 'XML declaration not at the start', lt);
        i = close + 2;
        continue;
      }
      if (c === 0x2f /* / */) {
        const close = xml.indexOf('>', lt + 2);
        if (close === -1) fail(xml, 'unterminated end tag', lt);
        let stop = close;
        while (isSpace(xml.charCodeAt(stop - 1))) stop--;
        const name = xml.slice(lt + 2, stop);
        const expected = tags.pop();
        if (expected === undefined) fail(xml, `end tag </${name}> without a start tag`, lt);
        if (name !== expected) fail(xml, `expected </${expected}>, found </${name}>`, lt);
        open.pop();
        i = close + 1;
        continue;
      }
      // A start tag or an empty-element tag.
      let j = lt + 1;
      while (j < n) {
        const d = xml.charCodeAt(j);
        if (isSpace(d) || d === 0x2f || d === 0x3e) break;
        j++;
      }
      const tag = xml.slice(lt + 1, j);
      if (!isQName(tag)) fail(xml, `invalid element name "${tag.slice(0, 40)}"`, lt);
      if (open.length >= maxDepth) throw SoapFault.client('VALIDATION', msg('xml.tooDeep', { max: maxDepth }));
      if (++elements > maxElements) throw tooManyElements(maxElements);
      if (!open.length && root) fail(xml, 'more than one root element', lt);
      const parent = open[open.length - 1];
      const inherited = parent ? parent.scope : ROOT_SCOPE;
      let scope = inherited;
      const attrs = Object.create(null) as Record<string, string>;
      let empty = false;
      for (;;) {
        const spaced = j < n && isSpace(xml.charCodeAt(j));
        while (j < n && isSpace(xml.charCodeAt(j))) j++;
        if (j >= n) fail(xml, `unterminated tag <${tag}>`, lt);
        const d = xml.charCodeAt(j);
        if (d === 0x3e /* > */) {
          j++;
          break;
        }
        if (d === 0x2f /* / */) {
          if (xml.charCodeAt(j + 1) !== 0x3e) fail(xml, `expected "/>" in <${tag}>`, j);
          j += 2;
          empty = true;
          break;
        }
        if (!spaced) fail(xml, `attributes of <${tag}> must be separated by white space`, j);
        const start = j;
        while (j < n) {
          const e = xml.charCodeAt(j);
          if (isSpace(e) || e === 0x3d || e === 0x3e || e === 0x2f) break;
          j++;
        }
        const name = xml.slice(start, j);
        if (!isQName(name)) fail(xml, `invalid attribute name "${name.slice(0, 40)}"`, start);
        while (j < n && isSpace(xml.charCodeAt(j))) j++;
        if (xml.charCodeAt(j) !== 0x3d /* = */) fail(xml, `attribute ${name} needs a value`, j);
        j++;
        while (j < n && isSpace(xml.charCodeAt(j))) j++;
        const quote = xml[j];
        if (quote !== '"' && quote !== "'") fail(xml, `the value of attribute ${name} must be quoted`, j);
        const close = xml.indexOf(quote!, j + 1);
        if (close === -1) fail(xml, `unterminated value of attribute ${name}`, j);
        const raw = xml.slice(j + 1, close);
        if (raw.includes('<')) fail(xml, `"<" in the value of attribute ${name}`, j);
        j = close + 1;
        if (++attributes > maxAttributes) throw tooManyAttributes(maxAttributes);
        const value = decodeEntities(raw);
        if (name === 'xmlns' || name.startsWith('xmlns:')) {
          const prefix = name === 'xmlns' ? '' : name.slice(6);
          for (let s = scope; s !== inherited; s = s.parent!) if (s.prefix === prefix) fail(xml, `attribute ${name} appears twice`, start);
          scope = { prefix, uri: value, parent: scope };
        } else {
          if (name in attrs) fail(xml, `attribute ${name} appears twice`, start);
          attrs[name] = value;
        }
      }
      const colon = tag.indexOf(':');
      const prefix = colon === -1 ? '' : tag.slice(0, colon);
      const ns = lookup(scope, prefix);
      if (ns === undefined && prefix !== '') throw malformed(msg('xml.undeclaredPrefix', { prefix }));
      for (const name in attrs) {
        const c2 = name.indexOf(':');
        if (c2 !== -1 && lookup(scope, name.slice(0, c2)) === undefined) throw malformed(msg('xml.undeclaredPrefix', { prefix: name.slice(0, c2) }));
      }
      const local = colon === -1 ? tag : tag.slice(colon + 1);
      // Element names become object keys in plainValue.
      if (local === '__proto__') throw malformed(msg('xml.protoElement'));
      const element: XmlElement = { ns: ns ?? '', local, attrs, children: [], scope };
      if (parent) parent.children.push(element);
      else root = element;
      if (!empty) {
        open.push(element);
        tags.push(tag);
      }
      i = j;
    }
    if (tags.length) fail(xml, `<${tags.at(-1)}> is not closed`, n);
    if (!root) throw malformed(msg('xml.noRoot'));
    return root;
  }
}

const blank = (node: XmlNode) => typeof node === 'string' && BLANK.test(node);

/**
 * The SOAP processing model's shape of an envelope. SOAP 1.2 Part 1 §5.1: the
 * Envelope holds an optional Header and then a mandatory Body, nothing else;
 * SOAP 1.1 §4.1.1 allowed more elements after the Body, which WS-I Basic
 * Profile 1.1 R1011 forbids. Anything else — two Bodies (which one would
 * run?), two Headers (whose credentials?), a Header after the Body, foreign
 * elements or text — is refused rather than guessed at.
 */
function envelopeOf(root: XmlElement, expected: SoapVersion | undefined): Envelope {
  if (root.local !== 'Envelope') throw SoapFault.client('VALIDATION', msg('soap.notEnvelope', { element: root.local }));
  const version = root.ns === ENVELOPE_NS['1.1'] ? '1.1' : root.ns === ENVELOPE_NS['1.2'] ? '1.2' : undefined;
  if (!version) throw versionMismatch(root.ns, expected ?? '1.1');
  // The media type names the version (SOAP 1.1 HTTP binding: text/xml; SOAP 1.2 Part 2 §7.1.4 and RFC 3902:
  // application/soap+xml). An envelope of the other version is a VersionMismatch, answered in SOAP 1.1 either
  // way: SOAP 1.2 Part 1 Appendix A — a 1.1 node answers a 1.2 envelope with a 1.1 VersionMismatch fault, and a
  // 1.2 node that does not process a 1.1 envelope as 1.1 MUST answer with a 1.1 VersionMismatch fault carrying
  // the Upgrade header block.
  if (expected && version !== expected) throw versionMismatch(root.ns, '1.1');
  let header: XmlElement | undefined;
  let body: XmlElement | undefined;
  const seen: string[] = [];
  let wrong = false;
  for (const node of root.children) {
    if (typeof node === 'string') {
      if (!BLANK.test(node)) throw SoapFault.client('VALIDATION', msg('soap.strayText', { element: 'Envelope' }));
      continue;
    }
    seen.push(node.ns === root.ns ? node.local : `{${node.ns}}${node.local}`);
    if (node.ns === root.ns && node.local === 'Header' && !header && !body) header = node;
    else if (node.ns === root.ns && node.local === 'Body' && !body) body = node;
    else wrong = true;
  }
  if (wrong) throw SoapFault.client('VALIDATION', msg('soap.envelopeShape', { found: seen.join(', ') }));
  if (!body) throw SoapFault.client('VALIDATION', msg('soap.noBody'));
  const headers = header ? elementsOnly(header, 'Header') : [];
  const parts = elementsOnly(body, 'Body');
  if (parts.length !== 1) throw SoapFault.client('VALIDATION', msg('soap.bodyParts', { count: parts.length }));
  return { version, headers, body: parts[0]! };
}

/** Header and Body hold elements; character data between them may only be white space. */
function elementsOnly(parent: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const node of parent.children) {
    if (typeof node !== 'string') out.push(node);
    else if (!blank(node)) throw SoapFault.client('VALIDATION', msg('soap.strayText', { element: name }));
  }
  return out;
}

/**
 * SOAP 1.2 Part 1 §5.4.7 (and SOAP 1.1 §4.4.1): a VersionMismatch fault,
 * with the Upgrade header block (§5.4.7.2) listing the envelopes we accept.
 * The block is in the SOAP 1.2 namespace whatever the reply's version, with
 * its own prefix, so it reads the same inside a SOAP 1.1 reply (Appendix A).
 */
function versionMismatch(ns: string, reply: SoapVersion): SoapFault {
  const upgrade =
    `<upg:Upgrade xmlns:upg="${ENVELOPE_NS['1.2']}"><upg:SupportedEnvelope qname="s12:Envelope" xmlns:s12="${ENVELOPE_NS['1.2']}"/>` +
    `<upg:SupportedEnvelope qname="s11:Envelope" xmlns:s11="${ENVELOPE_NS['1.1']}"/></upg:Upgrade>`;
  const fault = SoapFault.client('VALIDATION', msg('soap.versionMismatch', { ns }));
  return new SoapFault('VersionMismatch', fault.error, { '1.1': upgrade, '1.2': upgrade }, reply);
}

export function childElements(parent: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of parent.children) if (typeof child !== 'string') out.push(child);
  return out;
}

/** xsi:nil="true" marks an element that is present but has no value: treated as absent. */
const isNil = (attrs: Record<string, string>): boolean => {
  for (const key in attrs) if ((key === 'nil' || key.endsWith(':nil')) && (attrs[key] === 'true' || attrs[key] === '1')) return true;
  return false;
};

/**
 * An element's content as plain JSON-ish data: text-only elements become
 * strings, elements with children become objects keyed by local name, and a
 * repeated child becomes an array. Types are left to coerceText and the
 * domain's validation.
 */
export function plainValue(el: XmlElement): unknown {
  let text = '';
  let record: Record<string, unknown> | undefined;
  for (const child of el.children) {
    if (typeof child === 'string') {
      text += child;
      continue;
    }
    if (isNil(child.attrs)) continue;
    const value = plainValue(child);
    record ??= {};
    if (!Object.hasOwn(record, child.local)) record[child.local] = value;
    else {
      const prev = record[child.local];
      if (Array.isArray(prev)) prev.push(value);
      else record[child.local] = [prev, value];
    }
  }
  return record ?? text;
}

/** The text of the named child element (by local name), if present. */
export function childText(el: XmlElement, local: string): string | undefined {
  for (const child of el.children) if (typeof child !== 'string' && child.local === local) return String(plainValue(child));
  return undefined;
}
