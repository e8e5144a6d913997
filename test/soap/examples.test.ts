import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { bodyOf, faultOf, post, type SoapHttpReply } from './helpers.js';

/**
 * Every envelope under examples/soap/ is posted as the README's curl line
 * does (Content-Type by the file's .soap11/.soap12 suffix, nothing else), on
 * a server with the README's passwords (ADMIN_PASSWORD=change-me,
 * DEMO_PASSWORD=demo-password), so the examples stay true.
 */
const DIR = new URL('../../examples/soap/', import.meta.url);

const EXPECT: Record<string, (r: SoapHttpReply) => void> = {
  'source-sample.soap12.xml': (r) => {
    expect(r.status).toBe(200);
    // The source material's response shape, in its own namespace.
    expect(r.text).toContain('<GetUserResponse xmlns="http://example.com/user-service"><User><id>1</id><name>Alice</name><email>alice@example.com</email>');
  },
  'get-user.soap12.xml': (r) => {
    expect(r.status).toBe(200);
    // Alice reads Bob: his email is not hers to see, so the element is left out (minOccurs="0").
    expect(bodyOf(r).GetUserResponse.User).toEqual({ id: '2', name: 'Bob', role: 'user', createdAt: expect.any(String), updatedAt: expect.any(String), version: '1' });
  },
  'get-user.soap11.xml': (r) => {
    expect(r.status).toBe(200);
    expect(bodyOf(r).GetUserResponse.User).toMatchObject({ id: '1', name: 'Alice' });
  },
  'get-user-not-found.soap11.xml': (r) => {
    expect(r.status).toBe(500);
    expect(faultOf(r)).toEqual({ code: 'soap:Client', reason: 'User 123 not found', kind: 'NOT_FOUND', message: 'User 123 not found', fields: [] });
  },
  'login.soap11.xml': (r) => {
    expect(r.status).toBe(200);
    expect(bodyOf(r).LoginResponse.Token).toMatchObject({ token_type: 'Bearer', expires_in: '3600' });
  },
  'list-users.soap11.xml': (r) => {
    expect(r.status).toBe(200);
    const page = bodyOf(r).ListUsersResponse.UserPage;
    expect(page).toMatchObject({ limit: '10', offset: '0' });
    // Sorted by name, descending; create-user-wsse may or may not have run first.
    const names = page.items.map((u: { name: string }) => u.name).filter((n: string) => n !== 'Carol');
    expect(names).toEqual(['Bob', 'Alice']);
  },
  'create-user-wsse.soap11.xml': (r) => {
    expect(r.status).toBe(200);
    expect(bodyOf(r).CreateUserResponse.User).toMatchObject({ name: 'Carol', email: 'carol@example.com', role: 'user', version: '1' });
  },
  'create-order.soap12.xml': (r) => {
    expect(r.status).toBe(200);
    const order = bodyOf(r).CreateOrderResponse.Order;
    expect(order).toMatchObject({ userId: '1', totalAmount: '101.00' });
    expect(order.items).toHaveLength(2);
  },
};

describe('examples/soap', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ adminPassword: 'change-me', demoPassword: 'demo-password' });
  });
  afterAll(() => s.close());

  const files = readdirSync(DIR).filter((f) => f.endsWith('.xml'));

  it('every example has an expectation here, and every expectation a file', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECT).sort());
  });

  for (const file of files) {
    it(file, async () => {
      const version = file.includes('.soap12.') ? '1.2' : '1.1';
      const r = await post(s.url, readFileSync(new URL(file, DIR)), { version });
      expect(r.headers.get('content-type')).toBe(version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8');
      EXPECT[file]!(r);
    });
  }
});
