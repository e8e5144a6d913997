import { connect, createServer, type Server, type Socket } from 'node:net';
import { ConnectionReader, type Exchange, type WireSink } from './wire.js';

/** What one measurement window saw on the wire, both directions, framing and headers included. */
export interface WireWindow {
  /** Bytes the clients wrote (requests, WebSocket frames, HTTP/2 frames). */
  bytesUp: number;
  /** Bytes the server wrote back. */
  bytesDown: number;
  /** HTTP requests, WebSocket messages and HTTP/2 streams the clients started (wire.ts says how each is told). */
  requests: number;
  /** TCP connections opened during the window. */
  connections: number;
  exchanges: Exchange[];
  /** True when the window carried more than the capture budget: counts stay exact, some text was not kept. */
  truncated: boolean;
}

export interface WireTapOptions {
  /** Most bytes of exchange text kept per window (counts are never capped). */
  captureLimitBytes?: number;
  /** Most connections open through the tap at once; more are refused by the OS backlog. */
  maxConnections?: number;
}

class Window implements WireSink {
  readonly data: WireWindow = { bytesUp: 0, bytesDown: 0, requests: 0, connections: 0, exchanges: [], truncated: false };
  private budget: number;

  constructor(limit: number) {
    this.budget = limit;
  }

  request(): void {
    this.data.requests++;
  }

  exchange(e: Exchange): void {
    this.data.exchanges.push(e);
  }

  capture(bytes: number): boolean {
    if (bytes > this.budget) {
      this.data.truncated = true;
      this.budget = 0;
      return false;
    }
    this.budget -= bytes;
    return true;
  }
}

/**
 * A counting TCP relay in front of a gateway: clients are pointed at the
 * tap's URL and every byte they exchange with the gateway is counted at the
 * socket, whatever the style (HTTP/1.1, WebSocket, HTTP/2), with no change
 * to the clients. Hand-written because the point is to see raw bytes: an
 * HTTP-aware proxy would re-frame them. Listens on 127.0.0.1 only.
 */
export class WireTap {
  private window: Window;
  private readonly readers = new Set<ConnectionReader>();
  private readonly sockets = new Set<Socket>();
  private opened = 0;

  private constructor(
    private readonly server: Server,
    private readonly target: { host: string; port: number },
    private readonly limit: number,
  ) {
    this.window = new Window(limit);
    server.on('connection', (client) => this.relay(client));
  }

  static async open(target: string | URL, options: WireTapOptions = {}): Promise<WireTap> {
    const u = new URL(target);
    if (u.protocol !== 'http:') throw new Error(`The wire tap reads cleartext only; ${u.protocol} is not supported`);
    const server = createServer({ noDelay: true });
    server.maxConnections = options.maxConnections ?? 256;
    const tap = new WireTap(server, { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 80) }, options.captureLimitBytes ?? 512 * 1024);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return tap;
  }

  /** Base URL to give clients, e.g. http://127.0.0.1:41234. */
  get url(): string {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('wire tap is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /**
   * Ends the current window and starts the next one: counts, connections
   * opened and exchanges since the previous call. Open connections carry
   * over (their protocol state too), so a warm connection is measured warm.
   */
  take(): WireWindow {
    const done = this.window.data;
    this.window = new Window(this.limit);
    for (const r of this.readers) r.rebind(this.window);
    return done;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = connect({ host: this.target.host, port: this.target.port, noDelay: true });
    const reader = new ConnectionReader(++this.opened, this.window);
    this.window.data.connections++;
    this.readers.add(reader);
    this.sockets.add(client).add(upstream);
    const pipe = (from: Socket, to: Socket, dir: 'up' | 'down') => {
      from.on('data', (chunk: Buffer) => {
        if (dir === 'up') this.window.data.bytesUp += chunk.length;
        else this.window.data.bytesDown += chunk.length;
        reader.push(dir, chunk);
        // Backpressure both ways: a slow reader pauses the other side instead of growing a buffer here.
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => to.end());
    };
    pipe(client, upstream, 'up');
    pipe(upstream, client, 'down');
    const done = () => {
      client.destroy();
      upstream.destroy();
      this.readers.delete(reader);
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
  }
}
