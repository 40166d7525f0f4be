import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, localDayStart } from '../../src/lib/calendar.js';
import { createDefinition } from '../../src/modules/leaderboards/definitions.service.js';
import { submitScore } from '../../src/modules/leaderboards/submit-score.service.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type PeerInstance, type TestContext } from '../support/harness.js';
import { numsub } from '../support/redis-target.js';
import { waitFor } from '../support/wait.js';

/**
 * `myPoints` answers kept per viewer by the response cache: every write to
 * the viewer's points, on any instance, is seen by their next read; the day
 * rolls over at local midnight; Redis losing the versions never revives an
 * old answer; viewers never see each other's.
 */
const clock = createTestClock('2026-05-04T08:00:00.000Z');
let t: TestContext;
let peer: PeerInstance;
beforeAll(async () => {
  t = await createTestContext({ RESPONSE_CACHE_MAX_ENTRIES: '1000' }, { clock });
  peer = await t.startPeer();
  // A board no ADMIN_ADJUST feeds: a notice on it never explains a fresh answer, only the viewer's version does.
  await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source, point_types) VALUES ('checkins', 'Check-ins', 'WEEKLY', 'POINTS', ARRAY['CHECK_IN']::"PointsType"[])`;
  const { user } = await t.createUser();
  await give(t.deps, user.id, 'CHECK_IN', 1);
});
afterAll(() => t?.cleanup());

let award = 0;
const give = (deps: TestContext['deps'], userId: number, type: 'ADMIN_ADJUST' | 'CHECK_IN', points: number) =>
  recordAward(deps, { userId, type, points, idempotencyKey: `mpc:${(award += 1)}`, occurredAt: clock.now() });

const MY_POINTS = '{ myPoints(board: "checkins") { date board period signInStreak today { type points } } }';
interface Mine {
  date: string;
  board: string;
  period: string;
  signInStreak: number;
  today: Array<{ type: string; points: number }>;
}
const mine = async (token: string) => {
  const response = await t.gql<{ myPoints: Mine }>(MY_POINTS, {}, { token });
  expect(response.errors).toBeUndefined();
  return response.data!.myPoints;
};
const adjusted = (answer: Mine) => answer.today.find((row) => row.type === 'ADMIN_ADJUST')?.points;

/** Reads until the answer can be stored: none is before the cache follows the board period's notices. */
async function prime(token: string) {
  const first = await mine(token);
  const channel = `${t.config.redis.prefix}:events:leaderboard:changed:${first.board}/${first.period}`;
  await waitFor(async () => (await numsub(t.deps.redis, channel)) > 0, { what: 'the cache following the board period' });
  return mine(token);
}

/** A sign-in streak written behind the application's back: a fresh answer shows it, a cached one does not. */
async function streakSilently(userId: number, day: string) {
  await t.deps.db.$executeRaw`
    INSERT INTO sign_in_streaks (user_id, last_day, streak_day) VALUES (${userId}, ${day}::date, 4)
    ON CONFLICT (user_id) DO UPDATE SET last_day = excluded.last_day, streak_day = excluded.streak_day`;
}

describe('myPoints through the response cache', () => {
  it('is answered from the cache until the viewer\'s own award, made on this instance or another', async () => {
    const { user, token } = await t.createUser();
    expect((await prime(token)).signInStreak).toBe(0);
    await streakSilently(user.id, (await mine(token)).date);
    // Nothing the cache follows changed: the stored answer.
    expect((await mine(token)).signInStreak).toBe(0);

    await give(t.deps, user.id, 'ADMIN_ADJUST', 5);
    const afterOwn = await mine(token);
    expect(adjusted(afterOwn)).toBe(5);
    expect(afterOwn.signInStreak).toBe(4);

    await streakSilently(user.id, afterOwn.date);
    await give(peer.deps, user.id, 'ADMIN_ADJUST', 7);
    // At once, not once a notice arrives: the peer replaced the version before its award returned.
    expect(adjusted(await mine(token))).toBe(12);
  });

  it('starts a new day at local midnight without any write', async () => {
    const { user } = await t.createUser();
    await give(t.deps, user.id, 'ADMIN_ADJUST', 3);
    const token = await t.deps.tokens.issue(user.id);
    const today = await prime(token);
    expect(adjusted(today)).toBe(3);
    const midnight = localDayStart(addDays(today.date, 1), t.config.timeZone);
    clock.set(midnight.getTime() - 1);
    expect((await mine(token)).date).toBe(today.date);
    clock.set(midnight);
    const tomorrow = await mine(await t.deps.tokens.issue(user.id));
    expect(tomorrow.date).toBe(addDays(today.date, 1));
    expect(adjusted(tomorrow)).toBe(0);
  });

  it('never serves an answer stored before Redis lost the viewer\'s version', async () => {
    // No write to this viewer before: their version is the one drawn by the first read.
    const { user, token } = await t.createUser();
    const first = await prime(token);
    expect(first.signInStreak).toBe(0);
    await streakSilently(user.id, first.date);
    expect((await mine(token)).signInStreak).toBe(0);
    // Only the version (as an eviction or a failover that lost recent writes would); a whole flush also loses the boards, whose loss empties the cache anyway.
    await t.deps.redis.del(t.deps.keys.key('user-state-version', user.id));
    expect((await mine(token)).signInStreak).toBe(4);
  });

  it('shows a score the viewer submitted on another instance at once, even if its notice is lost', async () => {
    const { user: admin } = await t.createUser({ role: 'ADMIN' });
    await createDefinition(t.deps, admin, { key: 'laps', title: 'Laps', period: 'ALL_TIME', source: 'SUBMITTED', operator: 'BEST', order: 'DESC' });
    const { user, token } = await t.createUser();
    const laps = async () => {
      const response = await t.gql<{ myPoints: { score: number; board: string; period: string } }>('{ myPoints(board: "laps") { score board period } }', {}, { token });
      expect(response.errors).toBeUndefined();
      return response.data!.myPoints;
    };
    await submitScore(t.deps, { boardKey: 'laps', userId: admin.id, score: 1, idempotencyKey: 'laps:admin', submittedBy: admin.id });
    const first = await laps();
    const channel = `${t.config.redis.prefix}:events:leaderboard:changed:${first.board}/${first.period}`;
    await waitFor(async () => (await numsub(t.deps.redis, channel)) > 0, { what: 'the cache following the board period' });
    expect((await laps()).score).toBe(0);
    // The peer's notices go nowhere: only the viewer's version can tell this instance.
    const lost = vi.spyOn(peer.deps.pubsub, 'publish').mockResolvedValue(undefined);
    try {
      await submitScore(peer.deps, { boardKey: 'laps', userId: user.id, score: 42, idempotencyKey: 'laps:viewer', submittedBy: admin.id });
    } finally {
      lost.mockRestore();
    }
    expect((await laps()).score).toBe(42);
  });

  it('keeps each viewer\'s answer to that viewer', async () => {
    const a = await t.createUser();
    const b = await t.createUser();
    await give(t.deps, a.user.id, 'ADMIN_ADJUST', 21);
    await give(t.deps, b.user.id, 'ADMIN_ADJUST', 34);
    const tokenA = await t.deps.tokens.issue(a.user.id);
    const tokenB = await t.deps.tokens.issue(b.user.id);
    await prime(tokenA);
    await prime(tokenB);
    for (let i = 0; i < 3; i += 1) {
      expect(adjusted(await mine(tokenA))).toBe(21);
      expect(adjusted(await mine(tokenB))).toBe(34);
    }
  });
});
