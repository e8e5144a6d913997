import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/infra/config.js';
import { EnvelopeReader } from '../../src/protocols/soap/envelope.js';
import { startServer, type TestServer } from '../support/server.js';
import { envelope, faultOf, post, TNS } from '../soap/helpers.js';

/**
 * Issue 10, finding 8: CPU before authentication. An anonymous 1 MB envelope
 * with 100k attributes cost 0.7–1.4 s of the one event loop (validator pass +
 * parser). The envelope reader now counts elements and attributes while it
 * reads and stops at the limit, so the refusal costs the scan up to the
 * limit. These tests assert the refusal and which limit it names; how long
 * it takes is printed by `npx tsx bench/soap-refusal.ts`, not asserted.
 */
const attributes = (n: number) => Array.from({ length: n }, (_, i) => `a${i}="1"`).join(' ');

describe('SOAP element and attribute limits (finding 8)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ bodyLimitBytes: 2 * 1024 * 1024 });
  });
  afterAll(() => s.close());

  it('an anonymous 1 MB envelope with 100k attributes is refused, naming the attribute limit', async () => {
    const doc = envelope('1.1', `<GetUser xmlns="${TNS}" ${attributes(100_000)}><id>1</id></GetUser>`);
    expect(doc.length).toBeGreaterThan(1_000_000);
    const r = await post(s.url, doc);
    expect(r.status).toBe(500);
    expect(faultOf(r)).toMatchObject({ code: 'soap:Client', kind: 'VALIDATION', message: 'The envelope has more than 2000 attributes (the limit)' });
  });

  it('attributes spread over many elements count together; namespace declarations count', async () => {
    const items = `<x xmlns:p="urn:p" b="1"/>`.repeat(1001);
    const r = await post(s.url, envelope('1.1', `<GetUser xmlns="${TNS}"><id>1</id>${items}</GetUser>`));
    expect(faultOf(r).message).toBe('The envelope has more than 2000 attributes (the limit)');
  });

  it('an anonymous envelope with 200k empty elements is refused, naming the element limit', async () => {
    const r = await post(s.url, envelope('1.1', `<GetUser xmlns="${TNS}"><id>1</id>${'<x/>'.repeat(200_000)}</GetUser>`));
    expect(r.status).toBe(500);
    expect(faultOf(r)).toMatchObject({ code: 'soap:Client', kind: 'VALIDATION', message: 'The envelope has more than 10000 elements (the limit)' });
  });

  it('the limits are configurable (SOAP_MAX_ELEMENTS, SOAP_MAX_ATTRIBUTES) and an envelope at a limit is read', async () => {
    const small = await startServer({ soap: { ...testConfig().soap, maxElements: 6, maxAttributes: 3 } });
    try {
      const token = await small.token();
      // Six elements (Envelope, Body, GetUser, id, x, y) and three attributes (xmlns:soap, xmlns, a): read, and
      // refused by the domain for its unknown fields rather than by the reader.
      const at = envelope('1.1', `<GetUser xmlns="${TNS}" a="1"><id>1</id><x/><y/></GetUser>`);
      const atLimit = await post(small.url, at, { token });
      expect(faultOf(atLimit)).toMatchObject({ kind: 'VALIDATION', fields: ['x', 'y'] });
      const elements = await post(small.url, envelope('1.1', `<GetUser xmlns="${TNS}"><id>1</id><x/><y/><z/></GetUser>`), { token });
      expect(faultOf(elements).message).toBe('The envelope has more than 6 elements (the limit)');
      const attrs = await post(small.url, envelope('1.1', `<GetUser xmlns="${TNS}" a="1" b="2"><id>1</id></GetUser>`), { token });
      expect(faultOf(attrs).message).toBe('The envelope has more than 3 attributes (the limit)');
    } finally {
      await small.close();
    }
  });

  it('the reader stops at the limit: it never looks past the first attribute over it', () => {
    const reader = new EnvelopeReader({ maxDepth: 32, maxElements: 10, maxAttributes: 2 });
    // Malformed after the attribute over the limit (xmlns:soap, a, then b): a reader that scanned on would report the broken markup instead.
    const doc = `<soap:Envelope xmlns:soap="urn:x" a="1" b="2" <<<< not xml`.replace('<<<<', 'c="3" <<<<');
    expect(() => reader.parse(doc)).toThrow('The envelope has more than 2 attributes (the limit)');
  });
});
