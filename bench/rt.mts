import { buildApp } from '../src/app/app.js';
import { TYPES } from '../src/app/tokens.js';
import { testConfig } from '../src/infra/config.js';
import { createContext } from '../src/runtime/context.js';
import { bearer } from '../src/runtime/credentials.js';
const app = await buildApp(testConfig({ databaseUrl: ':memory:', logLevel: 'silent' }), () => {});
const runtime = app.container.get(TYPES.Runtime);
const login = (await runtime.call('login', createContext({ style: 'internal', log: app.log }), { username: 'alice@example.com', password: 'demo-password' }).catch(async () => null)) as { access_token: string } | null;
console.log('login', !!login);
const cred = bearer(login!.access_token);
const N = 30000;
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  for (let i = 0; i < N; i++) await runtime.call('getUser', createContext({ style: 'rest', log: app.log, credentials: cred }), { id: 1 });
  console.log('runtime.call getUser', ((performance.now() - t) * 1000 / N).toFixed(2), 'µs');
  const users = app.container.get(TYPES.DomainServices) as any;
}
const { RestCore } = await import('../src/protocols/rest/core.js');
const core = new RestCore(runtime, { bodyLimitBytes: 1e6, xmlMaxDepth: 32, events: app.container.get(TYPES.EventBus) } as any);
const { AccessNotes } = await import('../src/runtime/context.js');
const headers = { authorization: `Bearer ${login!.access_token}`, host: '127.0.0.1:1', 'user-agent': 'autocannon', accept: '*/*' };
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  for (let i = 0; i < N; i++) {
    const reply = await core.handle({ method: 'GET', url: '/api/v1/users/1', headers, body: async () => Buffer.alloc(0) }, { requestId: 'x', log: app.log, notes: new AccessNotes(), signal: new AbortController().signal, peer: '127.0.0.1' });
    if (reply.status !== 200) throw new Error(String(reply.status) + reply.body);
  }
  const qc = app.container.get(TYPES.QueryCounter); console.log('queries so far', qc.count);
  console.log('RestCore.handle GET /api/v1/users/1', ((performance.now() - t) * 1000 / N).toFixed(2), 'µs');
}
await app.close();
