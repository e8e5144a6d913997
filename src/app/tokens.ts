import type { ServiceIdentifier } from 'inversify';
import type { Kysely } from 'kysely';
import type { HttpFacade } from '../adapters/shared/http.js';
import type { Invoker } from '../adapters/shared/invoker.js';
import type { DomainServices } from '../contract/operations.js';
import type { AuthService } from '../domain/auth.js';
import type { OrderService } from '../domain/orders.js';
import type {
  AdminCredentials,
  OrderRepository,
  PasswordHasher,
  ProductRepository,
  SettingsRepository,
  TokenCodec,
  UserRepository,
} from '../domain/ports.js';
import type { ProductService } from '../domain/products.js';
import type { UserService } from '../domain/users.js';
import type { Config } from '../infra/config.js';
import type { Logger } from '../infra/logger.js';
import type { QueryCounter } from '../infra/storage/database.js';
import type { Database } from '../infra/storage/schema.js';

const t = <T>(name: string) => Symbol.for(`polyface.${name}`) as ServiceIdentifier<T>;

/** Every injection token, typed, in one place. */
export const TYPES = {
  Config: t<Config>('Config'),
  Logger: t<Logger>('Logger'),
  Database: t<Kysely<Database>>('Database'),
  QueryCounter: t<QueryCounter>('QueryCounter'),
  UserRepository: t<UserRepository>('UserRepository'),
  ProductRepository: t<ProductRepository>('ProductRepository'),
  OrderRepository: t<OrderRepository>('OrderRepository'),
  SettingsRepository: t<SettingsRepository>('SettingsRepository'),
  PasswordHasher: t<PasswordHasher>('PasswordHasher'),
  TokenCodec: t<TokenCodec>('TokenCodec'),
  AdminCredentials: t<AdminCredentials>('AdminCredentials'),
  AuthService: t<AuthService>('AuthService'),
  UserService: t<UserService>('UserService'),
  ProductService: t<ProductService>('ProductService'),
  OrderService: t<OrderService>('OrderService'),
  DomainServices: t<DomainServices>('DomainServices'),
  Invoker: t<Invoker>('Invoker'),
  /** Multi-bound: every protocol facade mounted on the HTTP server. */
  HttpFacade: t<HttpFacade>('HttpFacade'),
} as const;
