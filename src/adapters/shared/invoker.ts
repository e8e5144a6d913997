import { inject, injectable } from 'inversify';
import { TYPES } from '../../app/tokens.js';
import { findOperation, type DomainServices } from '../../contract/operations.js';
import { DomainError, toDomainError } from '../../domain/errors.js';
import type { Caller } from '../../domain/principal.js';
import type { Logger } from '../../infra/logger.js';

export type Outcome = { ok: true; value: unknown } | { ok: false; error: DomainError };

/**
 * The one door from every facade into the domain: looks up the operation,
 * runs it, and normalises whatever is thrown into a DomainError. Internal
 * causes are logged here and never leave the process.
 */
@injectable()
export class Invoker {
  constructor(
    @inject(TYPES.DomainServices) readonly services: DomainServices,
    @inject(TYPES.Logger) private readonly log: Logger,
  ) {}

  async invoke(name: string, caller: Caller, input: unknown): Promise<unknown> {
    const op = findOperation(name);
    if (!op) throw new DomainError('NOT_FOUND', `Unknown operation ${name}`);
    try {
      return await op.run(this.services, caller, input);
    } catch (err) {
      throw this.normalise(err, name);
    }
  }

  /** Same as invoke, without throwing: for facades that build replies from outcomes. */
  async attempt(name: string, caller: Caller, input: unknown): Promise<Outcome> {
    try {
      return { ok: true, value: await this.invoke(name, caller, input) };
    } catch (err) {
      return { ok: false, error: err as DomainError };
    }
  }

  /**
   * The caller behind an Authorization header: null when there is none (the
   * domain then refuses what needs a caller), UNAUTHENTICATED for a bad one.
   */
  async callerFrom(authorization: string | undefined): Promise<Caller> {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new DomainError('UNAUTHENTICATED', 'Authorization must use the Bearer scheme');
    return this.services.auth.authenticate(match[1]!);
  }

  /** Anything thrown → DomainError; INTERNAL causes are logged with the operation name. */
  normalise(err: unknown, operation?: string): DomainError {
    const e = toDomainError(err);
    if (e.kind === 'INTERNAL') this.log.error({ err: e.cause ?? e, operation }, 'internal error');
    return e;
  }
}
