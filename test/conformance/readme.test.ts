import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { errorMappingTable } from '../../src/protocols/error-table.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = (heading: string) => readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';

it("the README's error-mapping table is the one the adapters' maps produce", () => {
  expect(section('Error mapping')).toContain(errorMappingTable());
});

it('the generated table has a row for every kind and a column for every protocol', () => {
  const lines = errorMappingTable().split('\n');
  expect(lines).toHaveLength(2 + 8);
  for (const line of lines.slice(2)) expect(line.split('|').filter((c) => c.trim()).length).toBe(7);
});
