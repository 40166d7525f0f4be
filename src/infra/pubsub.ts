import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Cluster, Redis as SingleRedis } from 'ioredis';
import { isCluster, type Redis } from './redis.js';
import type { Logger } from './logger.js';
import { PushIterator } from '../lib/push-iterator.js';

/**
 * The typed topic map. Each domain adds its topics in its `*.topics.ts` by
 * declaration merging, e.g. `'user:changed': { userId: number }`. A topic is
 * always scoped by an id (a user, an activity, a season), so subscribers get
 * only their own channel — no global topic filtered in memory.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TopicMap {}

export type TopicName = keyof TopicMap;
export type TopicScope = string | number;

/**
 * Messages a subscriber that does not keep up may have waiting; older ones
 * are dropped. Payloads are small change notices and readers re-read state,
 * so a reader that far behind only needs the latest.
 */
const SUBSCRIBER_BUFFER = 256;

export interface PubSub {
  /** Publishes to `topic` for `scope`. Never throws: live updates are best effort; state lives in PostgreSQL. */
  publish<T extends TopicName>(topic: T, scope: TopicScope, payload: TopicMap[T]): Promise<void>;
  /**
   * The messages of `topic` for `scope`, from the first `next()` on: that is
   * when the Redis subscription is made, so an iterator that is never read
   * costs nothing. `return()` releases it. `internal` subscriptions (the
   * process's own cache followers) are left out of localSubscribers.
   * `onSubscribed` runs once Redis has confirmed the subscription: from then
   * on no message is missed (a cache may trust its follower).
   */
  subscribe<T extends TopicName>(
    topic: T,
    scope: TopicScope,
    options?: { internal?: boolean; onSubscribed?: () => void },
  ): AsyncIterableIterator<TopicMap[T]>;
  /**
   * Calls `listener` whenever this process publishes, before the message
   * leaves: a cache of this process drops what the change outdates at once
   * (its own writes read back at once), others when the message arrives.
   * Returns the function that removes the listener.
   */
  onPublish(listener: (topic: TopicName, scope: TopicScope) => void): () => void;
  /** Client subscriptions to `topic` for `scope` on this instance that Redis has confirmed (for tests and metrics). */
  localSubscribers(topic: TopicName, scope: TopicScope): number;
  /** The connection that carries this instance's subscriptions (for leak checks: its listeners, PUBSUB NUMSUB). */
  readonly subscriber: Redis;
  close(): Promise<void>;
}

/**
 * The engine sends UNSUBSCRIBE and PUNSUBSCRIBE without awaiting them. When
 * the connection closes while one is in flight (a stream torn down as the
 * process shuts down), its reply is lost and the rejected promise would be
 * unhandled; here it is observed and logged instead. Nothing depends on the
 * reply: a closed connection holds no subscriptions.
 */
function observeUnsubscribes(subscriber: Redis, logger: Logger): void {
  for (const method of ['unsubscribe', 'punsubscribe'] as const) {
    const send = subscriber[method].bind(subscriber) as (...channels: string[]) => Promise<unknown>;
    const observed = (...channels: string[]) => {
      const reply = send(...channels);
      reply.catch((error: unknown) => logger.debug({ err: error, channels }, `${method} reply lost`));
      return reply;
    };
    Object.assign(subscriber, { [method]: observed });
  }
}

/**
 * The engine's view of a cluster: Redis 7 sharded pub/sub. SPUBLISH goes to
 * the shard that owns the channel's slot and SSUBSCRIBE listens there, so an
 * event is not broadcast over the whole cluster bus as PUBLISH would be.
 */
function shardedEngine(publisher: Cluster, subscriber: Cluster): RedisPubSub {
  const transport = {
    publish: (channel: string, message: string) => publisher.spublish(channel, message),
    subscribe: (channel: string, done: (error: Error | null) => void) =>
      subscriber.ssubscribe(channel).then(
        () => done(null),
        (error: Error) => done(error),
      ),
    unsubscribe: (channel: string) => {
      // Not awaited by the engine (see observeUnsubscribes): a reply lost to a closing connection is no failure.
      const reply = subscriber.sunsubscribe(channel);
      reply.catch(() => undefined);
      return reply;
    },
    // The engine never pattern-subscribes; it sends both unsubscribes when a channel's last reader leaves.
    punsubscribe: () => Promise.resolve(0),
    on: (event: string, listener: (...args: unknown[]) => void) => subscriber.on(event, listener),
    quit: () => subscriber.quit(),
  };
  return new RedisPubSub({
    publisher: { publish: transport.publish, quit: () => Promise.resolve('OK') } as unknown as SingleRedis,
    subscriber: transport as unknown as SingleRedis,
    messageEventName: 'smessage',
  });
}

/** Pub/sub over Redis, so a change on any instance reaches subscribers on every instance. */
export function createPubSub(options: { publisher: Redis; subscriber: Redis; prefix: string; logger: Logger }): PubSub {
  observeUnsubscribes(options.subscriber, options.logger);
  // The engine shares one Redis SUBSCRIBE per channel among this instance's subscribers (reference counted).
  const engine =
    isCluster(options.publisher) && isCluster(options.subscriber)
      ? shardedEngine(options.publisher, options.subscriber)
      : new RedisPubSub({ publisher: options.publisher as SingleRedis, subscriber: options.subscriber as SingleRedis });
  const channel = (topic: string, scope: TopicScope) => `${options.prefix}:${topic}:${scope}`;
  const confirmed = new Map<string, number>();
  const count = (name: string, delta: number) => {
    const next = (confirmed.get(name) ?? 0) + delta;
    if (next === 0) confirmed.delete(name);
    else confirmed.set(name, next);
  };

  const publishListeners = new Set<(topic: TopicName, scope: TopicScope) => void>();

  return {
    async publish(topic, scope, payload) {
      for (const listener of publishListeners) listener(topic, scope);
      try {
        await engine.publish(channel(topic, scope), payload);
      } catch (error) {
        options.logger.warn({ err: error, topic, scope }, 'could not publish a live update');
      }
    },
    subscribe<T extends TopicName>(topic: T, scope: TopicScope, subscribeOptions: { internal?: boolean; onSubscribed?: () => void } = {}) {
      const name = channel(topic, scope);
      const counted = subscribeOptions.internal ? 0 : 1;
      let subscription: Promise<number> | undefined;
      let returned = false;
      const messages = new PushIterator<TopicMap[T]>(SUBSCRIBER_BUFFER, () => {
        // Unsubscribes once Redis has confirmed, even if the reader left while the SUBSCRIBE was in flight.
        subscription?.then(
          (id) => {
            engine.unsubscribe(id);
            count(name, -counted);
          },
          () => undefined,
        );
      });
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        next() {
          if (!subscription && !returned) {
            subscription = engine.subscribe<TopicMap[T]>(name, (message) => messages.push(message));
            subscription.then(
              () => {
                count(name, counted);
                subscribeOptions.onSubscribed?.();
              },
              (error: unknown) => messages.end({ error }),
            );
          }
          return messages.next();
        },
        return: () => ((returned = true), messages.return()),
        throw: (error: unknown) => ((returned = true), messages.throw(error)),
      };
    },
    subscriber: options.subscriber,
    onPublish(listener) {
      publishListeners.add(listener);
      return () => publishListeners.delete(listener);
    },
    localSubscribers(topic, scope) {
      return confirmed.get(channel(topic, scope)) ?? 0;
    },
    async close() {
      await engine.close();
    },
  };
}
