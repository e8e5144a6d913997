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
  await app2.ready;
  expect(second).toEqual([]);
  const services = app2.container.get(TYPES.DomainServices);
  expect(await services.auth.authenticate(token)).toMatchObject({ subject: 'admin', role: 'admin' });
  await services.auth.login({ username: 'admin', password: adminPassword });
  const admin = { caller: { subject: 'admin', role: 'admin' as const, userId: null } };
  expect((await services.users.list(admin, {})).total).toBe(2);
  await app2.close();
});

it('a Quick Start followed in order: first start without passwords, then with ADMIN_PASSWORD and DEMO_PASSWORD — both apply', async () => {
  const databaseUrl = join(dir, 'quick-start.sqlite');
  const first: string[] = [];
  const app1 = await buildApp(testConfig({ databaseUrl, adminPassword: undefined, demoPassword: undefined }), (m) => first.push(m));
  const generatedDemo = /password "([^"]+)" \(shown once; set DEMO_PASSWORD/.exec(first.join('\n'))![1]!;
  const oldToken = (await app1.container.get(TYPES.DomainServices).auth.login({ username: 'alice@example.com', password: generatedDemo })).access_token;
  await app1.close();

  const second: string[] = [];
  const app2 = await buildApp(testConfig({ databaseUrl, adminPassword: 'change-me', demoPassword: 'demo-password' }), (m) => second.push(m));
  // The database has its data, so the app is built while the new passwords are still being checked and applied:
  // logins made at once wait for that work, and see the new passwords, not the old.
  const auth = app2.container.get(TYPES.DomainServices).auth;
  await Promise.all([
    auth.login({ username: 'admin', password: 'change-me' }),
    auth.login({ username: 'alice@example.com', password: 'demo-password' }),
    auth.login({ username: 'bob@example.com', password: 'demo-password' }),
    expect(auth.login({ username: 'alice@example.com', password: generatedDemo })).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' }),
    // A token issued under the replaced password is revoked with it, from the first request on.
    expect(auth.authenticate(oldToken)).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' }),
  ]);
  await app2.ready;
  expect(second).toEqual([
    'ADMIN_PASSWORD is set and differs from the stored admin password: the admin password is now ADMIN_PASSWORD.',
    'DEMO_PASSWORD applied to the demo accounts alice@example.com, bob@example.com (it replaces their previous password at every start).',
  ]);
  await app2.close();

  // The same values again change nothing and say nothing; without them, the stored ones stay.
  const third: string[] = [];
  const app3 = await buildApp(testConfig({ databaseUrl, adminPassword: 'change-me', demoPassword: 'demo-password' }), (m) => third.push(m));
  await app3.ready;
  expect(third).toEqual([]);
  await app3.close();
  const app4 = await buildApp(testConfig({ databaseUrl, adminPassword: undefined, demoPassword: undefined }), () => {});
  await app4.container.get(TYPES.DomainServices).auth.login({ username: 'admin', password: 'change-me' });
  await app4.container.get(TYPES.DomainServices).auth.login({ username: 'alice@example.com', password: 'demo-password' });
  await app4.close();
});

it('DEMO_PASSWORD on a database without demo accounts says in one line that it was not applied', async () => {
  const said: string[] = [];
  const app = await buildApp(testConfig({ databaseUrl: join(dir, 'no-demo.sqlite'), seedDemoData: false, demoPassword: 'demo-password' }), (m) => said.push(m));
  await app.ready;
  expect(said).toEqual(['DEMO_PASSWORD is set but this database has no demo accounts (alice@example.com, bob@example.com), so it was not applied.']);
  await app.close();
});

it('a configured ADMIN_PASSWORD is used and never printed', async () => {
  const said: string[] = [];
  const app = await buildApp(testConfig({ adminPassword: 'from-config-123' }), (m) => said.push(m));
  await app.ready;
  expect(said).toEqual([]);
  await app.container.get(TYPES.DomainServices).auth.login({ username: 'admin', password: 'from-config-123' });
  await app.close();
});
