import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { DomainError } from '../../domain/errors.js';
import { createContext } from '../../runtime/context.js';
import { bearer, fromAuthorization, fromToken, type Credentials } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { publicMessage } from '../../runtime/public-error.js';
import type { RequestInfo } from '../shared/http.js';
import type { WsConnections, WsGuard } from '../shared/ws.js';
import type { PlainChat } from './core.js';
import { identify, type ChatIdentity } from './identity.js';

export interface ChatSocketOptions {
  /** The shared WebSocket protections, with the chat's own message size and rate (see app/styles.ts). */
  guard: WsGuard;
  /** Open chat connections per account, shared with the Socket.IO chat. */
  users: WsConnections;
  maxConnectionsPerUser: number;
  /** Unsent bytes past which a member is cut at once rather than after WS_SLOW_PEER_MS (see `send`). */
  maxBufferedBytes: number;
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests', 500: 'Internal Server Error' };
const STATUS: Partial<Record<DomainError['kind'], number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, RATE_LIMITED: 429 };

/**
 * A handshake refused with an HTTP status before any WebSocket exists
 * (RFC 6455 §4.2.2: the server may answer any HTTP status instead of 101).
 * 401 carries the Bearer challenge of RFC 6750 §3.
 */
export function refuseHandshake(socket: Duplex, status: number, message: string, tokenSent = false): void {
  const challenge = status === 401 ? `WWW-Authenticate: Bearer realm="polyface"${tokenSent ? ', error="invalid_token"' : ''}\r\n` : '';
  const retry = status === 429 ? 'Retry-After: 10\r\n' : '';
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n${challenge}${retry}Content-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The HTTP status a refused chat handshake answers for a failure. */
export const refusalStatus = (e: DomainError): number => STATUS[e.kind] ?? 500;

/** The per-account key both chats count connections under. */
export const userKey = (identity: ChatIdentity): string => `user:${identity.principal.subject}`;

/**
 * The plain chat on `ws://…/ws/chat`. The handshake is authenticated first —
 * `Authorization: Bearer …` or, since browsers cannot set headers on a
 * WebSocket, `?access_token=…` — and refused with 401 (or 429 past the
 * per-account cap) before any WebSocket exists; then the shared guard applies
 * the per-address cap and every per-socket rule. Messages of one socket are
 * handled one at a time (the guard's in-flight cap is 1 here), so a sender's
 * messages reach everyone in the order sent. The token is checked again before
 * each message (a cache hit in the runtime): an expired or revoked one closes
 * the socket with 1008.
 */
export class ChatWebSocket {
  constructor(
    private readonly runtime: Runtime,
    private readonly chat: PlainChat,
    private readonly options: ChatSocketOptions,
  ) {}

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, info: Omit<RequestInfo, 'signal'>): boolean {
    void this.admit(req, socket, head, info).catch((err: unknown) => {
      info.log.error({ err }, 'chat handshake failed');
      socket.destroy();
    });
    return true;
  }

  private async admit(req: IncomingMessage, socket: Duplex, head: Buffer, info: Omit<RequestInfo, 'signal'>): Promise<void> {
    const credentials: Credentials = req.headers.authorization
      ? fromAuthorization(req.headers.authorization)
      : fromToken(new URL(req.url ?? '/', 'http://localhost').searchParams.get('access_token'));
    const ctx = createContext({ style: 'chat', log: info.log, requestId: info.requestId, peer: info.peer, credentials });
    let identity: ChatIdentity;
    try {
      identity = await identify(this.runtime, ctx);
    } catch (err) {
      const e = this.runtime.normalise(err, ctx);
      return refuseHandshake(socket, refusalStatus(e), publicMessage(e), credentials.scheme !== 'none');
    }
    const key = userKey(identity);
    if (this.options.users.count(key) >= this.options.maxConnectionsPerUser) {
      return refuseHandshake(socket, 429, `At most ${this.options.maxConnectionsPerUser} chat connections per user`);
    }
    this.options.guard.upgrade(req, socket, head, (ws) => this.open(ws, identity, credentials, info));
  }

  private open(ws: WebSocket, identity: ChatIdentity, credentials: Credentials, info: Omit<RequestInfo, 'signal'>): void {
    const key = userKey(identity);
    // Two handshakes of one account may both pass the check above; the second to open is closed.
    if (!this.options.users.acquire(key, this.options.maxConnectionsPerUser)) {
      ws.close(1008, 'too many connections for this user');
      return;
    }
    ws.once('close', () => this.options.users.release(key));
    const joined = this.chat.connect({ user: identity.user, send: (text) => this.send(ws, text) });
    ws.once('close', () => void joined.then((id) => this.chat.disconnect(id)).catch((err: unknown) => info.log.error({ err }, 'chat leave failed')));
    const token = credentials.scheme === 'bearer' ? credentials.token : '';
    this.options.guard.serve(ws, async (data) => {
      const clientId = await joined;
      // A fresh credentials object each time: the runtime memoises per object, and this must be asked anew.
      const ctx = createContext({ style: 'chat', log: info.log, peer: info.peer, credentials: bearer(token) });
      try {
        await this.runtime.authenticate(ctx);
      } catch {
        ws.close(1008, 'token expired or revoked');
        return;
      }
      await this.chat.receive(clientId, data.toString('utf8'));
    });
  }

  /**
   * Broadcasts fan out to every member, so one member that stops reading
   * would otherwise hold a copy of everything said until the guard's slow-peer
   * timer fires. Past four times the guard's watermark it is cut at once.
   */
  private send(ws: WebSocket, text: string): void {
    if (ws.bufferedAmount > this.options.maxBufferedBytes * 4) {
      ws.terminate();
      return;
    }
    this.options.guard.send(ws, text);
  }

  close(): Promise<void> {
    this.chat.close();
    return this.options.guard.close();
  }
}
