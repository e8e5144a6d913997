import type { IncomingMessage, ServerResponse } from 'node:http';
import Negotiator from 'negotiator';
import type { DomainEvent } from '../../domain/events.js';
import { createContext, type CallContext } from '../../runtime/context.js';
import { fromAuthorization, fromToken } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { negotiateLanguage } from '../../runtime/language.js';
import { publicMessage } from '../../runtime/public-error.js';
import { markTokenRejected, renderProblem } from '../rest/errors.js';
import { restEvent } from '../rest/representation.js';
import { pathOf, writeReply, type HttpBinding, type RequestInfo } from '../shared/http.js';
import { CLOSE_COMMENTS, EVENT_STREAM, EVENTS_PATH, sseComment, sseFrame, STREAM_PARAMS } from './spec.js';

export interface EventsOptions {
  /** A comment line this often keeps proxies and idle timers from closing a quiet stream. */
  heartbeatMs: number;
  /** A client that leaves unsent bytes queued this long is cut off. */
  slowPeerMs: number;
  /** How long shutdown waits for streams to write their last line. */
  closeGraceMs?: number;
}

/**
 * Server-Sent Events on GET /api/v1/events (WHATWG HTML §9.2): every
 * change the caller may see, as `id:`/`event:`/`data:` frames, `data` being
 * the REST face's event (the resource with its links). It owns the exact
 * path but serves only requests that prefer `text/event-stream`; others it
 * declines, and the REST face answers them as a long poll at the same URL.
 *
 * The token comes from `Authorization: Bearer` or `access_token=`
 * (EventSource cannot set headers). `Last-Event-ID` — which EventSource
 * sends by itself when it reconnects — or `after=` replays what was missed
 * from the outbox first. Failures before the stream opens are RFC 9457
 * problems like the rest of the REST face (401 with WWW-Authenticate
 * without a token), in the Accept-Language's language. Once open, a stream
 * ends with a comment saying why (the kind, then the reason in that language):
 * at shutdown, when the client reads too slowly (its unsent bytes stay
 * queued for `slowPeerMs`, or its event queue overflows), or when its
 * token expires or is revoked.
 */
export class EventsHttp implements HttpBinding {
  readonly name = 'events';
  readonly paths = [EVENTS_PATH];
  private readonly open = new Set<Promise<void>>();

  constructor(
    private readonly runtime: Runtime,
    private readonly options: EventsOptions,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo): false | Promise<void> {
    if (req.method !== 'GET' || new Negotiator(req).mediaType(['application/json', EVENT_STREAM]) !== EVENT_STREAM) return false;
    const done = this.stream(req, res, info);
    this.open.add(done);
    return done.finally(() => this.open.delete(done));
  }

  /** Streams end on the runtime's shutdown signal; this waits until each has written its last line. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.open), new Promise((r) => (timer = setTimeout(r, this.options.closeGraceMs ?? 1_000)))]);
    clearTimeout(timer);
  }

  private async stream(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void> {
    const url = new URL(req.url ?? EVENTS_PATH, 'http://localhost');
    const token = url.searchParams.get(STREAM_PARAMS.token);
    const credentials = req.headers.authorization || token === null ? fromAuthorization(req.headers.authorization) : fromToken(token);
    const ctx = createContext({ style: 'events', ...info, credentials, language: negotiateLanguage(req.headers['accept-language']) });
    let events: AsyncIterable<unknown>;
    try {
      events = await this.runtime.stream('watchEvents', ctx, this.input(url, req.headers['last-event-id']));
    } catch (err) {
      return this.problem(req, res, ctx, err);
    }

    res.writeHead(200, {
      'Content-Type': `${EVENT_STREAM}; charset=utf-8`,
      // no-transform: a compressing proxy would hold frames back (WHATWG HTML §9.2.7 on proxies).
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // A first line at once, so clients and proxies see the stream open before the first event.
    res.write(sseComment('stream open'));
    const heartbeat = setInterval(() => {
      if (!res.writableNeedDrain) res.write(sseComment('ping'));
    }, this.options.heartbeatMs);
    let ending = CLOSE_COMMENTS.shutdown as string;
    try {
      for await (const event of events) {
        if (!res.write(sseFrame((event as DomainEvent).id, (event as DomainEvent).type, restEvent(event as DomainEvent)))) {
          if (!(await this.drained(res, info.signal))) {
            ending = CLOSE_COMMENTS.slow;
            break;
          }
        }
      }
    } catch (err) {
      const e = this.runtime.normalise(err, ctx, 'watchEvents');
      // The reason in the subscriber's language, after the kind, which clients branch on (a comment: no header can say it any more).
      ending = `closed: ${e.kind}: ${publicMessage(e, ctx.language)}`;
    } finally {
      clearInterval(heartbeat);
    }
    if (info.signal.aborted) return;
    res.end(sseComment(ending));
    // A client that does not read will not take the last line either: do not wait for it.
    if (res.writableNeedDrain) setTimeout(() => res.destroy(), 1_000).unref();
  }

  /** True once the response drains; false when the client stays too slow or goes away. */
  private drained(res: ServerResponse, gone: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        res.off('drain', onDrain);
        gone.removeEventListener('abort', onGone);
        resolve(ok);
      };
      const onDrain = () => finish(true);
      const onGone = () => finish(false);
      const timer = setTimeout(() => finish(false), this.options.slowPeerMs);
      res.once('drain', onDrain);
      gone.addEventListener('abort', onGone, { once: true });
    });
  }

  /** `types=a,b`, `after=` and `Last-Event-ID` (which wins: it is what the client really saw last). */
  private input(url: URL, lastEventId: string | string[] | undefined): Record<string, unknown> {
    const input: Record<string, unknown> = {};
    for (const [name, value] of url.searchParams) {
      if (name === STREAM_PARAMS.token) continue;
      input[name] = name === STREAM_PARAMS.types ? value.split(',').filter((t) => t !== '') : value;
    }
    const last = Array.isArray(lastEventId) ? lastEventId[0] : lastEventId;
    if (last !== undefined && last.trim() !== '') input.after = last.trim();
    return input;
  }

  private problem(req: IncomingMessage, res: ServerResponse, ctx: CallContext, err: unknown): void {
    const e = this.runtime.normalise(err, ctx, 'watchEvents');
    // A token that was sent and refused gets error="invalid_token" (RFC 6750 §3.1), as on every REST route.
    if (e.kind === 'UNAUTHENTICATED' && ctx.credentials.scheme !== 'none') markTokenRejected(e);
    const problem = renderProblem(e, pathOf(req.url), ctx.requestId, ctx.language);
    writeReply(res, {
      status: problem.status,
      headers: {
        ...problem.headers,
        'Content-Type': 'application/problem+json',
        'Content-Language': ctx.language,
        Vary: 'Accept, Accept-Language',
        'Cache-Control': 'no-store',
      },
      body: JSON.stringify(problem.body),
    });
  }
}
