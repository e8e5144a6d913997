/**
 * Every knob in one place, read from the environment once. Tests build a
 * Config directly and never touch process.env.
 */
export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  jwtSecret: string | undefined;
  adminPassword: string | undefined;
  /** Password for the demo users Alice and Bob; generated and printed when unset. */
  demoPassword: string | undefined;
  tokenTtlSeconds: number;
  logLevel: string;
  /** Largest request body any facade accepts, in bytes. */
  bodyLimitBytes: number;
  /** Seed demo data into an empty database. */
  seedDemoData: boolean;
  /** Grace period for in-flight requests on SIGTERM. */
  shutdownTimeoutMs: number;
  graphql: { maxDepth: number; maxComplexity: number; maxQueryLength: number; introspection: boolean; documentCacheSize: number };
  jsonrpc: { maxBatch: number };
  soap: {
    maxDepth: number;
    /** Verified header credentials (UsernameToken, <Authentication>) remembered to skip scrypt; 0 disables. */
    credentialCacheSize: number;
    credentialCacheTtlSeconds: number;
  };
  /** REST: deepest element nesting accepted in an XML request body. */
  rest: { xmlMaxDepth: number };
}

function int(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${key} must be a non-negative integer, got "${raw}"`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, key: string, fallback: boolean): boolean {
  const raw = env[key]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${key} must be true or false, got "${raw}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 3000),
    databaseUrl: env.DATABASE_URL || './data/polyface.db',
    jwtSecret: env.JWT_SECRET || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    demoPassword: env.DEMO_PASSWORD || undefined,
    tokenTtlSeconds: int(env, 'TOKEN_TTL_SECONDS', 3600),
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576),
    seedDemoData: bool(env, 'SEED_DEMO_DATA', true),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000),
    graphql: {
      maxDepth: int(env, 'GRAPHQL_MAX_DEPTH', 10),
      maxComplexity: int(env, 'GRAPHQL_MAX_COMPLEXITY', 1000),
      maxQueryLength: int(env, 'GRAPHQL_MAX_QUERY_LENGTH', 10_000),
      introspection: bool(env, 'GRAPHQL_INTROSPECTION', true),
      documentCacheSize: int(env, 'GRAPHQL_DOCUMENT_CACHE', 500),
    },
    jsonrpc: { maxBatch: int(env, 'JSONRPC_MAX_BATCH', 50) },
    soap: {
      maxDepth: int(env, 'SOAP_MAX_DEPTH', 32),
      credentialCacheSize: int(env, 'SOAP_CREDENTIAL_CACHE_SIZE', 1000),
      credentialCacheTtlSeconds: int(env, 'SOAP_CREDENTIAL_CACHE_TTL_SECONDS', 60),
    },
    rest: { xmlMaxDepth: int(env, 'REST_XML_MAX_DEPTH', 16) },
  };
}

/** Configuration for tests: in-memory database, fixed secrets, quiet logs. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({}),
    port: 0,
    databaseUrl: ':memory:',
    jwtSecret: 'test-secret-test-secret-test-secret-0123',
    adminPassword: 'admin-password',
    demoPassword: 'demo-password',
    logLevel: 'silent',
    ...overrides,
  };
}
