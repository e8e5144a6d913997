import type { DomainError, LocalisedError } from '../domain/errors.js';
import { DEFAULT_LANGUAGE, msg, render, type Language, type MessageKey } from '../domain/i18n/index.js';

export const INTERNAL_MESSAGE = 'Internal server error';

/**
 * What a client may read of an error, in its language: the message and
 * field errors for every kind but INTERNAL, whose real message and cause
 * stay in the logs. Each style passes its fixed wording for INTERNAL where
 * its documents pin one (JSON-RPC's "Internal error").
 */
export function publicError(e: DomainError, lang: Language = DEFAULT_LANGUAGE, internal: MessageKey = 'internal.server'): LocalisedError {
  if (e.kind === 'INTERNAL') return { message: render(msg(internal), lang), fields: [] };
  return e.in(lang);
}

export function publicMessage(e: DomainError, lang: Language = DEFAULT_LANGUAGE, internal: MessageKey = 'internal.server'): string {
  return publicError(e, lang, internal).message;
}
