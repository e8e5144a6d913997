import { DomainError } from '../errors.js';
import { msg, type MessageKey } from '../i18n/index.js';
import { ADMIN_SUBJECT, type Principal } from '../principal.js';
import type { AdminCredentials, PasswordHasher, TokenCodec, UserRepository } from '../ports.js';
import { validate } from '../validate.js';
import { loginIn, type Token } from './schemas.js';

const unauthenticated = (key: MessageKey) => new DomainError('UNAUTHENTICATED', msg(key));

/**
 * Who a caller is. Every answer comes from storage as it is now: a token
 * names a user and the credentials version it was issued at, and stops
 * working the moment the user is deleted or their role or password
 * changes. Caching these answers is the runtime's business, not this one's.
 */
export class AuthService {
  /** A hash to check against when the user does not exist, so both failures take as long. */
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenCodec,
    private readonly admin: AdminCredentials,
  ) {}

  get tokenTtlSeconds(): number {
    return this.tokens.ttlSeconds;
  }

  /** The administrator logs in as "admin"; everyone else by email. */
  async login(input: unknown): Promise<Token> {
    const { principal, credentialsVersion } = await this.check(input);
    const access_token = await this.tokens.sign({ ...principal, ...(credentialsVersion === undefined ? {} : { credentialsVersion }) });
    return { access_token, token_type: 'Bearer', expires_in: this.tokens.ttlSeconds };
  }

  /** A username and password to the principal they belong to, without issuing a token (SOAP header credentials). */
  async verifyPassword(input: unknown): Promise<Principal> {
    return (await this.check(input)).principal;
  }

  /** A bearer token to the principal as storage says it is now; UNAUTHENTICATED when bad, expired or revoked. */
  async authenticate(token: string): Promise<Principal> {
    const claims = await this.tokens.verify(token);
    if (!claims) throw unauthenticated('auth.badToken');
    if (claims.userId === null) {
      if (claims.subject !== ADMIN_SUBJECT || claims.role !== 'admin') throw unauthenticated('auth.badToken');
      return { subject: ADMIN_SUBJECT, role: 'admin', userId: null };
    }
    const user = await this.users.findById(claims.userId);
    if (!user) throw unauthenticated('auth.accountGone');
    if (user.credentialsVersion !== claims.credentialsVersion) {
      throw unauthenticated('auth.revoked');
    }
    return { subject: claims.subject, role: user.role, userId: user.id };
  }

  private async check(input: unknown): Promise<{ principal: Principal; credentialsVersion?: number }> {
    const { username, password } = validate(loginIn, input);
    if (username === ADMIN_SUBJECT) {
      if (await this.admin.verify(password)) return { principal: { subject: ADMIN_SUBJECT, role: 'admin', userId: null } };
      throw unauthenticated('auth.badCredentials');
    }
    const user = await this.users.findByEmail(username.trim().toLowerCase());
    if (user?.passwordHash) {
      if (await this.hasher.verify(password, user.passwordHash)) {
        return { principal: { subject: `user:${user.id}`, role: user.role, userId: user.id }, credentialsVersion: user.credentialsVersion };
      }
    } else {
      this.decoy ??= this.hasher.hash('decoy-password');
      await this.hasher.verify(password, await this.decoy);
    }
    throw unauthenticated('auth.badCredentials');
  }
}
