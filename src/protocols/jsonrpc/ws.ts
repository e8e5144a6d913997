import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { createContext } from '../../runtime/context.js';
import { bearer, fromAuthorization, fromToken, type Credentials } from '../../runtime/credentials.js';
import { negotiateLanguage } from '../../runtime/language.js';
import type { RequestInfo } from '../shared/http.js';
import type { WsGuard } from '../shared/ws.js';
import type { RpcCore } from './core.js';

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
 */
export class RpcWebSocket {
  constructor(
    private readonly core: RpcCore,
    private readonly guard: WsGuard,
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
    this.guard.serve(ws, async (data) => {
      const ctx = createContext({ style: 'jsonrpc', log: info.log, peer: info.peer, signal: closed.signal, credentials: credentials(), language });
      const reply = await this.core.handleText(data.toString('utf8'), { ctx, adopt });
      if (reply !== null) this.guard.send(ws, JSON.stringify(reply));
    });
  }

  close(): Promise<void> {
    return this.guard.close();
  }
}
