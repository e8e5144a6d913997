import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { clientGroup } from '../../domain/client-group.js';
import type { Logger } from '../../runtime/log.js';

/** Limits every WebSocket endpoint shares (config WS_*; README "Limits and protections"). */
export interface WsLimits {
  /** Largest message; a bigger one closes the socket with 1009 (ws's maxPayload). */
  maxPayloadBytes: number;
  /** Open WebSockets per client address, across every endpoint; more are refused with HTTP 429 at the handshake. */
  maxConnectionsPerAddress: number;
  /** Messages being handled at once per socket; reading pauses at the cap (TCP pushes back on the sender). */
  maxInFlight: number;
  /** Sustained messages per second per socket (bursts up to the same number); over it → close 1008. */
  maxMessagesPerSecond: number;
  /** Unsent bytes queued for a socket; reading pauses above it, so a peer that never reads cannot grow us. */
  maxBufferedBytes: number;
  /** A peer whose unsent bytes stay above maxBufferedBytes this long is closed with 1013 (try again later). */
  slowPeerMs: number;
  /** Ping interval; a peer that has not answered the previous ping is terminated. */
  heartbeatMs: number;
  /** No message in either direction for this long → close 1000 "idle timeout". */
  idleTimeoutMs: number;
}

/**
 * Open WebSockets per client address, shared by every endpoint's guard so
 * that one client cannot multiply its allowance by spreading over /rpc,
 * /graphql and the chats.
 */
export class WsConnections {
  private readonly byAddress = new Map<string, number>();
  /** Open sockets per endpoint (its guard's name), for the open-connections metric. */
  readonly byEndpoint = new Map<string, number>();

  acquire(address: string, max: number, endpoint = 'ws'): boolean {
    const n = this.byAddress.get(address) ?? 0;
    if (n >= max) return false;
    this.byAddress.set(address, n + 1);
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
    return true;
  }

  release(address: string, endpoint = 'ws'): void {
    const n = (this.byAddress.get(address) ?? 1) - 1;
    if (n > 0) this.byAddress.set(address, n);
    else this.byAddress.delete(address);
    this.byEndpoint.set(endpoint, Math.max(0, (this.byEndpoint.get(endpoint) ?? 1) - 1));
  }

  count(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }
}

interface Peer {
  alive: boolean;
  /** When the unanswered ping went out. */
  pingedAt: number;
  lastActivity: number;
  inFlight: number;
  /** Token bucket for the message rate. */
  tokens: number;
  refilledAt: number;
  /** When unsent bytes first went above the watermark (0 when below). */
  slowSince: number;
  paused: boolean;
  /** Open streams (subscriptions) on the socket: a socket waiting for events is not idle. */
  streams: number;
}

/** Close code 1013, Try Again Later (IANA WebSocket registry, RFC 6455 §11.7): a peer too slow for what it asked to receive. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** Why a subscriber was disconnected for falling behind, as every WebSocket endpoint says it. */
export const FELL_BEHIND_REASON = 'subscriber fell behind; resubscribe with after';

/** How long a peer gets to answer our close frame before its socket is cut. */
const CLOSE_GRACE_MS = 1_000;

/**
 * The protections every WebSocket endpoint shares: the handshake is
 * refused past a per-address cap; each message goes to the endpoint's
 * handler with backpressure (reading stops while too many handlers are
 * pending or too many reply bytes are unsent, and resumes when they drain,
 * so a client that floods us and never reads is held by TCP instead of
 * by our memory); peers over the message rate, peers that stay too slow to
 * read, peers that miss a heartbeat and idle peers are closed.
 * Hand-written on `ws` because no library combines these with ws's own
 * pause/resume; each rule is small and tested in test/security/.
 */
export class WsGuard {
  readonly server: WebSocketServer;
  private readonly peers = new Map<WebSocket, Peer>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly limits: WsLimits,
    private readonly connections: WsConnections,
    private readonly log: Logger,
    private readonly name: string,
  ) {
    // No per-message compression: a small compressed frame could inflate past every other limit (zip bomb).
    this.server = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, perMessageDeflate: false });
    this.timer = setInterval(() => this.sweep(), Math.max(50, Math.min(limits.heartbeatMs, limits.slowPeerMs, limits.idleTimeoutMs) / 2));
    this.timer.unref();
  }

  /** The handshake, unless the client address already holds its share of sockets (then HTTP 429 and the socket is closed). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, onOpen: (ws: WebSocket) => void): void {
    const address = clientGroup(req.socket.remoteAddress) ?? 'unknown';
    if (!this.connections.acquire(address, this.limits.maxConnectionsPerAddress, this.name)) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 10\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    let released = false;
    const release = () => {
      if (!released) this.connections.release(address, this.name);
      released = true;
    };
    socket.once('close', release);
    this.server.handleUpgrade(req, socket, head, (ws) => {
      ws.once('close', release);
      onOpen(ws);
    });
  }

  /** Feeds each message to the handler under the limits; the handler's replies should go through `send`. */
  serve(ws: WebSocket, handler: (data: Buffer, isBinary: boolean) => Promise<void> | void): void {
    const now = Date.now();
    const peer: Peer = { alive: true, pingedAt: 0, lastActivity: now, inFlight: 0, tokens: this.limits.maxMessagesPerSecond, refilledAt: now, slowSince: 0, paused: false, streams: 0 };
    this.peers.set(ws, peer);
    ws.on('pong', () => (peer.alive = true));
    ws.on('close', () => this.peers.delete(ws));
    ws.on('error', (err) => this.log.debug({ err, endpoint: this.name }, 'websocket error'));
    // Pausing stops further reads, but frames already read are still emitted: those wait here, in order.
    // The queue holds at most what one read delivered, and the rate limit closes a socket that packs more.
    const waiting: [Buffer, boolean][] = [];
    const run = (buffer: Buffer, isBinary: boolean): void => {
      peer.inFlight++;
      this.adjust(ws, peer);
      Promise.resolve()
        .then(() => handler(buffer, isBinary))
        .catch((err: unknown) => this.log.error({ err, endpoint: this.name }, 'websocket message failed'))
        .finally(() => {
          peer.inFlight--;
          const next = ws.readyState === ws.OPEN ? waiting.shift() : undefined;
          if (next) run(...next);
          else this.adjust(ws, peer);
        });
    };
    ws.on('message', (data: RawData, isBinary: boolean) => {
      peer.alive = true;
      peer.lastActivity = Date.now();
      if (!this.take(peer)) {
        waiting.length = 0;
        this.shut(ws, 1008, 'message rate exceeded');
        return;
      }
      const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (peer.inFlight >= this.limits.maxInFlight) waiting.push([buffer, isBinary]);
      else run(buffer, isBinary);
    });
  }

  /**
   * Sends unless the socket is gone; counts as activity and re-checks
   * backpressure. Resolves once the frame is handed to the socket (or could
   * not be), so a stream that awaits each send is paced by its reader.
   */
  send(ws: WebSocket, data: string | Buffer): Promise<void> {
    if (ws.readyState !== ws.OPEN) return Promise.resolve();
    const peer = this.peers.get(ws);
    if (peer) peer.lastActivity = Date.now();
    const sent = new Promise<void>((resolve) =>
      ws.send(data, () => {
        if (peer) this.adjust(ws, peer);
        resolve();
      }),
    );
    if (peer) this.adjust(ws, peer);
    return sent;
  }

  /**
   * Marks a stream (a subscription) open on the socket until the returned
   * function is called: a socket with open streams is never closed as idle,
   * however long it waits for the next event (heartbeats still find dead peers).
   */
  hold(ws: WebSocket): () => void {
    const peer = this.peers.get(ws);
    if (!peer) return () => {};
    peer.streams++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      peer.streams--;
      peer.lastActivity = Date.now();
    };
  }

  /** Going Away (1001) to every open socket; ones that do not finish the closing handshake in time are cut. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const open = [...this.server.clients];
    for (const ws of open) ws.close(1001, 'server shutting down');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(open.map((ws) => (ws.readyState === ws.CLOSED ? undefined : new Promise((r) => ws.once('close', r))))),
      new Promise((r) => (timer = setTimeout(r, CLOSE_GRACE_MS))),
    ]);
    clearTimeout(timer);
    for (const ws of open) if (ws.readyState !== ws.CLOSED) ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private take(peer: Peer): boolean {
    const now = Date.now();
    const rate = this.limits.maxMessagesPerSecond;
    peer.tokens = Math.min(rate, peer.tokens + ((now - peer.refilledAt) / 1000) * rate);
    peer.refilledAt = now;
    if (peer.tokens < 1) return false;
    peer.tokens -= 1;
    return true;
  }

  /** Stops reading while the socket is saturated and starts again once it is not. */
  private adjust(ws: WebSocket, peer: Peer): void {
    const buffered = ws.bufferedAmount > this.limits.maxBufferedBytes;
    if (buffered && !peer.slowSince) peer.slowSince = Date.now();
    if (!buffered) peer.slowSince = 0;
    const saturated = buffered || peer.inFlight >= this.limits.maxInFlight;
    if (saturated && !peer.paused) {
      peer.paused = true;
      ws.pause();
      // A pause for unsent bytes ends when the socket drains, which `ws` does not report: watch the raw socket.
      if (buffered) (ws as unknown as { _socket?: Duplex })._socket?.once('drain', () => this.adjust(ws, peer));
    } else if (!saturated && peer.paused) {
      peer.paused = false;
      ws.resume();
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [ws, peer] of this.peers) {
      if (peer.slowSince && now - peer.slowSince > this.limits.slowPeerMs) {
        this.shut(ws, CLOSE_TRY_AGAIN_LATER, 'too slow to read');
      } else if (!peer.streams && now - peer.lastActivity > this.limits.idleTimeoutMs) {
        this.shut(ws, 1000, 'idle timeout');
      } else if (!peer.alive) {
        if (now - peer.pingedAt >= this.limits.heartbeatMs) ws.terminate();
      } else if (now - peer.lastActivity >= this.limits.heartbeatMs) {
        peer.alive = false;
        peer.pingedAt = now;
        ws.ping();
      }
    }
  }

  /** Close with a reason, and cut the socket if the peer does not finish the closing handshake (it may not be reading). */
  private shut(ws: WebSocket, code: number, reason: string): void {
    this.peers.delete(ws);
    ws.close(code, reason);
    setTimeout(() => {
      if (ws.readyState !== ws.CLOSED) ws.terminate();
    }, CLOSE_GRACE_MS).unref();
  }
}
