import { expect, it } from 'vitest';
import { StartupError } from '../startup-error.js';
import { parseDatabaseUrl, redactDatabaseUrl } from './location.js';

it('accepts plain paths, sqlite: and file: URLs, and :memory:', () => {
  const path = (url: string) => {
    const location = parseDatabaseUrl(url);
    return location.kind === 'sqlite' ? location.path : `not sqlite: ${location.url}`;
  };
  expect(path('./data/polyface.db')).toBe('./data/polyface.db');
  expect(path('/var/lib/polyface/db.sqlite')).toBe('/var/lib/polyface/db.sqlite');
  expect(path('C:\\data\\polyface.db')).toBe('C:\\data\\polyface.db');
  expect(path('sqlite:./data/x.db')).toBe('./data/x.db');
  expect(path('sqlite:///var/lib/x.db')).toBe('/var/lib/x.db');
  expect(path('sqlite://./x.db')).toBe('./x.db');
  expect(path('file:///var/lib/my%20db.sqlite')).toBe('/var/lib/my db.sqlite');
  expect(path(':memory:')).toBe(':memory:');
  expect(path('sqlite::memory:')).toBe(':memory:');
  expect(path('  ./padded.db  ')).toBe('./padded.db');
});

it('accepts postgres:// and postgresql:// URLs with a host, query parameters included, and masks their password', () => {
  for (const url of ['postgres://u@localhost/db', 'postgresql://u:pw@db.internal:5433/polyface?sslmode=require', 'POSTGRES://u@[::1]/db']) {
    expect(parseDatabaseUrl(url)).toEqual({ kind: 'postgres', url });
  }
  expect(redactDatabaseUrl('postgres://u:pw@h/db')).toBe('postgres://u:***@h/db');
  expect(redactDatabaseUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
  expect(redactDatabaseUrl('./data/pw.db')).toBe('./data/pw.db');
});

it('refuses what cannot be a SQLite or PostgreSQL location, naming DATABASE_URL', () => {
  for (const [url, text] of [
    ['postgres:///db', 'PostgreSQL but no host'],
    ['postgresql:db', 'PostgreSQL but no host'],
    ['postgres://u@h/db#x', 'fragment'],
    ['mysql://localhost/db', 'unsupported scheme "mysql:"'],
    ['sqlite://host/x.db', 'names a host'],
    ['sqlite:', 'names no file'],
    ['sqlite:x.db?mode=ro', 'query or fragment'],
    ['sqlite:%zz', 'malformed %-escape'],
    ['./a\nb.db', 'control characters'],
  ] as const) {
    let error: unknown;
    try {
      parseDatabaseUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error, url).toBeInstanceOf(StartupError);
    expect((error as StartupError).setting).toBe('DATABASE_URL');
    expect((error as Error).message, url).toContain(text);
  }
});
