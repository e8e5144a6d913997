import { StartupError } from '../startup-error.js';

/** Where SQLite keeps the data: a file path, or ':memory:'. */
export interface SqliteLocation {
  readonly kind: 'sqlite';
  readonly path: string;
}

const MEMORY = ':memory:';
const HINT = 'use a SQLite file path such as ./data/polyface.db, a sqlite: URL (sqlite:///var/lib/polyface.db) or :memory:';

const urlError = (message: string) => new StartupError('DATABASE_URL', `DATABASE_URL ${message}; ${HINT}`);

/**
 * DATABASE_URL → a SQLite location, or one readable refusal. Accepted: a
 * plain path; `sqlite:` or `file:` followed by a path, with or without the
 * `//` of an empty authority (`sqlite:///abs/path` as in RFC 8089's
 * file URLs, `sqlite:./rel/path`); `:memory:` and `sqlite::memory:`.
 * `postgres://` is recognised and refused until PostgreSQL storage lands.
 */
export function parseDatabaseUrl(raw: string): SqliteLocation {
  const value = raw.trim();
  if (/[\u0000-\u001f]/.test(value)) return fail(urlError('contains control characters'));
  if (/^postgres(ql)?:/i.test(value)) {
    throw new StartupError('DATABASE_URL', `DATABASE_URL names PostgreSQL, which polyface does not support yet; ${HINT}`);
  }
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(value)?.[1]?.toLowerCase();
  // One letter before ":" is a Windows drive (C:\data\polyface.db), not a scheme.
  if (!scheme) return { kind: 'sqlite', path: value };
  if (scheme !== 'sqlite' && scheme !== 'file') return fail(urlError(`has the unsupported scheme "${scheme}:"`));
  let rest = value.slice(scheme.length + 1);
  if (rest.includes('?') || rest.includes('#')) return fail(urlError('may not carry a query or fragment'));
  if (rest.startsWith('//')) {
    rest = rest.slice(2);
    // An authority (sqlite://host/…) means nothing for a local file.
    if (rest && !rest.startsWith('/') && !rest.startsWith('.') && rest !== MEMORY) return fail(urlError(`names a host ("${rest.split('/')[0]}"), but SQLite is a local file`));
  }
  try {
    rest = decodeURIComponent(rest);
  } catch {
    return fail(urlError('has a malformed %-escape'));
  }
  if (!rest) return fail(urlError('names no file'));
  return { kind: 'sqlite', path: rest };
}

function fail(error: StartupError): never {
  throw error;
}
