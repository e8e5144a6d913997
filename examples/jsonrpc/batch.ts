/**
 * A JSON-RPC 2.0 batch in TypeScript with fetch: log in, then one HTTP
 * request carrying four calls — positional and named params, a notification
 * (no answer) and one that fails — matched back to their ids.
 *   npx tsx examples/jsonrpc/batch.ts
 * Settings: POLYFACE_URL (default http://127.0.0.1:3000), DEMO_PASSWORD (default demo-password).
 */
const url = `${process.env.POLYFACE_URL ?? 'http://127.0.0.1:3000'}/rpc`;
const password = process.env.DEMO_PASSWORD ?? 'demo-password';

type Answer = { jsonrpc: '2.0'; id: string | number | null; result?: unknown; error?: { code: number; message: string; data?: { kind: string } } };

async function rpc(body: unknown, token?: string): Promise<Answer | Answer[] | null> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return res.status === 204 ? null : ((await res.json()) as Answer | Answer[]);
}

const login = (await rpc({ jsonrpc: '2.0', method: 'login', params: { username: 'alice@example.com', password }, id: 1 })) as Answer;
if (login.error) throw new Error(login.error.message);
const token = (login.result as { access_token: string }).access_token;

const answers = (await rpc(
  [
    { jsonrpc: '2.0', method: 'getProduct', params: [1], id: 'laptop' },
    { jsonrpc: '2.0', method: 'listUserOrders', params: { userId: 1, limit: 1 }, id: 'orders' },
    { jsonrpc: '2.0', method: 'getUser', params: { id: 1 } },
    { jsonrpc: '2.0', method: 'getUser', params: { id: 999 }, id: 'missing' },
  ],
  token,
)) as Answer[];

// Answers may come in any order and notifications get none: match by id.
const byId = new Map(answers.map((a) => [a.id, a]));
console.log(`${answers.length} answers for 4 calls (one was a notification)`);
console.log('laptop:', JSON.stringify(byId.get('laptop')!.result));
console.log('orders:', (byId.get('orders')!.result as { total: number }).total, 'in total');
const missing = byId.get('missing')!.error!;
console.log(`missing: ${missing.code} ${missing.data?.kind} (${missing.message})`);
