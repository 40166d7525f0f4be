import { numsub } from './redis-target.js';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Metrics } from '../../src/infra/metrics.js';
import type { Redis } from '../../src/infra/redis.js';

/** A real graphql-ws client on the server's /graphql, optionally with a token in connectionParams. */
export function wsClient(url: string, token?: string): WsClient {
  return createWsClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
  });
}

/** A real graphql-sse client ("distinct connections" mode, yoga's default). */
export function sseClient(url: string, token?: string): SseClient {
  return createSseClient({ url: `${url}/graphql`, headers: token ? { authorization: `Bearer ${token}` } : {}, retryAttempts: 0 });
}

export interface Recording<T = any> {
  results: T[];
  errors: unknown[];
  completed: boolean;
  /** Resolves once `count` results have arrived; rejects on timeout or subscription error. */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  /** Resolves once the subscription ended with an error. */
  waitForError(timeoutMs?: number): Promise<unknown>;
  unsubscribe(): void;
}

/** Subscribes with either client and records everything that comes back. */
export function record<T = any>(client: WsClient | SseClient, query: string, variables: Record<string, unknown> = {}): Recording<T> {
  const recording: Recording<T> = {
    results: [],
    errors: [],
    completed: false,
    waitFor: (count, timeoutMs = 10_000) =>
      waitUntil(() => {
        if (recording.errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(recording.errors)}`);
        return recording.results.length >= count;
      }, timeoutMs, () => `got ${recording.results.length} of ${count} results`).then(() => recording.results),
    waitForError: (timeoutMs = 10_000) => waitUntil(() => recording.errors.length > 0, timeoutMs, () => 'no error').then(() => recording.errors[0]),
    unsubscribe: () => {},
  };
  recording.unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => void recording.results.push(value as T),
      error: (error) => void recording.errors.push(error),
      complete: () => void (recording.completed = true),
    },
  );
  return recording;
}

/** Polls `check` every 10 ms until it returns true. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, describe: () => string = () => 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until exactly `expected` instances are subscribed to `channel`, so a publish now reaches them. */
export async function waitForNumsub(redis: Redis, channel: string, expected: number, timeoutMs = 10_000): Promise<void> {
  let last = -1;
  await waitUntil(async () => (last = await numsub(redis, channel)) === expected, timeoutMs, () => `NUMSUB ${channel} is ${last}, expected ${expected}`);
}

/** Lets in-flight messages arrive: waits until nothing new was recorded for `quietMs`. */
export async function settle(recordings: Recording[], quietMs = 600): Promise<void> {
  let seen = -1;
  for (;;) {
    const now = recordings.reduce((sum, recording) => sum + recording.results.length + recording.errors.length, 0);
    if (now === seen) return;
    seen = now;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

/** The open-subscription gauge of one instance, by transport. */
export async function openSubscriptions(metrics: Metrics): Promise<{ ws: number; sse: number }> {
  const values = (await metrics.openSubscriptions.get()).values;
  const of = (transport: string) => values.find((value) => value.labels.transport === transport)?.value ?? 0;
  return { ws: of('ws'), sse: of('sse') };
}

/**
 * Waits until exactly this many subscriptions are open on the instance. A
 * subscriber joining a shared stream is counted once it has joined, so after
 * this a publish reaches every one of them (given the stream's topic
 * subscription is confirmed: see PubSub.localSubscribers).
 */
export async function waitForOpenSubscriptions(metrics: Metrics, expected: { ws?: number; sse?: number }, timeoutMs = 10_000): Promise<void> {
  let last = { ws: -1, sse: -1 };
  await waitUntil(
    async () => {
      last = await openSubscriptions(metrics);
      return (expected.ws === undefined || last.ws === expected.ws) && (expected.sse === undefined || last.sse === expected.sse);
    },
    timeoutMs,
    () => `open subscriptions ${JSON.stringify(last)}, expected ${JSON.stringify(expected)}`,
  );
}

export { numsub };
