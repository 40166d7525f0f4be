import {
  createSourceEventStream,
  execute,
  getOperationAST,
  OperationTypeNode,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Metrics } from '../../infra/metrics.js';
import { coalesce, COALESCE_INTERVAL_MS } from './coalesce.js';
import { fedExecutions } from './fed-executions.js';
import { Multicast, type FedSource } from './multicast.js';
import { feedOf } from '../../lib/push-feed.js';
import type { PushIterator } from '../../lib/push-iterator.js';
import { shareResultJson } from './result-json.js';
import { selectsViewerDependentField } from './viewer-dependence.js';

/** How subscribers are told apart and how shared executions run; see useSharedSubscriptions. */
export interface SharedSubscriptionsOptions<C> {
  /** Identifies the viewer, for selections that depend on it; null for anonymous callers. */
  viewerKey: (context: C) => string | number | null;
  /**
   * The context one shared execution runs with, made from the context of the
   * subscriber that opened the stream. Called once per event, so per-request
   * caches (dataloaders, auth-scope caches) never serve stale values. For a
   * public selection, drop the viewer: then the result cannot depend on who
   * happened to subscribe first, even if a field forgot its `viewerDependent` mark.
   */
  executionContext?: (context: C, scope: { viewerDependent: boolean }) => C;
  /** Coalescing window for source events, before execution. */
  intervalMs?: number;
  /** Results kept per subscriber that has not pulled yet; older ones are dropped. */
  bufferSize?: number;
  /**
   * False gives every subscriber a stream of its own (its own coalescing,
   * execution and serialization), as without this plugin: the baseline of
   * the fan-out benchmark (LIVE_SHARED_SUBSCRIPTIONS=false). Default true.
   */
  share?: boolean;
  metrics?: Pick<Metrics, 'liveStreams' | 'liveExecutions'>;
  /** Sees each execution's result once (e.g. to count its errors), however many subscribers it goes to. */
  onExecuted?: (args: ExecutionArgs, result: ExecutionResult) => void;
}

type SubscribeResult = AsyncIterable<ExecutionResult> | ExecutionResult;

/**
 * Shares subscription work between subscribers. Subscribers with the same
 * document, operation name and variables — and the same viewer, when the
 * selection depends on it — get one stream: the topic is subscribed once per
 * instance, its events are coalesced (at most one execution per window, the
 * last on the latest event), each event is executed once, and the one
 * result object (serialized once, see result-json.ts) goes to everyone.
 *
 * Every subscriber still runs the root field's `subscribe` itself, which is
 * where Pothos checks auth scopes (`authorizeOnSubscribe`) and arguments
 * are validated: one who may not subscribe gets the error, never the shared
 * stream. The source that call returns is released unread (pub/sub
 * iterators only subscribe to Redis on their first `next()`).
 */
export function useSharedSubscriptions<C extends object>(options: SharedSubscriptionsOptions<C>): Plugin<C> {
  const { intervalMs = COALESCE_INTERVAL_MS, bufferSize = 1, share = true, metrics, onExecuted } = options;
  const executionContext = options.executionContext ?? ((context: C) => ({ ...context }));
  const streams = new Map<string, Multicast<ExecutionResult>>();

  /** One execution of the selection for a source event, with a fresh context; its result serialized once when sent. */
  function executeEvent(args: ExecutionArgs, viewerDependent: boolean, event: unknown): ExecutionResult | Promise<ExecutionResult> {
    metrics?.liveExecutions.inc();
    const settled = (result: ExecutionResult) => {
      onExecuted?.(args, result);
      return shareResultJson(result);
    };
    const result = execute({ ...args, rootValue: event, contextValue: executionContext(args.contextValue as C, { viewerDependent }) });
    return result instanceof Promise ? result.then(settled) : settled(result);
  }

  /** Executes the selection once per coalesced source event. */
  function executions(source: AsyncIterable<unknown>, args: ExecutionArgs, viewerDependent: boolean): AsyncIterator<ExecutionResult> {
    const events = coalesce(source, intervalMs);
    return {
      async next() {
        const event = await events.next();
        if (event.done) return { done: true, value: undefined };
        return { done: false, value: await executeEvent(args, viewerDependent, event.value) };
      },
      return: async () => {
        await events.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  /** A source that can be fed (a StandingWatcher's stream) is executed as fed; any other is pulled and coalesced. */
  function executionsOf(source: AsyncIterable<unknown>, args: ExecutionArgs, viewerDependent: boolean): AsyncIterator<ExecutionResult> | FedSource<ExecutionResult> {
    const feed = feedOf<unknown>(source);
    if (!feed) return executions(source, args, viewerDependent);
    // A fed stream is its own iterator (standing-watcher.ts, map-stream.ts): returning it ends the watch.
    const iterator = source[Symbol.asyncIterator]();
    return fedExecutions(feed, () => iterator.return?.(), (event) => executeEvent(args, viewerDependent, event));
  }

  async function subscribeShared(args: ExecutionArgs, fallback: (args: ExecutionArgs) => unknown): Promise<SubscribeResult> {
    if (getOperationAST(args.document, args.operationName)?.operation !== OperationTypeNode.SUBSCRIPTION) {
      return (await fallback(args)) as SubscribeResult;
    }
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;

    const viewerDependent = selectsViewerDependentField(args.schema, args.document);
    const key = streamKey(args, viewerDependent ? ['viewer', options.viewerKey(args.contextValue as C)] : ['public']);
    const existing = share ? streams.get(key) : undefined;
    if (existing?.open) {
      // Join before releasing: the stream cannot close in between, as it could across an await.
      const joined = existing.subscribe();
      void releaseUnread(source);
      return consumerOf(args, joined);
    }
    const stream: Multicast<ExecutionResult> = new Multicast(
      executionsOf(source, args, viewerDependent),
      () => {
        if (streams.get(key) === stream) streams.delete(key);
        metrics?.liveStreams.dec();
      },
      bufferSize,
    );
    if (share) streams.set(key, stream);
    metrics?.liveStreams.inc();
    return consumerOf(args, stream.subscribe());
  }

  return {
    onSubscribe({ subscribeFn, setSubscribeFn }) {
      setSubscribeFn((args: ExecutionArgs) => subscribeShared(args, subscribeFn as (args: ExecutionArgs) => unknown));
    },
  };
}

/** Each subscription's own consumer of its multicast, by the subscription's context, until its transport takes it. */
const consumers = new WeakMap<object, PushIterator<ExecutionResult>>();

function consumerOf(args: ExecutionArgs, consumer: PushIterator<ExecutionResult>): PushIterator<ExecutionResult> {
  if (typeof args.contextValue === 'object' && args.contextValue !== null) consumers.set(args.contextValue, consumer);
  return consumer;
}

/**
 * The multicast consumer under the subscription that ran with `contextValue`
 * (each subscription has a context of its own), once: a transport may
 * `divert` its values to write them itself (http/graphql-ws.ts). The stream
 * the transport got from `subscribe` is this consumer wrapped by envelop's
 * per-result hooks (error masking, the subscription gauge's end, error
 * counting); a diverted value skips those wrappers, so a transport diverts
 * only results they leave unchanged (no errors, see result-json.ts). Ending,
 * errors and `return()` still pass through them.
 */
export function takeSharedConsumer(contextValue: unknown): PushIterator<ExecutionResult> | undefined {
  if (typeof contextValue !== 'object' || contextValue === null) return undefined;
  const consumer = consumers.get(contextValue);
  consumers.delete(contextValue);
  return consumer;
}

async function releaseUnread(source: AsyncIterable<unknown>): Promise<void> {
  try {
    await source[Symbol.asyncIterator]().return?.();
  } catch {
    // Nothing was read from it; failing to release an unread source leaves nothing behind.
  }
}

const printed = new WeakMap<DocumentNode, string>();

function streamKey(args: ExecutionArgs, viewer: unknown[]): string {
  let text = printed.get(args.document);
  if (text === undefined) {
    text = print(args.document);
    printed.set(args.document, text);
  }
  return JSON.stringify([text, args.operationName ?? null, sortedKeys(args.variableValues ?? {}), viewer]);
}

/** Variables with object keys sorted, so `{a, b}` and `{b, a}` share a stream. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
  );
}
