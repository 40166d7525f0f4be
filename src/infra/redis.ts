import { Redis, type RedisOptions } from 'ioredis';

export { Redis };

/** Builds Redis keys under the deployment's prefix, so several deployments or test files can share a Redis. */
export interface KeySpace {
  readonly prefix: string;
  key(...parts: Array<string | number>): string;
}

export function createKeySpace(prefix: string): KeySpace {
  return { prefix, key: (...parts) => [prefix, ...parts].join(':') };
}

/**
 * Request-path connections fail fast: a command issued while Redis is down
 * errors at once instead of queueing, so callers can fall back (stale cache,
 * outbox) rather than hang.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...options,
  });
}

/** Connections for BullMQ workers and blocking commands must wait for Redis instead of failing. */
export function createBlockingRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: true, ...options });
}
