import type { Logger } from '../../infra/logger.js';
import { COALESCE_INTERVAL_MS } from './coalesce.js';
import { forEachInTurns } from '../../lib/in-turns.js';
import { PUSH_FEED, type FeedableStream } from '../../lib/push-feed.js';
import { PushIterator } from '../../lib/push-iterator.js';

type Scope = string | number;
type Member = string | number;

/** What a StandingWatcher needs from its domain: how to read values, and what signals a change. */
export interface StandingWatcherOptions<V> {
  /**
   * Current values of `members` in `scope`, in the same order, in one round
   * trip — e.g. one Redis pipeline of ZREVRANK + ZSCORE per member. Called
   * at most once per window per scope, whatever the number of touches.
   */
  lookup: (scope: Scope, members: readonly Member[]) => Promise<readonly V[]>;
  /**
   * What signals that a scope may have changed, followed while the scope
   * has watchers on this instance: e.g. `pubsub.subscribe('leaderboard:changed', season)`.
   * Each value touches the scope. Without it, call `touch()` yourself.
   */
  changes?: (scope: Scope) => AsyncIterable<unknown>;
  /** Whether two values are the same standing; default compares their JSON. */
  equals?: (a: V, b: V) => boolean;
  intervalMs?: number;
  logger?: Logger;
}

/**
 * Passive changes — "someone overtook you" — for the members watched on this
 * instance. A change in a scope costs one `touch()`, O(1); once per window
 * the watcher looks up every watched member of the scope in one batch and
 * notifies only the listeners whose value differs from the last one they saw.
 */
export interface StandingWatcher<V> {
  /** Calls `listener` with the member's value each time it changes; returns the unwatch function. `initial` is the value the caller already knows, if any. */
  watch(scope: Scope, member: Member, listener: (value: V) => void, options?: { initial?: V }): () => void;
  /**
   * The member's changing value as an async iterator (latest only), for a
   * subscription's `subscribe`; `return()` unwatches. It can also be fed
   * (lib/push-feed.ts): values are rate-limited here already, one per
   * lookup at most, so they may skip the subscription's coalescing.
   */
  stream(scope: Scope, member: Member, options?: { initial?: V }): AsyncIterableIterator<V> & FeedableStream<V>;
  /** The scope may have changed: schedules its batched lookup (no-op when nobody here watches it). */
  touch(scope: Scope): void;
  /** Scopes and listeners currently watched, for metrics and tests. */
  stats(): { scopes: number; listeners: number };
  close(): Promise<void>;
}

interface Listener<V> {
  notify: (value: V) => void;
  seen?: { value: V };
}

interface ScopeState<V> {
  members: Map<Member, Set<Listener<V>>>;
  dirty: boolean;
  running: boolean;
  timer?: NodeJS.Timeout;
  lastRunAt: number;
  changes?: AsyncIterator<unknown>;
}

/** Builds a per-instance watcher; see StandingWatcher. */
export function createStandingWatcher<V>(options: StandingWatcherOptions<V>): StandingWatcher<V> {
  const { intervalMs = COALESCE_INTERVAL_MS, logger } = options;
  const equals = options.equals ?? ((a: V, b: V) => JSON.stringify(a) === JSON.stringify(b));
  const scopes = new Map<Scope, ScopeState<V>>();

  function schedule(scope: Scope, state: ScopeState<V>): void {
    if (state.running || state.timer) return;
    // Even "now" waits for the next turn of the event loop, so touches made in one burst share a lookup.
    const wait = Math.max(0, state.lastRunAt + intervalMs - Date.now());
    state.timer = setTimeout(() => void run(scope, state), wait);
  }

  async function run(scope: Scope, state: ScopeState<V>): Promise<void> {
    state.timer = undefined;
    if (scopes.get(scope) !== state) return;
    state.dirty = false;
    state.running = true;
    state.lastRunAt = Date.now();
    const members = [...state.members.keys()];
    try {
      const values = await options.lookup(scope, members);
      const changed: Array<{ listener: Listener<V>; member: Member; value: V }> = [];
      members.forEach((member, index) => {
        const value = values[index] as V;
        for (const listener of state.members.get(member) ?? []) {
          if (listener.seen && equals(listener.seen.value, value)) continue;
          listener.seen = { value };
          changed.push({ listener, member, value });
        }
      });
      // Thousands of listeners each start an execution and a socket write: a batch per turn (lib/in-turns.ts).
      await forEachInTurns(changed, ({ listener, member, value }) => {
        // Unwatched while earlier batches went out.
        if (!state.members.get(member)?.has(listener)) return;
        try {
          listener.notify(value);
        } catch (error) {
          logger?.warn({ err: error, scope, member }, 'a standing listener failed');
        }
      });
    } catch (error) {
      logger?.warn({ err: error, scope }, 'standing lookup failed; retrying on the next change');
    } finally {
      state.running = false;
    }
    if (state.dirty && scopes.get(scope) === state) schedule(scope, state);
  }

  async function follow(scope: Scope, state: ScopeState<V>, changes: AsyncIterable<unknown>): Promise<void> {
    state.changes = changes[Symbol.asyncIterator]();
    try {
      for (;;) {
        const { done } = await state.changes.next();
        if (done || scopes.get(scope) !== state) return;
        watcher.touch(scope);
      }
    } catch (error) {
      logger?.warn({ err: error, scope }, 'stopped following changes of a watched scope');
    }
  }

  /** Forgets a scope nobody here watches any more, and stops following its changes. */
  async function release(scope: Scope, state: ScopeState<V>): Promise<void> {
    scopes.delete(scope);
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    try {
      await state.changes?.return?.();
    } catch {
      // Best effort: the scope is forgotten either way.
    }
  }

  const watcher: StandingWatcher<V> = {
    watch(scope, member, notify, watchOptions = {}) {
      let state = scopes.get(scope);
      if (!state) {
        state = { members: new Map(), dirty: false, running: false, lastRunAt: Number.NEGATIVE_INFINITY };
        scopes.set(scope, state);
        if (options.changes) void follow(scope, state, options.changes(scope));
      }
      const listener: Listener<V> = { notify, seen: 'initial' in watchOptions ? { value: watchOptions.initial as V } : undefined };
      const listeners = state.members.get(member) ?? new Set();
      listeners.add(listener);
      state.members.set(member, listeners);
      const owner = state;
      let watching = true;
      return () => {
        if (!watching) return;
        watching = false;
        listeners.delete(listener);
        if (listeners.size === 0) owner.members.delete(member);
        if (owner.members.size === 0 && scopes.get(scope) === owner) void release(scope, owner);
      };
    },
    stream(scope, member, streamOptions) {
      let unwatch = () => {};
      const iterator = new PushIterator<V>(1, () => unwatch());
      unwatch = watcher.watch(scope, member, (value) => iterator.push(value), streamOptions);
      const feedable: FeedableStream<V> = { [PUSH_FEED]: (handlers) => iterator.feed(handlers) };
      return Object.assign(iterator, feedable);
    },
    touch(scope) {
      const state = scopes.get(scope);
      if (!state) return;
      state.dirty = true;
      schedule(scope, state);
    },
    stats() {
      let listeners = 0;
      for (const state of scopes.values()) for (const set of state.members.values()) listeners += set.size;
      return { scopes: scopes.size, listeners };
    },
    async close() {
      await Promise.all([...scopes].map(([scope, state]) => release(scope, state)));
    },
  };
  return watcher;
}
