import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/infra/config.js';
import { startServer, type TestServer } from '../support/server.js';
import { envelope, faultOf, post, SOAP11, TNS } from './helpers.js';

/** The classic attack documents; each must come back as a plain Client fault with nothing expanded or read. */
const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body>
  <CreateProduct xmlns="${TNS}"><name>&lol9;</name><price>1</price></CreateProduct>
</soap:Body></soap:Envelope>`;

const XXE = `<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body>
  <CreateProduct xmlns="${TNS}"><name>&xxe;</name><price>1</price></CreateProduct>
</soap:Body></soap:Envelope>`;

const XXE_PARAMETER = `<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote; ]>
<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><GetUser xmlns="${TNS}"><id>1</id></GetUser></soap:Body></soap:Envelope>`;

/** Envelope > Body > GetUser > id > x… : `depth` elements counting the Envelope. */
function nested(depth: number): string {
  const inner = depth - 4;
  return envelope('1.1', `<GetUser xmlns="${TNS}"><id>${'<x>'.repeat(inner)}1${'</x>'.repeat(inner)}</id></GetUser>`);
}

describe('hostile XML', () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startServer({ bodyLimitBytes: 64 * 1024 });
    token = await s.token();
  });
  afterAll(() => s.close());

  it('billion laughs: the DTD is refused before anything expands', async () => {
    const r = await post(s.url, BILLION_LAUGHS, { token });
    expect(r.status).toBe(500);
    expect(faultOf(r)).toMatchObject({ code: 'soap:Client', kind: 'VALIDATION', message: 'DTDs and entity declarations are not accepted' });
    expect(r.text.length).toBeLessThan(1000);
    expect(r.text).not.toContain('lollol');
  });

  it('external entities (XXE, general and parameter) are never resolved', async () => {
    for (const doc of [XXE, XXE_PARAMETER]) {
      const r = await post(s.url, doc, { token });
      expect(faultOf(r).message).toBe('DTDs and entity declarations are not accepted');
      expect(r.text).not.toMatch(/root:|nologin/);
    }
    // Nothing was created with the file's content either.
    const list = await post(s.url, envelope('1.1', `<ListProducts xmlns="${TNS}"><limit>100</limit></ListProducts>`), { token });
    expect(list.text).not.toMatch(/root:/);
  });

  it(`nesting is capped at soap.maxDepth (default 32): depth 32 reaches the domain, 33 does not`, async () => {
    const at = await post(s.url, nested(32), { token });
    expect(faultOf(at)).toMatchObject({ kind: 'VALIDATION', fields: ['id'] });
    const over = await post(s.url, nested(33), { token });
    expect(faultOf(over)).toMatchObject({ code: 'soap:Client', kind: 'VALIDATION', message: 'XML nesting exceeds the limit of 32 levels' });
    const absurd = await post(s.url, `<a>`.repeat(8_000) + "</a>".repeat(8_000), { token });
    expect(faultOf(absurd).message).toBe('XML nesting exceeds the limit of 32 levels');
  });

  it('the depth limit is configurable', async () => {
    const shallow = await startServer({ soap: { ...testConfig().soap, maxDepth: 6 } });
    try {
      const t = await shallow.token();
      expect(faultOf(await post(shallow.url, nested(6), { token: t })).fields).toEqual(['id']);
      expect(faultOf(await post(shallow.url, nested(7), { token: t })).message).toBe('XML nesting exceeds the limit of 6 levels');
    } finally {
      await shallow.close();
    }
  });

  it('a body over bodyLimitBytes is refused with 413 and a fault, by Content-Length', async () => {
    const big = envelope('1.2', `<CreateProduct xmlns="${TNS}"><name>${'a'.repeat(70 * 1024)}</name><price>1</price></CreateProduct>`);
    const r = await post(s.url, big, { version: '1.2', token });
    expect(r.status).toBe(413);
    expect(r.headers.get('content-type')).toBe('application/soap+xml; charset=utf-8');
    expect(faultOf(r)).toMatchObject({ code: 'soap:Sender', kind: 'VALIDATION', message: 'Request body exceeds 65536 bytes' });
  });

  it('a body over bodyLimitBytes is refused with 413 while streaming, without Content-Length', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${s.url}/soap`, { method: 'POST', headers: { 'Content-Type': 'text/xml', 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      const chunk = '<x>' + 'a'.repeat(8 * 1024) + '</x>';
      req.write(`<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body>`);
      for (let i = 0; i < 10; i++) req.write(chunk);
      req.end('</soap:Body></soap:Envelope>');
    });
    expect(status).toBe(413);
  });

  it('element names cannot reach object prototypes', async () => {
    for (const name of ['__proto__', 'p:__proto__']) {
      const doc = envelope('1.1', `<ListUsers xmlns="${TNS}" xmlns:p="${TNS}"><${name}><polluted>yes</polluted></${name}></ListUsers>`);
      const r = await post(s.url, doc, { token });
      expect(r.status).toBe(500);
      expect(faultOf(r).code).toBe('soap:Client');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The parser refuses a bare <constructor>; a prefixed one is just an unknown field.
    const bare = await post(s.url, envelope('1.1', `<ListUsers xmlns="${TNS}"><constructor>x</constructor></ListUsers>`), { token });
    expect(faultOf(bare)).toMatchObject({ kind: 'VALIDATION', message: expect.stringContaining('constructor') });
    const prefixed = await post(s.url, envelope('1.1', `<p:ListUsers xmlns:p="${TNS}"><p:constructor>x</p:constructor></p:ListUsers>`), { token });
    expect(faultOf(prefixed)).toMatchObject({ kind: 'VALIDATION', fields: ['constructor'] });
  });
});
