import type { Caller } from './principal.js';

/**
 * What the domain needs to know about a call: who makes it, and when to
 * stop (the client went away, a deadline passed, the server is shutting
 * down). The runtime's CallContext extends it with transport details the
 * domain never reads.
 */
export interface DomainContext {
  readonly caller: Caller;
  readonly signal?: AbortSignal;
}
