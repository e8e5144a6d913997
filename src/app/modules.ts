import { ContainerModule } from 'inversify';
import type { Kysely } from 'kysely';
import { Invoker } from '../adapters/shared/invoker.js';
import { AuthService } from '../domain/auth.js';
import { OrderService } from '../domain/orders.js';
import type { AdminCredentials, PasswordHasher, SettingsRepository } from '../domain/ports.js';
import { ProductService } from '../domain/products.js';
import { UserService } from '../domain/users.js';
import type { Config } from '../infra/config.js';
import type { Logger } from '../infra/logger.js';
import type { QueryCounter } from '../infra/storage/database.js';
import { SqlOrderRepository } from '../infra/storage/orders-repo.js';
import { SqlProductRepository } from '../infra/storage/products-repo.js';
import type { Database } from '../infra/storage/schema.js';
import { SqlUserRepository } from '../infra/storage/users-repo.js';
import { JwtCodec } from '../infra/tokens.js';
import { TYPES } from './tokens.js';

/** What start-up prepared before the container exists (opened, migrated, secrets resolved). */
export interface InfraResources {
  config: Config;
  log: Logger;
  db: Kysely<Database>;
  counter: QueryCounter;
  settings: SettingsRepository;
  hasher: PasswordHasher;
  admin: AdminCredentials;
  jwtSecret: string;
}

/** Ports → implementations. Tests load the same module with other resources. */
export const infraModule = (r: InfraResources) =>
  new ContainerModule(({ bind }) => {
    bind(TYPES.Config).toConstantValue(r.config);
    bind(TYPES.Logger).toConstantValue(r.log);
    bind(TYPES.Database).toConstantValue(r.db);
    bind(TYPES.QueryCounter).toConstantValue(r.counter);
    bind(TYPES.SettingsRepository).toConstantValue(r.settings);
    bind(TYPES.PasswordHasher).toConstantValue(r.hasher);
    bind(TYPES.AdminCredentials).toConstantValue(r.admin);
    bind(TYPES.TokenCodec).toConstantValue(new JwtCodec(r.jwtSecret, r.config.tokenTtlSeconds));
    bind(TYPES.UserRepository).toDynamicValue((c) => new SqlUserRepository(c.get(TYPES.Database))).inSingletonScope();
    bind(TYPES.ProductRepository).toDynamicValue((c) => new SqlProductRepository(c.get(TYPES.Database))).inSingletonScope();
    bind(TYPES.OrderRepository).toDynamicValue((c) => new SqlOrderRepository(c.get(TYPES.Database))).inSingletonScope();
  });

/**
 * The domain imports no DI library, so its services are built here from
 * their ports; every adapter then reaches them through the Invoker.
 */
export const domainModule = new ContainerModule(({ bind }) => {
  bind(TYPES.UserService)
    .toDynamicValue((c) => new UserService(c.get(TYPES.UserRepository), c.get(TYPES.PasswordHasher)))
    .inSingletonScope();
  bind(TYPES.ProductService).toDynamicValue((c) => new ProductService(c.get(TYPES.ProductRepository))).inSingletonScope();
  bind(TYPES.OrderService)
    .toDynamicValue((c) => new OrderService(c.get(TYPES.OrderRepository), c.get(TYPES.UserRepository), c.get(TYPES.ProductRepository)))
    .inSingletonScope();
  bind(TYPES.AuthService)
    .toDynamicValue(
      (c) => new AuthService(c.get(TYPES.UserRepository), c.get(TYPES.PasswordHasher), c.get(TYPES.TokenCodec), c.get(TYPES.AdminCredentials)),
    )
    .inSingletonScope();
  bind(TYPES.DomainServices)
    .toDynamicValue((c) => ({
      auth: c.get(TYPES.AuthService),
      users: c.get(TYPES.UserService),
      products: c.get(TYPES.ProductService),
      orders: c.get(TYPES.OrderService),
    }))
    .inSingletonScope();
  bind(TYPES.Invoker).to(Invoker).inSingletonScope();
});
