import { createJSONRPCErrorResponse, JSONRPCClient, JSONRPCErrorException, type JSONRPCRequest, type JSONRPCResponse } from 'json-rpc-2.0';
import { kindOf, type ErrorData } from '../protocols/jsonrpc/spec.js';
import type { OperationName } from '../contract/operations.js';
import WebSocket from 'ws';
import type { DomainEvent, EventType } from '../domain/events.js';
import { ENDED_NOTIFICATION, EVENT_NOTIFICATION, RPC_PATH, SUBSCRIBE } from '../protocols/jsonrpc/spec.js';
import { EventChannel, EventStreamError, type EventSubscription, type SubscribeOptions } from './stream.js';
import type { Call, Outcome, ProtocolClient } from './types.js';

interface CallOptions {
  token?: string;
}

/**
 * JSON-RPC 2.0 over HTTP with json-rpc-2.0's client and fetch. Every
 * operation is the method of the same name with named params, so the result
 * is already in the domain's JSON shape; errors come back as the canonical
 * kind from `error.data.kind` (falling back to the documented code table).
 */
export class JsonRpcClient implements ProtocolClient {
  readonly protocol = 'jsonrpc' as const;
  private readonly rpc: JSONRPCClient<CallOptions>;
  private readonly wsUrl: string;
  /** One id sequence for single calls and batch members: answers are matched by id, so concurrent batches must never share one. */
  private lastId = 0;

  /** `baseUrl` is the gateway's root, e.g. http://127.0.0.1:3000. */
  constructor(baseUrl: string) {
    const endpoint = `${baseUrl.replace(/\/$/, '')}${RPC_PATH}`;
    this.wsUrl = endpoint.replace(/^http/, 'ws');
    this.rpc = new JSONRPCClient<CallOptions>(async (payload, { token }) => {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(payload),
      });
      if (res.status === 200) this.rpc.receive((await res.json()) as JSONRPCResponse | JSONRPCResponse[]);
      else if (res.status !== 204) throw new Error(`JSON-RPC transport answered HTTP ${res.status}`);
    }, () => ++this.lastId);
  }

  async call(operation: OperationName, input: Record<string, unknown>, token?: string): Promise<Outcome> {
    try {
      const data: unknown = await this.rpc.request(operation, input, token === undefined ? {} : { token });
      return { ok: true, data };
    } catch (err) {
      if (!(err instanceof JSONRPCErrorException)) throw err;
      return failure(err);
    }
  }

  /**
   * `subscribe` on a WebSocket to /rpc (token in the upgrade's
   * Authorization header); `event` notifications become the iteration,
   * `subscriptionEnded` or a close (1013: fell behind) end it with an
   * EventStreamError. `ready` resolves with the `subscribe` answer.
   */
  subscribe(types: readonly EventType[], options: SubscribeOptions): EventSubscription {
    const ws = new WebSocket(this.wsUrl, { headers: options.token ? { Authorization: `Bearer ${options.token}` } : {} });
    const channel = new EventChannel(() => {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
    });
    let subscription: string | undefined;
    ws.on('open', () => {
      // No types: every type (an empty list is not a filter the server accepts).
      const params: Record<string, unknown> = types.length ? { types: [...types] } : {};
      if (options.after !== undefined) params.after = options.after;
      ws.send(JSON.stringify({ jsonrpc: '2.0', method: SUBSCRIBE, params, id: 1 }));
    });
    ws.on('message', (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as {
        id?: number;
        method?: string;
        result?: { subscription: string };
        error?: { code: number; message: string; data?: Partial<ErrorData> };
        params?: { subscription: string; event?: DomainEvent; error?: { message: string; data?: Partial<ErrorData> } };
      };
      if (message.id === 1) {
        if (message.error) channel.fail(new EventStreamError(message.error.message, message.error.data?.kind ?? message.error.code));
        else {
          subscription = message.result!.subscription;
          channel.opened();
        }
      } else if (message.params && message.params.subscription === subscription) {
        const { event, error } = message.params;
        if (message.method === EVENT_NOTIFICATION && event) channel.push(event);
        else if (message.method === ENDED_NOTIFICATION && error) channel.fail(new EventStreamError(error.message, error.data?.kind ?? 'ENDED'));
      }
    });
    ws.on('close', (code: number, reason: Buffer) => {
      if (code === 1000 || code === 1005) channel.end();
      else channel.fail(new EventStreamError(reason.toString() || `closed with ${code}`, code));
    });
    ws.on('error', (err: Error) => channel.fail(err));
    return channel;
  }

  /** A JSON-RPC batch (§6): one HTTP request carrying every call, answers matched back by id. */
  async batch(calls: readonly Call[], token?: string): Promise<Outcome[]> {
    if (!calls.length) return [];
    const requests: JSONRPCRequest[] = calls.map((c) => ({ jsonrpc: '2.0', method: c.operation, params: c.input, id: ++this.lastId }));
    const responses = await this.rpc.requestAdvanced(requests, token === undefined ? {} : { token });
    const byId = new Map(responses.map((r) => [r.id, r]));
    return requests.map((req) => {
      const res = byId.get(req.id!) ?? createJSONRPCErrorResponse(req.id!, 0, 'No answer in the batch');
      if (!res.error) return { ok: true, data: res.result as unknown };
      return failure(new JSONRPCErrorException(res.error.message, res.error.code, res.error.data));
    });
  }
}

function failure(err: JSONRPCErrorException): Outcome {
  const kind = kindOf(err);
  // No kind: a protocol-level error (-32600, -32601, …) or json-rpc-2.0's code 0 for a failed transport, not a domain outcome.
  if (!kind) throw err;
  const data = err.data as Partial<ErrorData> | undefined;
  return { ok: false, kind, fields: (data?.fields ?? []).map((f) => f.field).sort() };
}
