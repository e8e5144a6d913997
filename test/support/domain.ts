import { AuthService } from '../../src/domain/auth/service.js';
import { ProductService } from '../../src/domain/catalog/service.js';
import type { DomainContext } from '../../src/domain/context.js';
import { OrderService } from '../../src/domain/orders/service.js';
import type { Principal } from '../../src/domain/principal.js';
import { UserService } from '../../src/domain/users/service.js';
import { ScryptHasher } from '../../src/infra/passwords.js';
import { resolveAdminPasswordHash } from '../../src/infra/secrets.js';
import { QueryCounter } from '../../src/infra/storage/database.js';
import { SqlOrderRepository } from '../../src/infra/storage/orders-repo.js';
import { SqlProductRepository } from '../../src/infra/storage/products-repo.js';
import { seedDemoData } from '../../src/infra/storage/seed.js';
import { SqlSettingsRepository } from '../../src/infra/storage/settings-repo.js';
import { SqlUnitOfWork } from '../../src/infra/storage/unit-of-work.js';
import { SqlUserRepository } from '../../src/infra/storage/users-repo.js';
import { systemClock } from '../../src/infra/clock.js';
import { JwtCodec } from '../../src/infra/tokens.js';
import { openTestDatabase } from './storage.js';

export const ADMIN_PRINCIPAL: Principal = { subject: 'admin', role: 'admin', userId: null };

/** Domain calls as each demo caller. */
export const admin: DomainContext = { caller: ADMIN_PRINCIPAL };
export const alice: DomainContext = { caller: { subject: 'user:1', role: 'user', userId: 1 } };
export const bob: DomainContext = { caller: { subject: 'user:2', role: 'user', userId: 2 } };
export const anonymous: DomainContext = { caller: null };

/** The domain services over a real database (in-memory SQLite, or PostgreSQL: support/storage.ts) with the demo data. */
export async function domainFixture() {
  const counter = new QueryCounter();
  const db = await openTestDatabase(counter);
  const hasher = new ScryptHasher();
  const settings = new SqlSettingsRepository(db);
  await seedDemoData(db, hasher, 'demo-password', () => {});
  const users = new SqlUserRepository(db);
  const products = new SqlProductRepository(db);
  const orders = new SqlOrderRepository(db);
  const tokens = new JwtCodec('unit-test-secret-unit-test-secret', 60);
  const adminHash = await resolveAdminPasswordHash('admin-password', settings, hasher, () => {});
  const adminCreds = { verify: (password: string) => hasher.verify(password, adminHash) };
  const uow = new SqlUnitOfWork(db, systemClock);
  return {
    db,
    counter,
    settings,
    hasher,
    tokens,
    repos: { users, products, orders },
    auth: new AuthService(users, hasher, tokens, adminCreds),
    users: new UserService(users, hasher, uow),
    products: new ProductService(products, uow),
    orders: new OrderService(orders, users, uow),
  };
}
