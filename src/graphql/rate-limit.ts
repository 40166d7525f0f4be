import { getOperationAST, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Deps } from '../lib/app-deps.js';
import type { Context } from './context.js';
import { appError, ErrorCode } from '../lib/app-error.js';
import { toClientError } from './errors.js';

/**
 * Per-caller mutation rate limit, shared by all instances through Redis.
 * While Redis is unreachable each instance limits on its own (the memory
 * insurance limiter) rather than failing every mutation.
 */
export function useMutationRateLimit(deps: Deps): Plugin<Context> {
  const { perMinute } = deps.config.rateLimit;
  if (perMinute === 0) return {};
  const limiter = new RateLimiterRedis({
    storeClient: deps.redis,
    keyPrefix: deps.keys.key('ratelimit', 'mutation'),
    points: perMinute,
    duration: 60,
    insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: 60 }),
  });
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      const ctx = args.contextValue as Context;
      const caller = ctx.viewer ? `user:${ctx.viewer.id}` : `client:${ctx.clientId ?? ctx.remoteAddress ?? 'unknown'}`;
      try {
        await limiter.consume(caller);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = Math.ceil(rejection.msBeforeNext / 1000);
        setResultAndStopExecution({
          errors: [
            toClientError(appError(ErrorCode.RATE_LIMITED, `Too many changes at once; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds })) as GraphQLError,
          ],
        });
      }
    },
  };
}
