import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { createContext } from '../../runtime/context.js';
import { bearer, fromAuthorization, fromToken, type Credentials } from '../../runtime/credentials.js';
import type { RequestInfo } from '../shared/http.js';
import type { RpcCore } from './core.js';

/** How long a peer gets to answer our close frame at shutdown. */
const CLOSE_GRACE_MS = 1_000;

/**
 * JSON-RPC over WebSocket on the same path: each text (or binary) message is
 * one JSON-RPC request or batch, answered with one message unless it held only
 * notifications. Credentials, in order: the upgrade's Authorization header, an
 * `access_token` query parameter (browsers cannot set headers on a WebSocket),
 * and — for the rest of the connection — the token a successful `login` on the
 * socket returns. Each message gets its own call context, so the token is
 * checked per message and expiry still applies to long-lived connections.
 * Messages over the body limit close the socket with 1009 (ws's maxPayload).
 * Messages run concurrently, as separate HTTP requests would, so answers may
 * arrive out of order: clients match by id.
 */
export class RpcWebSocket {
  private readonly wss: WebSocketServer;

  constructor(
    private readonly core: RpcCore,
    maxPayload: number,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload });
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, info: Omit<RequestInfo, 'signal'>): boolean {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, req, info));
    return true;
  }

  private connected(ws: WebSocket, req: IncomingMessage, info: Omit<RequestInfo, 'signal'>) {
    let credentials: Credentials = req.headers.authorization
      ? fromAuthorization(req.headers.authorization)
      : fromToken(new URL(req.url ?? '/', 'http://localhost').searchParams.get('access_token'));
    const adopt = (token: string) => {
      credentials = bearer(token);
    };
    const closed = new AbortController();
    ws.on('close', () => closed.abort());
    ws.on('error', (err) => info.log.debug({ err }, 'jsonrpc websocket error'));
    ws.on('message', (data: RawData) => {
      const ctx = createContext({ style: 'jsonrpc', log: info.log, peer: info.peer, signal: closed.signal, credentials });
      const text = (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
      this.core.handleText(text, { ctx, adopt }).then(
        (reply) => {
          if (reply !== null && ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
        },
        (err: unknown) => info.log.error({ err }, 'jsonrpc websocket message failed'),
      );
    });
  }

  /** Going Away (1001) to every open socket; ones that do not finish the closing handshake in time are cut. */
  async close(): Promise<void> {
    const open = [...this.wss.clients];
    for (const ws of open) ws.close(1001, 'server shutting down');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(open.map((ws) => (ws.readyState === ws.CLOSED ? undefined : new Promise((r) => ws.once('close', r))))),
      new Promise((r) => (timer = setTimeout(r, CLOSE_GRACE_MS))),
    ]);
    clearTimeout(timer);
    for (const ws of open) if (ws.readyState !== ws.CLOSED) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
