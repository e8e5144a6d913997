import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { msg, type Text } from '../../domain/i18n/index.js';
import { SoapFault } from './errors.js';
import { ENVELOPE_NS, type SoapVersion } from './spec.js';
import { decodeEntities } from '../shared/xml-text.js';

/**
 * Reading a SOAP envelope. Hand-written on fast-xml-parser rather than the
 * `soap` package's server for two reasons: speed (no WSDL-driven object
 * mapping per request; see DESIGN's hot-path table) and control over hostile
 * XML, which is refused here before and while parsing:
 *   - any markup declaration (<!DOCTYPE, <!ENTITY, …) is rejected outright, so
 *     no DTD, external entity or entity expansion can ever be processed;
 *   - the parser's own entity processing is off; only the five predefined
 *     entities and character references are decoded (shared/xml-text.ts), lazily,
 *     and any other reference is a malformed-XML fault;
 *   - element nesting is capped (config soap.maxDepth);
 *   - the body size is capped before any of this (config bodyLimitBytes).
 */

type RawNode = Record<string, unknown>;
type Scope = Record<string, string>;

export interface XmlElement {
  readonly ns: string;
  readonly local: string;
  readonly attrs: Record<string, string>;
  readonly children: RawNode[];
  readonly scope: Scope;
}

export interface Envelope {
  readonly version: SoapVersion;
  readonly headers: readonly XmlElement[];
  /** The one child of soap:Body. */
  readonly body: XmlElement;
}

const ATTR = '@_';
const DECLARATION = /<!(?!--|\[CDATA\[)/;
const ROOT_SCOPE: Scope = Object.freeze(Object.assign(Object.create(null) as Scope, { xml: 'http://www.w3.org/XML/1998/namespace' }));

export const malformed = (detail: Text) => SoapFault.client('VALIDATION', msg('xml.malformed', { detail }));

export class EnvelopeReader {
  private readonly parser: XMLParser;

  constructor(private readonly maxDepth: number) {
    this.parser = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: ATTR,
      parseTagValue: false,
      parseAttributeValue: false,
      processEntities: false,
      trimValues: false,
      cdataPropName: '#cdata',
      // The parser refuses an opening tag once maxNestedTags are already open, i.e. at depth maxNestedTags + 2.
      maxNestedTags: Math.max(0, maxDepth - 1),
    });
  }

  /** Parses and checks the envelope; throws a SoapFault naming what is wrong. */
  read(xml: string): Envelope {
    if (xml.charCodeAt(0) === 0xfeff) xml = xml.slice(1);
    if (DECLARATION.test(xml)) throw SoapFault.client('VALIDATION', msg('soap.noDtd'));
    const valid = XMLValidator.validate(xml);
    if (valid !== true) throw malformed(msg('xml.parserError', { detail: valid.err.msg, line: valid.err.line, column: valid.err.col }));
    let roots: RawNode[];
    try {
      roots = this.parser.parse(xml) as RawNode[];
    } catch (err) {
      const message = (err as Error).message;
      if (/nested tags/i.test(message)) {
        throw SoapFault.client('VALIDATION', msg('xml.tooDeep', { max: this.maxDepth }));
      }
      throw malformed(message);
    }
    return this.envelope(roots);
  }

  private envelope(roots: RawNode[]): Envelope {
    const rootNode = roots.find((n) => tagOf(n) !== undefined && tagOf(n) !== '?xml');
    if (!rootNode) throw malformed(msg('xml.noRoot'));
    const root = element(rootNode, ROOT_SCOPE);
    if (root.local !== 'Envelope') throw SoapFault.client('VALIDATION', msg('soap.notEnvelope', { element: root.local }));
    const version = root.ns === ENVELOPE_NS['1.1'] ? '1.1' : root.ns === ENVELOPE_NS['1.2'] ? '1.2' : undefined;
    if (!version) throw versionMismatch(root.ns);
    let headers: XmlElement[] = [];
    let body: XmlElement | undefined;
    for (const child of childElements(root)) {
      if (child.ns !== root.ns) continue;
      if (child.local === 'Header') headers = childElements(child);
      else if (child.local === 'Body') body = child;
    }
    if (!body) throw SoapFault.client('VALIDATION', msg('soap.noBody'));
    const parts = childElements(body);
    if (parts.length !== 1) {
      throw SoapFault.client('VALIDATION', msg('soap.bodyParts', { count: parts.length }));
    }
    return { version, headers, body: parts[0]! };
  }
}

function versionMismatch(ns: string): SoapFault {
  const upgrade =
    `<soap:Upgrade><soap:SupportedEnvelope qname="s12:Envelope" xmlns:s12="${ENVELOPE_NS['1.2']}"/>` +
    `<soap:SupportedEnvelope qname="s11:Envelope" xmlns:s11="${ENVELOPE_NS['1.1']}"/></soap:Upgrade>`;
  const fault = SoapFault.client('VALIDATION', msg('soap.versionMismatch', { ns }));
  return new SoapFault('VersionMismatch', fault.error, upgrade);
}

function tagOf(node: RawNode): string | undefined {
  for (const key in node) if (key !== ':@' && key !== '#text' && key !== '#cdata') return key;
  return undefined;
}

function element(node: RawNode, parent: Scope): XmlElement {
  const tag = tagOf(node)!;
  const raw = (node[':@'] ?? {}) as Record<string, string>;
  const attrs: Record<string, string> = {};
  let scope = parent;
  for (const key in raw) {
    const name = key.slice(ATTR.length);
    const value = decodeEntities(raw[key]!);
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (scope === parent) scope = Object.create(parent) as Scope;
      scope[name === 'xmlns' ? '' : name.slice(6)] = value;
    } else {
      attrs[name] = value;
    }
  }
  const colon = tag.indexOf(':');
  const prefix = colon === -1 ? '' : tag.slice(0, colon);
  const ns = scope[prefix];
  if (ns === undefined && prefix !== '') throw malformed(msg('xml.undeclaredPrefix', { prefix }));
  const local = colon === -1 ? tag : tag.slice(colon + 1);
  // The parser refuses a bare __proto__ tag but not a prefixed one; element names become object keys.
  if (local === '__proto__') throw malformed(msg('xml.protoElement'));
  return { ns: ns ?? '', local, attrs, children: node[tag] as RawNode[], scope };
}

export function childElements(parent: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of parent.children) if (tagOf(child) !== undefined) out.push(element(child, parent.scope));
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
  for (const node of el.children) {
    if ('#text' in node) {
      text += decodeEntities(node['#text'] as string);
      continue;
    }
    if ('#cdata' in node) {
      for (const part of node['#cdata'] as RawNode[]) text += part['#text'] as string;
      continue;
    }
    const child = element(node, el.scope);
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
  for (const child of childElements(el)) if (child.local === local) return String(plainValue(child));
  return undefined;
}
