import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { TokenClaims, TokenCodec } from '../domain/ports.js';

const ISSUER = 'polyface';

/**
 * HS256 JWTs with jose. Claims: `sub`, `role`, `uid` (null for the bootstrap
 * admin) and `cv`, the user's credentials version at issue time. No cache
 * here: the runtime's credential cache remembers verified tokens, bounded
 * and never past their expiry.
 */
export class JwtCodec implements TokenCodec {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(claims: TokenClaims): Promise<string> {
    return new SignJWT({ role: claims.role, uid: claims.userId, ...(claims.credentialsVersion === undefined ? {} : { cv: claims.credentialsVersion }) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.subject)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<TokenClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      const { role, uid, cv } = payload;
      if (typeof payload.sub !== 'string' || (role !== 'admin' && role !== 'user')) return undefined;
      if (uid !== null && typeof uid !== 'number') return undefined;
      if (cv !== undefined && typeof cv !== 'number') return undefined;
      return { subject: payload.sub, role, userId: uid, ...(cv === undefined ? {} : { credentialsVersion: cv }) };
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return undefined;
      throw err;
    }
  }

  /** Seconds since the epoch at which a token expires, without verifying it (for cache lifetimes of verified tokens). */
  static expiry(token: string): number | undefined {
    const part = token.split('.')[1];
    if (!part) return undefined;
    try {
      const exp = (JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
      return typeof exp === 'number' ? exp : undefined;
    } catch {
      return undefined;
    }
  }
}
