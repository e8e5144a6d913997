import type { OperationName } from '../contract/operations.js';
import type { ErrorKind } from '../domain/errors.js';
import type { EventType } from '../domain/events.js';
import type { EventSubscription, SubscribeOptions } from './stream.js';

export type { EventSubscription, SubscribeOptions } from './stream.js';

export type Protocol = 'rest' | 'graphql' | 'jsonrpc' | 'soap' | 'grpc';

/**
 * What a call came to, with the protocol's dressing removed: the operation's
 * output in the domain's JSON shape (as the contract's output schema says),
 * or the canonical error kind plus the names of the offending fields.
 */
export type Outcome =
  | { ok: true; data: unknown }
  | { ok: false; kind: ErrorKind; fields: string[] };

/** One call by its contract name, as batches and graph reads take them. */
export interface Call {
  readonly operation: OperationName;
  readonly input: Record<string, unknown>;
}

/**
 * The fields a read wants, nested for related records that the style can
 * follow in the same request: `{ name: true, orders: { totalAmount: true } }`.
 */
export interface Selection {
  readonly [field: string]: true | Selection;
}

/**
 * A small client that turns a domain-level call into a real request in one
 * API style and the answer back into an Outcome. The conformance suite and
 * the comparison tooling drive every protocol through this one interface.
 */
export interface ProtocolClient {
  readonly protocol: Protocol;
  /** Calls an operation by its contract name with the domain's input; no token means anonymous. */
  call(operation: OperationName, input: Record<string, unknown>, token?: string): Promise<Outcome>;
  /**
   * Every change of the given types the token's owner may see, pushed in
   * this style's own way (SSE, graphql-ws, JSON-RPC notifications; SOAP
   * long-polls GetEvents), as domain envelopes: the comparison tooling
   * measures push latency per style through this.
   */
  subscribe(types: readonly EventType[], options: SubscribeOptions): EventSubscription;
  close?(): Promise<void>;
  /**
   * Independent calls in one round trip (a JSON-RPC batch, GraphQL aliases),
   * answered in order. Styles without it make one request per call.
   */
  batch?(calls: readonly Call[], token?: string): Promise<Outcome[]>;
  /**
   * A read that follows relations in the same request (GraphQL's nested
   * selection): the root call's result reduced to `selection`, with related
   * records nested where the selection names them. Styles without it read
   * the related records with further calls.
   */
  readGraph?(root: Call, selection: Selection, token?: string): Promise<Outcome>;
}
