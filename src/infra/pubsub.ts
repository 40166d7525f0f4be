import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';

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

export interface PubSub {
  /** Publishes to `topic` for `scope`. Never throws: live updates are best effort; state lives in PostgreSQL. */
  publish<T extends TopicName>(topic: T, scope: TopicScope, payload: TopicMap[T]): Promise<void>;
  subscribe<T extends TopicName>(topic: T, scope: TopicScope): AsyncIterableIterator<TopicMap[T]>;
  close(): Promise<void>;
}

/** Pub/sub over Redis, so a change on any instance reaches subscribers on every instance. */
export function createPubSub(options: { publisher: Redis; subscriber: Redis; prefix: string; logger: Logger }): PubSub {
  const engine = new RedisPubSub({ publisher: options.publisher, subscriber: options.subscriber });
  const channel = (topic: string, scope: TopicScope) => `${options.prefix}:${topic}:${scope}`;
  return {
    async publish(topic, scope, payload) {
      try {
        await engine.publish(channel(topic, scope), payload);
      } catch (error) {
        options.logger.warn({ err: error, topic, scope }, 'could not publish a live update');
      }
    },
    subscribe(topic, scope) {
      return engine.asyncIterableIterator(channel(topic, scope));
    },
    async close() {
      await engine.close();
    },
  };
}
