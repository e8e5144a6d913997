import type { DomainError } from '../domain/errors.js';

export const INTERNAL_MESSAGE = 'Internal server error';

/**
 * What a client may read of an error: its own message for every kind but
 * INTERNAL, whose real message and cause stay in the logs. Each style
 * passes its fixed wording for INTERNAL where its documents pin one.
 */
export function publicMessage(e: DomainError, internalMessage = INTERNAL_MESSAGE): string {
  return e.kind === 'INTERNAL' ? internalMessage : e.message;
}
