import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const source = readFileSync(new URL('../src/infra/config.ts', import.meta.url), 'utf8');

it('the README configuration table names every environment variable the code reads, and no others', () => {
  const read = new Set([...source.matchAll(/env(?:\.|, ')([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!));
  const table = readme.split('\n## Configuration\n')[1]!.split('\n## ')[0]!;
  const documented = new Set([...table.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!));
  expect(read.size).toBeGreaterThan(10);
  expect([...documented].sort()).toEqual([...read].sort());
});
