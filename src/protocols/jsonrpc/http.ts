import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { msg } from '../../domain/i18n/index.js';
import { createContext } from '../../runtime/context.js';
import { fromAuthorization } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { negotiateLanguage } from '../../runtime/language.js';
import type { Face } from '../shared/face.js';
import { BodyTooLargeError, mediaType, pathOf, readBody, sendJson, type HttpBinding, type RequestInfo } from '../shared/http.js';
import { RpcCore } from './core.js';
import { buildOpenRpcDocument } from './docs.js';
import { transportError } from './envelope.js';
import { OPENRPC_PATH, RPC_PATH } from './spec.js';
import { RpcWebSocket } from './ws.js';
import type { WsGuard } from '../shared/ws.js';

export interface JsonRpcOptions {
  maxBatch: number;
  bodyLimitBytes: number;
  /** The WebSocket limits for /rpc (shared rules, see protocols/shared/ws.ts). */
  ws: WsGuard;
  /** Subscriptions at once on one WebSocket. */
  maxSubscriptionsPerConnection: number;
}

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
export class JsonRpcHttp implements HttpBinding {
  readonly name = 'jsonrpc';
  readonly paths = [RPC_PATH, OPENRPC_PATH];
  readonly core: RpcCore;
  readonly face: Face;
  private readonly ws: RpcWebSocket;
  /** The OpenRPC document and its text, made on first use (rpc.discover, the contract): ~10 ms of a start (issue 18). */
  private discovered: { document: unknown; text: string } | undefined;

  constructor(
    runtime: Runtime,
    private readonly options: JsonRpcOptions,
  ) {
    this.core = new RpcCore(runtime, options.maxBatch, () => this.discovery().document);
    this.ws = new RpcWebSocket(this.core, options.ws, runtime, options.maxSubscriptionsPerConnection);
    this.face = {
      name: 'jsonrpc',
      title: 'JSON-RPC 2.0',
      summary: 'Methods named as the operations, batches and notifications, on POST /rpc and WebSocket /rpc',
      links: [
        { rel: 'endpoint', title: 'Endpoint (POST)', href: RPC_PATH },
        { rel: 'websocket', title: 'WebSocket', href: RPC_PATH },
        { rel: 'contract', title: 'OpenRPC document (also rpc.discover)', href: OPENRPC_PATH, type: 'application/json' },
      ],
      contracts: [{ file: 'openrpc.json', mediaType: 'application/json', render: () => this.discovery().text }],
    };
  }

  private discovery(): { document: unknown; text: string } {
    if (!this.discovered) {
      const document = buildOpenRpcDocument();
      this.discovered = { document, text: `${JSON.stringify(document, null, 2)}\n` };
    }
    return this.discovered;
  }

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void> {
    if (pathOf(req.url) === OPENRPC_PATH) return this.document(req, res);
    const language = negotiateLanguage(req.headers['accept-language']);
    // Refusals below carry a message; for answers, only when one holds an error.
    res.setHeader('Content-Language', language);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(res, 405, transportError(msg('rpc.postOnly'), language));
    }
    if (!JSON_TYPES.has(mediaType(req.headers['content-type']))) {
      return sendJson(res, 415, transportError(msg('rpc.contentType'), language));
    }
    let body: Buffer;
    try {
      body = await readBody(req, this.options.bodyLimitBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      res.setHeader('Connection', 'close');
      return sendJson(res, 413, transportError(msg('http.bodyTooLarge', { limit: err.limit }), language, { limit: err.limit }));
    }
    // One context for the whole request: however many calls a batch holds, credentials are checked once.
    const ctx = createContext({ style: 'jsonrpc', ...info, credentials: fromAuthorization(req.headers.authorization), language });
    const reply = await this.core.handleText(body.toString('utf8'), { ctx });
    if (reply === null || !(Array.isArray(reply) ? reply.some((r) => 'error' in r) : 'error' in reply)) res.removeHeader('Content-Language');
    if (reply === null) {
      res.writeHead(204);
      res.end();
      return;
    }
    sendJson(res, 200, reply);
  }

  /** GET /rpc/openrpc.json: what rpc.discover answers, for browsers and tools. */
  private document(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const { text } = this.discovery();
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, info: Omit<RequestInfo, 'signal'>): boolean {
    return this.ws.upgrade(req, socket, head, info);
  }

  close(): Promise<void> {
    return this.ws.close();
  }
}
