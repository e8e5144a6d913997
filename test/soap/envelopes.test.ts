import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { DomainError } from '../../src/domain/errors.js';
import { startServer, type TestServer } from '../support/server.js';
import { bodyOf, envelope, faultOf, post, SOAP11, SOAP12, TNS } from './helpers.js';

/** Raw SOAP 1.1 and 1.2 envelopes over fetch: what a hand-rolled client or curl sends. */
describe('raw envelopes', () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startServer();
    token = await s.token();
  });
  afterAll(() => s.close());

  const getUser = (id: number | string, ns = TNS) => `<GetUser xmlns="${ns}"><id>${id}</id></GetUser>`;

  it('SOAP 1.1: text/xml in and out, SOAPAction honoured', async () => {
    const r = await post(s.url, envelope('1.1', getUser(1)), { version: '1.1', action: `${TNS}/GetUser`, token });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(r.text).toContain(`<soap:Envelope xmlns:soap="${SOAP11}">`);
    expect(bodyOf(r).GetUserResponse.User).toMatchObject({ id: '1', name: 'Alice', email: 'alice@example.com' });
  });

  it('SOAP 1.2: application/soap+xml in and out, action parameter honoured', async () => {
    const r = await post(s.url, envelope('1.2', getUser(2)), { version: '1.2', action: `${TNS}/GetUser`, token });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/soap+xml; charset=utf-8');
    expect(r.text).toContain(`<soap:Envelope xmlns:soap="${SOAP12}">`);
    expect(bodyOf(r).GetUserResponse.User).toMatchObject({ id: '2', name: 'Bob' });
  });

  it('an empty or absent SOAPAction, or the bare operation name, is fine: the body element decides', async () => {
    for (const action of [undefined, '', 'GetUser']) {
      const r = await post(s.url, envelope('1.1', getUser(1)), { action, token });
      expect(r.status).toBe(200);
    }
  });

  it("the source material's namespace is accepted and answered in kind", async () => {
    const r = await post(s.url, envelope('1.2', getUser(1, 'http://example.com/user-service')), { version: '1.2', token });
    expect(r.status).toBe(200);
    expect(r.text).toContain('<GetUserResponse xmlns="http://example.com/user-service"><User><id>1</id><name>Alice</name>');
  });

  it('domain faults: HTTP 500, Client (1.1) / Sender (1.2) with the typed detail', async () => {
    const v11 = await post(s.url, envelope('1.1', getUser(42)), { token });
    expect(v11.status).toBe(500);
    expect(v11.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(faultOf(v11)).toEqual({ code: 'soap:Client', reason: 'User 42 not found', kind: 'NOT_FOUND', message: 'User 42 not found', fields: [] });
    const v12 = await post(s.url, envelope('1.2', getUser(42)), { version: '1.2', token });
    expect(v12.status).toBe(500);
    expect(v12.headers.get('content-type')).toBe('application/soap+xml; charset=utf-8');
    expect(faultOf(v12)).toMatchObject({ code: 'soap:Sender', kind: 'NOT_FOUND' });
    expect(v12.text).toContain('<soap:Text xml:lang="en">User 42 not found</soap:Text>');
  });

  it('server-side failures are Server/Receiver faults that never show the internal cause', async () => {
    const users = s.app.container.get(TYPES.DomainServices).users;
    const spy = vi.spyOn(users, 'get').mockRejectedValue(new Error('disk on fire at /var/secret'));
    try {
      const v11 = await post(s.url, envelope('1.1', getUser(1)), { token });
      expect(faultOf(v11)).toMatchObject({ code: 'soap:Server', kind: 'INTERNAL', message: 'Internal server error' });
      const v12 = await post(s.url, envelope('1.2', getUser(1)), { version: '1.2', token });
      expect(faultOf(v12)).toMatchObject({ code: 'soap:Receiver', kind: 'INTERNAL' });
      expect(v11.text + v12.text).not.toContain('secret');
      spy.mockRejectedValue(new DomainError('RATE_LIMITED', 'Slow down', { retryAfter: 30 }));
      const limited = await post(s.url, envelope('1.1', getUser(1)), { token });
      expect(faultOf(limited)).toMatchObject({ code: 'soap:Server', kind: 'RATE_LIMITED' });
      expect(bodyOf(limited).Fault.detail.ServiceFault.retryAfter).toBe('30');
    } finally {
      spy.mockRestore();
    }
  });

  it('malformed XML is a Client fault saying where', async () => {
    for (const body of ['<soap:Envelope xmlns:soap="' + SOAP11 + '"><soap:Body><GetUser>', 'not xml at all', '<a><b>x</a>', '']) {
      const r = await post(s.url, body, { token });
      expect(r.status).toBe(500);
      expect(faultOf(r)).toMatchObject({ code: 'soap:Client', kind: 'VALIDATION', message: expect.stringMatching(/^Malformed XML/) });
    }
    const entity = await post(s.url, envelope('1.1', `<GetUser xmlns="${TNS}"><id>&unknown;</id></GetUser>`), { token });
    expect(faultOf(entity).message).toMatch(/Undeclared entity &unknown;/);
  });

  it('a wrong envelope namespace is a VersionMismatch fault; SOAP 1.2 lists the supported envelopes', async () => {
    const body = `<soap:Envelope xmlns:soap="http://example.com/not-soap"><soap:Body>${getUser(1)}</soap:Body></soap:Envelope>`;
    const v11 = await post(s.url, body, { token });
    expect(v11.status).toBe(500);
    expect(faultOf(v11)).toMatchObject({ code: 'soap:VersionMismatch', kind: 'VALIDATION' });
    const v12 = await post(s.url, body, { version: '1.2', token });
    expect(v12.headers.get('content-type')).toMatch(/^application\/soap\+xml/);
    expect(faultOf(v12).code).toBe('soap:VersionMismatch');
    expect(v12.xml.Envelope.Header.Upgrade.SupportedEnvelope).toHaveLength(2);
    const notEnvelope = await post(s.url, getUser(1), { token });
    expect(faultOf(notEnvelope)).toMatchObject({ code: 'soap:Client', message: 'Expected a SOAP Envelope, found <GetUser>' });
  });

  it('an unknown operation, a foreign namespace or an unknown or contradicting SOAPAction is a Client fault', async () => {
    const unknown = await post(s.url, envelope('1.1', `<FlyToMoon xmlns="${TNS}"/>`), { token });
    expect(faultOf(unknown)).toMatchObject({ code: 'soap:Client', kind: 'NOT_FOUND', message: `Unknown operation {${TNS}}FlyToMoon` });
    const foreign = await post(s.url, envelope('1.1', '<GetUser xmlns="urn:other"><id>1</id></GetUser>'), { token });
    expect(faultOf(foreign)).toMatchObject({ kind: 'NOT_FOUND', message: expect.stringContaining(`operations are in namespace ${TNS}`) });
    const unqualified = await post(s.url, envelope('1.1', '<GetUser><id>1</id></GetUser>'), { token });
    expect(faultOf(unqualified).kind).toBe('NOT_FOUND');
    const badAction = await post(s.url, envelope('1.1', getUser(1)), { action: `${TNS}/Nope`, token });
    expect(faultOf(badAction)).toMatchObject({ code: 'soap:Client', kind: 'NOT_FOUND', message: `Unknown SOAPAction "${TNS}/Nope"` });
    const mismatch = await post(s.url, envelope('1.1', getUser(1)), { action: `${TNS}/DeleteUser`, token });
    expect(faultOf(mismatch)).toMatchObject({ kind: 'VALIDATION', message: expect.stringContaining('does not match the body element GetUser') });
    const mismatch12 = await post(s.url, envelope('1.2', getUser(1)), { version: '1.2', action: `${TNS}/DeleteUser`, token });
    expect(faultOf(mismatch12)).toMatchObject({ code: 'soap:Sender', kind: 'VALIDATION' });
  });

  it('a body that does not match the schema is a Client fault with VALIDATION field errors', async () => {
    const extra = await post(s.url, envelope('1.1', `<GetUser xmlns="${TNS}"><id>1</id><nickname>x</nickname></GetUser>`), { token });
    expect(faultOf(extra)).toMatchObject({ code: 'soap:Client', kind: 'VALIDATION', fields: ['nickname'] });
    const wrongType = await post(s.url, envelope('1.2', `<GetUser xmlns="${TNS}"><id>one</id></GetUser>`), { version: '1.2', token });
    expect(faultOf(wrongType)).toMatchObject({ code: 'soap:Sender', kind: 'VALIDATION', fields: ['id'] });
    const text = await post(s.url, envelope('1.1', `<GetUser xmlns="${TNS}">1</GetUser>`), { token });
    expect(faultOf(text).message).toBe('<GetUser> must hold child elements, not text');
    const two = await post(s.url, envelope('1.1', getUser(1) + getUser(2)), { token });
    expect(faultOf(two).message).toBe('The Body must hold exactly one operation element, found 2');
    const noBody = await post(s.url, `<soap:Envelope xmlns:soap="${SOAP11}"/>`, { token });
    expect(faultOf(noBody).message).toBe('The envelope has no Body');
  });

  it('an unknown header marked mustUnderstand is a MustUnderstand fault; an optional one is ignored', async () => {
    const header = (mu: string) => `<x:Trace xmlns:x="urn:trace" soap:mustUnderstand="${mu}">abc</x:Trace>`;
    const v11 = await post(s.url, envelope('1.1', getUser(1), header('1')), { token });
    expect(faultOf(v11)).toMatchObject({ code: 'soap:MustUnderstand' });
    const v12 = await post(s.url, envelope('1.2', getUser(1), header('true')), { version: '1.2', token });
    expect(faultOf(v12).code).toBe('soap:MustUnderstand');
    expect(v12.text).toContain('<soap:NotUnderstood qname="h:Trace" xmlns:h="urn:trace"/>');
    expect((await post(s.url, envelope('1.1', getUser(1), header('0')), { token })).status).toBe(200);
  });

  it('other content types are refused with 415', async () => {
    const r = await post(s.url, envelope('1.1', getUser(1)), { token, headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(415);
    expect(faultOf(r).message).toMatch(/text\/xml \(SOAP 1.1\) or application\/soap\+xml \(SOAP 1.2\)/);
  });

  it('XML text becomes typed input: repeated and single elements, entities, CDATA, xsi:nil, defaults', async () => {
    const order = (items: string) => envelope('1.1', `<CreateOrder xmlns="${TNS}"><userId>2</userId>${items}</CreateOrder>`);
    const item = (p: number, q: number) => `<items><productId>${p}</productId><quantity>${q}</quantity></items>`;
    const one = await post(s.url, order(item(2, 3)), { token });
    expect(bodyOf(one).CreateOrderResponse.Order).toMatchObject({ userId: '2', totalAmount: '76.50' });
    const two = await post(s.url, order(item(1, 1) + item(2, 2)), { token });
    expect(bodyOf(two).CreateOrderResponse.Order.items).toHaveLength(2);
    expect(bodyOf(two).CreateOrderResponse.Order.totalAmount).toBe('101.00');

    const name = 'Salt &amp; Pepper &#233;&#x2603; <![CDATA[<b>&amp;</b>]]>';
    const product = await post(s.url, envelope('1.2', `<CreateProduct xmlns="${TNS}"><name>${name}</name><price>1.5</price></CreateProduct>`), { version: '1.2', token });
    expect(product.status).toBe(200);
    expect(product.text).toContain('<name>Salt &amp; Pepper é☃ &lt;b&gt;&amp;amp;&lt;/b&gt;</name><price>1.50</price>');

    const xsi = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
    const list = await post(s.url, envelope('1.1', `<ListUsers xmlns="${TNS}" ${xsi}><name xsi:nil="true"/></ListUsers>`), { token });
    expect(bodyOf(list).ListUsersResponse.UserPage).toMatchObject({ total: '2', limit: '10', offset: '0' });
    const empty = await post(s.url, envelope('1.1', `<ListProducts xmlns="${TNS}"/>`), { token });
    expect(bodyOf(empty).ListProductsResponse.ProductPage.items.length).toBeGreaterThanOrEqual(2);
  });
});
