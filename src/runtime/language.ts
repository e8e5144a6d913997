import Negotiator from 'negotiator';
import { LRUCache } from 'lru-cache';
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language } from '../domain/i18n/index.js';

export { DEFAULT_LANGUAGE, LANGUAGES, type Language };

/** Distinct Accept-Language values remembered; browsers send a handful, so this is plenty and keeps parsing off the hot path. */
const MEMO_SIZE = 256;
const memo = new LRUCache<string, Language>({ max: MEMO_SIZE });

/**
 * `Accept-Language` (RFC 9110 §12.5.4) → the language error messages are
 * written in: the best of the catalogue's languages by the client's
 * q-values (negotiator's matching, so "ru-RU" and "ru;q=0.9" choose ru),
 * English when none is acceptable or the header is absent. Every style
 * passes what its transport carried (an HTTP header, gRPC metadata, a
 * WebSocket upgrade's header) to createContext.
 */
export function negotiateLanguage(header: string | readonly string[] | undefined): Language {
  if (header === undefined || header === '') return DEFAULT_LANGUAGE;
  const value = typeof header === 'string' ? header : header.join(', ');
  if (isLanguage(value)) return value;
  let chosen = memo.get(value);
  if (!chosen) {
    const best = new Negotiator({ headers: { 'accept-language': value } }).language(LANGUAGES);
    chosen = isLanguage(best) ? best : DEFAULT_LANGUAGE;
    memo.set(value, chosen);
  }
  return chosen;
}
