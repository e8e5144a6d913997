import type { IncomingHttpHeaders } from 'node:http';
import accepts from 'accepts';
import type { JsonSchema } from '../../contract/json-schema.js';
import { msg } from '../../domain/i18n/index.js';
import { BodyTooLargeError, mediaType } from '../shared/http.js';
import { HttpProblem, invalid } from './errors.js';
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

/** Proactive negotiation (RFC 9110 §12.5.1) with `accepts`, as express does it; nothing acceptable → 406. */
export function negotiate(headers: IncomingHttpHeaders): Negotiated {
  const accept = headers.accept;
  // The common cases skip the negotiator's parse.
  if (!accept || accept === '*/*' || accept === 'application/json') return JSON_NEG;
  const chosen = accepts({ headers } as Parameters<typeof accepts>[0]).type(RESPONSE_TYPES as unknown as string[]);
  if (chosen === 'application/json') return JSON_NEG;
  if (chosen === 'application/xml') return XML_NEG;
  if (chosen === 'text/xml') return TEXT_XML_NEG;
  throw new HttpProblem(406, msg('rest.notAcceptable', { types: RESPONSE_TYPES.join(', ') }));
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
  | { kind: 'json' | 'xml' | 'merge-patch'; value: Record<string, unknown> }
  | { kind: 'json-patch'; value: unknown[] };

const DATA_TYPES = ['application/json', 'application/xml', 'text/xml'];
const PATCH_TYPES = ['application/merge-patch+json', 'application/json-patch+json', 'application/json'];

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
): Promise<Payload> {
  const type = mediaType(headers['content-type']);
  const accepted = patch ? PATCH_TYPES : DATA_TYPES;
  const hasBody = Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
  if (!type && !hasBody && !patch) return { kind: 'json', value: {} };
  if (!accepted.includes(type)) {
    const header: Record<string, string> = patch ? { 'Accept-Patch': PATCH_TYPES.join(', ') } : { 'Accept-Post': DATA_TYPES.join(', ') };
    throw new HttpProblem(415, msg('rest.unsupportedType', { type: type || '(none)', types: accepted.join(', ') }), header);
  }
  let raw: Buffer;
  try {
    raw = await read(limit);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new HttpProblem(413, msg('http.bodyTooLarge', { limit }), { Connection: 'close' });
    throw err;
  }
  const text = raw.toString('utf8');
  if (type === 'application/xml' || type === 'text/xml') return { kind: 'xml', value: xml.read(text, schema) };
  const value = parseJson(text);
  if (type === 'application/json-patch+json') {
    if (!Array.isArray(value)) throw invalid('(body)', msg('rest.patchArray'));
    return { kind: 'json-patch', value };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid('(body)', msg('rest.bodyObject'));
  return { kind: type === 'application/json' && !patch ? 'json' : 'merge-patch', value: value as Record<string, unknown> };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('(body)', msg('rest.malformedJson'));
  }
}
