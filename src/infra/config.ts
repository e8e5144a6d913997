import { z } from 'zod';

/**
 * Every knob in one place, read from the environment once and validated
 * with zod; a bad value stops the start with a message naming the variable.
 * Tests build a Config directly and never touch process.env.
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
  /** Largest request body any style accepts, in bytes. */
  bodyLimitBytes: number;
  /** Seed demo data into an empty database. */
  seedDemoData: boolean;
  /** Grace period for in-flight requests on SIGTERM. */
  shutdownTimeoutMs: number;
  /** The one credential → principal cache every style goes through (runtime/principals.ts). */
  auth: { cacheSize: number; cacheTtlSeconds: number };
  /** Every WebSocket endpoint's limits (protocols/shared/ws.ts); the largest message is bodyLimitBytes. */
  ws: {
    maxConnectionsPerAddress: number;
    maxInFlight: number;
    maxMessagesPerSecond: number;
    maxBufferedBytes: number;
    slowPeerMs: number;
    heartbeatMs: number;
    idleTimeoutMs: number;
  };
  /** Live updates (domain/feed, protocols/events): outbox retention, per-subscriber queue, subscription caps, SSE heartbeat. */
  events: {
    retentionSeconds: number;
    retentionCount: number;
    pruneIntervalSeconds: number;
    queueMax: number;
    maxPerPrincipal: number;
    maxPerConnection: number;
    heartbeatSeconds: number;
  };
  /** Per-principal call and write rates per minute; 0 turns a limit off. */
  rateLimits: { callsPerMinute: number; writesPerMinute: number };
  graphql: { maxDepth: number; maxComplexity: number; maxQueryLength: number; introspection: boolean; documentCacheSize: number };
  jsonrpc: { maxBatch: number };
  soap: { maxDepth: number };
  /** REST: deepest element nesting accepted in an XML request body. */
  rest: { xmlMaxDepth: number };
  /** Both chats (/ws/chat and Socket.IO): per-connection and per-user limits on top of the WebSocket ones. */
  chat: { maxMessageBytes: number; maxMessagesPerSecond: number; maxRoomsPerConnection: number; maxConnectionsPerUser: number };
  /** gRPC: the dedicated listener's port (h2c is also served on `port`) and calls per HTTP/2 connection. */
  grpc: { port: number; maxConcurrentStreams: number };
  /** The /compare page shows the charts of the last `npm run compare` found in this folder. */
  compare: { reportDir: string };
}

const int = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) {
        ctx.addIssue({ code: 'custom', message: `must be a non-negative integer, got "${raw}"` });
        return z.NEVER;
      }
      return n;
    });

const bool = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const v = raw?.toLowerCase();
      if (v === undefined || v === '') return fallback;
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false, got "${raw}"` });
      return z.NEVER;
    });

const text = (fallback?: string) =>
  z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw === '' ? fallback : raw));

/** The environment variables polyface reads; the README's configuration table lists exactly these. */
const ENV = z.object({
  HOST: text('127.0.0.1'),
  PORT: int(3000),
  DATABASE_URL: text('./data/polyface.db'),
  JWT_SECRET: text(),
  ADMIN_PASSWORD: text(),
  DEMO_PASSWORD: text(),
  TOKEN_TTL_SECONDS: int(3600),
  LOG_LEVEL: text('info'),
  BODY_LIMIT_BYTES: int(1_048_576),
  SEED_DEMO_DATA: bool(true),
  SHUTDOWN_TIMEOUT_MS: int(10_000),
  AUTH_CACHE_SIZE: int(10_000),
  AUTH_CACHE_TTL_SECONDS: int(30),
  WS_MAX_CONNECTIONS_PER_ADDRESS: int(20),
  WS_MAX_IN_FLIGHT: int(4),
  WS_MAX_MESSAGES_PER_SECOND: int(50),
  WS_MAX_BUFFERED_BYTES: int(1_048_576),
  WS_SLOW_PEER_MS: int(10_000),
  WS_HEARTBEAT_MS: int(30_000),
  WS_IDLE_TIMEOUT_MS: int(600_000),
  EVENTS_RETENTION_SECONDS: int(86_400),
  EVENTS_RETENTION_COUNT: int(100_000),
  EVENTS_PRUNE_INTERVAL_SECONDS: int(60),
  EVENTS_QUEUE_MAX: int(256),
  EVENTS_MAX_PER_PRINCIPAL: int(16),
  EVENTS_MAX_PER_CONNECTION: int(8),
  EVENTS_HEARTBEAT_SECONDS: int(15),
  RATE_LIMIT_CALLS_PER_MINUTE: int(0),
  RATE_LIMIT_WRITES_PER_MINUTE: int(0),
  GRAPHQL_MAX_DEPTH: int(10),
  GRAPHQL_MAX_COMPLEXITY: int(1000),
  GRAPHQL_MAX_QUERY_LENGTH: int(10_000),
  GRAPHQL_INTROSPECTION: bool(true),
  GRAPHQL_DOCUMENT_CACHE: int(500),
  JSONRPC_MAX_BATCH: int(50),
  SOAP_MAX_DEPTH: int(32),
  REST_XML_MAX_DEPTH: int(16),
  CHAT_MAX_MESSAGE_BYTES: int(16_384),
  CHAT_MAX_MESSAGES_PER_SECOND: int(10),
  CHAT_MAX_ROOMS_PER_CONNECTION: int(10),
  CHAT_MAX_CONNECTIONS_PER_USER: int(5),
  GRPC_PORT: int(50051),
  GRPC_MAX_CONCURRENT_STREAMS: int(100),
  COMPARE_REPORT_DIR: text('./compare-report'),
});

export const ENV_VARIABLES: readonly string[] = Object.keys(ENV.shape);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ENV.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  return {
    host: e.HOST!,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL!,
    jwtSecret: e.JWT_SECRET,
    adminPassword: e.ADMIN_PASSWORD,
    demoPassword: e.DEMO_PASSWORD,
    tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
    logLevel: e.LOG_LEVEL!,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    seedDemoData: e.SEED_DEMO_DATA,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    auth: { cacheSize: e.AUTH_CACHE_SIZE, cacheTtlSeconds: e.AUTH_CACHE_TTL_SECONDS },
    ws: {
      maxConnectionsPerAddress: e.WS_MAX_CONNECTIONS_PER_ADDRESS,
      maxInFlight: Math.max(1, e.WS_MAX_IN_FLIGHT),
      maxMessagesPerSecond: Math.max(1, e.WS_MAX_MESSAGES_PER_SECOND),
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
      slowPeerMs: e.WS_SLOW_PEER_MS,
      heartbeatMs: Math.max(100, e.WS_HEARTBEAT_MS),
      idleTimeoutMs: Math.max(100, e.WS_IDLE_TIMEOUT_MS),
    },
    events: {
      retentionSeconds: e.EVENTS_RETENTION_SECONDS,
      retentionCount: e.EVENTS_RETENTION_COUNT,
      pruneIntervalSeconds: e.EVENTS_PRUNE_INTERVAL_SECONDS,
      queueMax: Math.max(1, e.EVENTS_QUEUE_MAX),
      maxPerPrincipal: e.EVENTS_MAX_PER_PRINCIPAL,
      maxPerConnection: e.EVENTS_MAX_PER_CONNECTION,
      heartbeatSeconds: Math.max(1, e.EVENTS_HEARTBEAT_SECONDS),
    },
    rateLimits: { callsPerMinute: e.RATE_LIMIT_CALLS_PER_MINUTE, writesPerMinute: e.RATE_LIMIT_WRITES_PER_MINUTE },
    graphql: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxComplexity: e.GRAPHQL_MAX_COMPLEXITY,
      maxQueryLength: e.GRAPHQL_MAX_QUERY_LENGTH,
      introspection: e.GRAPHQL_INTROSPECTION,
      documentCacheSize: e.GRAPHQL_DOCUMENT_CACHE,
    },
    jsonrpc: { maxBatch: e.JSONRPC_MAX_BATCH },
    soap: { maxDepth: e.SOAP_MAX_DEPTH },
    rest: { xmlMaxDepth: e.REST_XML_MAX_DEPTH },
    chat: {
      maxMessageBytes: Math.max(256, e.CHAT_MAX_MESSAGE_BYTES),
      maxMessagesPerSecond: Math.max(1, e.CHAT_MAX_MESSAGES_PER_SECOND),
      maxRoomsPerConnection: Math.max(1, e.CHAT_MAX_ROOMS_PER_CONNECTION),
      maxConnectionsPerUser: Math.max(1, e.CHAT_MAX_CONNECTIONS_PER_USER),
    },
    grpc: { port: e.GRPC_PORT, maxConcurrentStreams: e.GRPC_MAX_CONCURRENT_STREAMS },
    compare: { reportDir: e.COMPARE_REPORT_DIR! },
  };
}

/** Configuration for tests: in-memory database, fixed secrets, quiet logs. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({});
  return {
    ...base,
    port: 0,
    grpc: { ...base.grpc, port: 0 },
    databaseUrl: ':memory:',
    jwtSecret: 'test-secret-test-secret-test-secret-0123',
    adminPassword: 'admin-password',
    demoPassword: 'demo-password',
    logLevel: 'silent',
    ...overrides,
  };
}
