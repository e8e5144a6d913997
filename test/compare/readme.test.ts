import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runComparison } from '../../src/compare/compare.js';
import { allStyles } from '../../src/compare/styles.js';
import { README_BEGIN, README_END, README_HEAD, README_STYLES, readmeBlock, replaceReadmeBlock } from '../../src/compare/tables.js';
import { ADMIN, startServer, type TestServer } from '../support/server.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

const NUMBER = /^\d{1,3}(,\d{3})*(\.\d+)?$/;
const PAIR = /^\d{1,3}(,\d{3})* \/ \d{1,3}(,\d{3})*$/;
/** What may stand in a figure's place: a number, a pair of them, or a word saying why there is none. */
const FIGURE = (pairs: boolean) => (v: string) => (pairs ? PAIR : NUMBER).test(v) || ['—', 'failed', 'n/a'].includes(v);

/** The shape of a comparison block (values are a run's, and vary): returns its rows by style label. */
function checkShape(block: string): Map<string, string[]> {
  const lines = block.split('\n').filter((l) => l.startsWith('|'));
  const cells = (l: string) => l.slice(1, -1).split(' | ').map((c) => c.trim());
  expect(cells(lines[0]!)).toEqual(README_HEAD);
  expect(lines[1]).toBe('|---|---:|---:|---:|---:|---:|---|');
  const rows = new Map(lines.slice(2).map((l) => [cells(l)[0]!, cells(l)]));
  // The source material's rows, in its order, then any other registered style.
  const extra = allStyles().filter((s) => !README_STYLES.some((r) => r.id === s.id));
  expect([...rows.keys()]).toEqual([...README_STYLES.map((s) => s.label), ...extra.map((s) => s.label)]);
  for (const [label, row] of rows) {
    expect(row, label).toHaveLength(README_HEAD.length);
    const [, getBytes, nestedBytes, nestedTrips, p50, cpu] = row;
    expect(getBytes, label).toSatisfy(FIGURE(true));
    expect(nestedBytes, label).toSatisfy(FIGURE(true));
    for (const v of [nestedTrips, p50, cpu]) expect(v, label).toSatisfy(FIGURE(false));
  }
  return rows;
}

describe("README's comparison table", () => {
  it('is there, between the generator markers, in the documented shape, with the charts of the same run', () => {
    const start = readme.indexOf(README_BEGIN);
    const end = readme.indexOf(README_END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const block = readme.slice(start, end);
    expect(block).toMatch(/^Measured \d{4}-\d\d-\d\d, \d+ × .+, Node v\d+/m);
    const rows = checkShape(block);
    // Every registered style took part in that run (figures, or a word saying why not): a newly registered one needs a new run.
    for (const s of allStyles()) {
      expect(rows.get(s.label)!.slice(1, 6), `no figures for ${s.label}: run npm run compare -- --iterations 200 --readme`).not.toEqual(['—', '—', '—', '—', '—']);
    }
    for (const chart of ['bytes', 'round-trips', 'latency', 'cpu']) expect(block).toContain(`![${chart}](docs/compare/${chart}.svg)`);
    expect(readFileSync(new URL(`../../docs/compare/bytes.svg`, import.meta.url), 'utf8')).toMatch(/^<svg/);
  });
});

describe('the generator', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it('writes a block of the same shape from a real run, and replaces only the block', async () => {
    const report = await runComparison({ url: s.url, embedded: false, credentials: ADMIN, scenarios: ['get-user', 'nested-read'], iterations: 2, warmup: 1, concurrency: 1, warmRuns: 1 });
    const block = readmeBlock(report, 'docs/compare');
    const rows = checkShape(block);
    expect(rows.get('gRPC')!.slice(1, 6)).toEqual(allStyles().some((x) => x.id === 'grpc') ? expect.any(Array) : ['—', '—', '—', '—', '—']);
    expect(rows.get('GraphQL')![3]).toBe('1');
    expect(block).toMatch(/^- Round trips for the nested read — GraphQL: 1; JSON-RPC: 2; REST, SOAP 1\.1, SOAP 1\.2(, gRPC)?: 4\.$/m);
    const replaced = replaceReadmeBlock(`# x\n\n${README_BEGIN}\nold\n${README_END}\n\n## after\n`, block);
    expect(replaced).toBe(`# x\n\n${block}\n\n## after\n`);
    expect(() => replaceReadmeBlock('# no markers', block)).toThrow(/no comparison block markers/);
  });
});
