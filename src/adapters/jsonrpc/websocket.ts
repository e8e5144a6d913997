import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Caller } from '../../domain/principal.js';
import type { Logger } from '../../infra/logger.js';
import type { Invoker } from '../shared/invoker.js';
import type { RpcHandler } from './handler.js';
import type { RpcContext } from './methods.js';

/**
 * JSON-RPC over WebSocket on the same path: each text (or binary) message is
 * one JSON-RPC request or batch, answered with one message unless it held only
 * notifications. Credentials, in order: the upgrade's Authorization header, an
 * `access_token` query parameter (browsers cannot set headers on a WebSocket),
 * and — for the rest of the connection — the token a successful `login` on the
 * socket returns. The token is verified per message, so expiry still applies
 * to long-lived connections. Messages over the body limit close the socket
 * with 1009 (ws's maxPayload). Messages run concurrently, as separate HTTP
 * requests would, so answers may arrive out of order: clients match by id.
 */
/** How long a peer gets to answer our close frame at shutdown. */
const CLOSE_GRACE_MS = 1_000;

export class RpcWebSocket {
  private readonly wss: WebSocketServer;

  constructor(
    private readonly handler: RpcHandler,
    private readonly invoker: Invoker,
    private readonly log: Logger,
    maxPayload: number,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload });
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, req));
    return true;
  }

  private connected(ws: WebSocket, req: IncomingMessage) {
    let authorization = req.headers.authorization;
    if (!authorization) {
      const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('access_token');
      if (token) authorization = `Bearer ${token}`;
    }
    const adopt = (token: string) => {
      authorization = `Bearer ${token}`;
    };
    ws.on('error', (err) => this.log.debug({ err }, 'jsonrpc websocket error'));
    ws.on('message', (data: RawData) => {
      let caller: Promise<Caller> | undefined;
      const header = authorization;
      const ctx: RpcContext = { caller: () => (caller ??= this.invoker.callerFrom(header)), adopt };
      const text = (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
      this.handler.handleText(text, ctx).then(
        (reply) => {
          if (reply !== null && ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
        },
        (err: unknown) => this.log.error({ err }, 'jsonrpc websocket message failed'),
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
