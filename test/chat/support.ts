import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { WebSocket } from 'ws';
import type { TestServer } from '../support/server.js';

type Json = Record<string, unknown>;

/** Everything a client received, in order, with a way to wait for the next match. */
export class Inbox {
  readonly all: Json[] = [];
  private waiters: { match: (m: Json) => boolean; resolve: (m: Json) => void; from: number }[] = [];
  private read = 0;

  push(m: Json): void {
    this.all.push(m);
    this.waiters = this.waiters.filter((w) => {
      if (this.all.length - 1 < w.from || !w.match(m)) return true;
      w.resolve(m);
      return false;
    });
  }

  /** The next message (after those already taken) that matches; unmatched ones in between are skipped. */
  next(match: ((m: Json) => boolean) | string, ms = 5_000): Promise<Json> {
    const test = typeof match === 'string' ? (m: Json) => m.type === match || m.on === match : match;
    for (let i = this.read; i < this.all.length; i++) {
      if (test(this.all[i]!)) {
        this.read = i + 1;
        return Promise.resolve(this.all[i]!);
      }
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message in ${ms} ms; got ${JSON.stringify(this.all)}`)), ms);
      this.waiters.push({
        match: test,
        from: this.read,
        resolve: (m) => {
          clearTimeout(timer);
          this.read = this.all.indexOf(m) + 1;
          resolve(m);
        },
      });
    });
  }

  of(type: string): Json[] {
    return this.all.filter((m) => m.type === type || m.on === type);
  }
}

export const chatUrl = (server: TestServer, query = '') => `${server.url.replace(/^http/, 'ws')}/ws/chat${query}`;

export interface PlainClient {
  ws: WebSocket;
  inbox: Inbox;
  send(message: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

/** A plain-chat client with `ws`, open once the handshake succeeded. */
export async function plain(server: TestServer, token: string, how: 'query' | 'header' = 'query'): Promise<PlainClient> {
  const ws =
    how === 'query'
      ? new WebSocket(chatUrl(server, `?access_token=${encodeURIComponent(token)}`))
      : new WebSocket(chatUrl(server), { headers: { Authorization: `Bearer ${token}` } });
  const inbox = new Inbox();
  ws.on('message', (data) => inbox.push(JSON.parse(String(data)) as Json));
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: String(reason) })));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, inbox, closed, send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)) };
}

/** The HTTP status a refused plain-chat handshake answered, and its headers. */
export function refused(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('handshake was accepted')));
    ws.once('error', () => {});
  });
}

export interface SioClient {
  socket: Socket;
  inbox: Inbox;
}

/** A Socket.IO client; every event lands in its inbox as `{ on: event, ...payload }`. Resolves once connected. */
export async function sio(server: TestServer, token: string | undefined, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<SioClient> {
  const socket = io(server.url, { auth: token === undefined ? {} : { token }, forceNew: true, reconnection: false, ...options });
  const inbox = new Inbox();
  socket.onAny((event: string, payload: unknown) => inbox.push({ on: event, ...(payload as Json) }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, inbox };
}

/** The connect_error of a refused Socket.IO handshake. */
export function sioRefused(server: TestServer, token: string | undefined, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<Error & { data?: { code?: string } }> {
  const socket = io(server.url, { auth: token === undefined ? {} : { token }, forceNew: true, reconnection: false, ...options });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('handshake was accepted')));
    socket.once('connect_error', (err) => {
      socket.close();
      resolve(err as Error & { data?: { code?: string } });
    });
  });
}

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await delay(20);
  }
}
