/**
 * A GraphQL client in TypeScript on graphql-http's client (the reference
 * GraphQL-over-HTTP implementation the gateway is audited against): log in,
 * run the source material's nested query with variables, show a typed error.
 *   npx tsx examples/graphql/client.ts
 * Settings: POLYFACE_URL (default http://127.0.0.1:3000), DEMO_PASSWORD (default demo-password).
 */
import { createClient, type ExecutionResult } from 'graphql-http';

const url = `${process.env.POLYFACE_URL ?? 'http://127.0.0.1:3000'}/graphql`;
const password = process.env.DEMO_PASSWORD ?? 'demo-password';

function run<T>(client: ReturnType<typeof createClient>, query: string, variables?: Record<string, unknown>): Promise<ExecutionResult<T>> {
  return new Promise((resolve, reject) => {
    let result: ExecutionResult<T>;
    client.subscribe<T>({ query, variables }, { next: (r) => (result = r), error: reject, complete: () => resolve(result) });
  });
}

const anonymous = createClient({ url });
const login = await run<{ login: { access_token: string } }>(
  anonymous,
  'mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { access_token } }',
  { u: 'alice@example.com', p: password },
);
if (!login.data) throw new Error(JSON.stringify(login.errors));
const client = createClient({ url, headers: { Authorization: `Bearer ${login.data.login.access_token}` } });

type Order = { id: string; totalAmount: string; items: { quantity: number; product: { name: string; price: string } }[] };
const nested = await run<{ user: { name: string; orders: Order[] } }>(
  client,
  'query UserWithOrders($id: ID!) { user(id: $id) { name orders { id totalAmount items { quantity product { name price } } } } }',
  { id: 1 },
);
for (const order of nested.data!.user.orders) {
  const lines = order.items.map((i) => `${i.quantity} × ${i.product.name} (${i.product.price})`).join(', ');
  console.log(`${nested.data!.user.name}'s order ${order.id}: ${lines} = ${order.totalAmount}`);
}

// Errors carry the canonical kind in extensions.code.
const denied = await run(client, 'mutation { deleteProduct(id: 1) { deleted } }');
console.log(`deleteProduct as Alice: ${denied.errors?.[0]?.extensions?.code}`);
