import { createHash } from 'node:crypto';
import { DomainError } from '../../domain/errors.js';
import { ACCEPTED_NAMESPACES } from './contract.js';
import { childElements, childText, type XmlElement } from './envelope.js';
import { SoapFault } from './errors.js';
import { escapeAttr } from '../shared/xml-text.js';

export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

const unauthenticated = (message: string) => new SoapFault('client', new DomainError('UNAUTHENTICATED', message));

/** The source material's header: <Authentication><username/><password/></Authentication>, unqualified or in our namespace. */
function legacyAuthentication(block: XmlElement): Credentials {
  const username = childText(block, 'username');
  const password = childText(block, 'password');
  if (username === undefined || password === undefined) throw unauthenticated('Authentication header needs username and password');
  return { username, password };
}

/** WS-Security UsernameToken with a PasswordText password (OASIS WSS 1.0 UsernameToken Profile). */
function wsSecurity(block: XmlElement): Credentials {
  const token = childElements(block).find((e) => e.local === 'UsernameToken' && e.ns === WSSE_NS);
  if (!token) throw unauthenticated('The WS-Security header carries no UsernameToken');
  const parts = childElements(token);
  const user = parts.find((e) => e.local === 'Username');
  const pass = parts.find((e) => e.local === 'Password');
  if (!user || !pass) throw unauthenticated('UsernameToken needs Username and Password');
  const type = pass.attrs.Type;
  if (type !== undefined && type !== PASSWORD_TEXT) throw unauthenticated('Only the PasswordText password type is supported');
  return { username: childText(token, 'Username')!, password: childText(token, 'Password')! };
}

const mandatory = (block: XmlElement): boolean => {
  for (const key in block.attrs) {
    if (key === 'mustUnderstand' || key.endsWith(':mustUnderstand')) return block.attrs[key] === '1' || block.attrs[key] === 'true';
  }
  return false;
};

/**
 * Credentials from the SOAP header, if any. A header block marked
 * mustUnderstand that is not one of ours is a MustUnderstand fault, as both
 * SOAP versions require.
 */
export function headerCredentials(headers: readonly XmlElement[]): Credentials | undefined {
  let found: Credentials | undefined;
  for (const block of headers) {
    if (block.local === 'Security' && block.ns === WSSE_NS) found ??= wsSecurity(block);
    else if (block.local === 'Authentication' && (block.ns === '' || ACCEPTED_NAMESPACES.includes(block.ns))) {
      found ??= legacyAuthentication(block);
    } else if (mandatory(block)) {
      const fault = SoapFault.client('VALIDATION', `Header {${block.ns}}${block.local} is marked mustUnderstand but is not understood`);
      const notUnderstood = `<soap:NotUnderstood qname="h:${block.local}" xmlns:h="${escapeAttr(block.ns)}"/>`;
      throw new SoapFault('MustUnderstand', fault.error, notUnderstood);
    }
  }
  return found;
}

/**
 * Header credentials cost a password check (scrypt, ~50 ms) per request, so
 * the token a verified pair earned is remembered for a short while. Keyed by a
 * hash of username and password: a different password misses and is checked
 * for real. Bounded (least recently used out first) and time-limited; a
 * changed password stops working for header auth after at most the TTL,
 * exactly as already issued bearer tokens keep working until they expire.
 */
export class CredentialCache {
  private readonly entries = new Map<string, { token: string; expires: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private key(c: Credentials): string {
    return createHash('sha256').update(c.username).update('\u0000').update(c.password).digest('base64');
  }

  get(c: Credentials): string | undefined {
    if (this.maxEntries === 0 || this.ttlMs === 0) return undefined;
    const key = this.key(c);
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (hit.expires <= this.now()) return undefined;
    this.entries.set(key, hit);
    return hit.token;
  }

  set(c: Credentials, token: string, tokenTtlSeconds: number): void {
    if (this.maxEntries === 0 || this.ttlMs === 0) return;
    // Never outlive the token itself.
    const ttl = Math.min(this.ttlMs, (tokenTtlSeconds * 1000) / 2);
    this.entries.set(this.key(c), { token, expires: this.now() + ttl });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
