import type { Kysely } from 'kysely';
import type { PasswordHasher } from '../../domain/ports.js';
import { generatePassword } from '../secrets.js';
import type { Database } from './schema.js';

/** The seeded demo accounts: DEMO_PASSWORD is their password whenever it is set. */
export const DEMO_EMAILS = ['alice@example.com', 'bob@example.com'] as const;

/** Whether any user or product exists: demo data goes only into a database that has neither. */
export async function hasDomainData(db: Kysely<Database>): Promise<boolean> {
  const [user, product] = await Promise.all([
    db.selectFrom('users').select('id').limit(1).executeTakeFirst(),
    db.selectFrom('products').select('id').limit(1).executeTakeFirst(),
  ]);
  return user !== undefined || product !== undefined;
}

/**
 * The source material's examples (Alice, Bob, Laptop 50.00, Mouse 25.50),
 * written only into an empty database, in one transaction.
 */
export async function seedDemoData(
  db: Kysely<Database>,
  hasher: PasswordHasher,
  demoPassword: string | undefined,
  announce: (message: string) => void,
): Promise<boolean> {
  if (await hasDomainData(db)) return false;

  const password = demoPassword ?? generatePassword();
  const passwordHash = await hasher.hash(password);
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 15, 9, minutes)).toISOString();
  await db.transaction().execute(async (tx) => {
    const [alice, bob] = await tx
      .insertInto('users')
      .values([
        { name: 'Alice', email: 'alice@example.com', role: 'user', password_hash: passwordHash, created_at: at(0), updated_at: at(0), version: 1 },
        { name: 'Bob', email: 'bob@example.com', role: 'user', password_hash: passwordHash, created_at: at(1), updated_at: at(1), version: 1 },
      ])
      .returning('id')
      .execute();
    const [laptop, mouse] = await tx
      .insertInto('products')
      .values([
        { name: 'Laptop', price_cents: 5000 },
        { name: 'Mouse', price_cents: 2550 },
      ])
      .returning('id')
      .execute();
    const orders = await tx
      .insertInto('orders')
      .values([
        { user_id: alice!.id, created_at: at(10) },
        { user_id: alice!.id, created_at: at(20) },
        { user_id: bob!.id, created_at: at(30) },
      ])
      .returning('id')
      .execute();
    await tx
      .insertInto('order_items')
      .values([
        { order_id: orders[0]!.id, product_id: laptop!.id, quantity: 1, unit_price_cents: 5000 },
        { order_id: orders[0]!.id, product_id: mouse!.id, quantity: 2, unit_price_cents: 2550 },
        { order_id: orders[1]!.id, product_id: mouse!.id, quantity: 1, unit_price_cents: 2550 },
        { order_id: orders[2]!.id, product_id: laptop!.id, quantity: 2, unit_price_cents: 5000 },
      ])
      .execute();
  });
  if (!demoPassword) announce(`Demo users alice@example.com and bob@example.com have the password "${password}" (shown once; set DEMO_PASSWORD to choose it).`);
  return true;
}

/**
 * DEMO_PASSWORD is the demo accounts' password at every start, not only
 * when seeding: they are demo accounts, and a Quick Start followed in
 * order (start once, then restart with chosen passwords) must work. An
 * account whose password already matches is left alone; a changed one gets
 * a new credentials version, so tokens issued under the old password stop
 * working. Says what it did (or why it did nothing) in one line.
 */
export async function applyDemoPassword(
  db: Kysely<Database>,
  hasher: PasswordHasher,
  demoPassword: string,
  announce: (message: string) => void,
  now: Date = new Date(),
): Promise<void> {
  const users = await db.selectFrom('users').select(['id', 'email', 'password_hash']).where('email', 'in', [...DEMO_EMAILS]).execute();
  if (!users.length) {
    announce(`DEMO_PASSWORD is set but this database has no demo accounts (${DEMO_EMAILS.join(', ')}), so it was not applied.`);
    return;
  }
  // One scrypt check per distinct stored hash, not per account: the demo accounts share one hash once it has been
  // applied, and each check costs tens of milliseconds of every start (and scrypt's 16 MB), one after another.
  const checked = new Map<string, boolean>();
  const stale = [];
  for (const u of users) {
    if (u.password_hash && !checked.has(u.password_hash)) checked.set(u.password_hash, await hasher.verify(demoPassword, u.password_hash));
    if (!u.password_hash || !checked.get(u.password_hash)) stale.push(u);
  }
  if (!stale.length) return;
  const hash = await hasher.hash(demoPassword);
  await db
    .updateTable('users')
    .set((eb) => ({
      password_hash: hash,
      credentials_version: eb('credentials_version', '+', 1),
      version: eb('version', '+', 1),
      updated_at: now.toISOString(),
    }))
    .where('id', 'in', stale.map((u) => u.id))
    .execute();
  announce(`DEMO_PASSWORD applied to the demo accounts ${stale.map((u) => u.email).join(', ')} (it replaces their previous password at every start).`);
}
