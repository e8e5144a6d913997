import { API_BASE, fillPath, pathParams, ROUTES, type RestRoute } from '../protocols/rest/spec.js';
import { createParser } from 'eventsource-parser';
import type { OperationName } from '../contract/operations.js';
import { ERROR_KINDS, type ErrorKind } from '../domain/errors.js';
import type { DomainEvent, EventType } from '../domain/events.js';
import { EVENT_STREAM, EVENTS_PATH } from '../protocols/events/spec.js';
import { EventChannel, EventStreamError, type EventSubscription, type SubscribeOptions } from './stream.js';
import type { Outcome, ProtocolClient } from './types.js';

const BY_OPERATION = new Map<string, RestRoute>(ROUTES.map((r) => [r.operation, r]));

/** For answers without a `code` (HTTP-level refusals), the nearest kind. */
const STATUS_KIND: Record<number, ErrorKind> = {
  400: 'VALIDATION',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  406: 'VALIDATION',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'VALIDATION',
  415: 'VALIDATION',
  422: 'VALIDATION',
  429: 'RATE_LIMITED',
};

/** Drops the hypermedia so what remains is the domain's own shape. */
function stripLinks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripLinks);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'links') out[k] = stripLinks(v);
  return out;
}

/**
 * Calls any operation over REST, driven by the same route table the server
 * uses: path parameters fill the URL, `expectedVersion` becomes `If-Match`,
 * the rest goes in the query string (GET/DELETE) or a JSON body. Answers come
 * back in the domain's shape: links stripped, `{data, page}` unwrapped to
 * `{items, total?, limit, offset, nextCursor?}`, a 204 delete as `{deleted: true, id}`.
 */
export class RestClient implements ProtocolClient {
  readonly protocol = 'rest' as const;

  private readonly baseUrl: string;

  /** `baseUrl` is the gateway's root, e.g. http://127.0.0.1:3000. */
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  async call(operation: OperationName, input: Record<string, unknown>, token?: string): Promise<Outcome> {
    const route = BY_OPERATION.get(operation);
    if (!route) throw new Error(`no REST route for ${operation}`);
    const rest: Record<string, unknown> = { ...input };
    for (const p of pathParams(route.path)) delete rest[p];
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (typeof rest.expectedVersion === 'number') {
      headers['If-Match'] = `"v${rest.expectedVersion}"`;
      delete rest.expectedVersion;
    }
    let url = this.baseUrl + API_BASE + fillPath(route.path, input);
    let body: string | undefined;
    if (route.input === 'body') {
      headers['Content-Type'] = route.patch ? 'application/merge-patch+json' : 'application/json';
      body = JSON.stringify(rest);
    } else {
      const query = new URLSearchParams();
      const publicName = new Map(Object.entries(route.query ?? {}).map(([alias, field]) => [field, alias]));
      // Lists go comma-separated (String([a, b]) is "a,b").
      for (const [k, v] of Object.entries(rest)) if (v !== undefined) query.set(publicName.get(k) ?? k, String(v));
      if ([...query.keys()].length) url += `?${query.toString()}`;
    }
    const res = await fetch(url, { method: route.method.toUpperCase(), headers, ...(body === undefined ? {} : { body }) });
    if (res.status === 204) return { ok: true, data: { deleted: true, id: input.id } };
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (res.ok) {
      if (route.feed) {
        const { data, links } = json as { data: unknown[]; links: { next: string } };
        return { ok: true, data: { events: stripLinks(data), next: new URL(links.next, this.baseUrl).searchParams.get('after') } };
      }
      if (route.bulk) {
        // Each item's HTTP `status` is REST's own addition to the domain's result.
        const result = json as { items: Record<string, unknown>[] };
        return { ok: true, data: stripLinks({ ...result, items: result.items.map(({ status: _status, ...item }) => item) }) };
      }
      if (route.page) {
        const { data, page } = json as { data: unknown[]; page: { total?: number; limit: number; offset: number; nextCursor?: string } };
        // The contract's page: total only when counted, nextCursor only on keyset pages (as every other style answers).
        return {
          ok: true,
          data: {
            items: stripLinks(data),
            ...(page.total !== undefined && { total: page.total }),
            limit: page.limit,
            offset: page.offset,
            ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
          },
        };
      }
      return { ok: true, data: stripLinks(json) };
    }
    const problem = (json ?? {}) as { code?: string; errors?: { field: string }[] };
    const kind = ERROR_KINDS.includes(problem.code as ErrorKind) ? (problem.code as ErrorKind) : (STATUS_KIND[res.status] ?? 'INTERNAL');
    return { ok: false, kind, fields: (problem.errors ?? []).map((e) => e.field).sort() };
  }

  /**
   * Server-Sent Events from GET /api/v1/events (fetch + eventsource-parser):
   * `Last-Event-ID` resumes, frames come back without their links. The
   * closing comment (why the server ended the stream) ends the iteration
   * with an EventStreamError naming it.
   */
  subscribe(types: readonly EventType[], options: SubscribeOptions): EventSubscription {
    const abort = new AbortController();
    const channel = new EventChannel(() => abort.abort());
    const headers: Record<string, string> = { Accept: EVENT_STREAM };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.after !== undefined) headers['Last-Event-ID'] = options.after;
    const url = `${this.baseUrl}${EVENTS_PATH}${types.length ? `?types=${types.join(',')}` : ''}`;
    let closing: string | undefined;
    const parser = createParser({
      onEvent: (e) => channel.push(stripLinks(JSON.parse(e.data)) as DomainEvent),
      onComment: (text) => {
        if (text.trim().startsWith('closed:')) closing = text.trim();
      },
    });
    (async () => {
      const res = await fetch(url, { headers, signal: abort.signal });
      if (res.status !== 200 || !res.body) {
        const problem = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
        throw new EventStreamError(problem.detail ?? `HTTP ${res.status}`, problem.code ?? res.status);
      }
      channel.opened();
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
      if (closing && !closing.includes('shutting down')) throw new EventStreamError(closing, closing);
      channel.end();
    })().catch((err: unknown) => {
      if (abort.signal.aborted) channel.end();
      else channel.fail(err instanceof Error ? err : new Error(String(err)));
    });
    return channel;
  }
}
