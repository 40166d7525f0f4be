import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { writeStandings } from '../../src/modules/leaderboards/board-script.js';
import { syncPendingStandings } from '../../src/modules/leaderboards/board-sync.js';
import { ROLLOVER_TICK_JOB } from '../../src/modules/leaderboards/rollover-flow.js';
import { autoRolloverJobId } from '../../src/modules/leaderboards/rollover-period.js';
import { closePeriodNow } from '../../src/modules/leaderboards/rollover-schedule.js';
import { rolloverTickJob } from '../../src/modules/leaderboards/rollover.jobs.js';
import { recordAward } from '../../src/modules/points/index.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { archivePlaces, boardKeysPresent, boardPlaces, completedFinishRuns, firstDifference, jobResult, periodState, waitArchived } from './rollover-support.js';

const ZONE = 'Asia/Shanghai';
/** 10:00 on 2 December in Shanghai. */
const clock = createTestClock('2026-12-02T02:00:00.000Z');
let t: TestContext;
let users: number[] = [];
let key = 0;

const award = (userId: number, points: number, occurredAt = clock.now()) =>
  recordAward(t.deps, { userId, type: 'ADMIN_ADJUST', points, idempotencyKey: `periods:${(key += 1)}`, occurredAt });

/** Runs one tick of the rollover tick job now (by the test clock), as its scheduler would. */
const tick = () => rolloverTickJob.process({ id: 'repeat:tick', name: ROLLOVER_TICK_JOB, data: {}, opts: {}, timestamp: Date.now() } as unknown as Job, t.deps) as Promise<{ due: number; started: string[] }>;

beforeAll(async () => {
  t = await createTestContext({ APP_TIMEZONE: ZONE }, { clock });
  await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source) VALUES ('daily-points', 'Daily', 'DAILY', 'POINTS')`;
  await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source) VALUES ('all-points', 'All time', 'ALL_TIME', 'POINTS')`;
  users = (await Promise.all(Array.from({ length: 5 }, () => t.createUser()))).map(({ user }) => user.id);
  await t.startServer({ api: false, worker: true });
});
afterAll(async () => {
  await t.cleanup();
});

describe('a DAILY board', () => {
  const yesterday = 'daily-points/2026-12-02';
  const today = 'daily-points/2026-12-03';

  it('rolls over at local midnight: the day archived with its live ranks, its keys gone, the next day empty', async () => {
    // Ties (30 and 30, 10 and 10) decided by who got there first; one user goes back to 0 and leaves the board.
    for (const [userIndex, points] of [[0, 10], [1, 30], [2, 20], [0, 20], [3, 10], [4, 5], [4, -5], [2, -10]] as const) {
      await award(users[userIndex]!, points);
    }
    await syncPendingStandings(t.deps);
    const live = await boardPlaces(t, yesterday);
    expect(live.map((place) => [place.userId, place.score])).toEqual([
      [users[1], 30],
      [users[0], 30],
      [users[3], 10],
      [users[2], 10],
    ]);
    // The same awards fed the monthly points board.
    expect((await boardPlaces(t, 'points/2026-12')).map((place) => place.score)).toEqual([30, 30, 10, 10]);

    // Before midnight nothing is due.
    clock.set('2026-12-02T15:59:59.999Z');
    expect(await tick()).toEqual({ due: 0, started: [] });

    // 00:00:30 on 3 December in Shanghai: two ticks at once (and the scheduler's own, should it fire) start one rollover.
    clock.set('2026-12-02T16:00:30.000Z');
    const [first, second] = await Promise.all([tick(), tick()]);
    expect(new Set([...first.started, ...second.started, yesterday])).toEqual(new Set([yesterday]));
    expect(await jobResult(t, 'leaderboards', autoRolloverJobId(yesterday))).toMatchObject({ ref: yesterday, members: 4, shards: 1 });
    await waitArchived(t, yesterday);

    const archived = await archivePlaces(t, yesterday);
    expect(firstDifference(archived, live)).toBe(-1);
    expect(archived).toHaveLength(4);
    expect(await t.deps.db.boardArchiveEntry.count({ where: { month: '2026-12', periodRef: yesterday } })).toBe(4);
    expect(await boardKeysPresent(t, yesterday)).toEqual(['sealed']);
    // Today's period exists, current and empty; the month's points board is untouched.
    expect(await periodState(t, today)).toBe('CURRENT');
    expect(await t.deps.redis.zcard(boardKeys(t.deps.keys, today).board)).toBe(0);
    expect(await periodState(t, 'points/2026-12')).toBe('CURRENT');
    expect((await boardPlaces(t, 'points/2026-12')).map((place) => place.score)).toEqual([30, 30, 10, 10]);

    // A later tick finds nothing; an award today starts today's board only.
    expect(await tick()).toEqual({ due: 0, started: [] });
    await award(users[3]!, 7);
    expect((await boardPlaces(t, today)).map((place) => [place.userId, place.score])).toEqual([[users[3], 7]]);
    expect(await boardKeysPresent(t, yesterday)).toEqual(['sealed']);
    expect(await completedFinishRuns(t)).toHaveLength(1);
    const runs = await t.deps.db.jobRun.findMany({ where: { name: 'season.rollover' }, select: { jobId: true } });
    expect(new Set(runs.map((run) => run.jobId))).toEqual(new Set([autoRolloverJobId(yesterday)]));
  });
});

describe('closePeriodNow', () => {
  const ref = 'all-points/all';

  it('archives an ALL_TIME board at once when it is archived, refusing writes from the moment it is called', async () => {
    await award(users[0]!, 3);
    await syncPendingStandings(t.deps);
    const live = await boardPlaces(t, ref);
    // 33 (10 + 20 + 3), 30, 17 (10 + today's 7), 10.
    expect(live.map((place) => [place.userId, place.score])).toEqual([[users[0], 33], [users[1], 30], [users[3], 17], [users[2], 10]]);

    await t.deps.db.leaderboard.update({ where: { key: 'all-points' }, data: { state: 'ARCHIVED', archivedAt: clock.now() } });
    await closePeriodNow(t.deps, ref, 'test: the board was archived');
    // Sealed at once: a write of a newer version is refused by the board (whether or not the rollover has begun).
    expect(await t.deps.redis.get(boardKeys(t.deps.keys, ref).sealed)).toMatch(/^(closing|frozen:auto|archived)$/);
    const refused = await writeStandings(t.deps.redis, t.deps.keys, { ref, order: 'DESC' }, [
      { userId: users[4]!, version: 99, score: 1_000, seq: '999999', ranked: true },
    ], {});
    expect(refused).toEqual([false]);
    await waitArchived(t, ref);
    expect(firstDifference(await archivePlaces(t, ref), live)).toBe(-1);
    expect(await boardKeysPresent(t, ref)).toEqual(['sealed']);
    // The period began when the board was created: its rows sit in that month's partition.
    const { createdAt } = await t.deps.db.leaderboard.findUniqueOrThrow({ where: { key: 'all-points' } });
    const month = createdAt.toLocaleDateString('en-CA', { timeZone: ZONE }).slice(0, 7);
    expect(await t.deps.db.boardArchiveEntry.count({ where: { month, periodRef: ref } })).toBe(4);

    // Again: nothing to do.
    await closePeriodNow(t.deps, ref, 'test: again');
    expect(await periodState(t, ref)).toBe('ARCHIVED');
    // A period that never had a row needs nothing.
    await closePeriodNow(t.deps, 'daily-points/2026-11-01', 'test: never written');
    expect(await periodState(t, 'daily-points/2026-11-01')).toBeUndefined();
  });
});
