import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { TokenClaims, TokenCodec } from '../domain/ports.js';

const ISSUER = 'polyface';
const CACHE_LIMIT = 10_000;

/**
 * HS256 JWTs with jose. Verified tokens are remembered until they expire
 * (bounded), so the hot path pays for one HMAC per token, not per request.
 */
export class JwtCodec implements TokenCodec {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, { claims: TokenClaims; exp: number }>();

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(claims: TokenClaims): Promise<string> {
    return new SignJWT({ role: claims.role, uid: claims.userId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.subject)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<TokenClaims | undefined> {
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.exp * 1000 > Date.now()) return hit.claims;
      this.verified.delete(token);
      return undefined;
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      const role = payload.role;
      const uid = payload.uid;
      if (typeof payload.sub !== 'string' || (role !== 'admin' && role !== 'user')) return undefined;
      if (uid !== null && typeof uid !== 'number') return undefined;
      const claims: TokenClaims = { subject: payload.sub, role, userId: uid };
      if (this.verified.size >= CACHE_LIMIT) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { claims, exp: payload.exp ?? 0 });
      return claims;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return undefined;
      throw err;
    }
  }
}
