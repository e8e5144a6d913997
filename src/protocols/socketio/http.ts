import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server as Engine, type Socket as EngineSocket } from 'engine.io';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { createContext } from '../../runtime/context.js';
import { bearer, fromAuthorization, fromToken, type Credentials } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import type { Logger } from '../../runtime/log.js';
import { publicMessage } from '../../runtime/public-error.js';
import { identify, type ChatIdentity } from '../chat/identity.js';
import { refuseHandshake, userKey } from '../chat/ws.js';
import { pathOf, writeReply, type HttpBinding, type RequestInfo } from '../shared/http.js';
import type { WsConnections } from '../shared/ws.js';
import { ChatError, isClientEvent, RateBucket, RoomSession, type RoomsPort, type SessionState } from './core.js';
import { ChatPage } from './page.js';
import { CHAT_PAGE_PATH, CLIENT_EVENTS, SOCKETIO_FACE, SOCKETIO_PATH, type ClientEvent, type RefusalCode } from './spec.js';
import { clientGroup } from '../../domain/client-group.js';
import type { Face } from '../shared/face.js';

export interface SocketChatOptions {
  log: Logger;
  /** Open connections per client address, shared with every WebSocket endpoint. */
  connections: WsConnections;
  /** Open chat connections per account, shared with the plain chat. */
  users: WsConnections;
  maxConnectionsPerAddress: number;
  maxConnectionsPerUser: number;
  /** Largest packet (engine.io's maxHttpBufferSize: a WebSocket frame or a polling POST). */
  maxMessageBytes: number;
  maxMessagesPerSecond: number;
  maxRoomsPerConnection: number;
  /** Engine.IO ping interval; a client that misses a pong for as long again is closed. */
  heartbeatMs: number;
  /** No chat event either way for this long → disconnected. */
  idleTimeoutMs: number;
  /** Outgoing packets queued for one connection (not yet taken by the client) past which it is slow… */
  maxQueuedPackets: number;
  /** …and closed when it stays slow this long. */
  slowPeerMs: number;
  /** Where broadcasts go: in-process by default; `@socket.io/redis-adapter` across instances. */
  adapter?: ServerOptions['adapter'];
}

interface Watch {
  lastActivity: number;
  slowSince: number;
}

/** Events one connection may have waiting to be handled; a client that outruns its own handling this far is cut. */
const MAX_PENDING = 32;

/**
 * The Socket.IO chat on the node:http front door. Socket.IO does not attach
 * to the HTTP server (it would add its own `request` and `upgrade`
 * listeners beside the front door's): a standalone Engine.IO server is bound
 * to it, and this binding hands it the requests under `/socket.io/` —
 * long-polling through `handleRequest`, WebSocket through `handleUpgrade` —
 * after refusing handshakes past the per-address cap with 429, the same
 * count the WebSocket guard keeps. The handshake's `auth: { token }` (or an
 * Authorization header) goes through the runtime's credential path in a
 * Socket.IO middleware, so a refused client gets `connect_error` and never
 * a chat event. `/chat` is the browser page.
 */
export class SocketChatHttp implements HttpBinding {
  readonly name = 'socketio';
  readonly paths = [SOCKETIO_PATH, CHAT_PAGE_PATH];
  readonly face: Face = SOCKETIO_FACE;
  readonly prefixes = [`${SOCKETIO_PATH}/`, `${CHAT_PAGE_PATH}/`];
  readonly io: Server;
  private readonly engine: Engine;
  private readonly page = new ChatPage();
  /** Handshake requests holding a per-address slot until an Engine.IO connection claims it (or the request ends). */
  private readonly pending = new WeakMap<IncomingMessage, { claimed: boolean; release: () => void }>();
  private readonly watches = new Map<Socket, Watch>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly runtime: Runtime,
    private readonly options: SocketChatOptions,
  ) {
    this.engine = new Engine({
      maxHttpBufferSize: options.maxMessageBytes,
      pingInterval: options.heartbeatMs,
      pingTimeout: Math.min(20_000, options.heartbeatMs),
      transports: ['polling', 'websocket'],
      // As on every WebSocket endpoint: a small compressed frame could inflate past the size limit.
      perMessageDeflate: false,
      allowEIO3: false,
    });
    this.engine.on('connection', (socket: EngineSocket) => this.claim(socket));
    this.io = new Server({ serveClient: false, ...(options.adapter ? { adapter: options.adapter } : {}) });
    this.io.bind(this.engine);
    this.io.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err: unknown) => next(err as Error),
      );
    });
    this.io.on('connection', (socket) => this.connected(socket));
    this.timer = setInterval(() => this.sweep(), Math.max(50, Math.min(options.slowPeerMs, options.idleTimeoutMs) / 2));
    this.timer.unref();
  }

  handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo): void {
    const path = pathOf(req.url);
    if (path === CHAT_PAGE_PATH || path.startsWith(`${CHAT_PAGE_PATH}/`)) {
      return writeReply(res, this.page.reply(path, req.method, req.headers['accept-encoding']));
    }
    if (!this.admit(req, info.peer)) {
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '10', Connection: 'close' });
      res.end(JSON.stringify({ code: 429, message: 'Too many connections from this address' }));
      return;
    }
    const slot = this.pending.get(req);
    if (slot) res.once('close', () => !slot.claimed && slot.release());
    this.engine.handleRequest(req, res);
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, info: Omit<RequestInfo, 'signal'>): boolean {
    if (!pathOf(req.url).startsWith(SOCKETIO_PATH)) return false;
    if (!this.admit(req, info.peer)) {
      refuseHandshake(socket, 429, 'Too many connections from this address');
      return true;
    }
    const slot = this.pending.get(req);
    if (slot) socket.once('close', () => !slot.claimed && slot.release());
    this.engine.handleUpgrade(req, socket, head);
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }

  /** A new Engine.IO session (no `sid` yet) takes one of its address's connection slots; requests of an existing session do not. */
  private admit(req: IncomingMessage, peer: string | undefined): boolean {
    if (new URL(req.url ?? '/', 'http://localhost').searchParams.has('sid')) return true;
    const address = clientGroup(peer) ?? 'unknown';
    if (!this.options.connections.acquire(address, this.options.maxConnectionsPerAddress)) return false;
    let released = false;
    const release = () => {
      if (!released) this.options.connections.release(address);
      released = true;
    };
    this.pending.set(req, { claimed: false, release });
    return true;
  }

  /** The handshake became a session: its slot is now released when the session closes, whichever transport it ends on. */
  private claim(socket: EngineSocket): void {
    const slot = this.pending.get(socket.request);
    if (!slot) return;
    slot.claimed = true;
    socket.once('close', slot.release);
  }

  private async authenticate(socket: Socket): Promise<void> {
    const auth = socket.handshake.auth as Record<string, unknown>;
    const header = socket.handshake.headers.authorization;
    const credentials: Credentials = typeof auth.token === 'string' ? fromToken(auth.token) : header ? fromAuthorization(header) : fromToken(undefined);
    const ctx = createContext({ style: 'chat', log: this.options.log, peer: socket.handshake.address, credentials });
    let identity: ChatIdentity;
    try {
      identity = await identify(this.runtime, ctx);
    } catch (err) {
      const e = this.runtime.normalise(err, ctx);
      throw refusal(publicMessage(e), e.kind === 'UNAUTHENTICATED' ? 'UNAUTHENTICATED' : 'INTERNAL');
    }
    if (this.options.users.count(userKey(identity)) >= this.options.maxConnectionsPerUser) {
      throw refusal(`At most ${this.options.maxConnectionsPerUser} chat connections per user`, 'TOO_MANY_CONNECTIONS');
    }
    socket.data = { identity, token: credentials.scheme === 'bearer' ? credentials.token : '' };
  }

  private connected(socket: Socket): void {
    const { identity, token } = socket.data as { identity: ChatIdentity; token: string };
    const key = userKey(identity);
    // Two handshakes of one account may both pass the middleware's check; the later one is turned away here.
    if (!this.options.users.acquire(key, this.options.maxConnectionsPerUser)) {
      socket.emit('chat_error', { event: 'connect', message: `At most ${this.options.maxConnectionsPerUser} chat connections per user` });
      socket.disconnect(true);
      return;
    }
    const session = new RoomSession(this.port(socket), identity.user, { maxRoomsPerConnection: this.options.maxRoomsPerConnection });
    // Other instances read a connection's name and presence through fetchSockets(), which returns socket.data.
    socket.data = session.state;
    const watch: Watch = { lastActivity: Date.now(), slowSince: 0 };
    this.watches.set(socket, watch);
    socket.conn.on('packetCreate', (packet: { type: string }) => {
      if (packet.type === 'message') watch.lastActivity = Date.now();
    });
    const rate = new RateBucket(this.options.maxMessagesPerSecond);
    // Events are handled one at a time in arrival order (each waits for a token check), so messages keep their order.
    let queue = Promise.resolve();
    let waiting = 0;
    socket.use(([event], next) => {
      watch.lastActivity = Date.now();
      if (!rate.take()) return this.cut(socket, event, 'message rate exceeded');
      if (waiting >= MAX_PENDING) return this.cut(socket, event, 'too many pending events');
      if (!isClientEvent(event)) return void socket.emit('chat_error', { event, message: `Unknown event "${event}"` });
      next();
    });
    const reply = (event: string, ack: unknown, error?: string) => {
      if (typeof ack === 'function') (ack as (r: unknown) => void)(error === undefined ? { ok: true } : { ok: false, error });
      else if (error !== undefined) socket.emit('chat_error', { event, message: error });
    };
    const handle = (event: ClientEvent, args: unknown[]) => {
      // Socket.IO appends the acknowledgement callback, when the client asked for one, as the last argument.
      const ack = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : undefined;
      const payload = typeof args[0] === 'function' ? undefined : args[0];
      waiting++;
      queue = queue.then(async () => {
        waiting--;
        if (!socket.connected) return;
        try {
          await this.runtime.authenticate(createContext({ style: 'chat', log: this.options.log, peer: socket.handshake.address, credentials: bearer(token) }));
        } catch {
          return this.cut(socket, event, 'token expired or revoked');
        }
        try {
          await session.handle(event, payload);
          reply(event, ack);
        } catch (err) {
          if (!(err instanceof ChatError)) this.options.log.error({ err, event }, 'chat event failed');
          reply(event, ack, err instanceof ChatError ? err.message : 'Internal server error');
        }
      });
    };
    // Plain listeners, not onAny: Socket.IO calls onAny listeners before the middleware above has run.
    for (const event of CLIENT_EVENTS) socket.on(event, (...args: unknown[]) => handle(event, args));
    socket.on('disconnecting', () => session.disconnecting());
    socket.on('disconnect', () => {
      this.watches.delete(socket);
      this.options.users.release(key);
    });
  }

  /** What a session may do, in Socket.IO terms. */
  private port(socket: Socket): RoomsPort {
    const io = this.io;
    return {
      id: socket.id,
      rooms: () => new Set([...socket.rooms].filter((r) => r !== socket.id)),
      join: (room) => socket.join(room),
      leave: (room) => socket.leave(room),
      toCaller: (event, payload) => void socket.emit(event, payload),
      toRoom: (room, event, payload, { includeCaller, volatile }) => {
        const target = includeCaller ? io.to(room) : socket.to(room);
        void (volatile ? target.volatile : target).emit(event, payload);
      },
      toEveryone: (event, payload, { includeCaller }) => void (includeCaller ? io : socket.broadcast).emit(event, payload),
      online: async () => {
        const users: Record<string, string> = {};
        for (const s of await io.fetchSockets()) {
          const state = s.data as Partial<SessionState>;
          if (state.online && typeof state.username === 'string') users[s.id] = state.username;
        }
        return users;
      },
    };
  }

  /** A connection broke a rule: told why (`chat_error`), then disconnected. */
  private cut(socket: Socket, event: string, message: string): void {
    if (!socket.connected) return;
    socket.emit('chat_error', { event, message });
    socket.disconnect(true);
  }

  /** Idle connections and ones that stopped taking what is sent to them are closed, as the WebSocket guard does for its sockets. */
  private sweep(): void {
    const now = Date.now();
    for (const [socket, watch] of this.watches) {
      const queued = (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
      if (queued > this.options.maxQueuedPackets) watch.slowSince ||= now;
      else watch.slowSince = 0;
      if (watch.slowSince && now - watch.slowSince > this.options.slowPeerMs) socket.disconnect(true);
      else if (now - watch.lastActivity > this.options.idleTimeoutMs) this.cut(socket, 'idle', 'idle timeout');
    }
  }
}

/** A middleware refusal: the client's `connect_error` carries the message and `data.code`. */
function refusal(message: string, code: RefusalCode): Error {
  return Object.assign(new Error(message), { data: { code } });
}
