// In-process cost of one domain read through the Invoker (no HTTP): npx tsx scripts/bench-domain.ts
import { buildApp } from '../src/app/app.js';
import { TYPES } from '../src/app/tokens.js';
import { testConfig } from '../src/infra/config.js';

const app = await buildApp(testConfig(), () => {});
const invoker = app.container.get(TYPES.Invoker);
const caller = { subject: 'admin', role: 'admin' as const, userId: null };
const rounds = 20_000;
for (let i = 0; i < 2_000; i++) await invoker.invoke('getUser', caller, { id: 1 });
for (const [name, input] of [['getUser', { id: 1 }], ['getOrder', { id: 1 }], ['listUsers', { limit: 10 }]] as const) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) await invoker.invoke(name, caller, input);
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / rounds;
  process.stdout.write(`${name.padEnd(10)} ${us.toFixed(1)} µs/call\n`);
}
await app.close();
