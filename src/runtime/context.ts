import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { DomainContext } from '../domain/context.js';
import { DEFAULT_LANGUAGE, type Language } from '../domain/i18n/index.js';
import type { Caller } from '../domain/principal.js';
import { NO_CREDENTIALS, type Credentials } from './credentials.js';
import type { Logger } from './log.js';

/** The API styles, as metrics, logs and the comparison tooling name them. */
export type Style = 'rest' | 'graphql' | 'jsonrpc' | 'soap' | 'grpc' | 'events' | 'chat' | 'internal';

/** At most this many distinct operation names per access-log line; a batch of 50 says "+N more". */
const MAX_NOTED = 8;

/**
 * What one transport request did, for its access-log line: the operations
 * it ran (a JSON-RPC batch runs several) and who ran them. Written by the
 * runtime, read by the host when the response finishes.
 */
export class AccessNotes {
  readonly operations: string[] = [];
  more = 0;
  principal: string | undefined;

  operation(name: string): void {
    if (this.operations.includes(name)) return;
    if (this.operations.length < MAX_NOTED) this.operations.push(name);
    else this.more++;
  }

  /**
   * Adds what was noted to an access line (the front door's, a gRPC call's): `operation` and `principal` when
   * there are any, assigned rather than spread in (a spread makes an object of its own on every line).
   */
  addTo(line: Record<string, unknown>): Record<string, unknown> {
    const summary = this.summary;
    if (summary) line.operation = summary;
    if (this.principal) line.principal = this.principal;
    return line;
  }

  /** "getUser", "getUser,listUsers", "getUser,… +3". */
  get summary(): string | undefined {
    if (!this.operations.length) return undefined;
    return this.operations.join(',') + (this.more ? ` +${this.more}` : '');
  }
}

/**
 * One call's context, made by the binding that received it (an HTTP
 * request, a WebSocket message, a gRPC call) and handed to the runtime,
 * which fills in `caller` after authentication and passes it on to the
 * domain. Several calls may share one (a JSON-RPC batch, a GraphQL
 * document's resolvers): credentials are then resolved once.
 */
export interface CallContext extends DomainContext {
  readonly style: Style;
  readonly requestId: string;
  /** Aborts when the client goes away or the deadline passes; streams also end at shutdown. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** What the transport carried, unverified. */
  readonly credentials: Credentials;
  /** Resolved by the authentication interceptor; null before it runs and for anonymous callers. */
  readonly caller: Caller;
  readonly notes: AccessNotes;
  /** The client's address, for limits keyed by address. */
  readonly peer: string | undefined;
  /** The language error messages are rendered in (language.ts negotiates it from Accept-Language). */
  readonly language: Language;
}

export interface ContextInit {
  style: Style;
  log: Logger;
  requestId?: string | undefined;
  signal?: AbortSignal | undefined;
  credentials?: Credentials | undefined;
  notes?: AccessNotes | undefined;
  peer?: string | undefined;
  /** Milliseconds the call may take before its signal aborts (a gRPC deadline, a request timeout). */
  timeoutMs?: number | undefined;
  /** From negotiateLanguage(Accept-Language); English when absent. */
  language?: Language | undefined;
}

const NEVER = new AbortController().signal;
// Shared by every call that has no signal of its own; the subscriptions among them each listen to it until they end.
setMaxListeners(0, NEVER);

export function createContext(init: ContextInit): CallContext {
  let signal = init.signal ?? NEVER;
  if (init.timeoutMs !== undefined) {
    const timeout = AbortSignal.timeout(init.timeoutMs);
    signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  }
  return {
    style: init.style,
    requestId: init.requestId ?? randomUUID(),
    signal,
    log: init.log,
    credentials: init.credentials ?? NO_CREDENTIALS,
    caller: null,
    notes: init.notes ?? new AccessNotes(),
    peer: clientAddress(init.peer),
    language: init.language ?? DEFAULT_LANGUAGE,
  };
}

/**
 * The address alone, so limits keyed by it hold across connections: gRPC
 * names its peer "ipv4:127.0.0.1:50312", "ipv6:[::1]:50312" or, over the
 * front door's h2c, "127.0.0.1:50312" (a new port per connection);
 * node:http gives the bare address.
 */
export function clientAddress(peer: string | undefined): string | undefined {
  // node:http's IPv4 address as it is (no port, no prefix): nothing to take off.
  if (!peer || !peer.includes(':')) return peer;
  const m = /^(?:ipv4:)?(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(peer) ?? /^(?:ipv6:)?\[([^\]]+)\](?::\d+)?$/.exec(peer);
  return m ? m[1] : peer;
}
