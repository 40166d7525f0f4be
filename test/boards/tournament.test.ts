import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { advanceActivity } from '../../src/modules/activities/lifecycle.service.js';
import { openTimes, seedActivity } from '../activities/support.js';
import { boardScores } from '../support/boards.js';
import { createTestContext, type TestContext } from '../support/harness.js';

const HOUR = 3_600_000;
let t: TestContext;
let admin: { token: string };

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.createUser({ role: 'ADMIN' });
});
afterAll(async () => {
  await t.cleanup();
});

const SUBMIT = `mutation ($user: ID!, $score: SafeInt!, $key: String!) {
  submitScore(board: "chess-open", userId: $user, score: $score, idempotencyKey: $key) { score applied }
}`;

describe('a tournament board, through the real activity lifecycle', () => {
  it('is created by the organizer, takes only participants, and freezes when the activity ends', async () => {
    const organizer = await t.createUser();
    const [ann, ben, outsider] = await Promise.all([t.createUser(), t.createUser(), t.createUser()]);
    const activity = await seedActivity(t, { organizerId: organizer.user.id, ...openTimes() });
    const activityId = encodeId('Activity', activity.id);
    for (const player of [ann, ben]) {
      const { errors } = await t.gql('mutation ($id: ID!) { joinActivity(id: $id) { id } }', { id: activityId }, { token: player.token });
      expect(errors).toBeUndefined();
    }
    const created = await t.gql(
      `mutation ($activity: ID!) {
        createLeaderboard(input: { key: "chess-open", title: "Chess open", scope: ACTIVITY, activityId: $activity, source: SUBMITTED, operator: BEST }) {
          key period scope state
        }
      }`,
      { activity: activityId },
      { token: organizer.token },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createLeaderboard).toEqual({ key: 'chess-open', period: 'ALL_TIME', scope: 'ACTIVITY', state: 'ACTIVE' });

    const submit = (user: number, score: number, key: string) =>
      t.gql(SUBMIT, { user: encodeId('User', user), score, key }, { token: admin.token });
    expect((await submit(ann.user.id, 1_500, 'r1-ann')).errors).toBeUndefined();
    expect((await submit(ben.user.id, 1_700, 'r1-ben')).errors).toBeUndefined();
    expect((await submit(outsider.user.id, 1_900, 'r1-outsider')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await boardScores(t.deps, 'chess-open/all')).toEqual(new Map([[ben.user.id, 1_700], [ann.user.id, 1_500]]));

    // The clock moves past the end: the lifecycle walks to ENDED, and its event freezes the board.
    const now = Date.now();
    await t.deps.db.activity.update({
      where: { id: activity.id },
      data: { signupEndsAt: new Date(now - 3 * HOUR), startsAt: new Date(now - 2 * HOUR), endsAt: new Date(now - 1_000) },
    });
    await advanceActivity(t.deps, { activityId: activity.id });
    expect((await t.deps.db.activity.findUniqueOrThrow({ where: { id: activity.id } })).status).toBe('ENDED');

    const late = await submit(ann.user.id, 2_000, 'r2-ann');
    expect(late.errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
    const { data } = await t.gql('{ leaderboardDefinition(key: "chess-open") { state } leaderboard(board: "chess-open") { entries { score } } }');
    expect(data!.leaderboardDefinition.state).toBe('ARCHIVED');
    // History stays readable, unchanged.
    expect(data!.leaderboard.entries).toEqual([{ score: 1_700 }, { score: 1_500 }]);
  });
});
