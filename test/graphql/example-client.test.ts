import { readFileSync } from 'node:fs';
import { gql } from '@apollo/client';
import { generate } from '@graphql-codegen/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import codegenConfig from '../../examples/codegen.js';
import { createLiveboardClient } from '../../examples/client.js';
import { TopOfBoardChangedDocument, TopOfBoardDocument, type TopOfBoardQuery } from '../../examples/generated/graphql.js';
import { SCALARS } from '../../examples/scalars.js';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { waitForNumsub, waitForOpenSubscriptions, waitUntil } from '../support/live-clients.js';

const AWARD = `mutation ($u: ID!, $p: Int!, $k: String!) { awardPoints(userId: $u, points: $p, reason: "test", idempotencyKey: $k) { duplicate } }`;

describe('the example client’s generated types', () => {
  it('are what GraphQL Code Generator writes now from schema.graphql, with strictScalars (run `npm run examples:codegen`)', async () => {
    const outputs = (await generate({ ...codegenConfig, cwd: process.cwd(), silent: true }, false)) as Array<{ filename: string; content: string }>;
    expect(outputs.map((output) => output.filename).sort()).toEqual(['examples/generated/graphql.ts', 'examples/generated/possible-types.ts']);
    for (const output of outputs) expect(readFileSync(output.filename, 'utf8'), output.filename).toBe(output.content);
  });

  it('cannot be generated while a custom scalar has no mapping: strictScalars stops codegen', async () => {
    const { SafeInt: _left, ...withoutSafeInt } = SCALARS;
    const target = 'examples/generated/graphql.ts';
    const config = { ...codegenConfig, cwd: process.cwd(), silent: true };
    const output = config.generates[target] as { plugins: string[]; config: Record<string, unknown> };
    await expect(generate({ ...config, generates: { [target]: { ...output, config: { ...output.config, scalars: withoutSafeInt } } } }, false)).rejects.toThrow(
      /SafeInt/,
    );
  });
});

describe('the example Apollo client', () => {
  let t: TestContext;
  let url: string;
  let adminToken: string;
  beforeAll(async () => {
    t = await createTestContext();
    url = (await t.startServer()).url;
    adminToken = (await t.createUser({ role: 'ADMIN' })).token;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('shows a leaderboardChanged event in the entries a leaderboard query shows, with possibleTypes and no updateQuery', async () => {
    const [ann, ben] = [await t.createUser({ displayName: 'Ann' }), await t.createUser({ displayName: 'Ben' })];
    const award = async (userId: number, points: number, key: string) =>
      expect((await t.gql(AWARD, { u: encodeId('User', userId), p: points, k: key }, { token: adminToken })).errors).toBeUndefined();
    await award(ann.user.id, 30, 'apollo-1');
    await award(ben.user.id, 50, 'apollo-2');

    const liveboard = createLiveboardClient({ httpUrl: `${url}/graphql`, wsUrl: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket });
    const variables = { board: 'points', first: 5 };
    const { client } = liveboard;
    const shown: Array<TopOfBoardQuery['leaderboard']> = [];
    const watching = client.watchQuery({ query: TopOfBoardDocument, variables }).subscribe(({ data }) => {
      if (data?.leaderboard) shown.push(data.leaderboard as TopOfBoardQuery['leaderboard']);
    });
    const events: unknown[] = [];
    const live = client.subscribe({ query: TopOfBoardChangedDocument, variables }).subscribe(({ data }) => events.push(data));
    try {
      await waitUntil(() => shown.length === 1);
      const names = (page: TopOfBoardQuery['leaderboard']) => page.entries.map((entry) => [entry.user.displayName, entry.rank, entry.score]);
      expect(names(shown[0]!)).toEqual([
        ['Ben', 1, 50],
        ['Ann', 2, 30],
      ]);
      await waitForOpenSubscriptions(t.deps.metrics, { ws: 1 });
      // Open is not yet listening: the event reaches the subscription only once its topic is subscribed here and in Redis.
      const { ref } = await t.deps.db.boardPeriod.findFirstOrThrow({ where: { board: { key: 'points' } }, orderBy: { startsAt: 'desc' }, select: { ref: true } });
      await waitUntil(() => t.deps.pubsub.localSubscribers('leaderboard:changed', ref) === 1);
      await waitForNumsub(t.deps.redis, `${t.deps.keys.prefix}:events:leaderboard:changed:${ref}`, 1);

      await award(ann.user.id, 40, 'apollo-3');
      await waitUntil(() => events.length === 1 && shown.length === 2, 10_000, () => `events ${events.length}, renders ${shown.length}`);
      // The watched query re-rendered from the cache alone: the event's Leaderboard and entries are the query's.
      expect(names(shown[1]!)).toEqual([
        ['Ann', 1, 70],
        ['Ben', 2, 50],
      ]);
      expect(shown[1]!.id).toBe(shown[0]!.id);
      expect(shown[1]!.totalParticipants).toBe(2);
    } finally {
      watching.unsubscribe();
      live.unsubscribe();
      await liveboard.close();
    }
  });

  it('receives a @defer query in two steps: the initial part, then the deferred one', async () => {
    const { user, token } = await t.createUser({ displayName: 'Later Name' });
    const liveboard = createLiveboardClient({ httpUrl: `${url}/graphql`, wsUrl: `${url.replace(/^http/, 'ws')}/graphql`, token, webSocketImpl: WebSocket });
    const query = gql`
      query DeferredViewer {
        viewer {
          handle
          ... @defer {
            displayName
          }
        }
      }
    `;
    const seen: Array<{ dataState: string; viewer: unknown }> = [];
    const watching = liveboard.client
      .watchQuery({ query, fetchPolicy: 'network-only' })
      .subscribe((result) => seen.push({ dataState: result.dataState, viewer: (result.data as { viewer?: unknown } | undefined)?.viewer }));
    try {
      await waitUntil(() => seen.some((result) => result.dataState === 'complete'), 10_000, () => JSON.stringify(seen));
      const streamed = seen.filter((result) => result.dataState === 'streaming');
      expect(streamed[0]?.viewer).toEqual({ __typename: 'User', handle: user.handle });
      expect(seen.at(-1)).toEqual({ dataState: 'complete', viewer: { __typename: 'User', handle: user.handle, displayName: 'Later Name' } });
    } finally {
      watching.unsubscribe();
      await liveboard.close();
    }
  });
});
