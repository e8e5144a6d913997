import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { StartupError } from './startup-error.js';
import { parseDatabaseUrl } from './storage/location.js';

/**
 * Every knob in one place, read from the environment once and validated
 * with zod; a bad value stops the start with a message naming the variable.
 * Tests build a Config directly and never touch process.env.
 */
export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  /** PostgreSQL only: pool size, per-statement timeout, connection attempts and timeout at start (infra/storage/database.ts). */
  database: { poolSize: number; statementTimeoutMs: number; connectRetries: number; connectTimeoutMs: number };
  jwtSecret: string | undefined;
  adminPassword: string | undefined;
  /** Password for the demo users Alice and Bob; generated and printed when unset. */
  demoPassword: string | undefined;
  tokenTtlSeconds: number;
  logLevel: LogLevel;
  /** `pretty` (pino-pretty, plus a readable block of URLs at start), `json`, or `auto`: pretty on a TTY, JSON otherwise. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** Largest request body any style accepts, in bytes. */
  bodyLimitBytes: number;
  /** Seed demo data into an empty database. */
  seedDemoData: boolean;
  /** Grace period for in-flight requests on SIGTERM. */
  shutdownTimeoutMs: number;
  /**
   * The HTTP/1.1 front door's clocks (Node's `headersTimeout` and `requestTimeout`): how long a client may take to send
   * its headers, and its whole request; neither covers the response, so streams and long polls are not cut.
   */
  http: { headersTimeoutMs: number; requestTimeoutMs: number };
  /** Smallest response body (bytes) compressed with gzip/br when the client accepts it. */
  compressionThresholdBytes: number;
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
  /** Failed logins allowed per account and per client address in the first window (domain/auth/throttle.ts); 0 turns one off. */
  loginThrottle: { perAccount: number; perAddress: number; windowSeconds: number; concurrent: number };
  /** scrypt computations at once, and how many may wait before more are refused (infra/passwords.ts). */
  passwordHashing: { concurrency: number; queue: number };
  graphql: { maxDepth: number; maxComplexity: number; maxCost: number; maxQueryLength: number; maxTypeLookups: number; introspection: boolean; documentCacheSize: number };
  jsonrpc: { maxBatch: number };
  /** SOAP envelopes: deepest nesting, most elements and most attributes (namespace declarations included), checked while reading. */
  soap: { maxDepth: number; maxElements: number; maxAttributes: number };
  /**
   * The absolute URL clients reach the gateway at (scheme://host[:port][/path], no trailing slash), for the
   * addresses the gateway prints (the WSDL's soap:address, the landing page's links). Unset: the listening URL.
   * Never taken from a request's Host header, which any client can forge.
   */
  publicUrl: string | undefined;
  /** REST: deepest element nesting accepted in an XML request body. */
  rest: { xmlMaxDepth: number };
  /** Both chats (/ws/chat and Socket.IO): per-connection and per-user limits on top of the WebSocket ones. */
  chat: { maxMessageBytes: number; maxMessagesPerSecond: number; maxRoomsPerConnection: number; maxConnectionsPerUser: number };
  /** gRPC: the dedicated listener's port (h2c is also served on `port`) and calls per HTTP/2 connection. */
  grpc: { port: number; maxConcurrentStreams: number };
  /** The /compare page shows the charts of the last `npm run compare` found in this folder. */
  compare: { reportDir: string };
  /** Cross-origin access for browsers (hosts/cors.ts); no origins = off. `*` allows any origin without credentials. */
  cors: { origins: readonly string[]; credentials: boolean; maxAgeSeconds: number };
  /** Prometheus exposition: on its own port without authentication, or (port unset) at /metrics for admins only. */
  metrics: { port: number | undefined };
  /** OpenTelemetry traces, off unless an OTLP endpoint is set. */
  tracing: { otlpEndpoint: string | undefined; serviceName: string };
  /** Asynchronous jobs (exports): how many run at once, their pace and size, and how many may wait. */
  jobs: {
    concurrency: number;
    pageSize: number;
    pageDelayMs: number;
    maxItems: number;
    maxActivePerOwner: number;
    maxActive: number;
    retentionSeconds: number;
  };
  /** Cross-instance events, limits and chats (README "Scaling out"); off without a URL. */
  redis: { url: string | undefined; prefix: string };
  /** Gateway processes behind node:cluster on the same port(s); 1 runs in this process. */
  workers: number;
  /** How long the outbox relay waits for an event id that is missing below newer ones (a transaction still committing) before skipping it. */
  eventsGapWaitMs: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A non-negative integer setting; `max` (with the advice appended to every message) bounds it, as for ports. */
const integer = <F extends number | undefined>(fallback: F, max?: { value: number; advice: string }) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      const n = Number(raw);
      const advice = max ? `; ${max.advice}` : '';
      if (!Number.isInteger(n) || n < 0) {
        ctx.addIssue({ code: 'custom', message: `must be a non-negative integer, got "${raw}"${advice}` });
        return z.NEVER;
      }
      if (max && n > max.value) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${max.value}, got "${raw}"${advice}` });
        return z.NEVER;
      }
      return n;
    });

const int = (fallback: number) => integer(fallback);

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

/** A TCP port: 0 lets the system pick a free one. */
const port = (fallback: number | undefined) => integer(fallback, { value: 65535, advice: 'set it to a port from 0 to 65535 (0 picks a free one)' });

const oneOf = <T extends string>(values: readonly T[], fallback: T) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const v = raw?.trim().toLowerCase();
      if (v === undefined || v === '') return fallback;
      if ((values as readonly string[]).includes(v)) return v as T;
      ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}, got "${raw}"` });
      return z.NEVER;
    });

/** A comma-separated list of web origins (RFC 6454 §6.1: scheme://host[:port]), or `*`. */
const origins = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const list = (raw ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean);
      for (const o of list) {
        if (o === '*') continue;
        let origin: string | undefined;
        try {
          origin = new URL(o).origin;
        } catch {
          origin = undefined;
        }
        if (origin !== o.replace(/\/$/, '') || origin === 'null') {
          ctx.addIssue({ code: 'custom', message: `entry "${o}" is not an origin; write each as scheme://host[:port], e.g. https://app.example.com, or * for any` });
          return z.NEVER;
        }
      }
      return list.map((o) => o.replace(/\/$/, ''));
    });

const text = (fallback?: string) =>
  z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw === '' ? fallback : raw));

/** `WORKERS`: a count of processes, or `auto` for one per core (os.availableParallelism). */
const workers = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const v = raw?.trim().toLowerCase();
      if (v === undefined || v === '') return 1;
      if (v === 'auto') return Math.max(1, availableParallelism());
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) {
        ctx.addIssue({ code: 'custom', message: `must be a positive integer or auto, got "${raw}"` });
        return z.NEVER;
      }
      return n;
    });

/** The environment variables polyface reads; the README's configuration table lists exactly these. */
const ENV = z.object({
  HOST: text('127.0.0.1'),
  PORT: port(3000),
  DATABASE_URL: text('./data/polyface.db'),
  DATABASE_POOL_SIZE: int(10),
  DATABASE_STATEMENT_TIMEOUT_MS: int(30_000),
  DATABASE_CONNECT_RETRIES: int(5),
  DATABASE_CONNECT_TIMEOUT_MS: int(5_000),
  JWT_SECRET: text(),
  ADMIN_PASSWORD: text(),
  DEMO_PASSWORD: text(),
  TOKEN_TTL_SECONDS: int(3600),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
  LOG_FORMAT: oneOf(['auto', 'json', 'pretty'] as const, 'auto'),
  BODY_LIMIT_BYTES: int(1_048_576),
  SEED_DEMO_DATA: bool(true),
  SHUTDOWN_TIMEOUT_MS: int(10_000),
  HTTP_HEADERS_TIMEOUT_MS: int(15_000),
  HTTP_REQUEST_TIMEOUT_MS: int(30_000),
  COMPRESSION_THRESHOLD_BYTES: int(1024),
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
  RATE_LIMIT_WRITES_PER_MINUTE: int(300),
  LOGIN_FAILURES_PER_ACCOUNT: int(5),
  LOGIN_FAILURES_PER_ADDRESS: int(20),
  LOGIN_FAILURE_WINDOW_SECONDS: int(60),
  LOGIN_CONCURRENT_CHECKS: int(4),
  PASSWORD_HASH_CONCURRENCY: int(2),
  PASSWORD_HASH_QUEUE: int(32),
  GRAPHQL_MAX_DEPTH: int(10),
  GRAPHQL_MAX_COMPLEXITY: int(1000),
  GRAPHQL_MAX_COST: int(10_000),
  GRAPHQL_MAX_QUERY_LENGTH: int(10_000),
  GRAPHQL_MAX_TYPE_LOOKUPS: int(10),
  GRAPHQL_INTROSPECTION: bool(true),
  GRAPHQL_DOCUMENT_CACHE: int(500),
  JSONRPC_MAX_BATCH: int(50),
  SOAP_MAX_DEPTH: int(32),
  SOAP_MAX_ELEMENTS: int(10_000),
  SOAP_MAX_ATTRIBUTES: int(2_000),
  PUBLIC_URL: text(),
  REST_XML_MAX_DEPTH: int(16),
  CHAT_MAX_MESSAGE_BYTES: int(16_384),
  CHAT_MAX_MESSAGES_PER_SECOND: int(10),
  CHAT_MAX_ROOMS_PER_CONNECTION: int(10),
  CHAT_MAX_CONNECTIONS_PER_USER: int(5),
  GRPC_PORT: port(50051),
  GRPC_MAX_CONCURRENT_STREAMS: int(100),
  COMPARE_REPORT_DIR: text('./compare-report'),
  CORS_ORIGINS: origins(),
  CORS_CREDENTIALS: bool(false),
  CORS_MAX_AGE_SECONDS: int(600),
  METRICS_PORT: port(undefined),
  OTEL_EXPORTER_OTLP_ENDPOINT: text(),
  OTEL_SERVICE_NAME: text('polyface'),
  JOB_CONCURRENCY: int(2),
  JOB_PAGE_SIZE: int(100),
  JOB_PAGE_DELAY_MS: int(0),
  JOB_MAX_ITEMS: int(10_000),
  JOB_MAX_ACTIVE_PER_OWNER: int(3),
  JOB_MAX_ACTIVE: int(100),
  JOB_RETENTION_SECONDS: int(86_400),
  REDIS_URL: text(),
  REDIS_PREFIX: text('polyface:'),
  WORKERS: workers(),
  EVENTS_GAP_WAIT_MS: int(1000),
});

export const ENV_VARIABLES: readonly string[] = Object.keys(ENV.shape);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ENV.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0]);
    throw new StartupError(variable, `${variable} ${issue.message}`);
  }
  const e = parsed.data;
  // Checked here so that a bad value stops the start before anything is opened or bound.
  parseDatabaseUrl(e.DATABASE_URL!);
  const corsOrigins = e.CORS_ORIGINS;
  if (e.CORS_CREDENTIALS && corsOrigins.includes('*')) {
    // Fetch standard, CORS protocol: a credentialed response may not answer with Access-Control-Allow-Origin: *.
    throw new StartupError('CORS_CREDENTIALS', 'CORS_CREDENTIALS=true cannot be combined with CORS_ORIGINS=*; list the allowed origins instead');
  }
  if (e.OTEL_EXPORTER_OTLP_ENDPOINT && !/^https?:\/\/[^/]/i.test(e.OTEL_EXPORTER_OTLP_ENDPOINT)) {
    throw new StartupError('OTEL_EXPORTER_OTLP_ENDPOINT', `OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://localhost:4318, got "${e.OTEL_EXPORTER_OTLP_ENDPOINT}"`);
  }
  if (e.PUBLIC_URL !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(e.PUBLIC_URL);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) {
      throw new StartupError('PUBLIC_URL', `PUBLIC_URL must be an http(s) URL without query or credentials, such as https://api.example.com, got "${e.PUBLIC_URL}"`);
    }
  }
  checkRedisUrl(e.REDIS_URL);
  if (e.WORKERS > 1) checkWorkers(e.WORKERS, e.REDIS_URL, e.DATABASE_URL!);
  return {
    host: e.HOST!,
    port: e.PORT ?? 3000,
    databaseUrl: e.DATABASE_URL!,
    database: {
      poolSize: Math.max(1, e.DATABASE_POOL_SIZE),
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      connectRetries: e.DATABASE_CONNECT_RETRIES,
      connectTimeoutMs: Math.max(100, e.DATABASE_CONNECT_TIMEOUT_MS),
    },
    jwtSecret: e.JWT_SECRET,
    adminPassword: e.ADMIN_PASSWORD,
    demoPassword: e.DEMO_PASSWORD,
    tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    seedDemoData: e.SEED_DEMO_DATA,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    http: httpTimeouts(e.HTTP_HEADERS_TIMEOUT_MS, e.HTTP_REQUEST_TIMEOUT_MS),
    compressionThresholdBytes: e.COMPRESSION_THRESHOLD_BYTES,
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
    loginThrottle: {
      perAccount: e.LOGIN_FAILURES_PER_ACCOUNT,
      perAddress: e.LOGIN_FAILURES_PER_ADDRESS,
      windowSeconds: Math.max(1, e.LOGIN_FAILURE_WINDOW_SECONDS),
      concurrent: e.LOGIN_CONCURRENT_CHECKS,
    },
    passwordHashing: { concurrency: Math.max(1, e.PASSWORD_HASH_CONCURRENCY), queue: e.PASSWORD_HASH_QUEUE },
    graphql: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxComplexity: e.GRAPHQL_MAX_COMPLEXITY,
      maxCost: e.GRAPHQL_MAX_COST,
      maxQueryLength: e.GRAPHQL_MAX_QUERY_LENGTH,
      maxTypeLookups: e.GRAPHQL_MAX_TYPE_LOOKUPS,
      introspection: e.GRAPHQL_INTROSPECTION,
      documentCacheSize: e.GRAPHQL_DOCUMENT_CACHE,
    },
    jsonrpc: { maxBatch: e.JSONRPC_MAX_BATCH },
    soap: { maxDepth: e.SOAP_MAX_DEPTH, maxElements: Math.max(1, e.SOAP_MAX_ELEMENTS), maxAttributes: e.SOAP_MAX_ATTRIBUTES },
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    rest: { xmlMaxDepth: e.REST_XML_MAX_DEPTH },
    chat: {
      maxMessageBytes: Math.max(256, e.CHAT_MAX_MESSAGE_BYTES),
      maxMessagesPerSecond: Math.max(1, e.CHAT_MAX_MESSAGES_PER_SECOND),
      maxRoomsPerConnection: Math.max(1, e.CHAT_MAX_ROOMS_PER_CONNECTION),
      maxConnectionsPerUser: Math.max(1, e.CHAT_MAX_CONNECTIONS_PER_USER),
    },
    compare: { reportDir: e.COMPARE_REPORT_DIR! },
    grpc: { port: e.GRPC_PORT ?? 50051, maxConcurrentStreams: e.GRPC_MAX_CONCURRENT_STREAMS },
    cors: { origins: corsOrigins, credentials: e.CORS_CREDENTIALS, maxAgeSeconds: e.CORS_MAX_AGE_SECONDS },
    metrics: { port: e.METRICS_PORT },
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME! },
    jobs: {
      concurrency: Math.max(1, e.JOB_CONCURRENCY),
      pageSize: Math.min(100, Math.max(1, e.JOB_PAGE_SIZE)),
      pageDelayMs: e.JOB_PAGE_DELAY_MS,
      maxItems: e.JOB_MAX_ITEMS,
      maxActivePerOwner: e.JOB_MAX_ACTIVE_PER_OWNER,
      maxActive: e.JOB_MAX_ACTIVE,
      retentionSeconds: e.JOB_RETENTION_SECONDS,
    },
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX! },
    workers: e.WORKERS,
    eventsGapWaitMs: e.EVENTS_GAP_WAIT_MS,
  };
}

/**
 * Node refuses a headers timeout longer than a (non-zero) request timeout, so the headers one is held within it.
 * The headers clock is never off: the port's h2c sniffer closes silent connections on it too. A request timeout
 * of 0 turns that clock off, as in Node.
 */
function httpTimeouts(headers: number, request: number): Config['http'] {
  const headersTimeoutMs = Math.max(100, request > 0 ? Math.min(headers, request) : headers);
  return { headersTimeoutMs, requestTimeoutMs: request > 0 ? Math.max(request, headersTimeoutMs) : 0 };
}

function checkRedisUrl(url: string | undefined): void {
  if (url === undefined) return;
  let scheme: string | undefined;
  try {
    scheme = new URL(url).protocol;
  } catch {
    scheme = undefined;
  }
  if (scheme !== 'redis:' && scheme !== 'rediss:') {
    throw new StartupError('REDIS_URL', 'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379');
  }
}

/**
 * Several workers are several instances: without Redis each would keep its own events, limits and chat rooms,
 * and with an in-memory database its own users — state split silently, so the start is refused instead.
 * A SQLite file is allowed: WAL lets processes on one machine share it (busy_timeout serialises writers),
 * which is exactly the one-machine case WORKERS is for; PostgreSQL is the answer past one machine.
 */
function checkWorkers(n: number, redisUrl: string | undefined, databaseUrl: string): void {
  if (redisUrl === undefined) {
    throw new StartupError('WORKERS', `WORKERS=${n} needs REDIS_URL: without it each worker keeps its own events, rate limits and chat rooms; set REDIS_URL or WORKERS=1`);
  }
  if ((parseDatabaseUrl(databaseUrl) as { path?: string }).path === ':memory:') {
    throw new StartupError('WORKERS', `WORKERS=${n} cannot share DATABASE_URL=${databaseUrl}: each worker would have its own in-memory database; use a SQLite file or PostgreSQL`);
  }
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
