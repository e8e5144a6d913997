import { msg, type Text } from '../domain/i18n/index.js';
import type { Principal } from '../domain/principal.js';

/**
 * What a transport carried to say who is calling, before anyone checked
 * it. Every style reduces its own carriers to one of these — a bearer token
 * from an Authorization header, a WebSocket `access_token`, gRPC metadata or
 * GraphQL-over-WebSocket connection params; a username and password from a
 * SOAP header or a login — and the runtime turns it into a principal on one
 * path (principals.ts).
 */
export type Credentials =
  | { readonly scheme: 'none' }
  | { readonly scheme: 'bearer'; readonly token: string }
  | { readonly scheme: 'password'; readonly username: string; readonly password: string }
  /** Something was sent but cannot be credentials (e.g. `Authorization: Basic …`); refused unless the call is public. */
  | { readonly scheme: 'invalid'; readonly reason: Text }
  /**
   * A principal already established, for work the runtime itself does on
   * someone's behalf (a stored job, runtime/jobs.ts). Never built from
   * anything a transport carried.
   */
  | { readonly scheme: 'principal'; readonly principal: Principal };

export const NO_CREDENTIALS: Credentials = Object.freeze({ scheme: 'none' });

export const bearer = (token: string): Credentials => ({ scheme: 'bearer', token });

export const password = (username: string, secret: string): Credentials => ({ scheme: 'password', username, password: secret });

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** RFC 6750 §2.1: `Authorization: Bearer <token>`; absent means anonymous. */
export function fromAuthorization(header: string | undefined): Credentials {
  if (!header) return NO_CREDENTIALS;
  const match = BEARER.exec(header);
  if (!match) return { scheme: 'invalid', reason: msg('auth.bearerOnly') };
  return bearer(match[1]!);
}

/** A token from a query parameter or a message payload (browsers cannot set headers on a WebSocket or EventSource). */
export function fromToken(token: string | null | undefined): Credentials {
  return token ? bearer(token) : NO_CREDENTIALS;
}
