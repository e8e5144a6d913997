import type { IncomingHttpHeaders } from 'node:http';
import Negotiator from 'negotiator';
import type { JsonSchema } from '../../contract/json-schema.js';
import { msg } from '../../domain/i18n/index.js';
import { BodyTooLargeError, mediaType } from '../shared/http.js';
import { HttpProblem, invalid, unreadable } from './errors.js';
import type { XmlReader } from './xml.js';

export type Format = 'json' | 'xml';

/** What a response will be written as, chosen once per request from `Accept`. */
export interface Negotiated {
  format: Format;
  contentType: string;
  problemType: string;
}

const JSON_NEG: Negotiated = {
  format: 'json',
  contentType: 'application/json; charset=utf-8',
  problemType: 'application/problem+json; charset=utf-8',
};
const XML_NEG: Negotiated = { format: 'xml', contentType: 'application/xml; charset=utf-8', problemType: 'application/problem+xml; charset=utf-8' };
const TEXT_XML_NEG: Negotiated = { ...XML_NEG, contentType: 'text/xml; charset=utf-8' };

export const RESPONSE_TYPES = ['application/json', 'application/xml', 'text/xml'] as const;

/**
 * Media-type versioning (source 002, lines 603–653): `application/vnd.polyface.v1+json`
 * (or `+xml`) asks for version 1 of the representation, and the answer's
 * Content-Type says which version it is. The version-less vendor type means
 * the current one. The URI (`/api/v1`) and the media type name the same
 * version today; a v2 would add a line here and its representations.
 */
export const API_VERSIONS = [1] as const;
const CURRENT_VERSION = API_VERSIONS[API_VERSIONS.length - 1]!;
const VENDOR_PREFIX = 'application/vnd.polyface';
const vendorType = (version: number | undefined, format: Format) => `${VENDOR_PREFIX}${version === undefined ? '' : `.v${version}`}+${format}`;
export const VENDOR_TYPES: readonly string[] = [
  ...API_VERSIONS.flatMap((v) => [vendorType(v, 'json'), vendorType(v, 'xml')]),
  vendorType(undefined, 'json'),
  vendorType(undefined, 'xml'),
];

function vendorNegotiated(type: string): Negotiated {
  const format: Format = type.endsWith('+xml') ? 'xml' : 'json';
  const version = /\.v(\d+)\+/.exec(type)?.[1] ?? String(CURRENT_VERSION);
  const base = format === 'xml' ? XML_NEG : JSON_NEG;
  return { ...base, contentType: `${vendorType(Number(version), format)}; charset=utf-8` };
}

/**
/** Media types a browser puts first when it navigates; it lists application/xml above any JSON. */
const PAGE_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/**
 * Proactive negotiation (RFC 9110 §12.5.1) with `accepts`, as express does
 * it; nothing acceptable → 406. An Accept that names any `vnd.polyface`
 * type is asking for a version: only the versions we have can answer it (a
 * wildcard beside an unknown version does not turn it into unversioned
 * JSON), so an unknown version is a 406 that lists the ones there are.
 * Otherwise, one exception: a browser navigating here asks for HTML first
 * and ranks application/xml (q=0.9) above anything JSON (via *\/* at
 * q=0.8), so it would get XML it never really asked for; when HTML comes
 * first, the answer is JSON. XML goes to clients that ask for it explicitly.
 */
export function negotiate(headers: IncomingHttpHeaders): Negotiated {
  const accept = headers.accept;
  // The common cases skip the negotiator's parse.
  if (!accept || accept === '*/*' || accept === 'application/json') return JSON_NEG;
  const negotiator = new Negotiator({ headers });
  if (accept.toLowerCase().includes(VENDOR_PREFIX)) {
    // Only the vendor types named outright count here, in the client's order of preference (q=0 ones excluded).
    const versioned = negotiator.mediaTypes().map((t) => t.toLowerCase()).find((t) => VENDOR_TYPES.includes(t));
    if (versioned) return vendorNegotiated(versioned);
    const asked = [...accept.toLowerCase().matchAll(/application\/vnd\.polyface(?:\.v([^+;,\s]*))?\+?([\w-]*)/g)].map((m) => m[0]);
    throw new HttpProblem(406, msg('rest.unknownVersion', { asked: asked.join(', '), types: VERSIONED_TYPES.join(', ') }));
  }
  if (PAGE_TYPES.has(negotiator.mediaTypes()[0] ?? '')) return JSON_NEG;
  const chosen = negotiator.mediaType(RESPONSE_TYPES);
  if (chosen === 'application/json') return JSON_NEG;
  if (chosen === 'application/xml') return XML_NEG;
  if (chosen === 'text/xml') return TEXT_XML_NEG;
  throw new HttpProblem(406, msg('rest.notAcceptable', { types: [...RESPONSE_TYPES, ...VERSIONED_TYPES].join(', ') }));
}

/** For errors raised before or during negotiation: XML only when the client plainly asked for it. */
export function negotiateForProblem(headers: IncomingHttpHeaders): Negotiated {
  try {
    return negotiate(headers);
  } catch {
    return JSON_NEG;
  }
}

export type Payload =
  | { kind: 'json' | 'xml' | 'merge-patch' | 'form'; value: Record<string, unknown> }
  | { kind: 'json-patch'; value: unknown[] };

/** Versioned vendor types are accepted as request bodies too (the version-less ones only in Accept). */
const VERSIONED_TYPES = VENDOR_TYPES.filter((t) => /\.v\d+\+/.test(t));
const DATA_TYPES = ['application/json', 'application/xml', 'text/xml', ...VERSIONED_TYPES];
const FORM = 'application/x-www-form-urlencoded';
const PATCH_TYPES = ['application/merge-patch+json', 'application/json-patch+json', 'application/json', ...VERSIONED_TYPES.filter((t) => t.endsWith('+json'))];

/**
 * Reads and decodes a request body. POST/PUT take JSON or XML; PATCH takes
 * merge patch (RFC 7396), JSON Patch (RFC 6902), or plain JSON read as a
 * merge patch, since that is what the source material's client sends.
 */
export async function readPayload(
  headers: IncomingHttpHeaders,
  read: (limit: number) => Promise<Buffer>,
  limit: number,
  patch: boolean,
  xml: XmlReader,
  schema: JsonSchema,
  /** Also take an HTML/OAuth form body (the token endpoint: RFC 6749 §4.3.2 sends one). */
  form = false,
): Promise<Payload> {
  const type = mediaType(headers['content-type']);
  const accepted = patch ? PATCH_TYPES : form ? [...DATA_TYPES, FORM] : DATA_TYPES;
  const hasBody = Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
  if (!type && !hasBody && !patch) return { kind: 'json', value: {} };
  if (!accepted.includes(type)) {
    const header: Record<string, string> = patch ? { 'Accept-Patch': PATCH_TYPES.join(', ') } : { 'Accept-Post': DATA_TYPES.join(', ') };
    throw new HttpProblem(415, msg('rest.unsupportedType', { type: type || '(none)', types: accepted.join(', ') }), header);
  }
  const isXml = type === 'application/xml' || type === 'text/xml' || (type.startsWith(VENDOR_PREFIX) && type.endsWith('+xml'));
  const isPlainJson = type === 'application/json' || (type.startsWith(VENDOR_PREFIX) && type.endsWith('+json'));
  let raw: Buffer;
  try {
    raw = await read(limit);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new HttpProblem(413, msg('http.bodyTooLarge', { limit }), { Connection: 'close' });
    throw err;
  }
  const text = raw.toString('utf8');
  if (isXml) return { kind: 'xml', value: xml.read(text, schema) };
  if (type === FORM) return { kind: 'form', value: parseForm(text) };
  const value = parseJson(text);
  if (type === 'application/json-patch+json') {
    if (!Array.isArray(value)) throw unreadable('(body)', msg('rest.patchArray'));
    return { kind: 'json-patch', value };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid('(body)', msg('rest.bodyObject'));
  return { kind: isPlainJson && !patch ? 'json' : 'merge-patch', value: value as Record<string, unknown> };
}

/**
 * A JSON object body, for resources that take nothing else (the source
 * profile, job submissions): 415 for another type, 413 past the limit, 400
 * when it does not parse, 422 when it parses to something else than an
 * object (as readPayload answers).
 */
export async function readJsonObject(headers: IncomingHttpHeaders, read: (limit: number) => Promise<Buffer>, limit: number): Promise<Record<string, unknown>> {
  const type = mediaType(headers['content-type']);
  if (type !== 'application/json' && !(type.startsWith('application/') && type.endsWith('+json'))) {
    throw new HttpProblem(415, msg('rest.unsupportedType', { type: type || '(none)', types: 'application/json' }), { 'Accept-Post': 'application/json' });
  }
  let raw: Buffer;
  try {
    raw = await read(limit);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new HttpProblem(413, msg('http.bodyTooLarge', { limit }), { Connection: 'close' });
    throw err;
  }
  const value = parseJson(raw.toString('utf8'));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid('(body)', msg('rest.bodyObject'));
  return value as Record<string, unknown>;
}

/**
 * application/x-www-form-urlencoded (WHATWG URL §5): each name at most once
 * (RFC 6749 §3.1). A repeated name leaves no one record to read, so, like
 * JSON that does not parse, it is a 400 rather than a 422.
 */
function parseForm(text: string): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [name, v] of new URLSearchParams(text)) {
    if (Object.hasOwn(value, name)) throw unreadable(name, msg('rest.formRepeated'));
    value[name] = v;
  }
  return value;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw unreadable('(body)', msg('rest.malformedJson'));
  }
}
