/**
 * A REST client in TypeScript with nothing but fetch (Node ≥ 20): log in as
 * Alice, read herself with an ETag and revalidate it (304), page through
 * products, and show a problem+json error. Independent of every other example:
 *   npx tsx examples/rest/client.ts
 * Settings: POLYFACE_URL (default http://127.0.0.1:3000), DEMO_PASSWORD (default demo-password).
 */
const API = `${process.env.POLYFACE_URL ?? 'http://127.0.0.1:3000'}/api/v1`;
const password = process.env.DEMO_PASSWORD ?? 'demo-password';

async function json<T>(res: Response): Promise<T> {
  if (!res.ok && res.status !== 404) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const { access_token } = await json<{ access_token: string }>(
  await fetch(`${API}/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'alice@example.com', password }) }),
);
const auth = { Authorization: `Bearer ${access_token}` };

// A read carries an ETag; sending it back in If-None-Match answers 304 while Alice is unchanged.
const first = await fetch(`${API}/users/1`, { headers: auth });
const etag = first.headers.get('etag')!;
const alice = await json<{ name: string; email: string; version: number }>(first);
console.log(`user 1: ${alice.name} <${alice.email}>, version ${alice.version}, ETag ${etag}`);
const again = await fetch(`${API}/users/1`, { headers: { ...auth, 'If-None-Match': etag } });
console.log(`revalidated with If-None-Match: ${again.status}`);

// Pages: {data, page: {limit, offset, total}, links}; follow links.next until there is none.
let next: string | undefined = `${API}/products?limit=1&sort=name`;
while (next) {
  const page: { data: { name: string; price: string }[]; links: { next?: string } } = await json(await fetch(next, { headers: auth }));
  for (const p of page.data) console.log(`product: ${p.name} ${p.price}`);
  next = page.links.next && new URL(page.links.next, API).href;
}

// Errors are RFC 9457 problem details with the canonical kind in `code`.
const missing = await json<{ status: number; code: string; detail: string }>(await fetch(`${API}/users/999`, { headers: auth }));
console.log(`missing user: ${missing.status} ${missing.code} (${missing.detail})`);
