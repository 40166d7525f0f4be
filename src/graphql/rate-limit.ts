import { getOperationAST, Kind, OperationTypeNode, type DocumentNode, type ExecutionArgs, type GraphQLError, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Deps } from '../lib/app-deps.js';
import { addressLimitKey } from '../lib/client-address.js';
import type { Context } from './context.js';
import { appError, ErrorCode } from '../lib/app-error.js';
import { toClientError } from './errors.js';

/**
 * Who a limit counts against: a user by id; an anonymous caller by address
 * (IPv6 per /64), never by the `x-client-id` it chose itself. Without an
 * address (yoga.fetch in tests) every anonymous caller shares one key.
 */
export function callerKey(ctx: Pick<Context, 'viewer' | 'remoteAddress'>): string {
  if (ctx.viewer) return `user:${ctx.viewer.id}`;
  return `ip:${ctx.remoteAddress ? addressLimitKey(ctx.remoteAddress) : 'unknown'}`;
}

/**
 * The root fields a selection runs, fragments included: each is one
 * mutation, so `{ a: signUp(…) b: signUp(…) }` costs two. Fields under
 * `@skip`/`@include` count too; a client cannot lower its cost with them.
 */
export function rootFieldCount(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.name.value.startsWith('__')) count += 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += rootFieldCount(selection.selectionSet, document, seen);
    } else if (!seen.has(selection.name.value)) {
      // Validation rejects fragment cycles; `seen` only keeps a spread repeated at the root from counting twice.
      seen.add(selection.name.value);
      const fragment = document.definitions.find((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value);
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) count += rootFieldCount(fragment.selectionSet, document, seen);
    }
  }
  return count;
}

/**
 * Per-caller mutation rate limit, shared by all instances through Redis.
 * Every root mutation field costs one point, so aliases cannot batch many
 * mutations into one. While Redis is unreachable each instance limits on
 * its own (the memory insurance limiter) rather than failing every mutation.
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
      const { document, operationName } = args as ExecutionArgs;
      const operation = getOperationAST(document, operationName);
      if (operation?.operation !== OperationTypeNode.MUTATION) return;
      const cost = rootFieldCount(operation.selectionSet, document);
      if (cost === 0) return;
      const reject = (message: string, details: Record<string, unknown>) =>
        setResultAndStopExecution({ errors: [toClientError(appError(ErrorCode.RATE_LIMITED, message, { ...details, cost })) as GraphQLError] });
      // Never allowed, so it does not use up the caller's minute either.
      if (cost > perMinute) return reject(`This operation makes ${cost} changes; at most ${perMinute} are allowed per minute.`, {});
      const key = callerKey(args.contextValue);
      try {
        await limiter.consume(key, cost);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        // The store counted the refused points too; give them back, so an operation too big for
        // what is left does not use up the rest of the caller's minute.
        await limiter.reward(key, cost);
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        reject(`Too many changes at once; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
      }
    },
  };
}
