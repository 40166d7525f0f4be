import type { Client as SseClient } from 'graphql-sse';
import type { Client as WsClient } from 'graphql-ws';
import { encodeId } from '../../src/graphql/ids.js';
import type { Deps } from '../../src/deps.js';
import { seasonIdAt } from '../../src/lib/calendar.js';
import type { TopicName, TopicScope } from '../../src/infra/pubsub.js';
import type { TestContext } from '../support/harness.js';
import { sseClient, waitUntil, wsClient } from '../support/live-clients.js';

/** Subscriptions of the season boards, as clients send them. */
export const LEADERBOARD_CHANGED = `subscription ($season: ID, $first: Int) {
  leaderboardChanged(season: $season, first: $first) { season { id: periodId } entries { rank points user { id } } }
}`;
export const MY_STANDING = 'subscription ($season: ID) { myStanding(season: $season) { rank points } }';
export const STANDING_CHANGED = 'subscription ($userId: ID!, $season: ID) { standingChanged(userId: $userId, season: $season) { rank points } }';
export const AWARD_POINTS = `mutation ($userId: ID!, $points: Int!, $key: String!) {
  awardPoints(userId: $userId, points: $points, reason: "live test", idempotencyKey: $key) { record { seasonTotal } }
}`;
export const LEADERBOARD = `query ($season: ID, $first: Int) {
  leaderboard(season: $season, first: $first) { season { id: periodId } entries { rank points user { id } } }
}`;

/** The season awards made now count toward (APP_TIMEZONE is UTC in tests). */
export const currentSeasonId = () => seasonIdAt(new Date(), 'UTC');
/** The `points` board period of `currentSeasonId`: the scope of its `leaderboard:changed` notices. */
export const currentPointsRef = () => `points/${currentSeasonId()}`;

export interface Player {
  id: number;
  gid: string;
  token: string;
}

/** A user with a token and a global id. */
export async function player(t: TestContext): Promise<Player> {
  const { user, token } = await t.createUser();
  return { id: user.id, gid: encodeId('User', user.id), token };
}

/** Makes real graphql-ws and SSE clients and disposes of them all at the end of a file. */
export function clientPool() {
  const ws: WsClient[] = [];
  const sse: SseClient[] = [];
  return {
    ws(url: string, token?: string) {
      const client = wsClient(url, token);
      ws.push(client);
      return client;
    },
    sse(url: string, token?: string) {
      const client = sseClient(url, token);
      sse.push(client);
      return client;
    },
    async dispose() {
      for (const client of sse) client.dispose();
      // graphql-ws types dispose() as `void | Promise<void>`.
      await Promise.all(ws.map(async (client) => await client.dispose()));
    },
  };
}

/** POSTs an operation to a running instance. */
export async function post(url: string, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

/** Waits until this instance holds exactly `count` Redis-confirmed subscriptions to the topic. */
export function waitForLocalSubscribers(deps: Deps, topic: TopicName, scope: TopicScope, count: number): Promise<void> {
  return waitUntil(() => deps.pubsub.localSubscribers(topic, scope) === count, 10_000, () => `${count} local subscribers of ${topic}:${scope}`);
}

/**
 * Resolves with the next `count` notices published on a topic, from a
 * subscription of the test's own: proof that a change was announced, so a
 * test can then assert that subscribers were NOT sent anything for it.
 */
export async function nextNotices(deps: Deps, topic: TopicName, scope: TopicScope, count = 1) {
  const before = deps.pubsub.localSubscribers(topic, scope);
  const notices = deps.pubsub.subscribe(topic, scope);
  const received: unknown[] = [];
  const done = (async () => {
    for await (const notice of notices) {
      received.push(notice);
      if (received.length >= count) break;
    }
    return received;
  })();
  await waitForLocalSubscribers(deps, topic, scope, before + 1);
  return { done, stop: () => notices.return?.() };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
