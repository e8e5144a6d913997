import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobPaths, scalarPaths } from '../../src/protocols/rest/docs.js';
import { ROUTES } from '../../src/protocols/rest/spec.js';
import { UNARY_OPERATION_NAMES as OPERATION_NAMES } from '../../src/contract/operations.js';
import { startServer, type TestServer } from '../support/server.js';

type Doc = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components: Record<string, unknown>;
};

/** A request that the path+method should answer: ids that exist, valid bodies where one is needed. */
const SAMPLE_BODIES: Record<string, unknown> = {
  login: { username: 'admin', password: 'admin-password' },
  createUser: { name: 'Doc Walker', email: 'doc.walker@example.com' },
  updateUser: { name: 'Bob', email: 'bob@example.com' },
  patchUser: { name: 'Bobby' },
  createOrder: { items: [{ productId: 2, quantity: 1 }] },
  createProduct: { name: 'Keyboard', price: '30.00' },
  updateProduct: { name: 'Mouse', price: '26.00' },
  bulkCreateUsers: { items: [{ name: 'Bulk Walker', email: 'bulk.walker@example.com' }] },
  // One item fails, so the answer is 207 Multi-Status and its body is checked against the schema too.
  bulkPatchUsers: { items: [{ id: 2, name: 'Bob' }, { id: 99999, name: 'Nobody' }], handling: 'lenient' },
  getOrderStats: undefined,
  submitExport: { resource: 'products', format: 'csv' },
};
/** Ids per operation; deletes get their own fresh records. */
const ids: Record<string, number | string> = {};

describe('OpenAPI 3.1 document', () => {
  let s: TestServer;
  let doc: Doc;
  beforeAll(async () => {
    s = await startServer();
    const res = await fetch(`${s.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    doc = (await res.json()) as Doc;
  });
  afterAll(() => s.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  /** Resources that read through an operation rather than being one (counts, scalar properties). */
  const besideTheList = new Set([
    ...scalarPaths().map(([, o]) => o.operationId as string),
    ...jobPaths().flatMap(([, methods]) => Object.values(methods).map((o) => (o as { operationId: string }).operationId)),
  ]);

  it('documents exactly the operations in OPERATIONS, once each, and the route table says the same', () => {
    const documented = Object.values(doc.paths)
      .flatMap((methods) => Object.values(methods).map((m) => m.operationId))
      .filter((id) => id !== 'apiRoot' && id !== 'openApiDocument' && !besideTheList.has(id));
    expect([...documented].sort()).toEqual([...OPERATION_NAMES].sort());
    expect(ROUTES.map((r) => r.operation).sort()).toEqual([...OPERATION_NAMES].sort());
  });

  it('every path and method answers with a status it documents, with a body its schema accepts', async () => {
    const admin = await s.token();
    const services = s.app.container.get(Symbol.for('polyface.DomainServices')) as import('../../src/contract/operations.js').DomainServices;
    const adminCaller = { caller: await services.auth.authenticate(admin) };
    ids.deleteUser = (await services.users.create(adminCaller, { name: 'To Delete', email: 'to.delete@example.com' })).id;
    ids.deleteProduct = (await services.products.create(adminCaller, { name: 'Spare', price: '1.00' })).id;
    SAMPLE_BODIES.bulkDeleteUsers = { items: [{ id: (await services.users.create(adminCaller, { name: 'Bulk Delete', email: 'bulk.delete@example.com' })).id }] };
    // A finished job to read, and another to cancel.
    const finished = await services.jobs.submit(adminCaller, { resource: 'users' });
    ids.cancelJob = (await services.jobs.submit(adminCaller, { resource: 'products' })).id;
    for (let i = 0; i < 200 && (await services.jobs.get(adminCaller, { id: finished.id })).status !== 'succeeded'; i++) await new Promise((r) => setTimeout(r, 10));
    ids.getJob = ids.getJobResult = finished.id;

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const base = s.url + doc.servers[0]!.url;
    let calls = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const id = ids[op.operationId] ?? (path.includes('orders/{id}') ? 1 : 2);
        const url = base + path.replace('{field}', 'id').replace(/\{\w+\}/g, String(id));
        const body = SAMPLE_BODIES[op.operationId];
        const res = await fetch(url, {
          method: method.toUpperCase(),
          headers: { Authorization: `Bearer ${admin}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
          // A finished job's status is a 303 to its result: that answer is the one to check.
          redirect: 'manual',
        });
        const documented = op.responses[String(res.status)];
        expect(documented, `${method.toUpperCase()} ${path} answered ${res.status}`).toBeDefined();
        expect(res.status, `${method.toUpperCase()} ${path}`).toBeLessThan(op.operationId === 'getJob' ? 400 : 300);
        const schema = documented!.content?.['application/json']?.schema as { $ref?: string } | undefined;
        if (schema?.$ref) {
          const validate = ajv.compile({ $ref: `doc${schema.$ref}` });
          const json: unknown = await res.json();
          expect(validate(json), `${op.operationId}: ${JSON.stringify(validate.errors)}`).toBe(true);
          // The schema has teeth: the bare domain shape (no links) or an empty object fails it.
          expect(validate({})).toBe(false);
        }
        calls++;
      }
    }
    expect(calls).toBe(ROUTES.length + 2 + besideTheList.size);
  });

  it('documents the error answers a route really gives (404, 401, 415 here)', async () => {
    const admin = await s.token();
    const missing = await fetch(`${s.url}/api/v1/products/99999`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(missing.status).toBe(404);
    expect(doc.paths['/products/{id}']!.get!.responses['404']).toBeDefined();
    const anonymous = await fetch(`${s.url}/api/v1/products`);
    expect(anonymous.status).toBe(401);
    expect(doc.paths['/products']!.get!.responses['401']).toBeDefined();
    const wrongType = await fetch(`${s.url}/api/v1/products`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'text/plain' },
      body: 'x',
    });
    expect(wrongType.status).toBe(415);
    expect(doc.paths['/products']!.post!.responses['415']).toBeDefined();
  });
});

describe('docs page', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it('serves Swagger UI from local assets pointing at the OpenAPI document', async () => {
    const page = await fetch(`${s.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toContain('/docs/swagger-ui-bundle.js');

    const init = await fetch(`${s.url}/docs/init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain("url: '/api/v1/openapi.json'");

    const asset = await fetch(`${s.url}/docs/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect((await asset.text()).length).toBeGreaterThan(100_000);

    const css = await fetch(`${s.url}/docs/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('the API root links to the collections, the document and the docs', async () => {
    const res = await fetch(`${s.url}/api/v1`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { links: Record<string, string> };
    expect(body.links).toMatchObject({ users: '/api/v1/users', products: '/api/v1/products', openapi: '/api/v1/openapi.json', docs: '/docs' });
    const followed = await fetch(`${s.url}${body.links.openapi}`);
    expect(followed.status).toBe(200);
  });
});
