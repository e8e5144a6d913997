/**
 * `npm run bench:data`: the million-row figures of issue 18. Fills two scratch
 * SQLite databases itself — 1,000,000 users (plus products and orders) and a
 * 1,000-row twin — then times list requests through the real runtime
 * (interceptors, domain, repositories) and a couple over HTTP, and prints
 * p50/p99 per case, the ratio to the small table, and each target as met or
 * not met. Options: `--users N` (default 1000000), `--dir PATH` (default the
 * OS temp folder), `--keep` (reuse a filled database of the same size),
 * `--rounds N` (timed calls per case, default 200).
 *
 * The fill is one INSERT … SELECT from a recursive CTE per table, run before
 * migration 0005 so that migration builds its FTS index and counts in bulk
 * (it is also the upgrade path a large existing database takes); about
 * 0.5 GB of disk for a million users.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { buildApp, type App } from '../src/app/app.js';
import { TYPES } from '../src/app/tokens.js';
import { testConfig } from '../src/infra/config.js';
import { encodeCursor } from '../src/domain/query/cursor.js';
import { openDatabase, QueryCounter } from '../src/infra/storage/database.js';
import { migrate } from '../src/infra/storage/migrations.js';
import { createContext } from '../src/runtime/context.js';
import { bearer } from '../src/runtime/credentials.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    dir: { type: 'string', default: join(tmpdir(), 'polyface-bench-data') },
    keep: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '200' },
  },
});
const BIG = Number(args.users);
const SMALL = 1000;
const ROUNDS = Number(args.rounds);
const PAGE = 10;
const CASE_SECONDS = 4;
mkdirSync(args.dir, { recursive: true });

const FIRST = ['Alice', 'Bob', 'Natalia', 'Khalid', 'Mei', 'Olga', 'Pedro', 'Ali', 'Sven', 'Ivan', 'Zoë', 'Amélie', 'Jürgen', 'Chloé', 'Hiroshi', 'Fatima', 'Lars', 'Ngozi', 'Rosalie', 'Tomás', 'Ewa', 'Dmitri', 'Grace', 'Omar', 'Priya', 'Quentin', 'Sofia', 'Yusuf', 'Wanda', 'Xavier', 'Björn', 'Carmen'];
const LAST = ['Smith', 'Novak', 'Garcia', 'Müller', 'Kowalski', 'Tanaka', 'Okafor', 'Rossi', 'Dubois', 'Petrov', 'Silva', 'Jensen', 'Kim', 'Haddad', 'Nguyen', 'Costa', 'Weber', 'Moreau', 'Ivanova', 'Lopez', 'Berg', 'Santos', 'Horvat', 'Adeyemi'];
const list = (names: string[]) => sql.raw(`json('${JSON.stringify(names).replace(/'/g, "''")}')`);

/** A database with `users` users, ~`users/10` orders and 1,000 products, filled in bulk; returns its path. */
async function fill(users: number): Promise<string> {
  const path = join(args.dir, `users-${users}.db`);
  if (args.keep && existsSync(path)) return path;
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const db = openDatabase(path, new QueryCounter());
  const t0 = performance.now();
  await migrate(db, '0004_jobs');
  await sql`pragma synchronous = off`.execute(db);
  // Literals, not parameters: better-sqlite3 binds every JS number as a REAL, and these are integer arithmetic.
  const seq = (n: number) => sql`with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${sql.lit(n)})`;
  await db.transaction().execute(async (tx) => {
    await sql`${seq(users)}
      insert into users (id, name, email, role, password_hash, created_at, updated_at, version)
      select n,
        json_extract(${list(FIRST)}, '$[' || ((n * 7) % ${sql.lit(FIRST.length)}) || ']') || ' ' || json_extract(${list(LAST)}, '$[' || ((n * 13) % ${sql.lit(LAST.length)}) || ']') || ' ' || n,
        'u' || n || '@bench.test', case when n % 1000 = 0 then 'admin' else 'user' end, null,
        strftime('%Y-%m-%dT%H:%M:%fZ', 1700000000 + n * 37, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%fZ', 1700000000 + n * 37, 'unixepoch'), 1
      from seq`.execute(tx);
    await sql`${seq(1000)} insert into products (id, name, price_cents) select n, 'Product ' || n, 100 + (n * 7919) % 100000 from seq`.execute(tx);
    const orders = Math.max(1, Math.floor(users / 10));
    await sql`${seq(orders)} insert into orders (id, user_id, created_at) select n, 1 + (n * 7) % ${sql.lit(users)}, strftime('%Y-%m-%dT%H:%M:%fZ', 1700000000 + n * 60, 'unixepoch') from seq`.execute(tx);
    await sql`${seq(orders)} insert into order_items (order_id, product_id, quantity, unit_price_cents) select n, 1 + n % 1000, 1 + n % 3, 100 + ((1 + n % 1000) * 7919) % 100000 from seq`.execute(tx);
  });
  const filled = performance.now();
  await migrate(db); // 0005: FTS index, counts, sort indexes — built over the rows already there
  await sql`pragma wal_checkpoint(truncate)`.execute(db);
  await db.destroy();
  const mb = statSync(path).size / 1e6;
  process.stdout.write(
    `filled ${path}: ${users.toLocaleString('en')} users in ${((filled - t0) / 1000).toFixed(1)} s, indexes in ${((performance.now() - filled) / 1000).toFixed(1)} s, ${mb.toFixed(0)} MB\n`,
  );
  return path;
}

interface Timing {
  p50: number;
  p99: number;
}

/**
 * Times two runs of the same case — on the big and on the small table —
 * alternately, call by call, so both see the same machine (other processes'
 * load comes and goes; the ratio is what the targets are about). Up to
 * ROUNDS calls each after a warm-up, fewer (at least 5) when a case is slow.
 */
async function timePair(big: () => Promise<unknown>, small: () => Promise<unknown>): Promise<[Timing, Timing]> {
  const until = performance.now() + CASE_SECONDS * 1000;
  for (let i = 0; i < Math.min(10, ROUNDS) && performance.now() < until - (CASE_SECONDS * 1000) / 2; i++) {
    await big();
    await small();
  }
  const samples: [number[], number[]] = [[], []];
  const once = async (run: () => Promise<unknown>, into: number[]) => {
    const t0 = performance.now();
    await run();
    into.push(performance.now() - t0);
  };
  for (let i = 0; i < ROUNDS && (i < 5 || performance.now() < until); i++) {
    await once(big, samples[0]);
    await once(small, samples[1]);
  }
  const stats = (ms: number[]): Timing => {
    ms.sort((a, b) => a - b);
    return { p50: ms[Math.floor(ms.length * 0.5)]!, p99: ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))]! };
  };
  return [stats(samples[0]), stats(samples[1])];
}

interface Target {
  text: string;
  check: (big: Timing, small: Timing) => boolean;
}
interface Case {
  name: string;
  /** Input for listUsers, given the table size (deep positions depend on it). */
  input?: (n: number, app: App) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Or a REST path. */
  http?: (n: number, app: App) => Promise<string> | string;
  target?: Target;
}

const within2x: Target = { text: 'p50 within 2× of the 1k table', check: (b, s) => b.p50 <= 2 * s.p50 };
const under5ms: Target = { text: 'p50 ≤ 5 ms', check: (b) => b.p50 <= 5 };
const ID_SORT = [{ field: 'id', descending: false }];
/** The cursor after row `id` in id order: page (id / 10) + 1 starts after it. */
const afterId = (id: number) => encodeCursor({ values: [id], id }, ID_SORT, undefined);
/** The cursor half way through the name order, read from the table once. */
async function middleByName(app: App, n: number): Promise<string> {
  const db = app.container.get(TYPES.Database);
  const row = await db.selectFrom('users').select(['name', 'id']).orderBy('name').orderBy('id').limit(1).offset(Math.floor(n / 2)).executeTakeFirstOrThrow();
  return encodeCursor({ values: [row.name], id: row.id }, [{ field: 'name', descending: false }], undefined);
}
const lastPage = (n: number) => Math.max(0, n - PAGE);

const CASES: Case[] = [
  { name: 'first page (offset 0, total from the kept count)', input: () => ({ limit: PAGE }), target: within2x },
  { name: 'first page (cursor "", no total)', input: () => ({ limit: PAGE, cursor: '' }), target: within2x },
  { name: `page ${(BIG / PAGE).toLocaleString('en')} (keyset, id order)`, input: (n) => ({ limit: PAGE, cursor: afterId(lastPage(n)) }), target: within2x },
  { name: 'middle page (keyset, name order)', input: async (n, app) => ({ limit: PAGE, sort: 'name', cursor: await middleByName(app, n) }), target: within2x },
  { name: `offset ${lastPage(BIG).toLocaleString('en')} (offset paging, for comparison)`, input: (n) => ({ limit: PAGE, offset: lastPage(n) }) },
  // Common needles (≥ SELECTIVE_MATCHES rows) walk the table in page order; rare ones go through the FTS5 index.
  { name: "name contains 'ali' (common: 16%)", input: () => ({ limit: PAGE, name: 'ali', cursor: '' }), target: under5ms },
  { name: "name contains 'kowal' (common: 4%)", input: () => ({ limit: PAGE, name: 'kowal', cursor: '' }), target: under5ms },
  { name: "name contains '77777' (rare: FTS5 trigram)", input: () => ({ limit: PAGE, name: '77777', cursor: '' }), target: under5ms },
  { name: "name contains 'zoë kim 1' (rare: FTS5 trigram)", input: () => ({ limit: PAGE, name: 'zoë kim 1', cursor: '' }), target: under5ms },
  { name: "name contains 'ali' with its total", input: () => ({ limit: PAGE, name: 'ali' }) },
  { name: "name contains 'al' (2 chars: LIKE scan)", input: () => ({ limit: PAGE, name: 'al', cursor: '' }) },
  { name: 'count, unfiltered (kept count)', input: () => ({ limit: 1, withTotal: true }), target: within2x },
  { name: "count, role eq 'admin' (counted)", input: () => ({ limit: 1, role: 'admin', withTotal: true }) },
  { name: 'HTTP GET /users?limit=10', http: () => `/api/v1/users?limit=${PAGE}`, target: within2x },
  { name: `HTTP GET /users?cursor=… (page ${(BIG / PAGE).toLocaleString('en')})`, http: (n) => `/api/v1/users?limit=${PAGE}&cursor=${afterId(lastPage(n))}`, target: within2x },
  { name: 'HTTP GET /users?name=ali&cursor=', http: () => `/api/v1/users?limit=${PAGE}&name=ali&cursor=`, target: under5ms },
];

interface Running {
  app: App;
  url: string;
  token: string;
  n: number;
}

async function start(path: string, n: number): Promise<Running> {
  const app = await buildApp(testConfig({ databaseUrl: path }), () => {});
  const url = await app.listen();
  const { access_token } = await app.container.get(TYPES.DomainServices).auth.login({ username: 'admin', password: 'admin-password' });
  return { app, url, token: access_token, n };
}

/** One case as a function to time, on one running gateway. */
async function runner(c: Case, r: Running): Promise<() => Promise<unknown>> {
  if (c.input) {
    const input = await c.input(r.n, r.app);
    const runtime = r.app.container.get(TYPES.Runtime);
    const credentials = bearer(r.token);
    return () => runtime.call('listUsers', createContext({ style: 'internal', log: r.app.log, credentials }), input);
  }
  const target = `${r.url}${await c.http!(r.n, r.app)}`;
  return async () => {
    const res = await fetch(target, { headers: { Authorization: `Bearer ${r.token}` } });
    if (res.status !== 200) throw new Error(`${target}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
}

const bigPath = await fill(BIG);
const smallPath = await fill(SMALL);
const big = await start(bigPath, BIG);
const small = await start(smallPath, SMALL);
const bigTimes = new Map<string, Timing>();
const smallTimes = new Map<string, Timing>();
try {
  for (const c of CASES) {
    const [b, s] = await timePair(await runner(c, big), await runner(c, small));
    bigTimes.set(c.name, b);
    smallTimes.set(c.name, s);
  }
} finally {
  await big.app.close();
  await small.app.close();
}

const f = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const rows = CASES.map((c) => {
  const b = bigTimes.get(c.name)!;
  const s = smallTimes.get(c.name)!;
  const verdict = c.target ? `${c.target.text}: ${c.target.check(b, s) ? 'met' : 'NOT met'}` : '';
  return [c.name, f(b.p50), f(b.p99), f(s.p50), f(s.p99), `${(b.p50 / s.p50).toFixed(2)}×`, verdict];
});
const head = ['case (listUsers, ms)', `p50 ${BIG.toLocaleString('en')}`, 'p99', `p50 ${SMALL.toLocaleString('en')}`, 'p99', 'ratio', 'target'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [head, ...rows]) process.stdout.write(`${r.map((v, i) => (i === 0 || i === 6 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')}\n`);
process.stdout.write(`(up to ${ROUNDS} timed calls per case after a warm-up, at most ~${CASE_SECONDS} s a case; node ${process.version})\n`);
