import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { DomainError } from '../../domain/errors.js';
import { msg } from '../../domain/i18n/index.js';
import type { HttpReply } from '../shared/http.js';
import type { Format } from './media.js';

/**
 * Entity tags come from a record's `version`: `"v3"` for the JSON
 * representation, `"v3.xml"` for the XML one (a strong validator must differ
 * between representations, RFC 9110 §8.8.3). Either names version 3 when it
 * comes back in `If-Match` / `If-None-Match`.
 */
export const etagFor = (version: number, format: Format): string => (format === 'xml' ? `"v${version}.xml"` : `"v${version}"`);

const TAG = /^(W\/)?"v(\d{1,15})(?:\.xml)?"$/;

interface Condition {
  any: boolean;
  /** Versions named, with whether each was a weak tag. */
  tags: { version: number; weak: boolean }[];
}

function parse(header: string | undefined): Condition | undefined {
  if (header === undefined) return undefined;
  const parts = header.split(',').map((p) => p.trim()).filter(Boolean);
  const tags: Condition['tags'] = [];
  for (const part of parts) {
    const m = TAG.exec(part);
    if (m) tags.push({ version: Number(m[2]), weak: m[1] !== undefined });
  }
  return { any: parts.includes('*'), tags };
}

/** If-None-Match uses weak comparison (RFC 9110 §13.1.2): true means answer 304. */
export function notModified(header: string | undefined, version: number): boolean {
  const c = parse(header);
  return !!c && (c.any || c.tags.some((t) => t.version === version));
}

/**
 * If-Match uses strong comparison (RFC 9110 §13.1.1). Returns the versions
 * it allows: undefined when there is no condition (or `*`), else the list —
 * empty when nothing in the header could ever match, which fails at once.
 */
export function ifMatchVersions(header: string | undefined): number[] | undefined {
  const c = parse(header);
  if (!c || c.any) return undefined;
  const versions = c.tags.filter((t) => !t.weak).map((t) => t.version);
  if (!versions.length) throw new DomainError('PRECONDITION_FAILED', msg('rest.ifMatchNone'));
  return versions;
}

/**
 * Does an If-None-Match header name the current entity tag? Weak comparison
 * (RFC 9110 §13.1.2): `W/` is ignored on both sides. Version tags compare
 * by version, whichever representation's tag the client holds; any other
 * tag (the content hashes of collections, products and orders) by its text.
 */
export function noneMatch(header: string | undefined, current: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const mine = opaque(current);
  const myVersion = TAG.exec(mine)?.[2];
  return header.split(',').some((part) => {
    const tag = opaque(part);
    if (tag === '*') return true;
    if (myVersion !== undefined) return TAG.exec(tag)?.[2] === myVersion;
    return tag === mine;
  });
}

/**
 * A weak entity tag for a representation that has no version of its own (a
 * page of a collection, a product, an order): a hash of the bytes sent and
 * their type. Weak (RFC 9110 §8.8.3), because equal bytes are all it promises.
 */
export function weakTag(body: string | Buffer, contentType: string): string {
  return `W/"${createHash('sha256').update(contentType).update('\u0000').update(body).digest('base64url').slice(0, 22)}"`;
}

const second = (ms: number) => Math.floor(ms / 1000);

/**
 * The `Last-Modified` value for a change at `modifiedMs`, or undefined while
 * that second has not ended: HTTP dates have one-second resolution, so a
 * date handed out in the second of a change could be followed by a second
 * change in the same second that If-Modified-Since would then miss (RFC 9110
 * §8.8.2.2). Never later than now (§8.8.2.1).
 */
export function lastModified(modifiedMs: number, nowMs: number): string | undefined {
  if (!Number.isFinite(modifiedMs) || second(modifiedMs) >= second(nowMs)) return undefined;
  return httpDate(second(Math.min(modifiedMs, nowMs)));
}

/**
 * IMF-fixdate (RFC 9110 §5.6.7) of a second since the epoch, remembered: formatting one (a Date and toUTCString)
 * was ~2 µs of every REST read (issue 18's profile), and answers share a few seconds (a resource's last change, a
 * collection's). At most HTTP_DATES_MAX are kept; the map starts over when full.
 */
const HTTP_DATES = new Map<number, string>();
const HTTP_DATES_MAX = 256;
function httpDate(seconds: number): string {
  let text = HTTP_DATES.get(seconds);
  if (text === undefined) {
    if (HTTP_DATES.size >= HTTP_DATES_MAX) HTTP_DATES.clear();
    HTTP_DATES.set(seconds, (text = new Date(seconds * 1000).toUTCString()));
  }
  return text;
}

/**
 * If-Modified-Since (RFC 9110 §13.1.3): true means answer 304. Only
 * consulted when there is no If-None-Match (the caller checks that); a date
 * that does not parse is ignored, as the RFC requires.
 */
export function unmodifiedSince(header: string | undefined, modifiedMs: number, nowMs: number): boolean {
  if (!header || !Number.isFinite(modifiedMs)) return false;
  const since = Date.parse(header);
  if (Number.isNaN(since)) return false;
  return second(modifiedMs) <= second(since) && second(modifiedMs) < second(nowMs);
}

/** Which collections a domain event changes (deleting a user deletes their orders). */
const CHANGES: Record<string, readonly Collection[]> = {
  user: ['users', 'orders'],
  product: ['products'],
  order: ['orders'],
};

export type Collection = 'users' | 'products' | 'orders';

/** The collection whose changes decide a resource's Last-Modified (none for tokens). */
export const collectionOf = (resource: string): Collection | null =>
  // Statistics are computed from the orders, so they change when the orders do.
  resource === 'user' ? 'users' : resource === 'product' ? 'products' : resource === 'order' || resource === 'stats' ? 'orders' : null;

/**
 * When each collection last changed, as far as this instance knows: the
 * later of its start and the last domain event that touched it (deletions
 * included, which no row's timestamp can show). That makes it a safe
 * `Last-Modified` for a page of the collection, and for items that carry no
 * timestamp of their own (products).
 */
export class ChangeClock {
  private readonly changed = new Map<Collection, number>();

  constructor(private readonly since: number = Date.now()) {}

  /** `occurredAt` is the event's ISO timestamp. */
  onEvent(event: { type: string; occurredAt: string }): void {
    const at = Date.parse(event.occurredAt);
    for (const c of CHANGES[event.type.split('.')[0]!] ?? []) this.changed.set(c, Math.max(this.changed.get(c) ?? 0, at));
  }

  last(collection: Collection): number {
    return Math.max(this.since, this.changed.get(collection) ?? 0);
  }
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Validators on a 200 to a GET: the entity tag (the version's, or a weak
 * hash of the bytes for what has no version) and Last-Modified; then the
 * conditional request, If-None-Match first and If-Modified-Since only
 * without it (RFC 9110 §13.2.2), answered 304 with the same validators.
 */
export function validated(request: IncomingHttpHeaders, reply: HttpReply, etag: string | undefined, modified: number): HttpReply {
  const now = Date.now();
  const headers: Record<string, string> = { ...(reply.headers as Record<string, string>) };
  headers.ETag = etag ?? weakTag(reply.body ?? '', String(headers['Content-Type']));
  headers['Cache-Control'] ??= 'private, no-cache';
  const stamp = lastModified(modified, now);
  if (stamp) headers['Last-Modified'] = stamp;
  const inm = first(request['if-none-match']);
  const fresh = inm !== undefined ? noneMatch(inm, headers.ETag) : unmodifiedSince(first(request['if-modified-since']), modified, now);
  if (fresh) {
    const { 'Content-Type': _type, Link: _link, ...kept } = headers;
    return { status: 304, headers: kept };
  }
  return { ...reply, headers };
}
