import { getOperationAST, Kind, OperationTypeNode, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../infra/logger.js';
import type { PubSub, TopicName, TopicScope } from '../infra/pubsub.js';
import { declaredFor } from './response-cache-declarations.js';

/**
 * Whole responses of public reads (board pages, hot lists), per document,
 * variables and operation name, so a repeated anonymous read skips parsing,
 * validation, the context and execution: on this 2-core machine that
 * pipeline, not Redis, is what a board read costs.
 *
 * Freshness: a resolver declares what its answer depends on with
 * {@link dependsOn} (a live topic and scope, e.g. `leaderboard:changed` of
 * `points/2026-11`, and how old its own inputs may already be). Only answers
 * that declared a dependency are stored; the cache follows each topic it
 * holds answers for, and a message drops those answers, exactly when a
 * live subscriber would re-read. An answer is not stored when any
 * invalidation happened while it was being computed, nor before the
 * follower's subscription is confirmed by Redis (it could miss a change).
 *
 * Auth: answers are keyed by viewer (null for anonymous requests). A signed-in
 * request's token is verified and its user looked up on every request, hit
 * or not, exactly as the context would (`viewerIdOf`), so no answer built for
 * one viewer is ever served to another, nor to a bad or expired token.
 *
 * A viewer's own state (`myPoints`: today's sums, streak, standing) is also
 * kept per viewer, under a version of that state read from Redis before the
 * operation runs (`viewerState`); every write to it replaces the version
 * after it commits, on whichever instance, so the next read misses. Such an
 * answer also expires at the instant it declared (`validUntil`, e.g. the
 * next local midnight) on the application's clock.
 */

interface Entry {
  result: ExecutionResult;
  topics: string[];
  /** When the answer stops being right on `now()`'s clock (validUntil); null when only its time to live bounds it. */
  until: number | null;
}

export { dependsOn, dependsOnViewerState, validUntil } from './response-cache-declarations.js';

export interface ResponseCacheOptions {
  pubsub: PubSub;
  logger: Logger;
  /** Answers held at most; 0 switches the cache off. */
  maxEntries: number;
  /**
   * Root fields whose answers may be cached; an operation selecting any
   * other is never stored, even if one of its fields declared a dependency.
   */
  rootFields: ReadonlySet<string>;
  /**
   * Topics whose publication by this process drops every answer: changes to
   * data any answer may show (a user's name), which this process shows at
   * once and other processes within their own caches' time to live.
   */
  dropAllOn: ReadonlySet<TopicName>;
  /**
   * Who the request's answer is for: null anonymous, a viewer id, or
   * undefined (a bad credential) to leave the request to the pipeline.
   * Answers are stored and served per viewer, never across viewers.
   */
  viewerOf(request: Request): Promise<number | null | undefined>;
  /** The application's clock (`deps.now`), against which `validUntil` declarations expire. */
  now(): Date;
  /**
   * Answers that are a viewer's own state (`dependsOnViewerState`): for a
   * signed-in request whose text names one of `fields`, `read` gives the
   * viewer's current state version (undefined when it cannot be read: the
   * request then bypasses the cache), and the answer is keyed by it.
   */
  viewerState?: { fields: readonly string[]; read(viewerId: number): Promise<string | undefined> };
}

/**
 * Topics followed at most: each is a Redis subscription, and a client could
 * walk every past period of a daily board. Answers of further topics are
 * computed as usual and not stored.
 */
const MAX_FOLLOWED = 256;

/** Longest document + variables kept (characters); 1,000 entries stay within a few MB of keys. */
const MAX_KEY_LENGTH = 4_096;

export function useResponseCache(options: ResponseCacheOptions): Plugin {
  if (options.maxEntries === 0) return {};
  // Topic → keys of the answers that depend on it.
  const byTopic = new Map<string, Set<string>>();
  const entries = new LRUCache<string, Entry>({
    max: options.maxEntries,
    // An evicted or expired answer leaves its topics' lists, so they stay as bounded as the cache.
    dispose: (entry, key) => {
      for (const topic of entry.topics) byTopic.get(topic)?.delete(key);
    },
  });
  const ready = new Set<string>();
  const followed = new Map<string, AsyncIterableIterator<unknown>>();
  // Bumped by every invalidation: an answer computed across one is not stored.
  let epoch = 0;
  const pending = new WeakMap<Request, { key: string; epoch: number; versioned: boolean }>();
  const rootFieldNames = [...options.rootFields].filter((name) => !name.startsWith('__'));
  const namesRootField = (query: string) => rootFieldNames.some((name) => query.includes(name));

  // This process's own writes: dropped before their message leaves, so the writer reads them back at once.
  options.pubsub.onPublish((topic, scope) => {
    if (options.dropAllOn.has(topic)) {
      epoch += 1;
      entries.clear();
    } else invalidate(`${topic}\u0000${scope}`);
  });

  const invalidate = (topic: string) => {
    epoch += 1;
    for (const key of [...(byTopic.get(topic) ?? [])]) entries.delete(key);
    byTopic.delete(topic);
  };

  const follow = (id: string, [topic, scope]: [TopicName, TopicScope]) => {
    if (followed.has(id) || followed.size >= MAX_FOLLOWED) return;
    const messages = options.pubsub.subscribe(topic, scope, { internal: true, onSubscribed: () => ready.add(id) });
    followed.set(id, messages);
    void (async () => {
      for await (const _message of messages) invalidate(id);
    })()
      .catch((error: unknown) => options.logger.warn({ err: error, topic, scope }, 'response cache follower ended'))
      .finally(() => {
        // Without its follower no answer of this topic may be served or stored.
        followed.delete(id);
        ready.delete(id);
        invalidate(id);
      });
  };

  return {
    async onParams({ request, params, setResult }) {
      // A text naming no cacheable field cannot be stored: spare it the viewer lookup (the real check is at execution).
      if (typeof params.query !== 'string' || !namesRootField(params.query)) return;
      const viewer = request.headers.has('authorization') ? await options.viewerOf(request) : null;
      if (viewer === undefined) return;
      const query = params.query;
      // Read before the operation runs: a write that replaces the version after this read is seen by the next request.
      const state = viewer !== null && options.viewerState?.fields.some((name) => query.includes(name)) ? await options.viewerState.read(viewer) : null;
      if (state === undefined) return;
      const key = JSON.stringify([viewer, state, query, params.operationName ?? null, params.variables ?? null]);
      // Keys are held in memory: a huge document or variables (up to the body limit) is answered but never kept.
      if (key.length > MAX_KEY_LENGTH) return;
      const hit = entries.get(key);
      if (hit && (hit.until === null || hit.until > options.now().getTime())) {
        setResult(hit.result);
        return;
      }
      if (hit) entries.delete(key);
      pending.set(request, { key, epoch, versioned: state !== null });
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const started = request && pending.get(request);
      if (!started) return;
      const operation = getOperationAST(args.document as DocumentNode, args.operationName as string | null | undefined);
      const cacheable =
        operation?.operation === OperationTypeNode.QUERY &&
        operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && options.rootFields.has(selection.name.value));
      if (!cacheable) return;
      return {
        onExecuteDone({ result }) {
          const dependencies = declaredFor(args.contextValue);
          if (!dependencies || Symbol.asyncIterator in result || result.errors?.length) return;
          // A viewer's own answer without the version it was read under could outlive their next write.
          if (dependencies.viewerState && !started.versioned) return;
          const ids = [...dependencies.topics.keys()];
          for (const id of ids) follow(id, dependencies.topics.get(id) as [TopicName, TopicScope]);
          if (started.epoch !== epoch || !ids.every((id) => ready.has(id))) return;
          const left = dependencies.until === null ? Number.POSITIVE_INFINITY : dependencies.until - options.now().getTime();
          const ttl = Math.min(dependencies.maxAgeMs, left);
          if (!(ttl > 0) || ttl === Number.POSITIVE_INFINITY) return;
          entries.set(started.key, { result, topics: ids, until: dependencies.until }, { ttl });
          for (const id of ids) {
            const keys = byTopic.get(id) ?? new Set<string>();
            keys.add(started.key);
            byTopic.set(id, keys);
          }
        },
      };
    },
  };
}
