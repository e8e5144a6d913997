import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

/** What Swagger UI's Authorize dialog posts for the OAuth 2.0 password flow (its authorizePassword action). */
function swaggerForm(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json, text/plain, */*', ...headers },
    body: new URLSearchParams(fields).toString(),
  };
}

describe('the token endpoint as an OAuth 2.0 password grant (Swagger UI "Authorize")', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it('OpenAPI offers a password flow pointing at the token endpoint, beside bearer tokens', async () => {
    const doc = (await (await fetch(`${s.url}/api/v1/openapi.json`)).json()) as {
      security: unknown;
      components: { securitySchemes: Record<string, { type: string; flows?: { password?: { tokenUrl: string } } }> };
    };
    expect(doc.security).toEqual([{ bearerAuth: [] }, { password: [] }]);
    expect(doc.components.securitySchemes.password).toMatchObject({ type: 'oauth2', flows: { password: { tokenUrl: '/api/v1/auth/token', scopes: {} } } });
  });

  it('issues a token for the form Swagger UI sends (grant_type, empty scope, username, password)', async () => {
    const res = await fetch(`${s.url}/api/v1/auth/token`, swaggerForm({ grant_type: 'password', scope: '', username: 'alice@example.com', password: 'demo-password' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const me = await fetch(`${s.url}/api/v1/users/1`, { headers: { Authorization: `Bearer ${body.access_token}` } });
    expect(me.status).toBe(200);
  });

  it('ignores client identification (client_id in the body, or Basic client credentials in Authorization)', async () => {
    const inBody = await fetch(`${s.url}/api/v1/auth/token`, swaggerForm({ grant_type: 'password', scope: '', username: 'admin', password: 'admin-password', client_id: 'swagger' }));
    expect(inBody.status).toBe(200);
    const basic = `Basic ${Buffer.from('swagger:').toString('base64')}`;
    const inHeader = await fetch(`${s.url}/api/v1/auth/token`, swaggerForm({ grant_type: 'password', username: 'admin', password: 'admin-password' }, { Authorization: basic }));
    expect(inHeader.status).toBe(200);
  });

  it('refuses other grant types (422), wrong passwords (401) and a form naming a parameter twice (400) with problem details', async () => {
    const grant = await fetch(`${s.url}/api/v1/auth/token`, swaggerForm({ grant_type: 'client_credentials', username: 'admin', password: 'admin-password' }));
    expect(grant.status).toBe(422);
    expect(((await grant.json()) as { errors: unknown }).errors).toEqual([{ field: 'grant_type', message: 'unsupported grant type; only "password" is supported' }]);
    const wrong = await fetch(`${s.url}/api/v1/auth/token`, swaggerForm({ grant_type: 'password', username: 'admin', password: 'nope-nope' }));
    expect(wrong.status).toBe(401);
    const twice = await fetch(`${s.url}/api/v1/auth/token`, { ...swaggerForm({}), body: 'username=a&username=b&password=x' });
    expect(twice.status).toBe(400);
  });

  it('takes forms only at the token endpoint', async () => {
    const res = await fetch(`${s.url}/api/v1/users`, swaggerForm({ name: 'Eve', email: 'eve@example.com' }, { Authorization: `Bearer ${await s.token()}` }));
    expect(res.status).toBe(415);
  });
});
