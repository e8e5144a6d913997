import type { Call, Outcome, ProtocolClient, Selection } from '../clients/index.js';
import type { OperationName } from '../contract/operations.js';

/**
 * A style's client as the comparison takes it: every protocol client of
 * this repository can subscribe, but a registration may bring one that
 * cannot (a style without push), and scenarios that need it then do not
 * apply to that style.
 */
export type StyleClient = Omit<ProtocolClient, 'subscribe'> & Partial<Pick<ProtocolClient, 'subscribe'>>;

/** What a style's client must offer beyond `call` for a scenario to apply to it. */
export type Capability = 'subscribe';

export interface ScenarioContext {
  /** Bearer token of the account the comparison runs as (an admin: the client flow creates users). */
  readonly token: string;
  /** The same account's login, for the flow that starts by logging in. */
  readonly credentials: { readonly username: string; readonly password: string };
  /** Unique per run, for records that must not collide (emails). */
  readonly tag: string;
  /**
   * A client of the first registered style talking to the gateway directly:
   * push latency makes its change through it, so only the subscriber's
   * path differs between styles.
   */
  readonly writer: StyleClient;
}

/**
 * One piece of work from the source material, in domain terms only: every
 * style runs the same `run` through its ProtocolClient, using `batch` and
 * `readGraph` where the style has them — that difference is what the
 * comparison measures. `run` returns what the work produced, the same for
 * every style (a test holds them equal).
 */
export interface Scenario<S = unknown> {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  /** Where the source material shows it (file and lines). */
  readonly source: string;
  readonly needs?: readonly Capability[];
  /** Runs must not overlap (a change has to be matched to its own event). */
  readonly sequential?: boolean;
  /** Fewer timed runs than asked for, when each run is slow by design; the report records the number run. */
  readonly maxIterations?: number;
  /** State a style keeps across runs (an open subscription); opened outside the measurement. */
  open?(client: StyleClient, ctx: ScenarioContext): Promise<S>;
  run(client: StyleClient, ctx: ScenarioContext, session: S): Promise<unknown>;
  close?(session: S): Promise<void>;
}

export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly outcome?: Outcome,
  ) {
    super(message);
  }
}

function ok(outcome: Outcome, what: string): unknown {
  if (!outcome.ok) throw new ScenarioError(`${what} failed: ${outcome.kind}${outcome.fields.length ? ` (${outcome.fields.join(', ')})` : ''}`, outcome);
  return outcome.data;
}

const call = (operation: OperationName, input: Record<string, unknown>): Call => ({ operation, input });

/** Independent calls the way the style does them best: one batch when it has batches, else all at once in parallel. */
export async function together(client: StyleClient, calls: readonly Call[], token: string): Promise<unknown[]> {
  const outcomes = client.batch ? await client.batch(calls, token) : await Promise.all(calls.map((c) => client.call(c.operation, c.input, token)));
  return outcomes.map((o, n) => ok(o, calls[n]!.operation));
}

/** Keeps only the selected fields, following nested selections into objects and arrays. */
export function project(value: unknown, selection: Selection): unknown {
  if (Array.isArray(value)) return value.map((v) => project(v, selection));
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.entries(selection).map(([k, sub]) => [k, sub === true ? record[k] : project(record[k], sub)]));
}

interface OrderItemData {
  productId: number;
  [k: string]: unknown;
}
interface OrderData {
  items: OrderItemData[];
  [k: string]: unknown;
}

/** The source material's nested GraphQL query (000, lines 336–487), as a selection. */
export const NESTED_SELECTION: Selection = {
  id: true,
  name: true,
  email: true,
  orders: { id: true, createdAt: true, items: { product: { name: true, price: true }, quantity: true }, totalAmount: true },
};

const NESTED_USER = 1;
/** Orders are placed for Bob so Alice's nested read stays the same size however many runs there were. */
const ORDER_USER = 2;
const BATCH: readonly Call[] = [
  call('getUser', { id: 1 }),
  call('getUser', { id: 2 }),
  call('getProduct', { id: 1 }),
  call('getProduct', { id: 2 }),
  call('getOrder', { id: 1 }),
  call('getOrder', { id: 2 }),
  call('getOrder', { id: 3 }),
  call('listUserOrders', { userId: 1 }),
  call('listProducts', {}),
  call('listUsers', { limit: 10 }),
];

const getUser: Scenario = {
  id: 'get-user',
  title: 'Get one user',
  summary: 'getUser(1): the example every style opens with in the source material.',
  source: '000: REST 81–196, gRPC 489–646, SOAP 648–691, JSON-RPC 693–720',
  run: async (c, ctx) => ok(await c.call('getUser', { id: 1 }, ctx.token), 'getUser'),
};

const listUsers: Scenario = {
  id: 'list-users',
  title: 'List users (page of 10)',
  summary: 'listUsers(limit 10, offset 0): one page of the collection.',
  source: '000: REST 81–196 and 286–330 (?page=2&limit=10), gRPC ListUsers(page_size) 489–646',
  run: async (c, ctx) => ok(await c.call('listUsers', { limit: 10, offset: 0 }, ctx.token), 'listUsers'),
};

const clientFlow: Scenario = {
  id: 'client-flow',
  title: 'The client flow',
  summary: 'Log in, list users, create Charlie, change his email, delete him: five dependent calls.',
  source: '000: REST client 198–284, gRPC client 489–646',
  // Every run logs in, and checking a password is a deliberate ~40 ms of scrypt (the same in every style).
  maxIterations: 30,
  async run(c, ctx) {
    const token = (ok(await c.call('login', { ...ctx.credentials }), 'login') as { access_token: string }).access_token;
    ok(await c.call('listUsers', {}, token), 'listUsers');
    const email = `charlie-${ctx.tag}@example.com`;
    const charlie = ok(await c.call('createUser', { name: 'Charlie', email }, token), 'createUser') as { id: number };
    const changed = ok(await c.call('patchUser', { id: charlie.id, email: `charlie-${ctx.tag}.updated@example.com` }, token), 'patchUser');
    ok(await c.call('deleteUser', { id: charlie.id }, token), 'deleteUser');
    return project(changed, { name: true, role: true, version: true });
  },
};

const nestedRead: Scenario = {
  id: 'nested-read',
  title: 'Nested read',
  summary:
    "User 1 with their newest orders (the first page of ten), each line's quantity and its product's name and price: one GraphQL query; elsewhere the user and their orders, then each distinct product (batched where the style batches).",
  source: '000: GraphQL nested query 336–487, REST nesting /users/123/orders 286–330',
  async run(c, ctx) {
    if (c.readGraph) return ok(await c.readGraph(call('getUser', { id: NESTED_USER }), NESTED_SELECTION, ctx.token), 'readGraph');
    const [user, page] = (await together(c, [call('getUser', { id: NESTED_USER }), call('listUserOrders', { userId: NESTED_USER, limit: 10 })], ctx.token)) as [
      Record<string, unknown>,
      { items: OrderData[] },
    ];
    const ids = [...new Set(page.items.flatMap((o) => o.items.map((i) => i.productId)))];
    const products = await together(
      c,
      ids.map((id) => call('getProduct', { id })),
      ctx.token,
    );
    const byId = new Map(ids.map((id, n) => [id, products[n]]));
    const orders = page.items.map((o) => ({ ...o, items: o.items.map((i) => ({ ...i, product: byId.get(i.productId) })) }));
    return project({ ...user, orders }, NESTED_SELECTION);
  },
};

const placeOrder: Scenario = {
  id: 'place-order',
  title: 'Place an order',
  summary: 'createOrder for Bob: two lines (1 × Laptop, 2 × Mouse), priced from the catalogue.',
  source: '000: GraphQL Order/OrderItem/Product 336–487, REST /users/123/orders 286–330',
  async run(c, ctx) {
    const input = { userId: ORDER_USER, items: [{ productId: 1, quantity: 1 }, { productId: 2, quantity: 2 }] };
    return project(ok(await c.call('createOrder', input, ctx.token), 'createOrder'), { userId: true, totalAmount: true, items: { productId: true, lineTotal: true } });
  },
};

const batchOfTen: Scenario = {
  id: 'batch-10',
  title: 'A batch of 10 reads',
  summary: 'Ten independent reads (users, products, orders, three lists): one JSON-RPC batch, one GraphQL document of aliases, or ten requests in parallel.',
  source: '000: JSON-RPC 693–720 (batches: JSON-RPC 2.0 §6), GraphQL single endpoint 336–487',
  run: (c, ctx) => together(c, BATCH, ctx.token),
};

/**
 * Reads a subscription with deadlines. A `next()` that lost a race with the
 * deadline is still pending on the iterator and will get the next event, so
 * it is kept and awaited again rather than asked anew (which would drop an
 * event for every deadline missed).
 */
class EventReader {
  private pending: Promise<IteratorResult<unknown>> | undefined;

  constructor(readonly events: AsyncIterator<unknown>) {}

  /** The next event that mentions `marker`, at most `ms` from now. */
  async find(marker: string, ms: number): Promise<unknown> {
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new ScenarioError(`no event for ${marker} within ${ms} ms`);
      this.pending ??= this.events.next();
      let timer: NodeJS.Timeout | undefined;
      const next = await Promise.race([this.pending, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left)))]);
      clearTimeout(timer);
      if (next === 'timeout') throw new ScenarioError(`no event for ${marker} within ${ms} ms`);
      this.pending = undefined;
      if (next.done) throw new ScenarioError('the subscription ended');
      if (JSON.stringify(next.value).includes(marker)) return next.value;
    }
  }
}

interface PushSession {
  reader: EventReader;
  /** Ends the subscription: no more events wanted. */
  stop(): Promise<void>;
}

/** Closing must not hold a run: a client whose server already went quiet gets a second, then is let go. */
const closeWithin = (close: () => Promise<void>, ms: number): Promise<void> =>
  Promise.race([close().catch(() => {}), new Promise<void>((r) => setTimeout(r, ms).unref())]);

const PUSH_USER = 2;

const pushLatency: Scenario<PushSession> = {
  id: 'push-latency',
  title: 'Push latency',
  summary: "A change made through the first style (patchUser on Bob) until this style's subscriber receives its user.updated event.",
  source: '000: polling, long polling, SSE and WebSockets compared, 1030–1040',
  needs: ['subscribe'],
  sequential: true,
  async open(c, ctx) {
    const subscription = c.subscribe!(['user.updated'], { token: ctx.token });
    await subscription.ready;
    const reader = new EventReader(subscription[Symbol.asyncIterator]());
    // `ready` is as much as each style can say (graphql-transport-ws acknowledges the connection, not the
    // subscription; a SOAP long poll is only as current as its last poll): change until the first event arrives.
    for (let attempt = 1; ; attempt++) {
      const marker = `Bob ready ${ctx.tag}-${attempt}`;
      ok(await ctx.writer.call('patchUser', { id: PUSH_USER, name: marker }, ctx.token), 'patchUser');
      try {
        await reader.find(marker, 250);
        break;
      } catch (err) {
        if (attempt >= 20) throw err;
      }
    }
    return { reader, stop: () => closeWithin(() => subscription.close(), 1000) };
  },
  async run(_c, ctx, session) {
    const marker = `Bob ${ctx.tag}`;
    ok(await ctx.writer.call('patchUser', { id: PUSH_USER, name: marker }, ctx.token), 'patchUser');
    await session.reader.find(marker, 5000);
    return { type: 'user.updated', name: marker.replace(ctx.tag, '') };
  },
  close: (session) => session.stop(),
};

/** Every scenario, in the order reports list them. */
export const SCENARIOS: readonly Scenario<any>[] = [getUser, listUsers, clientFlow, nestedRead, placeOrder, batchOfTen, pushLatency];

export function findScenario(id: string): Scenario<any> | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

/** Whether a client has what the scenario needs. */
export function applies(scenario: Scenario<any>, client: StyleClient): boolean {
  return (scenario.needs ?? []).every((need) => typeof client[need] === 'function');
}
