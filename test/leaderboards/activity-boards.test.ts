/**
 * Tournament boards freeze with their activity: the consumer archives the
 * activity's boards (and seals their period through closePeriodNow), after
 * which no score is taken. Needs the rewritten leaderboards module: runs after the merge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityBoardConsumers } from '../../src/modules/leaderboards/activity-boards.js';
import { archiveLeaderboard } from '../../src/modules/leaderboards/archive-leaderboard.js';
import { createDefinition } from '../../src/modules/leaderboards/definitions.service.js';
import { submitScore } from '../../src/modules/leaderboards/submit-score.service.js';
import { seedActivity } from '../activities/support.js';
import { createTestContext, type TestContext } from '../support/harness.js';

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.cleanup();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return (error as { code?: string }).code ?? `UNCODED: ${String(error)}`;
  }
}

function handler(type: string) {
  const found = activityBoardConsumers.find((consumer) => consumer.type === type);
  if (!found) throw new Error(`no consumer of ${type}`);
  return found;
}

describe('ACTIVITY boards', () => {
  it('take participants\' scores only, and freeze when the activity ends', async () => {
    const { user: organizer } = await t.createUser();
    const { user: player } = await t.createUser();
    const { user: outsider } = await t.createUser();
    const { user: admin } = await t.createUser({ role: 'ADMIN' });
    const activity = await seedActivity(t, { organizerId: organizer.id, status: 'ONGOING' });
    await t.deps.db.participation.create({ data: { activityId: activity.id, userId: player.id } });
    await createDefinition(t.deps, organizer, { key: 'cup', title: 'Cup', source: 'SUBMITTED', scope: 'ACTIVITY', activityId: activity.id });
    await createDefinition(t.deps, organizer, { key: 'cup-b', title: 'Cup B', source: 'SUBMITTED', scope: 'ACTIVITY', activityId: activity.id });
    const score = (userId: number, value: number, key: string) =>
      submitScore(t.deps, { boardKey: 'cup', userId, score: value, idempotencyKey: key, submittedBy: admin.id });

    expect(await score(player.id, 10, 'p1')).toMatchObject({ applied: true, score: 10 });
    expect(await codeOf(score(outsider.id, 10, 'o1'))).toBe('BAD_USER_INPUT');

    await t.deps.db.activity.update({ where: { id: activity.id }, data: { status: 'ENDED' } });
    const event = { id: 1n, type: 'activity.statusChanged' as const, payload: { activityId: activity.id, from: 'ONGOING' as const, to: 'ENDED' as const, version: 2 }, occurredAt: t.deps.now() };
    await handler('activity.statusChanged').handle(event, t.deps);
    await handler('activity.statusChanged').handle(event, t.deps); // a second delivery changes nothing

    const boards = await t.deps.db.leaderboard.findMany({ where: { activityId: activity.id }, orderBy: { key: 'asc' } });
    expect(boards.map((b) => [b.key, b.state])).toEqual([['cup', 'ARCHIVED'], ['cup-b', 'ARCHIVED']]);
    expect(await codeOf(score(player.id, 5, 'p2'))).toBe('INVALID_STATE');
    // Reopening the activity by hand does not thaw the board.
    await t.deps.db.activity.update({ where: { id: activity.id }, data: { status: 'ONGOING' } });
    expect(await codeOf(score(player.id, 5, 'p3'))).toBe('INVALID_STATE');
    // The period was sealed and leaves CURRENT (closePeriodNow's rollover).
    const period = await t.deps.db.boardPeriod.findUniqueOrThrow({ where: { ref: 'cup/all' } });
    expect(period.state).not.toBe('CURRENT');
  });

  it('freeze on cancellation too, leaving other activities\' boards alone', async () => {
    const { user: organizer } = await t.createUser();
    const cancelled = await seedActivity(t, { organizerId: organizer.id });
    const other = await seedActivity(t, { organizerId: organizer.id });
    await createDefinition(t.deps, organizer, { key: 'gone-cup', title: 'Gone', source: 'SUBMITTED', scope: 'ACTIVITY', activityId: cancelled.id });
    await createDefinition(t.deps, organizer, { key: 'live-cup', title: 'Live', source: 'SUBMITTED', scope: 'ACTIVITY', activityId: other.id });
    await handler('activity.cancelled').handle(
      { id: 2n, type: 'activity.cancelled', payload: { activityId: cancelled.id, reason: null, participantIds: [] }, occurredAt: t.deps.now() } as never,
      t.deps,
    );
    expect((await t.deps.db.leaderboard.findUniqueOrThrow({ where: { key: 'gone-cup' } })).state).toBe('ARCHIVED');
    expect((await t.deps.db.leaderboard.findUniqueOrThrow({ where: { key: 'live-cup' } })).state).toBe('ACTIVE');
  });

  it('archiveLeaderboard refuses the points board and is idempotent', async () => {
    const { user: admin } = await t.createUser({ role: 'ADMIN' });
    expect(await codeOf(archiveLeaderboard(t.deps, admin, 'points'))).toBe('BAD_USER_INPUT');
    await createDefinition(t.deps, admin, { key: 'daily-x', title: 'X', period: 'DAILY', source: 'SUBMITTED' });
    const first = await archiveLeaderboard(t.deps, admin, 'daily-x');
    const again = await archiveLeaderboard(t.deps, admin, 'daily-x');
    expect(again.archivedAt).toEqual(first.archivedAt);
    expect(again.state).toBe('ARCHIVED');
  });
});
