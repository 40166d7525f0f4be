/**
 * The GraphQL surface of definitions and submitScore, through the full
 * application (needs the rewritten leaderboards module: runs after the merge).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { seedActivity } from '../activities/support.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';

let t: TestContext;
let admin: { user: { id: number }; token: string };
let organizer: { user: { id: number }; token: string };
let user: { user: { id: number }; token: string };

const CREATE = `mutation ($input: CreateLeaderboardInput!) {
  createLeaderboard(input: $input) { key title period scope category source pointTypes operator order state currentPeriod nextResetAt archivedAt activity { id } }
}`;
const SUBMIT = `mutation ($board: String!, $userId: ID!, $score: SafeInt!, $key: String!) {
  submitScore(board: $board, userId: $userId, score: $score, idempotencyKey: $key) { board periodId submitted score applied duplicate }
}`;
const code = (result: { errors?: Array<{ extensions?: { code?: string } }> }) => result.errors?.[0]?.extensions?.code ?? 'OK';

beforeAll(async () => {
  t = await createTestContext({ APP_TIMEZONE: 'Asia/Shanghai' }, { clock: createTestClock('2026-12-06T15:59:59.000Z') });
  admin = await t.createUser({ role: 'ADMIN' });
  organizer = await t.createUser();
  user = await t.createUser();
});
afterAll(async () => {
  await t.cleanup();
});

describe('createLeaderboard', () => {
  it('creates a WEEKLY CHECK_IN board whose period and reset follow Shanghai midnight', async () => {
    const created = await t.gql(CREATE, { input: { key: 'weekly-checkins', title: 'Weekly', period: 'WEEKLY', source: 'POINTS', pointTypes: ['CHECK_IN'] } }, { token: admin.token });
    expect(created.errors).toBeUndefined();
    expect(created.data?.createLeaderboard).toEqual({
      key: 'weekly-checkins', title: 'Weekly', period: 'WEEKLY', scope: 'GLOBAL', category: null, source: 'POINTS', pointTypes: ['CHECK_IN'],
      operator: 'SUM', order: 'DESC', state: 'ACTIVE', currentPeriod: '2026-W49', nextResetAt: '2026-12-06T16:00:00.000Z', archivedAt: null, activity: null,
    });
    t.clock?.set('2026-12-06T16:00:00.000Z');
    const read = await t.gql('{ leaderboardDefinition(key: "weekly-checkins") { currentPeriod nextResetAt } }');
    expect(read.data?.leaderboardDefinition).toEqual({ currentPeriod: '2026-W50', nextResetAt: '2026-12-13T16:00:00.000Z' });
    t.clock?.set('2027-01-03T15:59:00.000Z');
    expect((await t.gql('{ leaderboardDefinition(key: "weekly-checkins") { currentPeriod } }')).data?.leaderboardDefinition.currentPeriod).toBe('2026-W53');
    t.clock?.set('2027-01-03T16:00:00.000Z');
    expect((await t.gql('{ leaderboardDefinition(key: "weekly-checkins") { currentPeriod nextResetAt } }')).data?.leaderboardDefinition).toEqual({
      currentPeriod: '2027-W01',
      nextResetAt: '2027-01-10T16:00:00.000Z',
    });
  });

  it('answers with coded errors: no token, non-admin GLOBAL, duplicate and malformed keys, unknown boards', async () => {
    const input = { key: 'global-x', title: 'X', period: 'DAILY', source: 'SUBMITTED' };
    expect(code(await t.gql(CREATE, { input }))).toBe('UNAUTHENTICATED');
    expect(code(await t.gql(CREATE, { input }, { token: user.token }))).toBe('FORBIDDEN');
    expect(code(await t.gql(CREATE, { input: { ...input, key: 'weekly-checkins' } }, { token: admin.token }))).toBe('BAD_USER_INPUT');
    expect(code(await t.gql(CREATE, { input: { ...input, key: 'Bad_Key' } }, { token: admin.token }))).toBe('BAD_USER_INPUT');
    expect(code(await t.gql('{ leaderboardDefinition(key: "nope-board") { key } }'))).toBe('NOT_FOUND');
    expect(code(await t.gql('{ leaderboardDefinition(key: "NOPE") { key } }'))).toBe('BAD_USER_INPUT');
  });

  it('lets an organizer create a board for their own activity only', async () => {
    const own = await seedActivity(t, { organizerId: organizer.user.id });
    const others = await seedActivity(t, { organizerId: user.user.id });
    const ok = await t.gql(CREATE, { input: { key: 'own-cup', title: 'Cup', source: 'SUBMITTED', scope: 'ACTIVITY', activityId: own.gid } }, { token: organizer.token });
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.createLeaderboard).toMatchObject({ period: 'ALL_TIME', scope: 'ACTIVITY', activity: { id: own.gid }, nextResetAt: null, currentPeriod: 'all' });
    expect(code(await t.gql(CREATE, { input: { key: 'their-cup', title: 'Cup', source: 'SUBMITTED', scope: 'ACTIVITY', activityId: others.gid } }, { token: organizer.token }))).toBe('FORBIDDEN');
  });

  it('lists definitions by state', async () => {
    const list = await t.gql('{ leaderboards(state: ACTIVE, first: 100) { edges { node { key } } } }');
    expect(list.data?.leaderboards.edges.map((edge: { node: { key: string } }) => edge.node.key)).toEqual(['points', 'weekly-checkins', 'own-cup']);
  });
});

describe('submitScore', () => {
  it('takes SafeInt scores: 2^53 − 1 and 3,000,000,000 exactly, 2^53 refused naming the range', async () => {
    await t.gql(CREATE, { input: { key: 'big-scores', title: 'Big', period: 'ALL_TIME', source: 'SUBMITTED', operator: 'LATEST' } }, { token: admin.token });
    const userId = encodeId('User', user.user.id);
    const max = await t.gql(SUBMIT, { board: 'big-scores', userId, score: Number.MAX_SAFE_INTEGER, key: 'a' }, { token: admin.token });
    expect(max.data?.submitScore).toEqual({ board: 'big-scores', periodId: 'all', submitted: 9007199254740991, score: 9007199254740991, applied: true, duplicate: false });
    const tooBig = await t.gql(SUBMIT, { board: 'big-scores', userId, score: 2 ** 53, key: 'b' }, { token: admin.token });
    expect(code(tooBig)).toBe('BAD_USER_INPUT');
    expect(tooBig.errors?.[0]?.message).toContain('9007199254740991');
    const literal = await t.gql(`mutation { submitScore(board: "big-scores", userId: "${userId}", score: 9007199254740992, idempotencyKey: "c") { score } }`, {}, { token: admin.token });
    expect(code(literal)).toBe('BAD_USER_INPUT');
    const three = await t.gql(SUBMIT, { board: 'big-scores', userId, score: 3_000_000_000, key: 'd' }, { token: admin.token });
    expect(three.data?.submitScore.score).toBe(3_000_000_000);
    const [row] = await t.deps.db.$queryRaw<Array<{ score: string }>>`SELECT score::text FROM board_standings WHERE period_ref = 'big-scores/all' AND user_id = ${user.user.id}`;
    expect(row?.score).toBe('3000000000');
  });

  it('is for admins only', async () => {
    const userId = encodeId('User', user.user.id);
    expect(code(await t.gql(SUBMIT, { board: 'big-scores', userId, score: 1, key: 'e' }, { token: user.token }))).toBe('FORBIDDEN');
    expect(code(await t.gql(SUBMIT, { board: 'big-scores', userId, score: 1, key: 'e' }))).toBe('UNAUTHENTICATED');
  });
});
