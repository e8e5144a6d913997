import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { GrpcServices } from '../protocols/grpc/server.js';
import type { Logger } from '../runtime/log.js';

export interface GrpcHostOptions {
  log: Logger;
  services: GrpcServices;
  /** Largest request message accepted; larger ones are refused with RESOURCE_EXHAUSTED before decoding. */
  maxMessageBytes: number;
  /** Concurrent calls per HTTP/2 connection (SETTINGS_MAX_CONCURRENT_STREAMS). */
  maxConcurrentStreams: number;
}

/**
 * The HTTP/2 side of the gateway: one grpc-js Server fed only through its
 * connection injector — by the GRPC_PORT listener (lazy-grpc.ts, which builds
 * this on the first connection) and by the h2c connections the HTTP/1.1
 * front door recognised by their preface (hosts/h2c.ts) — so both ports serve
 * the same services with the same limits.
 */
export class GrpcHost {
  private readonly server: grpc.Server;
  private readonly injector: grpc.ConnectionInjector;

  constructor(private readonly options: GrpcHostOptions) {
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': options.maxMessageBytes,
      'grpc.max_concurrent_streams': options.maxConcurrentStreams,
    });
    options.services.addTo(this.server);
    this.injector = this.server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  }

  /** An HTTP/2 connection accepted elsewhere (GRPC_PORT's listener, the front door's h2c hand-off). */
  inject(connection: Duplex): void {
    this.injector.injectConnection(connection);
  }

  /**
   * Graceful stop on both ports: health turns NOT_SERVING, no new calls are
   * taken (GOAWAY), calls in flight finish, and whatever is left after the
   * timeout is cut. Streams that never end by themselves (subscriptions)
   * have already ended on the runtime's shutdown signal.
   */
  stop(timeoutMs: number): Promise<void> {
    this.options.services.stopServing();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.options.log.warn('gRPC calls still running at the shutdown timeout were cut');
        this.server.forceShutdown();
        resolve();
      }, timeoutMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
