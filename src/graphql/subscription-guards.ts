import { complexityFromQuery } from '@pothos/plugin-complexity';
import {
  getOperationAST,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { badInput, forbidden, unauthenticated, type AppError } from '../lib/app-error.js';
import type { Deps } from '../lib/app-deps.js';
import type { Context } from './context.js';
import { toClientError } from './errors.js';
import { createViewerRecheck, type RecheckedUser } from './live/viewer-recheck.js';

/** setTimeout's longest delay (about 24.8 days); a later expiry is caught by the periodic re-check. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Refuses a subscription over the depth or complexity limit when it is
 * opened, with one BAD_USER_INPUT. (Pothos checks the limits in root
 * resolvers, which for a subscription run once per event: it would be
 * accepted and then fail on every event.)
 */
export function checkSubscriptionLimits(deps: Pick<Deps, 'config'>, args: ExecutionArgs): AppError | null {
  const { maxDepth, maxComplexity } = deps.config.limits;
  const measured = complexityFromQuery(args.document, {
    schema: args.schema,
    ctx: args.contextValue as object,
    variables: (args.variableValues ?? {}),
  });
  const over = measured.depth > maxDepth ? (['depth', measured.depth, maxDepth] as const)
    : measured.complexity > maxComplexity ? (['complexity', measured.complexity, maxComplexity] as const)
    : null;
  if (!over) return null;
  const [measure, value, max] = over;
  return badInput(`This subscription's ${measure} is ${value}, above the limit of ${max}. Ask for fewer or less nested fields.`);
}

/** The scopes of the subscription's root field (`authScopes: { user: true }`), or null when it needs no token. */
function requiredScopes(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Record<string, unknown> | null {
  const name = rootFieldName(operation.selectionSet, document);
  const field = name ? schema.getSubscriptionType()?.getFields()[name] : undefined;
  const options = field?.extensions?.pothosOptions as { authScopes?: unknown } | undefined;
  if (!options?.authScopes) return null;
  return typeof options.authScopes === 'object' ? (options.authScopes as Record<string, unknown>) : { user: true };
}

/** A subscription selects exactly one root field (validation made sure), maybe inside fragments. */
function rootFieldName(selectionSet: SelectionSetNode, document: DocumentNode): string | null {
  const [selection] = selectionSet.selections;
  if (!selection) return null;
  if (selection.kind === Kind.FIELD) return selection.name.value;
  if (selection.kind === Kind.INLINE_FRAGMENT) return rootFieldName(selection.selectionSet, document);
  const fragment = document.definitions.find(
    (definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value,
  );
  return fragment?.kind === Kind.FRAGMENT_DEFINITION ? rootFieldName(fragment.selectionSet, document) : null;
}

/**
 * Whether the user may still hold the stream: UNAUTHENTICATED once the user
 * is gone, FORBIDDEN once an admin-only stream's user is no longer an admin.
 */
function revocation(user: RecheckedUser | null, scopes: Record<string, unknown>): AppError | null {
  if (!user) return unauthenticated('The user of this token no longer exists.');
  const adminOnly = scopes.admin === true && scopes.user !== true;
  if (adminOnly && user.role !== 'ADMIN') return forbidden('You are no longer an admin.');
  return null;
}

/**
 * Wraps a subscription's stream so that `watch` can end it: the stream then
 * sends one last result, carrying the error, and completes. Ending stops the
 * source, so its topic and shared stream are released as on unsubscribe.
 */
function endable(
  source: AsyncIterable<ExecutionResult>,
  watch: (end: (error: AppError) => void) => () => void,
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  let last: ExecutionResult | null = null;
  let finished = false;
  let wake!: () => void;
  const woken = new Promise<null>((resolve) => (wake = () => resolve(null)));
  const stopWatching = watch((error) => {
    if (finished || last) return;
    last = { errors: [toClientError(error) as never] };
    wake();
    void iterator.return?.();
  });
  const finish = () => {
    finished = true;
    stopWatching();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (finished) return { done: true, value: undefined };
      if (!last) {
        let result: IteratorResult<ExecutionResult> | null;
        try {
          result = await Promise.race([iterator.next(), woken]);
        } catch (error) {
          finish();
          throw error;
        }
        if (result && !last) {
          if (result.done) finish();
          return result;
        }
      }
      finish();
      if (!last) return { done: true, value: undefined };
      return { done: false, value: last };
    },
    async return() {
      finish();
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    async throw(error) {
      finish();
      await iterator.return?.();
      throw error;
    },
  };
}

/**
 * Subscriptions are authorized when opened (Pothos's `authorizeOnSubscribe`)
 * and kept authorized while they run, on graphql-ws and SSE alike:
 * - every operation is refused over the depth or complexity limit at subscribe;
 * - a stream whose root field needs a token (has `authScopes`) ends with
 *   UNAUTHENTICATED when that token expires (a timer set from its `exp`), and
 *   every LIVE_REAUTH_INTERVAL_MS its user is re-read from PostgreSQL, all
 *   such users of this instance in one query (viewer-recheck.ts): deleted →
 *   UNAUTHENTICATED, no longer an admin on an admin-only stream → FORBIDDEN.
 */
export function useSubscriptionGuards(deps: Pick<Deps, 'config' | 'db' | 'now' | 'logger'>): Plugin<Context> {
  const recheck = createViewerRecheck({
    intervalMs: deps.config.live.reauthIntervalMs,
    readUsers: (ids) => deps.db.user.findMany({ where: { id: { in: [...ids] } }, select: { id: true, role: true } }),
    logger: deps.logger,
  });
  return {
    onSubscribe({ args: untyped, setResultAndStopExecution }) {
      const args = untyped as ExecutionArgs;
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) return;
      const overLimit = checkSubscriptionLimits(deps, args);
      if (overLimit) {
        setResultAndStopExecution({ errors: [toClientError(overLimit) as never] });
        return;
      }
      const ctx = args.contextValue as Context;
      const scopes = requiredScopes(args.schema, args.document, operation);
      if (!ctx.viewer || !ctx.tokenExpiresAt || !scopes) return;
      const viewerId = ctx.viewer.id;
      const expiresAt = ctx.tokenExpiresAt.getTime();
      const expired = () => unauthenticated('Your token has expired; log in again.');
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) return;
          setResult(
            endable(result as AsyncIterable<ExecutionResult>, (end) => {
              const untilExpiry = expiresAt - deps.now().getTime();
              const expiry = untilExpiry <= MAX_TIMER_MS ? setTimeout(() => end(expired()), Math.max(0, untilExpiry)) : undefined;
              const unwatch = recheck.watch(viewerId, (user) => {
                if (deps.now().getTime() >= expiresAt) return end(expired());
                const problem = revocation(user, scopes);
                if (problem) end(problem);
              });
              expiry?.unref();
              return () => {
                clearTimeout(expiry);
                unwatch();
              };
            }),
          );
        },
      };
    },
  };
}
