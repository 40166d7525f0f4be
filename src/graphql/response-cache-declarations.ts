import type { TopicName, TopicScope } from '../infra/pubsub.js';

/**
 * What a resolver declared its answer depends on, for the response cache
 * (response-cache.ts). Kept per GraphQL context; only answers that declared
 * at least one topic are stored.
 */
export interface Dependencies {
  topics: Map<string, [TopicName, TopicScope]>;
  maxAgeMs: number;
  /** The instant (on `deps.now()`'s clock) after which the answer is wrong whatever else happens, e.g. the next local midnight. */
  until: number | null;
  /** The answer is the viewer's own and must be keyed by their state version (`ResponseCacheOptions.viewerState`). */
  viewerState: boolean;
}

const declared = new WeakMap<object, Dependencies>();

function declarationsOf(context: object, maxAgeMs = Number.POSITIVE_INFINITY): Dependencies {
  let dependencies = declared.get(context);
  if (!dependencies) {
    dependencies = { topics: new Map(), maxAgeMs, until: null, viewerState: false };
    declared.set(context, dependencies);
  }
  return dependencies;
}

/** The declarations of one operation's context, if any resolver made one. */
export function declaredFor(context: object): Dependencies | undefined {
  return declared.get(context);
}

/**
 * Declares that the answer of the current operation changes when `topic`
 * is published for `scope`, and may not be served from the response cache
 * longer than `maxAgeMs` (how stale the resolver's own inputs may already be).
 */
export function dependsOn(context: object, topic: TopicName, scope: TopicScope, maxAgeMs: number): void {
  const dependencies = declarationsOf(context, maxAgeMs);
  dependencies.topics.set(`${topic}\u0000${scope}`, [topic, scope]);
  dependencies.maxAgeMs = Math.min(dependencies.maxAgeMs, maxAgeMs);
}

/**
 * Declares that the answer is wrong from `at` on (read on `deps.now()`'s
 * clock, so a test that moves the clock past it sees a fresh answer), e.g.
 * today's sums at the next local midnight.
 */
export function validUntil(context: object, at: Date): void {
  const dependencies = declarationsOf(context);
  dependencies.until = Math.min(dependencies.until ?? Number.POSITIVE_INFINITY, at.getTime());
}

/**
 * Declares that the answer is the viewer's own and changes with their
 * writes: it may only be stored under the viewer's state version read before
 * the operation ran, so a write that replaced the version (on any instance)
 * is seen by the next read.
 */
export function dependsOnViewerState(context: object): void {
  declarationsOf(context).viewerState = true;
}
