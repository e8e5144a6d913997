import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../graphql/helpers.js';
import { call, openSocket, post as rpc } from '../jsonrpc/support.js';
import { api, problem } from '../rest/helpers.js';
import { envelope, faultLanguage, faultOf, post as soap } from '../soap/helpers.js';
import { ALICE, startServer, type TestServer } from '../support/server.js';

/**
 * Accept-Language in every style: the same failure reads in Russian when
 * the client asks for it, in English otherwise, and says which it is
 * (Content-Language, SOAP's xml:lang). Codes and kinds never change.
 */
let s: TestServer;
let admin: string;
let alice: string;
const RU = { 'Accept-Language': 'ru-RU,ru;q=0.9,en;q=0.5' };

beforeAll(async () => {
  s = await startServer();
  admin = await s.token();
  alice = await s.token(ALICE);
});
afterAll(() => s.close());

describe('REST', () => {
  it('problem title, detail and field messages follow Accept-Language, with Content-Language', async () => {
    const missing = await api(s, '/users/999', { token: admin, headers: RU });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-language')).toBe('ru');
    expect(missing.headers.get('vary')).toContain('Accept-Language');
    expect(await problem(missing)).toMatchObject({ title: 'Не найдено', detail: 'Пользователь 999 не найден', code: 'NOT_FOUND' });

    const invalid = await api(s, '/users', { method: 'POST', token: admin, headers: RU, body: { name: '', email: 'nope' } });
    const p = await problem(invalid);
    expect(p).toMatchObject({ status: 422, title: 'Некорректный запрос', code: 'VALIDATION' });
    expect(p.errors).toEqual([
      { field: 'name', message: 'не должно быть пустым' },
      { field: 'email', message: 'должно быть адресом электронной почты' },
    ]);
    expect(p.detail).toBe('Некорректные данные: name: не должно быть пустым; email: должно быть адресом электронной почты');
  });

  it('HTTP-level refusals too (401, 405, 406, 415)', async () => {
    expect(await problem(await api(s, '/users', { headers: RU }))).toMatchObject({ status: 401, detail: 'Требуется аутентификация: передайте Authorization: Bearer <token>' });
    expect(await problem(await api(s, '/users', { method: 'PUT', token: admin, headers: RU }))).toMatchObject({
      status: 405,
      title: 'Метод не разрешён',
      detail: 'Метод PUT не разрешён для /api/v1/users; разрешены: GET, HEAD, POST, OPTIONS',
    });
    expect(await problem(await api(s, '/users/1', { token: admin, headers: { ...RU, Accept: 'image/png' } }))).toMatchObject({ status: 406, title: 'Неприемлемый формат' });
    const wrongType = await api(s, '/users', { method: 'POST', token: admin, headers: { ...RU, 'Content-Type': 'text/plain' }, body: 'x' });
    expect(await problem(wrongType)).toMatchObject({ status: 415, detail: expect.stringMatching(/^Content-Type text\/plain здесь не поддерживается/) });
  });

  it('an unknown language falls back to English; no header is English', async () => {
    for (const headers of [{ 'Accept-Language': 'fr-FR, de;q=0.8' }, {}] as Record<string, string>[]) {
      const res = await api(s, '/users/999', { token: admin, headers });
      expect(res.headers.get('content-language')).toBe('en');
      expect(await problem(res)).toMatchObject({ title: 'Not Found', detail: 'User 999 not found' });
    }
  });

  it('problem+xml is localised the same way', async () => {
    const res = await api(s, '/users/999', { token: admin, headers: { ...RU, Accept: 'application/xml' } });
    expect(res.headers.get('content-type')).toContain('application/problem+xml');
    expect(await res.text()).toContain('<detail>Пользователь 999 не найден</detail>');
  });
});

describe('GraphQL', () => {
  const ru = (query: string, token?: string) =>
    fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...RU, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });

  it('domain errors: message and field messages in Russian, extensions.code unchanged', async () => {
    const res = await ru('mutation { createUser(name: "", email: "nope") { id } }', admin);
    expect(res.headers.get('content-language')).toBe('ru');
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string; fields: unknown[] } }[] };
    expect(body.errors[0]).toMatchObject({
      message: 'Некорректные данные: name: не должно быть пустым; email: должно быть адресом электронной почты',
      extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'name', message: 'не должно быть пустым' }, { field: 'email', message: 'должно быть адресом электронной почты' }] },
    });
    const forbidden = (await (await ru('mutation { createProduct(name: "X", price: "1.00") { id } }', alice)).json()) as { errors: { message: string }[] };
    expect(forbidden.errors[0]!.message).toBe('Это могут делать только администраторы');
  });

  it('request-level errors: a refused token and a query over a limit', async () => {
    const badToken = (await (await ru('{ products { total } }', 'not-a-token')).json()) as { errors: { message: string }[] };
    expect(badToken.errors[0]!.message).toBe('Токен недействителен или истёк');
    const wide = `{ users { items { id ${'name '.repeat(1200)} } } }`;
    const limited = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...RU, Authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: wide }),
    });
    expect(limited.headers.get('content-language')).toBe('ru');
    const tooWide = (await limited.json()) as { errors: { message: string; extensions: { limit: string } }[] };
    expect(tooWide.errors[0]).toMatchObject({ message: 'Запрос выбирает 1203 поля, больше максимума 1000', extensions: { limit: 'maxComplexity' } });
    // The same document from an English reader, served from the document cache: English again.
    const english = await gql(s.url, wide, { token: admin });
    expect(english.body.errors![0]!.message).toBe('Query selects 1203 fields, more than the maximum of 1000');
  });

  it('answers without errors carry no Content-Language', async () => {
    const res = await ru('{ product(id: 1) { name } }', admin);
    expect(res.headers.get('content-language')).toBeNull();
  });
});

describe('JSON-RPC', () => {
  it('error.message in Russian for domain and protocol errors, codes unchanged', async () => {
    const r = await rpc(
      s.url,
      [call('getUser', { id: 999 }, 1), call('nope', {}, 2), call('getUser', { id: 1 }, 3), { jsonrpc: '2.0', method: 1, id: 4 }],
      { token: admin, headers: RU },
    );
    expect(r.headers.get('content-language')).toBe('ru');
    expect(r.body).toEqual([
      { jsonrpc: '2.0', id: 1, error: { code: -32004, message: 'Пользователь 999 не найден', data: { kind: 'NOT_FOUND' } } },
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'Метод не найден' } },
      { jsonrpc: '2.0', id: 3, result: expect.objectContaining({ id: 1 }) },
      { jsonrpc: '2.0', id: 4, error: { code: -32600, message: 'Некорректный запрос' } },
    ]);
    expect((await rpc(s.url, '{oops', { headers: RU })).body).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Ошибка разбора' } });
    const wrongMethod = await rpc(s.url, '', { method: 'GET', headers: RU });
    expect(wrongMethod.body.error.message).toBe('Запросы JSON-RPC отправляются методом POST');
  });

  it('only answers holding an error say Content-Language', async () => {
    const fine = await rpc(s.url, call('getProduct', { id: 1 }), { token: admin, headers: RU });
    expect(fine.headers.get('content-language')).toBeNull();
    const english = await rpc(s.url, call('getUser', { id: 999 }), { token: admin });
    expect(english.headers.get('content-language')).toBe('en');
    expect(english.body.error.message).toBe('User 999 not found');
  });

  it('over WebSocket, the upgrade request\'s Accept-Language holds for the socket', async () => {
    const c = await openSocket(s.url, { token: alice, headers: RU });
    c.send(call('createProduct', { name: 'X', price: '1.00' }));
    expect((await c.next()).error).toEqual({ code: -32003, message: 'Это могут делать только администраторы', data: { kind: 'FORBIDDEN' } });
    c.close();
  });
});

describe('SOAP', () => {
  const getMissing = `<GetUser xmlns="http://polyface.dev/user-service"><id>999</id></GetUser>`;

  it.each(['1.1', '1.2'] as const)('SOAP %s: faultstring / Reason with xml:lang, the detail and field messages in Russian', async (version) => {
    const missing = await soap(s.url, envelope(version, getMissing), { version, token: admin, headers: RU });
    expect(missing.status).toBe(500);
    expect(missing.headers.get('content-language')).toBe('ru');
    expect(faultLanguage(missing)).toBe('ru');
    expect(faultOf(missing)).toMatchObject({ reason: 'Пользователь 999 не найден', kind: 'NOT_FOUND', message: 'Пользователь 999 не найден' });

    const invalid = `<CreateUser xmlns="http://polyface.dev/user-service"><name>Ann</name><email>nope</email></CreateUser>`;
    const r = await soap(s.url, envelope(version, invalid), { version, token: admin, headers: RU });
    expect(faultOf(r).message).toBe('Некорректные данные: email: должно быть адресом электронной почты');
    expect(r.xml.Envelope.Body.Fault[version === '1.1' ? 'detail' : 'Detail'].ServiceFault.fields).toEqual([{ field: 'email', message: 'должно быть адресом электронной почты' }]);

    // The SOAP layer's own faults too.
    const noBody = await soap(s.url, `<?xml version="1.0"?><soap:Envelope xmlns:soap="${version === '1.1' ? 'http://schemas.xmlsoap.org/soap/envelope/' : 'http://www.w3.org/2003/05/soap-envelope'}"/>`, { version, headers: RU });
    expect(faultOf(noBody).reason).toBe('В конверте нет Body');
  });

  it('English by default, xml:lang="en"', async () => {
    const missing = await soap(s.url, envelope('1.1', getMissing), { token: admin });
    expect(faultLanguage(missing)).toBe('en');
    expect(faultOf(missing).reason).toBe('User 999 not found');
  });
});
