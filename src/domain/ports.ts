import type { DomainEvent, NewDomainEvent } from './events.js';
import type { Role } from './principal.js';
import type { Filter } from './query/filter.js';

/** Storage records: what repositories hold, before the domain shapes them. */
export interface UserRecord {
  id: number;
  name: string;
  email: string;
  role: Role;
  passwordHash: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  /**
   * Bumped whenever what a token or a cached login vouches for changes
   * (role, password). Tokens carry the value they were issued at, so a
   * change revokes every earlier token at once.
   */
  credentialsVersion: number;
}

export interface ProductRecord {
  id: number;
  name: string;
  priceCents: number;
}

export interface OrderItemRecord {
  productId: number;
  quantity: number;
  unitPriceCents: number;
}

export interface OrderRecord {
  id: number;
  userId: number;
  createdAt: string;
  items: OrderItemRecord[];
}

export interface SortKey<F extends string = string> {
  field: F;
  descending: boolean;
}

/** A row's position in a sort order: its sort keys' values, then its id (the tie-breaker). See domain/query/cursor.ts. */
export interface Keyset {
  values: (string | number)[];
  id: number;
}

/** A page of a collection: which rows (the one query model, domain/query/filter.ts), in what order, how many. */
export interface ListQuery {
  limit: number;
  offset: number;
  where?: Filter | undefined;
  sort: SortKey[];
  /** Keyset paging: rows strictly after this position in the sort order (offset is then 0). */
  after?: Keyset | undefined;
  /** Count every matching row; storage may answer from a maintained count when nothing filters. */
  withTotal: boolean;
}

export type UserFilter = ListQuery;
export type ProductFilter = ListQuery;

export interface Slice<T> {
  items: T[];
  total: number;
}

/** A page of a ListQuery. */
export interface ListPage<T> {
  items: T[];
  /** Present when asked for (ListQuery.withTotal). */
  total?: number | undefined;
  /** The last item's position, when more rows follow it. */
  next?: Keyset | undefined;
}

export type NewUser = Pick<UserRecord, 'name' | 'email' | 'role' | 'passwordHash'>;
export type UserChanges = Partial<NewUser>;

/** Outcome of a conditional write: the row, or why it did not happen. */
export type WriteResult<T> = { ok: true; value: T } | { ok: false; reason: 'missing' | 'stale' | 'conflict' };

export interface UserRepository {
  findById(id: number): Promise<UserRecord | undefined>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  list(filter: UserFilter): Promise<ListPage<UserRecord>>;
  /** 'conflict' when the email is taken. */
  insert(user: NewUser): Promise<WriteResult<UserRecord>>;
  /**
   * Bumps version, and credentialsVersion when the role or password
   * changes; 'stale' when expectedVersion no longer matches, 'conflict' on a
   * taken email.
   */
  update(id: number, changes: UserChanges, expectedVersion?: number): Promise<WriteResult<UserRecord>>;
  /** Removes the user and their orders in one transaction. */
  delete(id: number, expectedVersion?: number): Promise<WriteResult<true>>;
}

export interface ProductRepository {
  findById(id: number): Promise<ProductRecord | undefined>;
  findByIds(ids: readonly number[]): Promise<ProductRecord[]>;
  list(filter: ProductFilter): Promise<ListPage<ProductRecord>>;
  insert(product: Omit<ProductRecord, 'id'>): Promise<ProductRecord>;
  update(product: ProductRecord): Promise<WriteResult<ProductRecord>>;
  /** 'conflict' while orders still reference the product. */
  delete(id: number): Promise<WriteResult<true>>;
}

export interface OrderRepository {
  findById(id: number): Promise<OrderRecord | undefined>;
  listByUser(userId: number, limit: number, offset: number): Promise<Slice<OrderRecord>>;
  /**
   * Orders of several users in a fixed number of queries (for batched
   * loaders), newest first: with `page`, only that window of each user's
   * orders; without, all of them.
   */
  listByUsers(userIds: readonly number[], page?: { limit: number; offset: number }): Promise<Map<number, OrderRecord[]>>;
  /** Order and items in one transaction. */
  insert(order: Omit<OrderRecord, 'id' | 'createdAt'>): Promise<OrderRecord>;
  /** Aggregates over the orders a filter selects, computed by storage (a few grouped queries, however many orders). */
  stats(filter: OrderStatsFilter): Promise<OrderStatsRecord>;
}

export interface OrderStatsFilter {
  userId?: number | undefined;
  /** ISO 8601 bounds on createdAt: from inclusive, until exclusive. */
  from?: string | undefined;
  until?: string | undefined;
  /** Most products listed (the best sellers by revenue). */
  topProducts: number;
  byDay: boolean;
}

export interface OrderTotalsRecord {
  orders: number;
  units: number;
  /** Exact at any size: sums of many large orders pass 2^53 cents. */
  revenueCents: bigint;
}

export interface OrderStatsRecord extends OrderTotalsRecord {
  products: (OrderTotalsRecord & { productId: number; name: string })[];
  /** Per UTC day (YYYY-MM-DD), days without orders left out; empty unless byDay. */
  days: (OrderTotalsRecord & { date: string })[];
}

/** What a unit of work offers: repositories bound to its transaction, the outbox, and savepoints. */
export interface Writes {
  readonly users: UserRepository;
  readonly products: ProductRepository;
  readonly orders: OrderRepository;
  /**
   * Writes the event to the outbox inside the transaction; it is published
   * only if the transaction commits (and the step it was recorded in, if
   * any, was not rolled back).
   */
  record(event: NewDomainEvent): Promise<DomainEvent>;
  /**
   * Runs part of the work so that, if it throws, only that part is undone
   * — its writes and the events it recorded (a savepoint) — and the
   * transaction stays usable for the rest. The error is rethrown.
   */
  step<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * One storage transaction for a change and its events (the transactional
 * outbox). `work` returning commits; `work` throwing (a refused write, a
 * DomainError, a strict bulk call that had a failed item) rolls back the
 * changes and their events together and rethrows, so a failed write emits
 * nothing and a committed one is in the outbox even if the process dies
 * before publishing it. Nothing else may touch storage while `work` runs:
 * the transaction holds the connection, so work uses the given
 * repositories only (slow things such as password hashing happen before).
 */
export interface UnitOfWork {
  run<T>(work: (writes: Writes) => Promise<T>): Promise<T>;
}

/** Small persistent key/value store for generated secrets. */
export interface SettingsRepository {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

export interface TokenClaims {
  subject: string;
  role: Role;
  userId: number | null;
  /** The user's credentialsVersion when the token was issued (absent for the bootstrap admin). */
  credentialsVersion?: number;
}

export interface TokenCodec {
  readonly ttlSeconds: number;
  sign(claims: TokenClaims): Promise<string>;
  /** Undefined for a token that is malformed, forged or expired. */
  verify(token: string): Promise<TokenClaims | undefined>;
}

/**
 * The start-up password work: the admin password checked against ADMIN_PASSWORD, DEMO_PASSWORD applied to the demo
 * accounts. The door may open while it still runs (app.ts); logins and token checks wait for it, so that none reads a
 * password or a credentials version it is replacing. Rejects when it failed (the process is then stopping).
 */
export interface StartupWork {
  readonly done: Promise<void>;
}

/** Where the administrator's credential lives (configuration, then settings). */
export interface AdminCredentials {
  verify(password: string): Promise<boolean>;
}

export interface Clock {
  now(): Date;
}

/** One rate policy's counters: so many points per window, keyed by whatever is limited (a principal, an address). */
export interface RateLimiter {
  /** Spends `cost` points (default 1); refused when the key has none left, with the seconds until it has. */
  consume(key: string, cost?: number): Promise<RateDecision>;
  /** Forgets a key (e.g. failed logins after a success). */
  reset(key: string): Promise<void>;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RatePolicy {
  /** Distinguishes policies sharing one store (Redis key prefix). */
  name: string;
  points: number;
  windowSeconds: number;
}

/** Makes a limiter per policy: in-process now, shared through Redis later. */
export type RateLimiterFactory = (policy: RatePolicy) => RateLimiter;
