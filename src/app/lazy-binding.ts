import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Face } from '../protocols/shared/face.js';
import { BuildOnce } from '../hosts/build-once.js';
import { pathOf, type HttpBinding, type RequestInfo } from '../protocols/shared/http.js';

/** What the front door needs of a binding before it is built: its place in the path table and its face. */
export interface LazyBindingShape {
  readonly name: string;
  readonly paths: readonly string[];
  readonly prefixes: readonly string[];
  readonly face: Face;
  /** WebSocket upgrades under this path are claimed before the binding is built (the real one takes only those). */
  readonly upgradePath: string;
}

/**
 * A binding whose module is loaded and whose instance is built on its first
 * request (issue 18: the first request needs neither the Socket.IO chat —
 * socket.io, engine.io and their dependencies, a fifth of what a start
 * loaded — nor GraphQL — graphql-js, graphql-http, graphql-ws and the schema,
 * ~30 ms of a cold start). Until then it answers for the same paths: a
 * request waits for the build, an upgrade is claimed at once and handed over
 * when built (the socket holds what the client sends meanwhile).
 */
export class LazyBinding implements HttpBinding {
  readonly name: string;
  readonly paths: readonly string[];
  readonly prefixes: readonly string[];
  readonly face: Face;
  /** The real binding, built once (a failed build is retried by the next request). */
  private readonly real: BuildOnce<HttpBinding>;

  constructor(
    private readonly shape: LazyBindingShape,
    build: () => Promise<HttpBinding>,
  ) {
    ({ name: this.name, paths: this.paths, prefixes: this.prefixes, face: this.face } = shape);
    this.real = new BuildOnce(build);
  }

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void | boolean> {
    return (this.real.value ?? (await this.real.get())).handle(req, res, info);
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, info: Omit<RequestInfo, 'signal'>): boolean {
    const built = this.real.value;
    if (built) return built.upgrade?.(req, socket, head, info) ?? false;
    if (!pathOf(req.url).startsWith(this.shape.upgradePath)) return false;
    this.real.get().then(
      (b) => {
        if (!b.upgrade?.(req, socket, head, info)) socket.destroy();
      },
      (err: unknown) => {
        info.log.error({ err }, `${this.name}: building the binding failed`);
        socket.destroy();
      },
    );
    return true;
  }

  /** The real binding, built now if it was not yet (tests reach the built binding's state through this). */
  built(): Promise<HttpBinding> {
    return this.real.get();
  }

  async close(): Promise<void> {
    await (await this.real.settled())?.close?.();
  }
}
