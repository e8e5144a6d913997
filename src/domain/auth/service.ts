import { DomainError } from '../errors.js';
import { msg, type MessageKey } from '../i18n/index.js';
import { ADMIN_SUBJECT, type Principal } from '../principal.js';
import type { AdminCredentials, PasswordHasher, StartupWork, TokenCodec, UserRepository } from '../ports.js';
import { validate } from '../validate.js';
import { loginIn, type Token } from './schemas.js';
import type { LoginThrottle } from './throttle.js';

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
  /** The start-up password work while it runs (ports.ts StartupWork); then undefined, and nothing is awaited for it. */
  private startup: Promise<void> | undefined;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenCodec,
    private readonly admin: AdminCredentials,
    /** Failed logins per account and per address (throttle.ts); absent: unthrottled (domain tests). */
    private readonly throttle?: LoginThrottle,
    startup?: StartupWork,
  ) {
    if (startup) {
      this.startup = startup.done.then(() => {
        this.startup = undefined;
      });
      // Awaited by the checks that come meanwhile; the start itself reports a failure.
      this.startup.catch(() => undefined);
    }
  }

  get tokenTtlSeconds(): number {
    return this.tokens.ttlSeconds;
  }

  /**
   * The administrator logs in as "admin"; everyone else by email. `origin`
   * is the client's address, which failed logins are also counted by.
   */
  async login(input: unknown, origin?: string): Promise<Token> {
    const { principal, credentialsVersion } = await this.check(input, origin);
    const access_token = await this.tokens.sign({ ...principal, ...(credentialsVersion === undefined ? {} : { credentialsVersion }) });
    return { access_token, token_type: 'Bearer', expires_in: this.tokens.ttlSeconds };
  }

  /** A username and password to the principal they belong to, without issuing a token (SOAP header credentials). */
  async verifyPassword(input: unknown, origin?: string): Promise<Principal> {
    return (await this.check(input, origin)).principal;
  }

  /** A bearer token to the principal as storage says it is now; UNAUTHENTICATED when bad, expired or revoked. */
  async authenticate(token: string): Promise<Principal> {
    // A token issued under a demo password being replaced at this start is revoked by it.
    if (this.startup) await this.startup;
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

  /**
   * Every password check of every style comes here (login operations and
   * SOAP header credentials alike), so one throttle covers them all: it
   * refuses before the (deliberately slow, bounded) hash is computed, and
   * only a wrong password counts as a failure — a check the hasher refused
   * for being busy does not.
   */
  private async check(input: unknown, origin: string | undefined): Promise<{ principal: Principal; credentialsVersion?: number }> {
    const { username, password } = validate(loginIn, input);
    // Only the exact name is the administrator; "Admin" is an email lookup that finds no one, counted apart.
    const isAdmin = username === ADMIN_SUBJECT;
    const account = isAdmin ? ADMIN_SUBJECT : `user:${username.trim().toLowerCase()}`;
    const release = await this.throttle?.admit(account, origin);
    try {
      // Waiting inside the throttle's admission, so its cap on checks under way bounds the waiters too.
      if (this.startup) await this.startup;
      const found = isAdmin ? await this.verifyAdmin(password) : await this.verifyUser(username.trim().toLowerCase(), password);
      if (found) {
        await this.throttle?.succeeded(account);
        return found;
      }
      await this.throttle?.failed(account, origin);
    } finally {
      release?.();
    }
    throw unauthenticated('auth.badCredentials');
  }

  private async verifyAdmin(password: string): Promise<{ principal: Principal } | undefined> {
    return (await this.admin.verify(password)) ? { principal: { subject: ADMIN_SUBJECT, role: 'admin', userId: null } } : undefined;
  }

  private async verifyUser(email: string, password: string): Promise<{ principal: Principal; credentialsVersion?: number } | undefined> {
    const user = await this.users.findByEmail(email);
    if (user?.passwordHash) {
      if (await this.hasher.verify(password, user.passwordHash)) {
        return { principal: { subject: `user:${user.id}`, role: user.role, userId: user.id }, credentialsVersion: user.credentialsVersion };
      }
    } else {
      this.decoy ??= this.hasher.hash('decoy-password');
      await this.hasher.verify(password, await this.decoy);
    }
    return undefined;
  }
}
