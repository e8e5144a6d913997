import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { inject, injectable } from 'inversify';
import { TYPES } from '../../app/tokens.js';
import type { Caller } from '../../domain/principal.js';
import type { Config } from '../../infra/config.js';
import type { Logger } from '../../infra/logger.js';
import { BodyTooLargeError, mediaType, readBody, sendJson, type HttpFacade } from '../shared/http.js';
import type { Invoker } from '../shared/invoker.js';
import { transportError } from './envelope.js';
import { RpcHandler } from './handler.js';
import { buildServer, type RpcContext } from './methods.js';
import { buildOpenRpcDocument } from './openrpc.js';
import { RpcWebSocket } from './websocket.js';

export const RPC_PATH = '/rpc';

/** Media types JSON-RPC clients send in practice; anything else is 415. */
const JSON_TYPES = new Set(['application/json', 'application/json-rpc', 'application/jsonrequest']);

/**
 * JSON-RPC 2.0 on POST /rpc (and WebSocket /rpc), dispatched straight from
 * the node:http front door. HTTP status says what the transport did, not how
 * the calls went: 200 whenever there are responses (errors included), 204
 * when only notifications came. Refusals before any request could be read
 * (405, 413, 415) still carry a JSON-RPC error body with id null so that
 * JSON-RPC clients can show something meaningful.
 */
@injectable()
export class JsonRpcFacade implements HttpFacade {
  readonly name = 'jsonrpc';
  private readonly handler: RpcHandler;
  private readonly ws: RpcWebSocket;
  private readonly bodyLimit: number;

  constructor(
    @inject(TYPES.Invoker) private readonly invoker: Invoker,
    @inject(TYPES.Config) config: Config,
    @inject(TYPES.Logger) log: Logger,
  ) {
    const document = buildOpenRpcDocument();
    this.handler = new RpcHandler(buildServer(invoker, log, () => document), config.jsonrpc.maxBatch);
    this.bodyLimit = config.bodyLimitBytes;
    this.ws = new RpcWebSocket(this.handler, invoker, log, config.bodyLimitBytes);
  }

  matches(pathname: string): boolean {
    return pathname === RPC_PATH;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(res, 405, transportError('JSON-RPC requests must be sent with POST'));
    }
    if (!JSON_TYPES.has(mediaType(req.headers['content-type']))) {
      return sendJson(res, 415, transportError('Content-Type must be application/json'));
    }
    let body: Buffer;
    try {
      body = await readBody(req, this.bodyLimit);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      res.setHeader('Connection', 'close');
      return sendJson(res, 413, transportError(err.message, { limit: err.limit }));
    }
    const reply = await this.handler.handleText(body.toString('utf8'), this.context(req.headers.authorization));
    if (reply === null) {
      res.writeHead(204);
      res.end();
      return;
    }
    sendJson(res, 200, reply);
  }

  /** One token check per HTTP request, however many calls the batch holds; only methods that need a caller pay it. */
  private context(authorization: string | undefined): RpcContext {
    let caller: Promise<Caller> | undefined;
    return { caller: () => (caller ??= this.invoker.callerFrom(authorization)) };
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.ws.upgrade(req, socket, head);
  }

  close(): Promise<void> {
    return this.ws.close();
  }
}
