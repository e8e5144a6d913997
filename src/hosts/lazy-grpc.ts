import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../runtime/log.js';
import { BuildOnce } from './build-once.js';
import type { GrpcHost } from './grpc.js';

export interface LazyGrpcHostOptions {
  log: Logger;
  /** Address and port of the dedicated listener (GRPC_PORT; 0 picks a free one). */
  host: string;
  port: number;
  /** Loads and builds the grpc-js server with every service (hosts/grpc.ts), once. */
  build: () => Promise<GrpcHost>;
}

/**
 * The gateway's gRPC side, built on its first connection (issue 18: loading
 * five .proto files through proto-loader and building server reflection
 * was a fifth of a cold start's CPU, and most gateways serve no gRPC for a
 * while, if ever). GRPC_PORT is bound at start by a plain TCP listener whose
 * connections, like the front door's h2c ones, go to grpc-js's connection
 * injector — the path h2c already took — once the server is built; a client
 * that connects first waits for that instead of being refused.
 */
export class LazyGrpcHost {
  /** "host:port" once listening. */
  address = '';
  private readonly listener: Server;
  private readonly host: BuildOnce<GrpcHost>;
  private stopping = false;

  constructor(private readonly options: LazyGrpcHostOptions) {
    this.host = new BuildOnce(options.build);
    // Until the HTTP/2 session takes the socket, what the client sends waits in its buffer (no reader yet).
    this.listener = createServer((socket) => this.inject(socket));
  }

  /** An HTTP/2 connection: from the dedicated port, or the front door's h2c hand-off. */
  inject(connection: Duplex): void {
    if (this.host.value) return this.host.value.inject(connection);
    if (this.stopping) {
      connection.destroy();
      return;
    }
    this.host.get().then(
      (host) => host.inject(connection),
      (err: unknown) => {
        this.options.log.error({ err }, 'building the gRPC services failed');
        connection.destroy();
      },
    );
  }

  listen(): Promise<string> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(port, host, () => {
        this.listener.off('error', reject);
        const bound = (this.listener.address() as AddressInfo).port;
        this.address = `${host.includes(':') ? `[${host}]` : host}:${bound}`;
        resolve(this.address);
      });
    });
  }

  /** Stops accepting, then (when it was built) grpc-js's graceful stop: health NOT_SERVING, calls drain, the rest cut at the timeout. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    // The callback waits for the listener's connections, which the grpc-js stop below ends.
    const closed = this.listener.listening ? new Promise<void>((resolve) => this.listener.close(() => resolve())) : Promise.resolve();
    const host = await this.host.settled();
    await Promise.all([host?.stop(timeoutMs), closed]);
  }
}
