import { DomainError } from './errors.js';
import { ADMIN_SUBJECT, type Principal } from './principal.js';
import type { AdminCredentials, PasswordHasher, TokenCodec, UserRepository } from './ports.js';
import { loginIn, type Token } from './schemas.js';
import { validate } from './validate.js';

const BAD_CREDENTIALS = 'Invalid username or password';

export class AuthService {
  /** A hash to check against when the user does not exist, so both failures take as long. */
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenCodec,
    private readonly admin: AdminCredentials,
  ) {}

  /** The administrator logs in as "admin"; everyone else by email. */
  async login(input: unknown): Promise<Token> {
    const { username, password } = validate(loginIn, input);
    let principal: Principal | undefined;
    if (username === ADMIN_SUBJECT) {
      if (await this.admin.verify(password)) principal = { subject: ADMIN_SUBJECT, role: 'admin', userId: null };
    } else {
      const user = await this.users.findByEmail(username.trim().toLowerCase());
      if (user?.passwordHash) {
        if (await this.hasher.verify(password, user.passwordHash)) principal = { subject: `user:${user.id}`, role: user.role, userId: user.id };
      } else {
        this.decoy ??= this.hasher.hash('decoy-password');
        await this.hasher.verify(password, await this.decoy);
      }
    }
    if (!principal) throw new DomainError('UNAUTHENTICATED', BAD_CREDENTIALS);
    const access_token = await this.tokens.sign(principal);
    return { access_token, token_type: 'Bearer', expires_in: this.tokens.ttlSeconds };
  }

  /** A bearer token to a principal; a bad or expired token is UNAUTHENTICATED. */
  async authenticate(token: string): Promise<Principal> {
    const claims = await this.tokens.verify(token);
    if (!claims) throw new DomainError('UNAUTHENTICATED', 'Invalid or expired token');
    return claims;
  }
}
