import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildApp } from '../src/app/app.js';
import { TYPES } from '../src/app/tokens.js';
import { testConfig } from '../src/infra/config.js';

const dir = mkdtempSync(join(tmpdir(), 'polyface-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('without ADMIN_PASSWORD, JWT_SECRET or DEMO_PASSWORD: generates them on first start, prints each once, keeps them', async () => {
  const config = testConfig({ databaseUrl: join(dir, 'db.sqlite'), adminPassword: undefined, jwtSecret: undefined, demoPassword: undefined });

  const first: string[] = [];
  const app1 = await buildApp(config, (m) => first.push(m));
  expect(first).toHaveLength(2);
  const adminPassword = /admin password "([^"]+)"/.exec(first.join('\n'))?.[1];
  const demoPassword = /password "([^"]+)" \(shown once; set DEMO_PASSWORD/.exec(first.join('\n'))?.[1];
  expect(adminPassword).toMatch(/^[\w-]{12,}$/);
  expect(demoPassword).toMatch(/^[\w-]{12,}$/);
  const auth1 = app1.container.get(TYPES.DomainServices).auth;
  const token = (await auth1.login({ username: 'admin', password: adminPassword })).access_token;
  await auth1.login({ username: 'alice@example.com', password: demoPassword });
  await app1.close();

  // A restart prints nothing, seeds nothing, and honours both the password and the token issued before.
  const second: string[] = [];
  const app2 = await buildApp(config, (m) => second.push(m));
  expect(second).toEqual([]);
  const services = app2.container.get(TYPES.DomainServices);
  expect(await services.auth.authenticate(token)).toMatchObject({ subject: 'admin', role: 'admin' });
  await services.auth.login({ username: 'admin', password: adminPassword });
  const admin = { caller: { subject: 'admin', role: 'admin' as const, userId: null } };
  expect((await services.users.list(admin, {})).total).toBe(2);
  await app2.close();
});

it('a configured ADMIN_PASSWORD is used and never printed', async () => {
  const said: string[] = [];
  const app = await buildApp(testConfig({ adminPassword: 'from-config-123' }), (m) => said.push(m));
  expect(said).toEqual([]);
  await app.container.get(TYPES.DomainServices).auth.login({ username: 'admin', password: 'from-config-123' });
  await app.close();
});
