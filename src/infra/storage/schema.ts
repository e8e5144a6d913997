import type { Generated } from 'kysely';

/** Table shapes as Kysely sees them; column names are snake_case in SQL. */
export interface UsersTable {
  id: Generated<number>;
  name: string;
  email: string;
  role: 'admin' | 'user';
  password_hash: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  credentials_version: Generated<number>;
}

export interface ProductsTable {
  id: Generated<number>;
  name: string;
  price_cents: number;
}

export interface OrdersTable {
  id: Generated<number>;
  user_id: number;
  created_at: string;
}

export interface OrderItemsTable {
  id: Generated<number>;
  order_id: number;
  product_id: number;
  quantity: number;
  unit_price_cents: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** The outbox: one row per domain event, `data` as JSON text. */
export interface EventsTable {
  id: Generated<number>;
  type: string;
  occurred_at: string;
  /** The user an order event belongs to (access rules filter on it); null for user and product events. */
  owner_id: number | null;
  data: string;
}

export interface JobsTable {
  id: string;
  owner_subject: string;
  owner_user_id: number | null;
  kind: string;
  input: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  done: number;
  total: number | null;
  result: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface Database {
  users: UsersTable;
  products: ProductsTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  settings: SettingsTable;
  events: EventsTable;
  jobs: JobsTable;
}
