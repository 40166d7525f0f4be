import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { KeySpace, Redis } from '../../infra/redis.js';
import { appError, ErrorCode } from '../../lib/app-error.js';
import { addressLimitKey } from '../../lib/client-address.js';

/** How many failed log-ins a handle, and an address, may have per window (0 = unlimited). */
export interface LogInLimits {
  failuresPerHandle: number;
  failuresPerAddress: number;
  windowSeconds: number;
}

/** One log-in attempt, counted as a failure until it succeeds. */
export interface LogInAttempt {
  /** The password was right: the handle's failures are forgotten and this attempt is not held against the address. */
  succeeded(): Promise<void>;
}

/** Limits password guessing against one handle (from anywhere) and from one address (against any handle). */
export interface LogInGuard {
  /** Counts an attempt before the password is checked; throws RATE_LIMITED when either limit is used up. */
  begin(input: { handle: string; remoteAddress: string | null }): Promise<LogInAttempt>;
}

/**
 * Every attempt is counted before the password is checked and given back
 * when it succeeds, so concurrent guesses cannot all slip past the check
 * before the first failure is recorded. Counters live in Redis (all
 * instances share them); while Redis is unreachable each instance counts
 * in memory.
 */
export function createLogInGuard(deps: { redis: Redis; keys: KeySpace }, limits: LogInLimits): LogInGuard {
  const limiter = (name: string, points: number) =>
    points === 0
      ? null
      : new RateLimiterRedis({
          storeClient: deps.redis,
          keyPrefix: deps.keys.key('ratelimit', name),
          points,
          duration: limits.windowSeconds,
          insuranceLimiter: new RateLimiterMemory({ points, duration: limits.windowSeconds }),
        });
  const perHandle = limiter('login-handle', limits.failuresPerHandle);
  const perAddress = limiter('login-address', limits.failuresPerAddress);

  const consume = async (target: RateLimiterRedis | null, key: string, what: string) => {
    try {
      await target?.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw appError(ErrorCode.RATE_LIMITED, `Too many failed log-ins ${what}; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
    }
  };

  return {
    async begin({ handle, remoteAddress }) {
      const address = remoteAddress ? addressLimitKey(remoteAddress) : 'unknown';
      await consume(perHandle, handle, 'for this handle');
      try {
        await consume(perAddress, address, 'from this address');
      } catch (error) {
        // Refused before the password was checked: not a failure of the handle's.
        await perHandle?.reward(handle);
        throw error;
      }
      return {
        async succeeded() {
          await Promise.all([perHandle?.delete(handle), perAddress?.reward(address)]);
        },
      };
    },
  };
}
