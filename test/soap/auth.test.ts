import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { authentication, bodyOf, envelope, faultOf, post, TNS, usernameToken } from './helpers.js';

const createUser = (tag: string) => `<CreateUser xmlns="${TNS}"><name>New ${tag}</name><email>${tag}@auth.test</email></CreateUser>`;
const getOrder = (id: number) => `<GetOrder xmlns="${TNS}"><id>${id}</id></GetOrder>`;

describe('SOAP authentication', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it('WS-Security UsernameToken (PasswordText) authenticates, in SOAP 1.1 and 1.2', async () => {
    const v11 = await post(s.url, envelope('1.1', createUser('wsse11'), usernameToken('admin', 'admin-password')));
    expect(v11.status).toBe(200);
    expect(bodyOf(v11).CreateUserResponse.User.email).toBe('wsse11@auth.test');
    const v12 = await post(s.url, envelope('1.2', createUser('wsse12'), usernameToken('admin', 'admin-password')), { version: '1.2' });
    expect(v12.status).toBe(200);
  });

  it('a wrong UsernameToken password, a digest password or a Security header without a token is UNAUTHENTICATED', async () => {
    const wrong = await post(s.url, envelope('1.1', createUser('x1'), usernameToken('admin', 'nope')));
    expect(faultOf(wrong)).toMatchObject({ code: 'soap:Client', kind: 'UNAUTHENTICATED', message: 'Invalid username or password' });
    const digest = await post(s.url, envelope('1.2', createUser('x2'), usernameToken('admin', 'admin-password', 'PasswordDigest')), { version: '1.2' });
    expect(faultOf(digest)).toMatchObject({ code: 'soap:Sender', kind: 'UNAUTHENTICATED', message: 'Only the PasswordText password type is supported' });
    const empty = `<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"/>`;
    expect(faultOf(await post(s.url, envelope('1.1', createUser('x3'), empty))).kind).toBe('UNAUTHENTICATED');
  });

  it("the source material's <Authentication> header authenticates as that user", async () => {
    const own = await post(s.url, envelope('1.2', getOrder(1), authentication('alice@example.com', 'demo-password')), { version: '1.2' });
    expect(own.status).toBe(200);
    expect(bodyOf(own).GetOrderResponse.Order.userId).toBe('1');
    const bobs = await post(s.url, envelope('1.2', getOrder(3), authentication('alice@example.com', 'demo-password')), { version: '1.2' });
    expect(faultOf(bobs)).toMatchObject({ code: 'soap:Sender', kind: 'FORBIDDEN' });
    const bad = await post(s.url, envelope('1.1', getOrder(1), authentication('alice@example.com', 'wrong')));
    expect(faultOf(bad)).toMatchObject({ code: 'soap:Client', kind: 'UNAUTHENTICATED' });
    const blank = await post(s.url, envelope('1.1', getOrder(1), authentication('', '')));
    expect(faultOf(blank)).toMatchObject({ kind: 'UNAUTHENTICATED', fields: [] });
    const half = await post(s.url, envelope('1.1', getOrder(1), '<Authentication><username>admin</username></Authentication>'));
    expect(faultOf(half).message).toBe('Authentication header needs username and password');
  });

  it('Authorization: Bearer over HTTP authenticates; a bad token or none is UNAUTHENTICATED', async () => {
    const ok = await post(s.url, envelope('1.1', getOrder(1)), { token: await s.token(ALICE) });
    expect(ok.status).toBe(200);
    expect(faultOf(await post(s.url, envelope('1.1', getOrder(1)), { token: 'not.a.token' })).kind).toBe('UNAUTHENTICATED');
    const basic = await post(s.url, envelope('1.1', getOrder(1)), { headers: { Authorization: 'Basic YTpi' } });
    expect(faultOf(basic).kind).toBe('UNAUTHENTICATED');
    expect(faultOf(await post(s.url, envelope('1.1', getOrder(1)))).kind).toBe('UNAUTHENTICATED');
  });

  it('header credentials take precedence over the Authorization header', async () => {
    const r = await post(s.url, envelope('1.1', createUser('precedence'), usernameToken('admin', 'admin-password')), { token: await s.token(ALICE) });
    expect(r.status).toBe(200);
  });

  it('the soap npm client authenticates with its WSSecurity and addSoapHeader, as toolkits do', async () => {
    const wsse = await soap.createClientAsync(`${s.url}/soap?wsdl`);
    wsse.setSecurity(new soap.WSSecurity('admin', 'admin-password', { passwordType: 'PasswordText' }));
    const [created] = await wsse.CreateUserAsync({ name: 'Toolkit', email: 'toolkit@auth.test' });
    expect(created.User.email).toBe('toolkit@auth.test');
    expect(wsse.lastRequest).toContain('<wsse:UsernameToken');

    const legacy = await soap.createClientAsync(`${s.url}/soap?wsdl`, { forceSoap12Headers: true });
    legacy.addSoapHeader('<Authentication><username>alice@example.com</username><password>demo-password</password></Authentication>');
    const [order] = await legacy.GetOrderAsync({ id: 2 });
    expect(order.Order).toMatchObject({ id: 2, userId: 1 });
  });

  it('a verified credential pair is remembered briefly, so scrypt runs once; another password is checked for real', async () => {
    const auth = s.app.container.get(TYPES.DomainServices).auth;
    const login = vi.spyOn(auth, 'verifyPassword');
    try {
      const header = authentication('bob@example.com', 'demo-password');
      for (let i = 0; i < 3; i++) expect((await post(s.url, envelope('1.1', getOrder(3), header))).status).toBe(200);
      expect(login).toHaveBeenCalledTimes(1);
      const wrong = await post(s.url, envelope('1.1', getOrder(3), authentication('bob@example.com', 'demo-passwordX')));
      expect(faultOf(wrong).kind).toBe('UNAUTHENTICATED');
      expect(login).toHaveBeenCalledTimes(2);
    } finally {
      login.mockRestore();
    }
  });

  it('with the cache disabled every header-authenticated call checks the password', async () => {
    const uncached = await startServer({ auth: { cacheSize: 0, cacheTtlSeconds: 30 } });
    try {
      const login = vi.spyOn(uncached.app.container.get(TYPES.DomainServices).auth, 'verifyPassword');
      const header = authentication('bob@example.com', 'demo-password');
      for (let i = 0; i < 2; i++) expect((await post(uncached.url, envelope('1.1', getOrder(3), header))).status).toBe(200);
      expect(login).toHaveBeenCalledTimes(2);
    } finally {
      await uncached.close();
    }
  });
});
