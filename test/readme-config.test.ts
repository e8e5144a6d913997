import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ENV_VARIABLES, loadConfig } from '../src/infra/config.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

it('the README configuration table names every environment variable the code reads, and no others', () => {
  const table = readme.split('\n## Configuration\n')[1]!.split('\n## ')[0]!;
  const documented = new Set([...table.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!));
  expect(ENV_VARIABLES.length).toBeGreaterThan(10);
  expect([...documented].sort()).toEqual([...ENV_VARIABLES].sort());
});

it('a malformed setting stops the start with a message naming the variable', () => {
  expect(() => loadConfig({ PORT: 'eighty' })).toThrow('PORT must be a non-negative integer, got "eighty"');
  expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'maybe' })).toThrow('GRAPHQL_INTROSPECTION must be true or false, got "maybe"');
  expect(loadConfig({ AUTH_CACHE_TTL_SECONDS: '5', RATE_LIMIT_WRITES_PER_MINUTE: '60' })).toMatchObject({
    auth: { cacheTtlSeconds: 5 },
    rateLimits: { writesPerMinute: 60, callsPerMinute: 0 },
  });
});

it('PUBLIC_URL must be an absolute http(s) URL; a trailing slash is dropped; unset means the listening URL', () => {
  expect(loadConfig({}).publicUrl).toBeUndefined();
  expect(loadConfig({ PUBLIC_URL: 'https://api.example.com/gw/' }).publicUrl).toBe('https://api.example.com/gw');
  for (const bad of ['api.example.com', 'ftp://api.example.com', 'https://api.example.com/?x=1', 'https://user:pw@api.example.com']) {
    expect(() => loadConfig({ PUBLIC_URL: bad })).toThrow(/^PUBLIC_URL must be an http\(s\) URL/);
  }
});
