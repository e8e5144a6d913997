import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runtimeFixture, type RuntimeFixture } from '../../../test/support/runtime.js';
import { buildContract } from './contract.js';
import { SoapCore, type SoapRequest } from './core.js';
import { ENVELOPE_NS, TNS } from './spec.js';

/**
 * The SOAP core with plain request records in and reply records out, no
 * HTTP: envelope rules, dispatch, credentials and faults. The binding's tests
 * (test/soap/) cover the WSDL, HTTP statuses and real SOAP toolkits.
 */
let f: RuntimeFixture;
let core: SoapCore;
let admin: string;

beforeAll(async () => {
  f = await runtimeFixture();
  core = new SoapCore(f.runtime, buildContract(), { maxDepth: 32, maxElements: 10_000, maxAttributes: 2_000 });
  admin = await f.token();
});
afterAll(() => f.close());

const envelope = (version: '1.1' | '1.2', body: string, header = '') =>
  `<?xml version="1.0"?><soap:Envelope xmlns:soap="${ENVELOPE_NS[version]}">${header ? `<soap:Header>${header}</soap:Header>` : ''}<soap:Body>${body}</soap:Body></soap:Envelope>`;
const getUser = (id: number, ns = TNS) => `<GetUser xmlns="${ns}"><id>${id}</id></GetUser>`;
const request = (body: string, more: Partial<SoapRequest> = {}): SoapRequest => ({
  body,
  contentType: 'text/xml; charset=utf-8',
  soapAction: undefined,
  authorization: undefined,
  ...more,
});

describe('SoapCore', () => {
  it('SOAP 1.1 with a bearer token: a GetUserResponse in text/xml', async () => {
    const reply = await core.handle(request(envelope('1.1', getUser(1)), { authorization: `Bearer ${admin}` }), f.init());
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('text/xml; charset=utf-8');
    expect(reply.body).toContain(`<GetUserResponse xmlns="${TNS}"><User><id>1</id><name>Alice</name><email>alice@example.com</email>`);
  });

  it("SOAP 1.2 with the source material's <Authentication> header, in the source material's namespace", async () => {
    const legacy = 'http://example.com/user-service';
    const header = '<Authentication><username>alice@example.com</username><password>demo-password</password></Authentication>';
    const reply = await core.handle(request(envelope('1.2', getUser(2, legacy), header), { contentType: 'application/soap+xml; charset=utf-8' }), f.init());
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('application/soap+xml; charset=utf-8');
    expect(reply.body).toContain(`<GetUserResponse xmlns="${legacy}"><User><id>2</id><name>Bob</name>`);
  });

  it('header credentials go through the runtime\'s one credential path: the password is checked once, then cached', async () => {
    const verify = vi.spyOn(f.services.auth, 'verifyPassword');
    const header = '<Authentication><username>bob@example.com</username><password>demo-password</password></Authentication>';
    for (let i = 0; i < 3; i++) expect((await core.handle(request(envelope('1.1', getUser(1), header)), f.init())).status).toBe(200);
    expect(verify).toHaveBeenCalledTimes(1);
    verify.mockRestore();
  });

  it('reads the SOAP 1.2 action from the Content-Type and refuses one that names another operation', async () => {
    const ct = (action: string) => `application/soap+xml; charset=utf-8; action="${action}"`;
    const ok = await core.handle(request(envelope('1.2', getUser(1)), { contentType: ct(`${TNS}/GetUser`), authorization: `Bearer ${admin}` }), f.init());
    expect(ok.status).toBe(200);
    const wrong = await core.handle(request(envelope('1.2', getUser(1)), { contentType: ct(`${TNS}/DeleteUser`), authorization: `Bearer ${admin}` }), f.init());
    expect(wrong.status).toBe(500);
    expect(wrong.body).toContain('<soap:Value>soap:Sender</soap:Value>');
    expect(wrong.body).toContain('does not match the body element GetUser');
  });

  it('faults: domain errors as typed details, malformed XML, DTDs, and a wrong media type', async () => {
    const missing = await core.handle(request(envelope('1.1', getUser(999)), { authorization: `Bearer ${admin}` }), f.init());
    expect(missing.status).toBe(500);
    expect(missing.body).toContain('<faultcode>soap:Client</faultcode><faultstring xml:lang="en">User 999 not found</faultstring>');
    expect(missing.body).toContain('<kind>NOT_FOUND</kind>');
    const anonymous = await core.handle(request(envelope('1.1', getUser(1))), f.init());
    expect(anonymous.body).toContain('<kind>UNAUTHENTICATED</kind>');
    expect((await core.handle(request('<soap:Envelope'), f.init())).body).toContain('Malformed XML');
    const dtd = await core.handle(request(`<!DOCTYPE x [<!ENTITY a "b">]>${envelope('1.1', getUser(1))}`), f.init());
    expect(dtd.body).toContain('DTDs and entity declarations are not accepted');
    const json = await core.handle(request('{}', { contentType: 'application/json' }), f.init());
    expect(json.status).toBe(415);
  });
});
