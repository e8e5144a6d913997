// In-process cost of one domain read through the runtime (interceptors included, no HTTP): npx tsx scripts/bench-domain.ts
import { buildApp } from '../src/app/app.js';
import { TYPES } from '../src/app/tokens.js';
import { testConfig } from '../src/infra/config.js';
import { createContext } from '../src/runtime/context.js';
import { bearer } from '../src/runtime/credentials.js';

const app = await buildApp(testConfig(), () => {});
const runtime = app.container.get(TYPES.Runtime);
const { access_token } = await app.container.get(TYPES.DomainServices).auth.login({ username: 'admin', password: 'admin-password' });
const credentials = bearer(access_token);
const ctx = () => createContext({ style: 'internal', log: app.log, credentials });
const rounds = 20_000;
for (let i = 0; i < 2_000; i++) await runtime.call('getUser', ctx(), { id: 1 });
for (const [name, input] of [['getUser', { id: 1 }], ['getOrder', { id: 1 }], ['listUsers', { limit: 10 }]] as const) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) await runtime.call(name, ctx(), input);
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / rounds;
  process.stdout.write(`${name.padEnd(10)} ${us.toFixed(1)} µs/call\n`);
}
await app.close();
