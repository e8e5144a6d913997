import type { Language } from './i18n/index.js';
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
  /**
   * The language the caller reads. Errors are rendered by the styles, so
   * the domain needs it only where text is part of a result (a bulk
   * call's per-item errors). Absent: English.
   */
  readonly language?: Language;
  /**
   * The client's address as the transport saw it, for limits keyed by it
   * (failed logins per address); the domain only compares it.
   */
  readonly peer?: string | undefined;
}
