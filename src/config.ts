import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { parseCidr } from './lib/client-address.js';

/** Algorithms selectable by configuration; a tuple so the config can build a zod enum from it. */
export const HEAT_ALGORITHMS = ['reddit', 'hackernews'] as const;

/** `reddit` is time-invariant (exact incremental updates); `hackernews` decays and needs periodic recompute. */
export type HeatAlgorithm = (typeof HEAT_ALGORITHMS)[number];

/** Points per unit of each behaviour. */
export interface HeatWeights {
  join: number;
  favorite: number;
  view: number;
  checkIn: number;
}

/** Default weights (docs/product.md, "Hot ranking"): a check-in is the strongest signal, a view the weakest. */
export const DEFAULT_HEAT_WEIGHTS: Readonly<HeatWeights> = Object.freeze({
  join: 1.0,
  favorite: 0.5,
  view: 0.05,
  checkIn: 2.0,
});

/**
 * What a worker-only process gives V8 unless WORKER_V8_FLAGS says otherwise
 * (why, and what each costs: docs/operations.md "Processes"):
 * - `--liftoff-only`: Prisma's query compiler is WebAssembly; V8's optimising
 *   tier-up of it holds ~80 MB of resident code and compiler memory in every
 *   process, for plans Prisma compiles once per query shape (raw statements
 *   skip the compiler), so the baseline code costs a worker nothing visible;
 * - `--heap-growing-percent=30`: the old generation may grow to 1.3× what
 *   survived the last full collection (V8 lets it reach several times that
 *   with the ~4 GB default limit), so garbage stays proportional to the live
 *   set. A soft policy, not a limit: a job with a larger live set runs, it is
 *   only collected more often (+20–50% worker CPU in a 1,000,000-member
 *   rollover: docs/benchmarks.md, run G).
 */
export const DEFAULT_WORKER_V8_FLAGS = '--liftoff-only --heap-growing-percent=30';

/**
 * What a process serving the API gives V8 unless API_V8_FLAGS says otherwise:
 * the same heap policy as a worker's. With 10,000 subscribers each event's
 * executions and messages leave tens of MB of short-lived objects that
 * outlive young collections; under V8's default policy the old generation
 * grew to ~1.1 GB before a full collection, under this one it stays ~630 MB,
 * its CPU per event within this machine's noise (docs/benchmarks.md, `standings-10k`). No
 * `--liftoff-only`: the API compiles Prisma plans for many query shapes.
 */
export const DEFAULT_API_V8_FLAGS = '--heap-growing-percent=30';

/** `none`, or V8 flags separated by spaces; nothing a shell would read. */
const v8FlagsSetting = (fallback: string) =>
  z
    .string()
    .regex(/^(none|--[a-z0-9-]+(=[\w.-]+)?(\s+--[a-z0-9-]+(=[\w.-]+)?)*)$/, 'must be `none` or V8 flags such as --heap-growing-percent=30, separated by spaces')
    .default(fallback);

const v8FlagsOf = (setting: string): string[] => (setting === 'none' ? [] : setting.trim().split(/\s+/));

const DEV_JWT_SECRET = 'liveboard-development-secret-change-me-0123456789';

/**
 * Secrets that were ever published in this repository (the development
 * default, compose and documentation examples). Anyone can sign an admin token
 * with them, so production refuses them even though they are long enough.
 */
const PUBLISHED_JWT_SECRETS = new Set([
  DEV_JWT_SECRET,
  'change-me-to-a-long-random-secret-of-32+chars',
  'change-me-to-at-least-32-characters-long',
]);
/** Words that mark a value as a placeholder someone forgot to replace (compared without case or punctuation). */
const PLACEHOLDER_WORDS = ['changeme', 'replaceme', 'placeholder', 'example', 'yoursecret', 'secretkey', 'password'];
/**
 * Catches `xxxx…`, `abcabc…` and `1111…`. A random string of 32+ characters
 * never uses this few (32 random hex digits use 14 of the 16 on average, and
 * fewer than 8 less than once in a million).
 */
const MIN_DISTINCT_SECRET_CHARS = 6;

/** Why `secret` must not sign production tokens, or undefined when it looks random enough. */
export function weakSecretReason(secret: string): string | undefined {
  if (PUBLISHED_JWT_SECRETS.has(secret)) return 'is a published example or development value';
  const letters = secret.toLowerCase().replace(/[^a-z0-9]/g, '');
  const word = PLACEHOLDER_WORDS.find((placeholder) => letters.includes(placeholder));
  if (word) return `looks like a placeholder (contains "${word}")`;
  const distinct = new Set(secret).size;
  if (distinct < MIN_DISTINCT_SECRET_CHARS) return `uses only ${distinct} different characters, so it is not random`;
  return undefined;
}

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** A finite decimal such as `0.05` or `-1`; weights may be negative (a behaviour that cools an activity). */
const heatWeight = (fallback: number) =>
  z.coerce.number({ message: 'must be a number' }).refine(Number.isFinite, 'must be a finite number').default(fallback);

const isReadableFile = (path: string) => {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
};

const isValidTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce
      .number({ message: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be 0 (any free port) to 65535')
      .max(65535, 'must be 0 (any free port) to 65535')
      .default(4000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
      .default('postgresql://postgres@127.0.0.1:5432/liveboard'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379'),
    /** Seed nodes of a Redis Cluster (`host:port,host:port,…`); when set, REDIS_URL is not used. */
    REDIS_CLUSTER_NODES: z
      .string()
      .regex(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5}){0,63}$/, 'must be host:port pairs separated by commas')
      .refine((nodes) => !nodes.split(',').some((node) => Number(node.split(':')[1]) > 65_535), 'ports must be 1 to 65535')
      .optional(),
    /** Every Redis key, queue and pub/sub channel starts with this, so deployments can share a Redis. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_:.-]{1,64}$/, 'must be 1-64 letters, digits or _ : . -')
      .default('lb'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_JWKS_URL: z.url({ message: 'must be a URL' }).optional(),
    JWT_ISSUER: z.string().min(1).optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(7 * 24 * 3600),
    APP_TIMEZONE: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as UTC or Asia/Shanghai').default('UTC'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    GRAPHIQL: booleanFromEnv.optional(),
    SEED_DEMO_DATA: booleanFromEnv.default(true),
    MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
    MAX_QUERY_COMPLEXITY: z.coerce.number().int().min(10).default(5000),
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(100_000),
    RATE_LIMIT_MUTATIONS_PER_MINUTE: z.coerce.number().int().min(0).default(300),
    /** Proxies in front of the API whose `X-Forwarded-For` is believed: the last N hops, and/or these addresses. */
    TRUST_PROXY_HOPS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0).max(10).default(0),
    TRUSTED_PROXIES: z
      .string()
      .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
      .refine((entries) => entries.every((entry) => parseCidr(entry) !== null), 'must be IP addresses or CIDR ranges separated by commas')
      .default([]),
    /** Failed `logIn`s one handle, or one address, may have per window before further attempts are RATE_LIMITED; 0 = no limit. */
    LOGIN_FAILURES_PER_HANDLE: z.coerce.number().int().min(0).default(10),
    LOGIN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(0).default(50),
    LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).default(100),
    MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(1).default(50),
    MAX_SSE_STREAMS_PER_CLIENT: z.coerce.number().int().min(1).default(100),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
    /** Health and metrics port of a worker-only process (`npm run start:worker`); the API port serves them otherwise. */
    WORKER_HTTP_PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535).default(4001),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
    /**
     * V8 flags a worker-only process sets on itself at start (src/v8-flags.ts): space-separated
     * `--name` or `--name=value`; `none` keeps V8's defaults.
     */
    WORKER_V8_FLAGS: v8FlagsSetting(DEFAULT_WORKER_V8_FLAGS),
    /** V8 flags a process serving the API (`--api`, or API and workers together) sets on itself at start; `none` keeps V8's defaults. */
    API_V8_FLAGS: v8FlagsSetting(DEFAULT_API_V8_FLAGS),
    /** How long a worker's lock on a running job lasts; it is renewed every half of it while the worker lives. */
    JOB_LOCK_DURATION_MS: z.coerce.number().int().min(500).default(30_000),
    /** How often workers look for jobs whose worker died (lock expired), to hand them to another worker. */
    JOB_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
    /** Job run history older than this is deleted by the `job-runs.prune` job. */
    JOB_HISTORY_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** Other participants (not the organizer) who must check in before hosting earns HOST_ACTIVITY points. */
    HOST_MIN_CHECKED_IN: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be 1 to 1000').max(1000, 'must be 1 to 1000').default(3),
    HOT_ALGORITHM: z.enum(HEAT_ALGORITHMS, { message: `must be one of ${HEAT_ALGORITHMS.join(', ')}` }).default('reddit'),
    HOT_WEIGHT_JOIN: heatWeight(DEFAULT_HEAT_WEIGHTS.join),
    HOT_WEIGHT_FAVORITE: heatWeight(DEFAULT_HEAT_WEIGHTS.favorite),
    HOT_WEIGHT_VIEW: heatWeight(DEFAULT_HEAT_WEIGHTS.view),
    HOT_WEIGHT_CHECK_IN: heatWeight(DEFAULT_HEAT_WEIGHTS.checkIn),
    /** At least 100 so `hotActivities(first: 100)` can always be answered from the board. */
    HOT_BOARD_SIZE: z.coerce
      .number({ message: 'must be a number' })
      .int('must be a whole number')
      .min(100, 'must be 100 to 5000')
      .max(5000, 'must be 100 to 5000')
      .default(500),
    /** Public board and hot-list answers the response cache holds per instance; 0 switches it off. */
    RESPONSE_CACHE_MAX_ENTRIES: z.coerce
      .number({ message: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be 0 to 100000')
      .max(100_000, 'must be 0 to 100000')
      .default(1_000),
    HOT_CACHE_TTL_MS: z.coerce
      .number({ message: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be 1 to 3600000')
      .max(3_600_000, 'must be 1 to 3600000')
      .default(2_000),
    /** Defaults of the run-time hot settings (updateHotSettings overrides them): Hacker News gravity and the age window in days (0 = none). */
    HOT_GRAVITY: z.coerce.number({ message: 'must be a number' }).min(0, 'must be 0 to 5').max(5, 'must be 0 to 5').default(1.8),
    HOT_WINDOW_DAYS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 to 3650').max(3650, 'must be 0 to 3650').default(0),
    /** A consumer's delivery of an outbox event is marked DEAD after this many failed attempts. */
    OUTBOX_MAX_ATTEMPTS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').default(10),
    /** The first retry of a failed delivery waits about this long; each next one twice as long, up to OUTBOX_RETRY_MAX_MS. */
    OUTBOX_RETRY_BASE_MS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').default(5_000),
    OUTBOX_RETRY_MAX_MS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').default(3_600_000),
    /** false: every subscriber executes its own subscription events (benchmark baseline only). */
    LIVE_SHARED_SUBSCRIPTIONS: booleanFromEnv.default(true),
    /** How often each process checks that Redis still holds its state (the epoch key), to rebuild it from PostgreSQL when not. */
    REDIS_STATE_CHECK_MS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(100).max(60_000).default(2_000),
    /** How often a subscription that needs a token re-checks its user (deleted, demoted); it also ends when the token expires. */
    LIVE_REAUTH_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
    /** graphql-ws back-pressure (src/http/socket-backpressure.ts): above this many unsent bytes on a socket, results wait, newest per subscription. */
    LIVE_WS_SEND_BUFFER_BYTES: z.coerce.number().int().min(1).default(65_536),
    /** A connection whose unsent bytes stay above LIVE_WS_STALL_BYTES for LIVE_WS_STALL_TIMEOUT_MS is closed (1013). */
    LIVE_WS_STALL_BYTES: z.coerce.number().int().min(1).default(4_194_304),
    LIVE_WS_STALL_TIMEOUT_MS: z.coerce.number().int().min(10).default(30_000),
    // Request hygiene at the HTTP layer (docs/operations.md, "Request limits and browsers").
    /** Field selections per operation, `__typename` and aliases included, fragments expanded; also Pothos's breadth limit. */
    MAX_QUERY_FIELDS: z.coerce.number().int().min(10).max(100_000).default(500),
    /** Tokens per document; the parser stops at the first one over, before the document is built. */
    MAX_QUERY_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(5000),
    MAX_QUERY_ALIASES: z.coerce.number().int().min(0).max(10_000).default(30),
    /** Comma-separated browser origins allowed to call the API with credentials; none by default. */
    CORS_ORIGINS: z
      .string()
      .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be origins such as https://app.example.com, separated by commas')))
      .default([]),
    GRAPHQL_INTROSPECTION: booleanFromEnv.optional(),
    GRAPHQL_SUGGESTIONS: booleanFromEnv.optional(),
    /** Serve /metrics on this port only (not on PORT or WORKER_HTTP_PORT). */
    METRICS_PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535).optional(),
    /** When set, /metrics answers 401 unless called with `Authorization: Bearer <METRICS_TOKEN>`. */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Bytes of query text kept for automatic persisted queries (an in-process LRU); 0 turns APQ off. */
    APQ_CACHE_BYTES: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0).max(1_073_741_824).default(8_388_608),
    /** A manifest of trusted operations (docs/graphql-api.md); when set, no other operation runs. */
    TRUSTED_DOCUMENTS_FILE: z.string().refine(isReadableFile, 'must be the path of a readable file').optional(),
    /** OTLP/HTTP endpoint for traces (e.g. http://collector:4318); setting it turns tracing on. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
    OTEL_SERVICE_NAME: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits or _ . -').default('liveboard'),
    /** Traces GraphQL operations; on when OTEL_EXPORTER_OTLP_ENDPOINT is set, off otherwise. */
    TRACING: booleanFromEnv.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET && !env.JWT_JWKS_URL) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production (or set JWT_JWKS_URL)' });
    }
    const weakness = env.NODE_ENV === 'production' && env.JWT_SECRET ? weakSecretReason(env.JWT_SECRET) : undefined;
    if (weakness) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: `${weakness}; anyone could sign tokens with it. In production set it to a random string of 32+ characters, e.g. \`openssl rand -base64 48\``,
      });
    }
  });

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.output<typeof envSchema>) {
  return {
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    http: { host: env.HOST, port: env.PORT, maxBodyBytes: env.MAX_BODY_BYTES, v8Flags: v8FlagsOf(env.API_V8_FLAGS) },
    database: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE },
    redis: {
      url: env.REDIS_URL,
      clusterNodes: env.REDIS_CLUSTER_NODES?.split(',').map((node) => {
        const [host = '', port = ''] = node.split(':');
        return { host, port: Number(port) };
      }) ?? null,
      prefix: env.REDIS_PREFIX,
    },
    auth: {
      jwtSecret: env.JWT_SECRET ?? (env.JWT_JWKS_URL ? undefined : DEV_JWT_SECRET),
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      tokenTtlSeconds: env.JWT_TTL_SECONDS,
    },
    timeZone: env.APP_TIMEZONE,
    logLevel: env.LOG_LEVEL,
    graphiql: env.GRAPHIQL ?? env.NODE_ENV !== 'production',
    responseCache: { maxEntries: env.RESPONSE_CACHE_MAX_ENTRIES },
    seedDemoData: env.SEED_DEMO_DATA,
    limits: { maxDepth: env.MAX_QUERY_DEPTH, maxComplexity: env.MAX_QUERY_COMPLEXITY },
    rateLimit: {
      perMinute: env.RATE_LIMIT_MUTATIONS_PER_MINUTE,
      proxyTrust: { hops: env.TRUST_PROXY_HOPS, proxies: env.TRUSTED_PROXIES },
      logIn: {
        failuresPerHandle: env.LOGIN_FAILURES_PER_HANDLE,
        failuresPerAddress: env.LOGIN_FAILURES_PER_ADDRESS,
        windowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
      },
      maxSubscriptionsPerConnection: env.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxConnectionsPerClient: env.MAX_CONNECTIONS_PER_CLIENT,
      maxSseStreamsPerClient: env.MAX_SSE_STREAMS_PER_CLIENT,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    jobs: {
      workerHttpPort: env.WORKER_HTTP_PORT,
      concurrency: env.WORKER_CONCURRENCY,
      v8Flags: v8FlagsOf(env.WORKER_V8_FLAGS),
      lockDurationMs: env.JOB_LOCK_DURATION_MS,
      stalledIntervalMs: env.JOB_STALLED_INTERVAL_MS,
      historyDays: env.JOB_HISTORY_DAYS,
    },
    points: { hostMinCheckedIn: env.HOST_MIN_CHECKED_IN },
    hot: {
      algorithm: env.HOT_ALGORITHM,
      weights: {
        join: env.HOT_WEIGHT_JOIN,
        favorite: env.HOT_WEIGHT_FAVORITE,
        view: env.HOT_WEIGHT_VIEW,
        checkIn: env.HOT_WEIGHT_CHECK_IN,
      },
      boardSize: env.HOT_BOARD_SIZE,
      cacheTtlMs: env.HOT_CACHE_TTL_MS,
      gravity: env.HOT_GRAVITY,
      windowDays: env.HOT_WINDOW_DAYS === 0 ? null : env.HOT_WINDOW_DAYS,
    },
    hygiene: {
      maxFields: env.MAX_QUERY_FIELDS,
      maxTokens: env.MAX_QUERY_TOKENS,
      maxAliases: env.MAX_QUERY_ALIASES,
      corsOrigins: env.CORS_ORIGINS,
      introspection: env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== 'production',
      suggestions: env.GRAPHQL_SUGGESTIONS ?? env.NODE_ENV !== 'production',
      metricsPort: env.METRICS_PORT,
      metricsToken: env.METRICS_TOKEN,
    },
    persistedQueries: { apqCacheBytes: env.APQ_CACHE_BYTES, trustedDocumentsFile: env.TRUSTED_DOCUMENTS_FILE },
    tracing: {
      enabled: env.TRACING ?? env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined,
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: env.OTEL_SERVICE_NAME,
    },
    outbox: { maxAttempts: env.OUTBOX_MAX_ATTEMPTS, retryBaseMs: env.OUTBOX_RETRY_BASE_MS, retryMaxMs: env.OUTBOX_RETRY_MAX_MS },
    selfHeal: { checkIntervalMs: env.REDIS_STATE_CHECK_MS },
    live: {
      sharedSubscriptions: env.LIVE_SHARED_SUBSCRIPTIONS,
      reauthIntervalMs: env.LIVE_REAUTH_INTERVAL_MS,
      wsBackpressure: { sendBufferBytes: env.LIVE_WS_SEND_BUFFER_BYTES, stallBytes: env.LIVE_WS_STALL_BYTES, stallTimeoutMs: env.LIVE_WS_STALL_TIMEOUT_MS },
    },
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment once; every bad variable is named with what is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || 'environment';
        const value = typeof issue.path[0] === 'string' ? cleaned[issue.path[0]] : undefined;
        return `${name} ${issue.message}${value !== undefined && !/SECRET|URL|TOKEN|ENDPOINT/.test(name) ? ` (got "${value}")` : ''}`;
      }),
    );
  }
  return toConfig(parsed.data);
}
