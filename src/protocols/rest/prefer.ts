import { HANDLINGS, type Handling } from '../../domain/bulk.js';
import { msg } from '../../domain/i18n/index.js';
import { invalid } from './errors.js';

/**
 * The `handling` preference of a `Prefer` header (RFC 7240 §4.4:
 * `handling=strict` / `handling=lenient`). The header is a comma-separated
 * list of `token[=value]` with optional `;` parameters (§2); a few lines
 * of parsing, since only this one preference is read. Values we do not
 * know are ignored, as §2 asks of unknown preferences.
 */
export function parseHandling(header: string | string[] | undefined): Handling | undefined {
  if (header === undefined) return undefined;
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [name, raw] = part.split(';')[0]!.split('=', 2).map((s) => s.trim());
    if (name?.toLowerCase() !== 'handling' || raw === undefined) continue;
    const value = raw.replace(/^"(.*)"$/, '$1').toLowerCase();
    if ((HANDLINGS as readonly string[]).includes(value)) return value as Handling;
  }
  return undefined;
}

/**
 * Applies `Prefer: handling=…` to a bulk call's input unless the body says
 * already (then the two must agree), and returns what was applied, for
 * `Preference-Applied` (RFC 7240 §3).
 */
export function preferredHandling(header: string | string[] | undefined, input: Record<string, unknown>): Handling | undefined {
  const preferred = parseHandling(header);
  if (!preferred) return undefined;
  if (input.handling === undefined) input.handling = preferred;
  else if (input.handling !== preferred) throw invalid('handling', msg('rest.preferConflict', { header: preferred, body: String(input.handling) }));
  return preferred;
}
