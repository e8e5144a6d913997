import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { createClients, type ClientVariant } from '../../src/clients/index.js';
import { envelope, post as soapPost, TNS } from '../soap/helpers.js';
import { ADMIN, startServer, type TestServer } from '../support/server.js';

/**
 * Finding 6: a name holding U+0001 was stored, and from then on every SOAP
 * ListUsers and REST XML list was malformed for every reader. XML 1.0 §2.2
 * cannot carry it, not even as `&#1;`. Such text is refused at validation in
 * every style, naming the field, and a value that got into storage anyway
 * is never written raw.
 */
let s: TestServer;
let token: string;
let clients: ReturnType<typeof createClients>;

beforeAll(async () => {
  s = await startServer();
  token = await s.token(ADMIN);
  clients = createClients(s.url);
});
afterAll(async () => {
  for (const c of Object.values(clients ?? {})) await c.close?.();
  await s?.close();
});

const ALL: ClientVariant[] = ['rest', 'graphql', 'jsonrpc', 'soap-1.1', 'soap-1.2', 'grpc'];
// Raw U+0001 cannot even travel in an XML request (its parser refuses the document), so SOAP gets U+FFFF, which
// UTF-8 carries and XML 1.0's Char production leaves out just the same.
const BAD: Record<ClientVariant, string[]> = {
  rest: ['\u0001', '\u001f', '\ud800', '\uffff'],
  graphql: ['\u0001', '\udc00', '\ufffe'],
  jsonrpc: ['\u0001', '\u000b', '\ud83d'],
  'soap-1.1': ['\uffff'],
  'soap-1.2': ['\ufffe'],
  grpc: ['\u0001', '\u0000', '\uffff'],
};

describe('characters XML cannot carry', () => {
  for (const style of ALL) {
    it(`${style}: createUser and createProduct refuse them with VALIDATION naming the field`, { timeout: 60_000 }, async () => {
      const client = clients[style];
      for (const [i, ch] of BAD[style].entries()) {
        const user = await client.call('createUser', { name: `Eve${ch}x`, email: `eve-${style}-${i}@example.com`, password: 'eve-password' }, token);
        expect(user, `${style} ${JSON.stringify(ch)}`).toMatchObject({ ok: false, kind: 'VALIDATION' });
        expect((user as { fields: string[] }).fields).toContain('name');
        const product = await client.call('createProduct', { name: `Wid${ch}get`, price: '1.00' }, token);
        expect(product).toMatchObject({ ok: false, kind: 'VALIDATION' });
        expect((product as { fields: string[] }).fields).toContain('name');
      }
      // Tab, newline and characters beyond the BMP are XML characters and still welcome.
      const fine = await client.call('createUser', { name: `Tab\tEve 😀`, email: `eve-${style}-ok@example.com`, password: 'eve-password' }, token);
      expect(fine, JSON.stringify(fine)).toMatchObject({ ok: true });
    });
  }

  it('REST updates are refused too (PATCH and PUT name the field)', { timeout: 60_000 }, async () => {
    const patch = await clients.rest.call('patchUser', { id: 2, name: 'Bob\u0008' }, token);
    expect(patch).toMatchObject({ ok: false, kind: 'VALIDATION', fields: ['name'] });
    const update = await clients.jsonrpc.call('updateUser', { id: 2, name: 'Bob\u0002', email: 'bob@example.com' }, token);
    expect(update).toMatchObject({ ok: false, kind: 'VALIDATION' });
  });

  it('a value already in storage never reaches an XML reader raw (SOAP ListUsers, REST XML list)', { timeout: 60_000 }, async () => {
    const db = s.app.container.get(TYPES.Database);
    await db.updateTable('users').set({ name: 'Mallory\u0001\ud800' }).where('id', '=', 2).execute();
    const soap = await soapPost(s.url, envelope('1.1', `<ListUsers xmlns="${TNS}"/>`), { token });
    expect(soap.status).toBe(200);
    expect(XMLValidator.validate(soap.text)).toBe(true);
    expect(soap.text).not.toMatch(/\u0001/);
    expect(soap.text).toContain('Mallory\ufffd\ufffd');
    const rest = await fetch(`${s.url}/api/v1/users`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/xml' } });
    expect(rest.status).toBe(200);
    const xml = await rest.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toMatch(/\u0001/);
    expect(xml).toContain('Mallory\ufffd\ufffd');
  });
});
