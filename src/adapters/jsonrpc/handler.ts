import type { JSONRPCResponse, JSONRPCServer } from 'json-rpc-2.0';
import { invalidRequest, isValidRequest, parseError, transportError } from './envelope.js';
import type { RpcContext } from './methods.js';

/** What to send back: one response, a batch of them, or nothing at all (only notifications). */
export type RpcReply = JSONRPCResponse | JSONRPCResponse[] | null;

const isResponse = (r: JSONRPCResponse | null): r is JSONRPCResponse => r !== null;

/**
 * The transport-free JSON-RPC 2.0 core shared by HTTP and WebSocket: text in,
 * reply out. Single requests go straight to json-rpc-2.0's server; batches are
 * split here because the library's batch handling departs from §6: it returns
 * a lone response unwrapped instead of as a one-element array (so `[1]` would
 * not answer `[{…}]`), and it has no length limit.
 */
export class RpcHandler {
  constructor(
    private readonly server: JSONRPCServer<RpcContext>,
    private readonly maxBatch: number,
  ) {}

  async handleText(text: string, ctx: RpcContext): Promise<RpcReply> {
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return parseError();
    }
    return this.handle(payload, ctx);
  }

  async handle(payload: unknown, ctx: RpcContext): Promise<RpcReply> {
    if (!Array.isArray(payload)) return this.single(payload, ctx);
    // §6: an empty batch is itself an invalid request, answered with one error, not an array.
    if (payload.length === 0) return invalidRequest();
    if (payload.length > this.maxBatch) {
      return transportError(`Batch too large: at most ${this.maxBatch} requests per batch`, { maxBatch: this.maxBatch });
    }
    const responses = (await Promise.all(payload.map((p) => this.single(p, ctx)))).filter(isResponse);
    // §6: a batch of only notifications gets nothing back at all.
    return responses.length ? responses : null;
  }

  private single(payload: unknown, ctx: RpcContext): Promise<JSONRPCResponse | null> {
    if (!isValidRequest(payload)) return Promise.resolve(invalidRequest(payload));
    return Promise.resolve(this.server.receive(payload, ctx));
  }
}
