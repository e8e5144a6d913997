import { DomainError } from '../domain/errors.js';
import { StartupError } from '../infra/startup-error.js';

const DEBUG_LEVELS = new Set(['debug', 'trace']);

/**
 * What a failed start (or CLI command) prints: one line on stderr — a
 * StartupError's or DomainError's message (both are written for the
 * operator), or for anything unforeseen its message and where to look —
 * and the stack only with LOG_LEVEL=debug (or trace).
 */
export function startupFailureText(err: unknown, logLevel: string | undefined, prefix = 'polyface: cannot start: '): string {
  const debug = DEBUG_LEVELS.has((logLevel ?? '').trim().toLowerCase());
  const e = err instanceof Error ? err : new Error(String(err));
  const line =
    e instanceof StartupError || e instanceof DomainError
      ? `${prefix}${e.message}\n`
      : `${prefix}unexpected ${e.name}: ${e.message.split('\n')[0]}${debug ? '' : ' (LOG_LEVEL=debug prints the stack)'}\n`;
  if (!debug) return line;
  const cause = e.cause instanceof Error ? `caused by ${e.cause.stack ?? e.cause.message}\n` : '';
  return `${line}${e.stack ?? ''}\n${cause}`;
}
