import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { CLIENT_VARIANTS } from '../../src/clients/index.js';
import type { Gateway } from './gateway.js';
import { rawExchange } from './raw.js';
import { sleep, type Tally } from './tally.js';
import type { Tokens } from './load.js';

/**
 * The attacks of issue 10, each bounded in count and time, each judged: a refusal the protocol defines (429, 413,
 * 400/422, a SOAP fault, a WebSocket close code, a closed connection) is expected; the gateway doing the work, or
 * failing in another way, is not.
 */
export interface AttackContext {
  readonly gateway: Gateway;
  readonly tokens: Tokens;
  readonly tally: Tally;
  /** The gateway's headers timeout, as configured. */
  readonly headersTimeoutMs: number;
}

export type Attack = (ctx: AttackContext) => Promise<void>;

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const TNS = 'http://polyface.dev/user-service';
const MiB = 1024 * 1024;

const judge = (ctx: AttackContext, name: string, expected: boolean, detail: string) =>
  expected ? ctx.tally.refused(`${name}: ${detail}`) : ctx.tally.failed(`${name}: ${detail}`);

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(20_000) }).then(async (r) => ({ status: r.status, text: await r.text() }));

/** Finding 1: /rpc frames of 50 `rpc.discover` each from a client that never reads; the gateway must not buffer. */
export const wsFlood: Attack = async (ctx) => {
  const ws = new WebSocket(`${ctx.gateway.url.replace(/^http/, 'ws')}/rpc`);
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('error', () => resolve(false));
    ws.once('unexpected-response', (_req, res) => {
      judge(ctx, 'ws flood', res.statusCode === 429, `handshake answered ${res.statusCode}`);
      resolve(false);
    });
  });
  if (!opened) return;
  let closed: number | undefined;
  ws.on('close', (code) => (closed = code));
  ws.on('error', () => {});
  ws.pause();
  const before = ctx.gateway.rssMiB();
  const frame = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'rpc.discover' })));
  for (let i = 0; i < 400 && closed === undefined; i++) {
    ws.send(frame);
    if (i % 50 === 49) await sleep(50);
  }
  await sleep(3_000);
  const grew = ctx.gateway.rssMiB() - before;
  ws.terminate();
  if (grew > 150) return judge(ctx, 'ws flood', false, `gateway grew ${grew.toFixed(0)} MiB for ${((400 * frame.length) / MiB).toFixed(1)} MiB sent`);
  judge(ctx, 'ws flood', closed === undefined || [1008, 1009, 1013].includes(closed), closed === undefined ? 'reading paused (backpressure)' : `closed ${closed}`);
};

/** Finding 2: aliased introspection; a small anonymous query must not buy a large answer. */
export const introspection: Attack = async (ctx) => {
  const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: __schema { ...F }`).join(' ');
  const query = `query { ${aliases} } fragment F on __Schema { types { fields { type { fields { type { fields { name } } } } } } }`;
  const began = Date.now();
  const r = await post(`${ctx.gateway.url}/graphql`, JSON.stringify({ query }), { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json' });
  const ms = Date.now() - began;
  if (r.status >= 500 || r.text.length > MiB || ms > 2_000) return judge(ctx, 'introspection', false, `${r.status}, ${(r.text.length / MiB).toFixed(1)} MiB in ${ms} ms`);
  judge(ctx, 'introspection', true, r.status === 200 && !r.text.includes('"errors"') ? 'answered small' : `refused ${r.status}`);
};

/** Finding 4: password guessing in every style, then a legitimate login that must still be quick. */
export const loginGuessing: Attack = async (ctx) => {
  const wrong = { username: 'bob@example.com', password: `guess-${randomUUID()}` };
  const rest = CLIENT_VARIANTS.rest(ctx.gateway.url);
  const rpc = CLIENT_VARIANTS.jsonrpc(ctx.gateway.url);
  const soap = CLIENT_VARIANTS['soap-1.1'](ctx.gateway.url);
  const outcomes = await Promise.all([
    ...Array.from({ length: 10 }, () => rest.call('login', wrong)),
    rpc.batch!(Array.from({ length: 50 }, () => ({ operation: 'login' as const, input: wrong }))),
    ...Array.from({ length: 5 }, () => soap.call('login', wrong)),
  ]).catch((err: unknown) => [{ ok: false as const, kind: 'INTERNAL' as const, fields: [String((err as Error).message)] }]);
  for (const o of outcomes.flat()) {
    if (o.ok) judge(ctx, 'login guessing', false, 'a wrong password was accepted');
    else judge(ctx, 'login guessing', o.kind !== 'INTERNAL', o.kind);
  }
  const began = Date.now();
  const legit = await rest.call('login', { username: 'alice@example.com', password: ctx.gateway.env.DEMO_PASSWORD! });
  const ms = Date.now() - began;
  if (ms > 1_500) return judge(ctx, 'login guessing', false, `a legitimate login took ${ms} ms under the flood`);
  judge(ctx, 'login guessing', legit.ok || legit.kind === 'RATE_LIMITED', `legitimate login ${legit.ok ? 'ok' : legit.kind}`);
};

/** Finding 5: a burst of large orders by a normal user, then unpaged nested lists through GraphQL aliases. */
export const hugeLists: Attack = async (ctx) => {
  const rest = CLIENT_VARIANTS.rest(ctx.gateway.url);
  const items = Array.from({ length: 100 }, (_, i) => ({ productId: 1 + (i % 2), quantity: 1 }));
  for (let i = 0; i < 10; i++) {
    const o = await rest.call('createOrder', { userId: 1, items }, ctx.tokens.alice);
    judge(ctx, 'huge lists', o.ok || o.kind === 'RATE_LIMITED', o.ok ? 'large order written' : `order ${o.kind}`);
  }
  const aliases = Array.from({ length: 10 }, (_, i) => `a${i}: user(id: 1) { orders { id items { quantity product { name price } } totalAmount } }`).join(' ');
  const began = Date.now();
  const r = await post(`${ctx.gateway.url}/graphql`, JSON.stringify({ query: `{ ${aliases} }` }), {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${ctx.tokens.alice}`,
  });
  const ms = Date.now() - began;
  if (r.status >= 500 || r.text.length > 5 * MiB) return judge(ctx, 'huge lists', false, `GraphQL ${r.status}, ${(r.text.length / MiB).toFixed(1)} MiB in ${ms} ms`);
  judge(ctx, 'huge lists', true, `GraphQL ${r.status}, ${(r.text.length / 1024).toFixed(0)} KiB`);
  const page = await fetch(`${ctx.gateway.url}/api/v1/users?limit=100000`, { headers: { Authorization: `Bearer ${ctx.tokens.admin}` } });
  await page.arrayBuffer();
  judge(ctx, 'huge lists', page.status === 400 || page.status === 422, `REST limit=100000 → ${page.status}`);
};

/** Finding 6: a name XML 1.0 cannot carry. Accepted, it would break every SOAP ListUsers, so it is removed at once. */
export const controlChars: Attack = async (ctx) => {
  const rest = CLIENT_VARIANTS.rest(ctx.gateway.url);
  const email = `ctl-${randomUUID()}@example.com`;
  const o = await rest.call('createUser', { name: 'Mallory\u0001\u001b', email, password: 'soak-password-1', role: 'user' }, ctx.tokens.admin);
  if (o.ok) {
    await rest.call('deleteUser', { id: (o.data as { id: number }).id }, ctx.tokens.admin);
    return judge(ctx, 'control characters', false, 'a name with U+0001 was stored');
  }
  judge(ctx, 'control characters', o.kind === 'VALIDATION', o.kind);
};

const soapPost = (ctx: AttackContext, body: string, contentType: string, token?: string) =>
  post(`${ctx.gateway.url}/soap`, body, { 'Content-Type': contentType, ...(token ? { Authorization: `Bearer ${token}` } : {}) });

const isFault = (text: string) => /<(\w+:)?Fault[\s>]/.test(text);

/** Finding 7: envelopes a SOAP processor must refuse, sent with valid credentials so only the shape can stop them. */
export const ambiguousSoap: Attack = async (ctx) => {
  const getUser = `<GetUser xmlns="${TNS}"><id>1</id></GetUser>`;
  const listUsers = `<ListUsers xmlns="${TNS}"><limit>1</limit></ListUsers>`;
  const cases: [string, string, string][] = [
    ['two Bodies', `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body>${getUser}</soap:Body><soap:Body>${listUsers}</soap:Body></soap:Envelope>`, 'text/xml; charset=utf-8'],
    ['Header after Body', `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body>${getUser}</soap:Body><soap:Header/></soap:Envelope>`, 'text/xml; charset=utf-8'],
    ['1.1 envelope as 1.2', `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body>${getUser}</soap:Body></soap:Envelope>`, 'application/soap+xml; charset=utf-8'],
    ['1.2 envelope as 1.1', `<soap:Envelope xmlns:soap="${SOAP12}"><soap:Body>${getUser}</soap:Body></soap:Envelope>`, 'text/xml; charset=utf-8'],
  ];
  for (const [name, body, type] of cases) {
    const r = await soapPost(ctx, body, type, ctx.tokens.admin);
    judge(ctx, 'ambiguous SOAP', r.status !== 200 && (isFault(r.text) || r.status === 415 || r.status === 400), `${name} → ${r.status}${isFault(r.text) ? ' fault' : ''}`);
  }
};

/** Finding 8: an anonymous ~1 MB envelope of 100k attributes; refusing it must be cheap. */
export const attributeBomb: Attack = async (ctx) => {
  const attrs = Array.from({ length: 100_000 }, (_, i) => ` a${i}="1"`).join('');
  const body = `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><GetUser xmlns="${TNS}"${attrs.slice(0, 1_000_000 - 200)}><id>1</id></GetUser></soap:Body></soap:Envelope>`;
  const began = Date.now();
  const r = await soapPost(ctx, body, 'text/xml; charset=utf-8');
  const ms = Date.now() - began;
  if (ms > 750) return judge(ctx, 'attribute bomb', false, `refusal took ${ms} ms (${r.status})`);
  judge(ctx, 'attribute bomb', r.status === 413 || (r.status !== 200 && isFault(r.text)), `${r.status}${isFault(r.text) ? ' fault' : ''}`);
};

/** Finding 10: headers that never end, one line a second; the gateway must close within its headers timeout. */
export const slowloris: Attack = async (ctx) => {
  const grace = 3_000;
  const runs = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      rawExchange(ctx.gateway.url, `GET /healthz HTTP/1.1\r\nHost: soak\r\n`, { trickle: `X-Slow-${i}: 1\r\n`, everyMs: 1_000, forMs: ctx.headersTimeoutMs + grace }),
    ),
  );
  for (const r of runs) judge(ctx, 'slowloris', r.closedByServer, r.closedByServer ? `closed after ${(r.ms / 1000).toFixed(1)} s${r.status ? ` (${r.status})` : ''}` : `still open after ${(r.ms / 1000).toFixed(1)} s`);
};

/** Finding 10: a declared 2 GB body on every style; after the 413 (or 401) the connection must close, not drain. */
export const bigBodies: Attack = async (ctx) => {
  const declared = 2 * 1024 * MiB;
  const targets: [string, string, string | undefined][] = [
    ['/rpc', 'application/json', undefined],
    ['/graphql', 'application/json', undefined],
    ['/soap', 'text/xml; charset=utf-8', undefined],
    ['/api/v1/products', 'application/json', ctx.tokens.admin],
    ['/api/v1/products', 'application/json', undefined],
  ];
  const chunk = 'x'.repeat(64 * 1024);
  const runs = await Promise.all(
    targets.map(([path, type, token]) =>
      rawExchange(
        ctx.gateway.url,
        `POST ${path} HTTP/1.1\r\nHost: soak\r\nContent-Type: ${type}\r\nContent-Length: ${declared}\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n`,
        { trickle: chunk, everyMs: 10, forMs: 5_000 },
      ).then((r) => ({ path, token, ...r })),
    ),
  );
  for (const r of runs) {
    const what = `${r.path}${r.token ? '' : ' (anonymous)'} → ${r.status ?? 'no answer'}`;
    judge(ctx, '2 GB body', r.closedByServer && r.status !== undefined && r.status >= 400 && r.status < 500, `${what}, ${r.closedByServer ? 'closed' : 'kept reading'}`);
  }
};

/** Run over and over while the load runs; slowloris runs once beside them (it takes a headers timeout). */
export const REPEATED: readonly [string, Attack][] = [
  ['ws flood', wsFlood],
  ['introspection', introspection],
  ['login guessing', loginGuessing],
  ['huge lists', hugeLists],
  ['control characters', controlChars],
  ['ambiguous SOAP', ambiguousSoap],
  ['attribute bomb', attributeBomb],
  ['2 GB body', bigBodies],
];
