import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { recordAward } from '../../src/modules/points/points.service.js';
import { backpressureStats } from '../../src/http/socket-backpressure.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { record, waitForOpenSubscriptions, waitUntil, type Recording } from '../support/live-clients.js';
import { clientPool, currentPointsRef, LEADERBOARD, LEADERBOARD_CHANGED, player, waitForLocalSubscribers, type Player } from './live-support.js';

/**
 * A graphql-ws subscriber whose socket stops reading. The kernel absorbs a
 * few MB of a loopback connection before Node's buffer grows at all, so the
 * slow connection holds many subscriptions of a large top 100 (about 5 KB per
 * result): 100 of them fill the kernel within seconds of awards.
 */
const PLAYERS = 100;
const FIRST = 100;
const SUBSCRIPTIONS = 100;
const SEND_BUFFER_BYTES = 65_536;

/** A graphql-ws client whose socket the test can reach, to pause its reading. */
function pausableClient(url: string): { client: Client; socket: () => Socket } {
  const opened: WebSocket[] = [];
  class Tracked extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      opened.push(this);
    }
  }
  const client = createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: Tracked,
    retryAttempts: 0,
    lazy: false,
    // A closed connection is what the stall test expects; graphql-ws would print it to stderr.
    onNonLazyError: () => {},
  });
  return { client, socket: () => (opened[0] as unknown as { _socket: Socket })._socket };
}

async function setUp(env: Record<string, string>) {
  const t = await createTestContext(env);
  const { url } = await t.startServer();
  const players = await Promise.all(Array.from({ length: PLAYERS }, () => player(t)));
  let keys = 0;
  const give = (who: Player, points: number) =>
    recordAward(t.deps, { userId: who.id, type: 'ADMIN_ADJUST', points, idempotencyKey: `slow-${(keys += 1)}`, occurredAt: new Date() });
  for (const [index, who] of players.entries()) await give(who, index + 1);
  return { t, url, players, give };
}

/** Awards that each change the top 100 (every player is in it), until `done`; returns how many were made. */
async function awardUntil(give: (who: Player, points: number) => Promise<unknown>, players: Player[], done: () => boolean, onEach: () => void = () => {}) {
  let count = 0;
  const deadline = Date.now() + 45_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`still not done after ${count} awards: ${JSON.stringify(backpressureStats())}`);
    await give(players[count % players.length]!, 1 + (count % 7));
    count += 1;
    onEach();
  }
  return count;
}

const entriesOf = (recording: Recording) => JSON.stringify(recording.results.at(-1)?.data?.leaderboardChanged?.entries ?? null);

describe('a socket that stops reading', () => {
  let t: TestContext;
  let url: string;
  let players: Player[];
  let give: (who: Player, points: number) => Promise<unknown>;
  const clients = clientPool();
  let slow: Client | undefined;

  beforeAll(async () => {
    ({ t, url, players, give } = await setUp({ LIVE_WS_SEND_BUFFER_BYTES: String(SEND_BUFFER_BYTES) }));
  });
  afterAll(async () => {
    await slow?.dispose();
    await clients.dispose();
    await t.cleanup();
  });

  it('holds at most the newest result per subscription while the socket is behind, and sends the latest board once it reads again', async () => {
    const fast = record(clients.ws(url), LEADERBOARD_CHANGED, { first: FIRST });
    const pausable = pausableClient(url);
    slow = pausable.client;
    const slowRecordings = Array.from({ length: SUBSCRIPTIONS }, () => record(pausable.client, LEADERBOARD_CHANGED, { first: FIRST }));
    await waitForOpenSubscriptions(t.deps.metrics, { ws: SUBSCRIPTIONS + 1 });
    await waitForLocalSubscribers(t.deps, 'leaderboard:changed', currentPointsRef(), 1);

    pausable.socket().pause();
    // Bounds, checked after every award: Node's buffer stays near the limit (one message may cross it), and
    // what waits is one message per subscription at most.
    let most = { bufferedBytes: 0, waitingMessages: 0, waitingBytes: 0 };
    const observe = () => {
      for (const held of backpressureStats().connections) {
        most = {
          bufferedBytes: Math.max(most.bufferedBytes, held.bufferedBytes),
          waitingMessages: Math.max(most.waitingMessages, held.waitingMessages),
          waitingBytes: Math.max(most.waitingBytes, held.waitingBytes),
        };
      }
    };
    // Until every subscription of the slow socket had results replaced while waiting, several times over.
    await awardUntil(give, players, () => backpressureStats().replaced >= 3 * SUBSCRIPTIONS, observe);
    observe();
    const largest = fast.results.reduce((size, result) => Math.max(size, JSON.stringify(result).length), 0);
    expect(largest).toBeGreaterThan(1_000);
    expect(most.waitingMessages).toBeGreaterThan(0);
    expect(most.waitingMessages).toBeLessThanOrEqual(SUBSCRIPTIONS);
    expect(most.waitingBytes).toBeLessThanOrEqual(SUBSCRIPTIONS * (largest + 200));
    expect(most.bufferedBytes).toBeLessThanOrEqual(SEND_BUFFER_BYTES + 2 * (largest + 200));

    // The fast subscriber was not held up: it has the board as it is now.
    const board = JSON.stringify((await t.gql(LEADERBOARD, { first: FIRST })).data!.leaderboard.entries);
    await waitUntil(() => entriesOf(fast) === board, 10_000, () => 'the fast subscriber to get the final board');

    pausable.socket().resume();
    await waitUntil(() => slowRecordings.every((recording) => entriesOf(recording) === board), 20_000, () => 'every slow subscription to end on the final board');
    await waitUntil(() => backpressureStats().connections.every((held) => held.waitingMessages === 0), 10_000, () => 'nothing left waiting');
    for (const recording of slowRecordings) {
      expect(recording.errors).toEqual([]);
      // States were skipped while it did not read, never queued: fewer results than the fast subscriber saw.
      expect(recording.results.length).toBeLessThan(fast.results.length);
    }
    expect(backpressureStats().stalledCloses).toBe(0);
  });
});

describe('a socket whose unsent data stays above the stall ceiling', () => {
  let t: TestContext;
  let url: string;
  let players: Player[];
  let give: (who: Player, points: number) => Promise<unknown>;
  const clients = clientPool();

  beforeAll(async () => {
    // Below what 100 waiting top-100 results hold, so the paused socket crosses it; short, to keep the test short.
    ({ t, url, players, give } = await setUp({ LIVE_WS_STALL_BYTES: '150000', LIVE_WS_STALL_TIMEOUT_MS: '500' }));
  });
  afterAll(async () => {
    await clients.dispose();
    await t.cleanup();
  });

  it('is closed, and frees its subscriptions, while other subscribers go on', async () => {
    const before = backpressureStats().stalledCloses;
    const fast = record(clients.ws(url), LEADERBOARD_CHANGED, { first: FIRST });
    const pausable = pausableClient(url);
    let closed = false;
    pausable.client.on('closed', () => (closed = true));
    const slowRecordings = Array.from({ length: SUBSCRIPTIONS }, () => record(pausable.client, LEADERBOARD_CHANGED, { first: FIRST }));
    await waitForOpenSubscriptions(t.deps.metrics, { ws: SUBSCRIPTIONS + 1 });
    await waitForLocalSubscribers(t.deps, 'leaderboard:changed', currentPointsRef(), 1);

    pausable.socket().pause();
    await awardUntil(give, players, () => backpressureStats().stalledCloses > before);
    // Closed on the server: its subscriptions are released (the peer does not read, so it is destroyed after a grace).
    await waitForOpenSubscriptions(t.deps.metrics, { ws: 1 }, 15_000);
    pausable.socket().resume();
    await waitUntil(() => closed, 15_000, () => 'the slow client to see its connection closed');
    expect(slowRecordings.some((recording) => recording.errors.length > 0 || recording.completed)).toBe(true);

    const seen = fast.results.length;
    await give(players[0]!, 1_000);
    await fast.waitFor(seen + 1);
    const board = JSON.stringify((await t.gql(LEADERBOARD, { first: FIRST })).data!.leaderboard.entries);
    await waitUntil(() => entriesOf(fast) === board, 10_000, () => 'the fast subscriber to get the final board');
    await pausable.client.dispose();
  });
});
