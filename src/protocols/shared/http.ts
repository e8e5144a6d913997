import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import contentType from 'content-type';
import getRawBody from 'raw-body';
import type { AccessNotes } from '../../runtime/context.js';
import type { Logger } from '../../runtime/log.js';
import type { Face } from './face.js';

/** What the front door knows about a request before any binding sees it. */
export interface RequestInfo {
  readonly requestId: string;
  readonly log: Logger;
  /** Filled in by the runtime during the request; the access log reads it when the response ends. */
  readonly notes: AccessNotes;
  /** Aborts when the client goes away before the response is complete (its connection closes; the front door shares one signal per connection). */
  readonly signal: AbortSignal;
  readonly peer: string | undefined;
}

/**
 * A style mounted on the node:http front door. The host dispatches by its
 * path table before any framework runs, so styles that need no router
 * (GraphQL, JSON-RPC, SOAP) pay for none.
 */
export interface HttpBinding {
  readonly name: string;
  /** Paths answered exactly. */
  readonly paths: readonly string[];
  /** Path prefixes owned (each ends with "/"). */
  readonly prefixes?: readonly string[];
  /**
   * Answers the request. A binding that owns an exact path may return false
   * to decline it (content negotiation on a shared URL: Server-Sent Events
   * and REST long polling on /api/v1/events); the host then hands the
   * request to the binding owning its prefix, having written nothing.
   */
  handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo): void | boolean | Promise<void | boolean>;
  /** WebSocket upgrades on the binding's paths; return false to decline. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, info: Omit<RequestInfo, 'signal'>): boolean;
  /** Ends what the binding holds open (WebSockets, streams) at shutdown. */
  close?(): Promise<void>;
  /** Its links and contract documents for the landing page, the startup block and export-contracts (face.ts). */
  readonly face?: Face;
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds ${limit} bytes`);
  }
}

/**
 * A whole request body (raw-body), refused as soon as it is known to be too
 * large: from Content-Length before reading anything, or while streaming.
 * The request is then left paused, not drained; bindings answer 413 with
 * `Connection: close` so a declared 2 GB upload costs nothing.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(req, { limit, length: req.headers['content-length'] });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw new BodyTooLargeError(limit);
    throw err;
  }
}

/** A Content-Type header (RFC 9110 §8.3) parsed by `content-type`; an unparsable one counts as absent. */
export function parseContentType(header: string | undefined): { type: string; parameters: Record<string, string> } {
  if (!header) return { type: '', parameters: {} };
  try {
    return contentType.parse(header);
  } catch {
    return { type: '', parameters: {} };
  }
}

/** Media type without parameters, lower-cased ("application/json"); '' when absent or malformed. */
export function mediaType(header: string | undefined): string {
  return parseContentType(header).type;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A framework-free reply, as cores produce them; bindings write it. */
export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | number | readonly string[]>>;
  readonly body?: string | Buffer | null | undefined;
}

export function writeReply(res: ServerResponse, reply: HttpReply): void {
  const headers: Record<string, string | number | readonly string[]> = { ...reply.headers };
  if (reply.body !== undefined && reply.body !== null && !('Content-Length' in headers)) headers['Content-Length'] = Buffer.byteLength(reply.body);
  if (headers.Vary !== undefined) headers.Vary = varyWith(res, String(headers.Vary));
  res.writeHead(reply.status, headers as Record<string, string | number | string[]>);
  res.end(reply.body ?? undefined);
}

/**
 * A Vary value for writeHead that keeps what was set on the response before (the front door's Accept-Encoding):
 * writeHead's headers replace earlier ones of the same name, and a cache must see every header the answer
 * depended on (RFC 9110 §12.5.5).
 */
export function varyWith(res: ServerResponse, vary: string): string {
  const before = res.getHeader('Vary');
  return before === undefined ? vary : `${vary}, ${String(before)}`;
}

/** "/users?x=1" → "x=1" ('' without a query). */
export function queryOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
}

/** "/users?x=1" → "/users". */
export function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : u.slice(0, q);
}
