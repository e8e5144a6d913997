import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { api } from './helpers.js';

const XML = { Accept: 'application/xml' };
const XML_BODY = { 'Content-Type': 'application/xml', Accept: 'application/xml' };
const parse = (text: string) => new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(text) as Record<string, any>;

describe('REST XML in and out', () => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startServer({ rest: { xmlMaxDepth: 8 } });
    admin = await s.token();
  });
  afterAll(() => s.close());

  it('Accept: application/xml returns a user as XML', async () => {
    const res = await api(s, '/users/1', { token: admin, headers: XML });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const text = await res.text();
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?><user>')).toBe(true);
    expect(parse(text).user).toEqual({
      id: '1',
      name: 'Alice',
      email: 'alice@example.com',
      role: 'user',
      createdAt: '2026-01-15T09:00:00.000Z',
      updatedAt: '2026-01-15T09:00:00.000Z',
      version: '1',
      links: { self: '/api/v1/users/1', orders: '/api/v1/users/1/orders' },
    });
  });

  it('text/xml is honoured with its own Content-Type', async () => {
    const res = await api(s, '/products/2', { token: admin, headers: { Accept: 'text/xml' } });
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(parse(await res.text()).product).toMatchObject({ id: '2', name: 'Mouse', price: '25.50' });
  });

  it('pages in XML: data items as repeated <i>, page and links beside them', async () => {
    const res = await api(s, '/users?limit=1', { token: admin, headers: XML });
    const doc = parse(await res.text()).users;
    expect(doc.data.i).toMatchObject({ id: '1', name: 'Alice' });
    expect(doc.page).toEqual({ limit: '1', offset: '0', total: '2' });
    expect(doc.links.next).toBe('/api/v1/users?limit=1&offset=1');
    const empty = parse(await (await api(s, '/users?offset=50', { token: admin, headers: XML })).text()).users;
    expect(empty.data).toBe('');
  });

  it('POST with an XML body creates a user; text values are typed by the schema', async () => {
    const body = '<?xml version="1.0"?><user><name>Charlie &amp; Co</name><email>charlie.xml@example.com</email><role>user</role></user>';
    const res = await api(s, '/users', { method: 'POST', token: admin, headers: XML_BODY, body });
    expect(res.status).toBe(201);
    const user = parse(await res.text()).user;
    expect(user).toMatchObject({ name: 'Charlie & Co', email: 'charlie.xml@example.com', version: '1' });
    expect(res.headers.get('location')).toBe(`/api/v1/users/${user.id}`);
  });

  it('PUT with an XML body, and numbers and lists in XML (an order)', async () => {
    const put = await api(s, '/products/2', {
      method: 'PUT',
      token: admin,
      headers: { 'Content-Type': 'application/xml' },
      body: '<product><name>Mouse</name><price>27.25</price></product>',
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ id: 2, name: 'Mouse', price: '27.25' });
    const order = await api(s, '/users/2/orders', {
      method: 'POST',
      token: admin,
      headers: { 'Content-Type': 'text/xml' },
      body: '<order><items><item><productId>1</productId><quantity>2</quantity></item><item><productId>2</productId><quantity>1</quantity></item></items></order>',
    });
    expect(order.status).toBe(201);
    expect(await order.json()).toMatchObject({ userId: 2, totalAmount: '127.25', items: [{ productId: 1, quantity: 2 }, { productId: 2, quantity: 1 }] });
    const single = await api(s, '/users/2/orders', {
      method: 'POST',
      token: admin,
      headers: { 'Content-Type': 'application/xml' },
      body: '<order><items><i><productId>1</productId><quantity>1</quantity></i></items></order>',
    });
    expect(single.status).toBe(201);
  });

  it('errors come back as application/problem+xml when XML is asked for', async () => {
    const res = await api(s, '/users', { method: 'POST', token: admin, headers: XML_BODY, body: '<user><name></name><email>bad</email></user>' });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+xml; charset=utf-8');
    const p = parse(await res.text()).problem;
    expect(p['@_xmlns']).toBe('urn:ietf:rfc:7807');
    expect(p).toMatchObject({ status: '422', code: 'VALIDATION' });
    expect(p.errors.i.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'name']);
  });

  it('refuses a DOCTYPE / entity declaration (no XXE, no entity expansion) without resolving anything', async () => {
    const hostile = [
      '<?xml version="1.0"?><!DOCTYPE user [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><user><name>&xxe;</name><email>x@example.com</email></user>',
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><user><name>&lol2;</name><email>y@example.com</email></user>',
      '<user><!ENTITY e "boom"><name>x</name></user>',
    ];
    for (const body of hostile) {
      const res = await api(s, '/users', { method: 'POST', token: admin, headers: { 'Content-Type': 'application/xml' }, body });
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).toContain('DOCTYPE and entity declarations are not accepted');
      expect(text).not.toContain('root:');
    }
    const users = (await (await api(s, '/users?limit=100', { token: admin })).json()) as { data: { email: string }[] };
    expect(users.data.map((u) => u.email)).not.toContain('x@example.com');
  });

  it('decodes character references; an undeclared entity is malformed XML (XML 1.0 §4.1), as in SOAP', async () => {
    const ok = await api(s, '/users', {
      method: 'POST',
      token: admin,
      headers: { 'Content-Type': 'application/xml' },
      body: '<user><name>Tom &amp; &#65;&#x42;</name><email>tom@example.com</email></user>',
    });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { name: string }).name).toBe('Tom & AB');
    const res = await api(s, '/users', {
      method: 'POST',
      token: admin,
      headers: { 'Content-Type': 'application/xml' },
      body: '<user><name>Tom &unknown;</name><email>tom2@example.com</email></user>',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Undeclared entity');
  });

  it('malformed XML and nesting past REST_XML_MAX_DEPTH are 400s', async () => {
    const broken = await api(s, '/users', { method: 'POST', token: admin, headers: { 'Content-Type': 'application/xml' }, body: '<user><name>x</user>' });
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain('Malformed XML');
    const deep = '<user>' + '<a>'.repeat(20) + 'x' + '</a>'.repeat(20) + '</user>';
    const tooDeep = await api(s, '/users', { method: 'POST', token: admin, headers: { 'Content-Type': 'application/xml' }, body: deep });
    expect(tooDeep.status).toBe(400);
    expect(await tooDeep.text()).toContain('Maximum nested tags exceeded');
  });
});
