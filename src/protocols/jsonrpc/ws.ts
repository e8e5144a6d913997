import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { DomainError } from '../../domain/errors.js';
import { msg } from '../../domain/i18n/index.js';
import { createContext, type CallContext } from '../../runtime/context.js';
import { bearer, fromAuthorization, fromToken, type Credentials } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { negotiateLanguage } from '../../runtime/language.js';
import type { RequestInfo } from '../shared/http.js';
import { CLOSE_TRY_AGAIN_LATER, FELL_BEHIND_REASON, type WsGuard } from '../shared/ws.js';
import type { RpcCore, RpcSubscriptions } from './core.js';
import { toErrorObject } from './errors.js';
import { ENDED_NOTIFICATION, EVENT_NOTIFICATION } from './spec.js';

/**
 * JSON-RPC over WebSocket on the same path: each text (or binary) message is
 * one JSON-RPC request or batch, answered with one message unless it held only
 * notifications. Credentials, in order: the upgrade's Authorization header, an
 * `access_token` query parameter (browsers cannot set headers on a WebSocket),
 * and — for the rest of the connection — the token a successful `login` on the
 * socket returns. Each message gets its own call context, so the token is
 * checked per message and expiry still applies to long-lived connections.
 * The shared WsGuard applies the WebSocket limits (message size → 1009,
 * per-address connections, in-flight messages, rate, slow readers,
 * heartbeat, idle). Messages run concurrently up to the in-flight cap, as
 * separate HTTP requests would, so answers may arrive out of order: clients
 * match by id.
 *
 * Subscriptions live here, since only a socket can push: `subscribe` starts
 * a runtime stream whose events go out as `event` notifications, each
 * send awaited so a slow reader slows the stream (and, past its queue,
 * is disconnected with 1013); the first notification never overtakes the
 * `subscribe` answer.
 */
export class RpcWebSocket {
  constructor(
    private readonly core: RpcCore,
    private readonly guard: WsGuard,
    private readonly runtime: Runtime,
    private readonly maxSubscriptions: number,
  ) {}

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, info: Omit<RequestInfo, 'signal'>): boolean {
    this.guard.upgrade(req, socket, head, (ws) => this.connected(ws, req, info));
    return true;
  }

  private connected(ws: WebSocket, req: IncomingMessage, info: Omit<RequestInfo, 'signal'>) {
    // What the connection carries, kept raw: each message gets fresh Credentials, because the runtime resolves one
    // credentials object once (per request), and a token must be checked again on every message to honour expiry
    // and revocation on long-lived sockets.
    const header = req.headers.authorization;
    let token = header ? undefined : new URL(req.url ?? '/', 'http://localhost').searchParams.get('access_token');
    const credentials = (): Credentials => (token ? bearer(token) : header ? fromAuthorization(header) : fromToken(token));
    const adopt = (issued: string) => {
      token = issued;
    };
    // The upgrade request's Accept-Language holds for every message on the socket.
    const language = negotiateLanguage(req.headers['accept-language']);
    const closed = new AbortController();
    ws.once('close', () => closed.abort());
    const subscriptions = new SocketSubscriptions(this.runtime, this.guard, ws, this.maxSubscriptions);
    this.guard.serve(ws, async (data) => {
      const ctx = createContext({ style: 'jsonrpc', log: info.log, peer: info.peer, signal: closed.signal, credentials: credentials(), language });
      const reply = await this.core.handleText(data.toString('utf8'), { ctx, adopt, subscriptions });
      if (reply !== null) await this.guard.send(ws, JSON.stringify(reply));
      subscriptions.release();
    });
  }

  close(): Promise<void> {
    return this.guard.close();
  }
}

/** One socket's subscriptions: each a runtime stream pumped into notifications. */
class SocketSubscriptions implements RpcSubscriptions {
  private readonly open = new Map<string, AbortController>();
  /** Streams set up by the message being answered: they start once the answer is out. */
  private waiting: (() => void)[] = [];
  private seq = 0;

  constructor(
    private readonly runtime: Runtime,
    private readonly guard: WsGuard,
    private readonly ws: WebSocket,
    private readonly max: number,
  ) {}

  async start(operation: string, ctx: CallContext, input: unknown): Promise<string> {
    if (this.open.size >= this.max) {
      throw new DomainError('RATE_LIMITED', msg('events.perConnection', { max: this.max }), { retryAfter: 1 });
    }
    const stop = new AbortController();
    const events = await this.runtime.stream(operation, { ...ctx, signal: AbortSignal.any([ctx.signal, stop.signal]) }, input);
    const id = `s${++this.seq}`;
    this.open.set(id, stop);
    this.waiting.push(() => void this.pump(id, events, ctx, stop.signal));
    return id;
  }

  stop(id: string): boolean {
    const stop = this.open.get(id);
    if (!stop) return false;
    this.open.delete(id);
    stop.abort();
    return true;
  }

  /** Called after a message's answer was sent. */
  release(): void {
    const ready = this.waiting;
    this.waiting = [];
    for (const go of ready) go();
  }

  private async pump(id: string, events: AsyncIterable<unknown>, ctx: CallContext, stopped: AbortSignal): Promise<void> {
    const hold = this.guard.hold(this.ws);
    try {
      for await (const event of events) {
        await this.guard.send(this.ws, JSON.stringify({ jsonrpc: '2.0', method: EVENT_NOTIFICATION, params: { subscription: id, event } }));
      }
    } catch (err) {
      const e = this.runtime.normalise(err, ctx, 'subscribe');
      if (e.kind === 'RATE_LIMITED') this.ws.close(CLOSE_TRY_AGAIN_LATER, FELL_BEHIND_REASON);
      else if (!stopped.aborted) {
        await this.guard.send(this.ws, JSON.stringify({ jsonrpc: '2.0', method: ENDED_NOTIFICATION, params: { subscription: id, error: toErrorObject(e, ctx.language) } }));
      }
    } finally {
      this.open.delete(id);
      hold();
    }
  }
}
