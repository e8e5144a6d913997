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
}
