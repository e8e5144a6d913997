import { StartupError } from '../startup-error.js';
import { withoutPassword } from '../url.js';

/** Where SQLite keeps the data: a file path, or ':memory:'. */
export interface SqliteLocation {
  readonly kind: 'sqlite';
  readonly path: string;
}

/** A PostgreSQL server and database: the connection URL as given (the `pg` driver parses it, libpq style). */
export interface PostgresLocation {
  readonly kind: 'postgres';
  readonly url: string;
}

export type DatabaseLocation = SqliteLocation | PostgresLocation;

const MEMORY = ':memory:';
const HINT =
  'use a SQLite file path such as ./data/polyface.db, a sqlite: URL (sqlite:///var/lib/polyface.db), :memory:, or a PostgreSQL URL (postgres://user:password@host:5432/database)';

const urlError = (message: string) => new StartupError('DATABASE_URL', `DATABASE_URL ${message}; ${HINT}`);

/**
 * DATABASE_URL → a storage location, or one readable refusal. Accepted: a
 * plain path; `sqlite:` or `file:` followed by a path, with or without the
 * `//` of an empty authority (`sqlite:///abs/path` as in RFC 8089's
 * file URLs, `sqlite:./rel/path`); `:memory:` and `sqlite::memory:`;
 * `postgres://` and `postgresql://` URLs (RFC 3986 with a host; the query
 * may carry libpq parameters such as sslmode, which `pg` reads).
 */
export function parseDatabaseUrl(raw: string): DatabaseLocation {
  const value = raw.trim();
  if (/[\u0000-\u001f]/.test(value)) return fail(urlError('contains control characters'));
  if (/^postgres(ql)?:/i.test(value)) return postgres(value);
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

/** A PostgreSQL URL must parse and name a host: `postgres:mydb` or `postgres:///mydb` (a Unix socket guess) is refused rather than guessed at. */
function postgres(value: string): PostgresLocation {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(urlError('is not a valid PostgreSQL URL'));
  }
  if (!url.hostname) return fail(urlError('names PostgreSQL but no host'));
  if (url.hash) return fail(urlError('may not carry a fragment'));
  return { kind: 'postgres', url: value };
}

/** The URL with its password replaced, for messages and logs. */
export function redactDatabaseUrl(raw: string): string {
  const value = raw.trim();
  if (!/^postgres(ql)?:/i.test(value)) return value;
  return withoutPassword(value) ?? value.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}

function fail(error: StartupError): never {
  throw error;
}
