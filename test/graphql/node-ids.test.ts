import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type GraphQLResponse, type TestContext } from '../support/harness.js';

const clock = createTestClock('2026-11-20T12:00:00.000Z');
let t: TestContext;
let admin: { token: string };
let ann: { id: number; token: string };
let ben: { id: number; token: string };
let annRecord: { id: string; recordId: string };

const AWARD = `mutation ($u: ID!, $p: Int!, $k: String!) { awardPoints(userId: $u, points: $p, reason: "test", idempotencyKey: $k) { record { id recordId } } }`;
const codes = (response: GraphQLResponse) => (response.errors ?? []).map((error) => [error.path?.join('.'), error.extensions?.code]);

beforeAll(async () => {
  t = await createTestContext({}, { clock });
  admin = await t.createUser({ role: 'ADMIN' });
  const a = await t.createUser();
  const b = await t.createUser();
  ann = { id: a.user.id, token: a.token };
  ben = { id: b.user.id, token: b.token };
  const first = await t.gql(AWARD, { u: encodeId('User', ann.id), p: 30, k: 'ids-1' }, { token: admin.token });
  expect(first.errors).toBeUndefined();
  annRecord = first.data!.awardPoints.record;
  expect((await t.gql(AWARD, { u: encodeId('User', ben.id), p: 50, k: 'ids-2' }, { token: admin.token })).errors).toBeUndefined();
});
afterAll(async () => {
  await t.cleanup();
});

describe('global ids', () => {
  it('gives leaderboards, entries, standings, seasons, points records, jobs and runs ids that node and nodes resolve', async () => {
    const read = await t.gql(
      `{ leaderboard(first: 5) { id entries { id rank user { id } } viewer { id rank } }
         currentSeason { id periodId }
         myPoints { day date } }`,
      {},
      { token: ann.token },
    );
    expect(read.errors).toBeUndefined();
    const board = read.data!.leaderboard;
    expect(board.entries.map((entry: { user: { id: string } }) => entry.user.id)).toEqual([encodeId('User', ben.id), encodeId('User', ann.id)]);
    expect(board.id).toBe(encodeGlobalID('Leaderboard', 'points:2026-11:ORDINAL:top:5'));
    expect(board.entries[1].id).toBe(encodeGlobalID('LeaderboardEntry', `points:2026-11:ORDINAL:${ann.id}`));
    expect(board.viewer).toEqual({ id: encodeGlobalID('Standing', `points:2026-11:ORDINAL:${ann.id}`), rank: 2 });
    expect(read.data!.currentSeason).toEqual({ id: encodeGlobalID('Season', '2026-11'), periodId: '2026-11' });
    expect(read.data!.myPoints).toEqual({ day: '2026-11-20', date: '2026-11-20' });
    expect(annRecord.id).toBe(encodeGlobalID('PointsRecord', annRecord.recordId));

    const ids = [board.id, board.entries[1].id, board.viewer.id, read.data!.currentSeason.id, annRecord.id];
    const nodes = await t.gql(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id
         ... on Leaderboard { entries { rank } } ... on LeaderboardEntry { rank score } ... on Standing { rank }
         ... on Season { periodId } ... on PointsRecord { points date } } }`,
      { ids },
      { token: ann.token },
    );
    expect(nodes.errors).toBeUndefined();
    expect(nodes.data!.nodes).toEqual([
      { __typename: 'Leaderboard', id: ids[0], entries: [{ rank: 1 }, { rank: 2 }] },
      { __typename: 'LeaderboardEntry', id: ids[1], rank: 2, score: 30 },
      { __typename: 'Standing', id: ids[2], rank: 2 },
      { __typename: 'Season', id: ids[3], periodId: '2026-11' },
      { __typename: 'PointsRecord', id: ids[4], points: 30, date: '2026-11-20' },
    ]);

    const name = (await t.gql('{ jobs { name } }', {}, { token: admin.token })).data!.jobs[0].name as string;
    const run = await t.deps.db.jobRun.create({
      data: { queue: 'system', jobId: 'ids-run', name, attempt: 1, maxAttempts: 1, trigger: 'MANUAL', state: 'COMPLETED', startedAt: clock.now() },
    });
    const jobs = await t.gql('{ jobs { id name runs { id runId } } }', {}, { token: admin.token });
    const job = jobs.data!.jobs.find((candidate: { name: string }) => candidate.name === name);
    expect(job).toEqual({ id: encodeGlobalID('Job', name), name, runs: [{ id: encodeGlobalID('JobRun', String(run.id)), runId: String(run.id) }] });
    const again = await t.gql(
      'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Job { name } ... on JobRun { jobId } } }',
      { ids: [job.id, job.runs[0].id] },
      { token: admin.token },
    );
    expect(again.data!.nodes).toEqual([{ name }, { jobId: 'ids-run' }]);
    // Admin-only types are nothing to anyone else.
    expect(codes(await t.gql('query ($id: ID!) { node(id: $id) { id } }', { id: job.id }, { token: ann.token }))).toEqual([['node', 'NOT_FOUND']]);
  });

  it('accepts a Season global id and its YYYY-MM alike in season arguments', async () => {
    const query = 'query ($season: ID) { leaderboard(season: $season) { id totalParticipants } }';
    const byPeriod = await t.gql(query, { season: '2026-11' });
    const byId = await t.gql(query, { season: encodeGlobalID('Season', '2026-11') });
    expect(byPeriod.data!.leaderboard.totalParticipants).toBe(2);
    expect(byId.data).toEqual(byPeriod.data);
    expect(codes(await t.gql(query, { season: encodeGlobalID('Season', 'soon') }))).toEqual([['leaderboard', 'BAD_USER_INPUT']]);
  });
});

describe('node and nodes', () => {
  const NODE = 'query ($id: ID!) { node(id: $id) { id } }';

  it('answers BAD_USER_INPUT for garbage, ids of no Node type and malformed board ids; NOT_FOUND for ids of nothing', async () => {
    for (const id of ['garbage', '', encodeGlobalID('Nope', '1'), encodeGlobalID('Leaderboard', 'points:2026-11:SOMETIMES:top:5')]) {
      const response = await t.gql(NODE, { id });
      expect(response.data).toEqual({ node: null });
      expect(codes(response)).toEqual([['node', 'BAD_USER_INPUT']]);
    }
    for (const id of [encodeId('User', 2_000_000_000), encodeGlobalID('Season', '1999-01'), encodeGlobalID('LeaderboardEntry', 'points:2026-11:ORDINAL:2000000000')]) {
      expect(codes(await t.gql(NODE, { id }))).toEqual([['node', 'NOT_FOUND']]);
    }
    // A points record is its user's (and admins'): to anyone else the same answer as for no record.
    expect(codes(await t.gql(NODE, { id: annRecord.id }, { token: ben.token }))).toEqual([['node', 'NOT_FOUND']]);
    expect((await t.gql(NODE, { id: annRecord.id }, { token: admin.token })).data).toEqual({ node: { id: annRecord.id } });
  });

  it('nulls only the items whose ids fail, each with a coded error at its path', async () => {
    const good = encodeId('User', ann.id);
    const response = await t.gql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [good, 'garbage', encodeId('User', 2_000_000_000), good] });
    expect(response.data).toEqual({ nodes: [{ id: good }, null, null, { id: good }] });
    expect(codes(response)).toEqual([
      ['nodes.1', 'BAD_USER_INPUT'],
      ['nodes.2', 'NOT_FOUND'],
    ]);
    const tooMany = await t.gql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: Array.from({ length: 101 }, () => good) });
    expect(codes(tooMany)).toEqual([['nodes', 'BAD_USER_INPUT']]);
  });
});
