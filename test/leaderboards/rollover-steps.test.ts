import { UnrecoverableError, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureArchivePartition } from '../../src/modules/leaderboards/archive-partitions.js';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { syncPendingStandings } from '../../src/modules/leaderboards/board-sync.js';
import { copyShard } from '../../src/modules/leaderboards/rollover-copy.js';
import { finishRollover } from '../../src/modules/leaderboards/rollover-finish.js';
import { planShards } from '../../src/modules/leaderboards/rollover-flow.js';
import { autoRolloverJobId, closedPeriodOf, isPeriodRefLike, jobIdPart, runKeyOf } from '../../src/modules/leaderboards/rollover-period.js';
import { prepareRollover } from '../../src/modules/leaderboards/rollover-prepare.js';
import { ArchiveMismatchError } from '../../src/modules/leaderboards/rollover-verify.js';
import { seasonBounds, seasonIdAt } from '../../src/lib/calendar.js';
import { seasonPartition } from '../../src/lib/partitions.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { archivePlaces, boardKeysPresent, boardPlaces, dropMember, ensureRef, fillBoard, firstDifference, periodState, putMember } from './rollover-support.js';

/** After every period this file closes; moved to a season's last millisecond where a test needs one still running. */
const clock = createTestClock('2026-06-15T12:00:00.000Z');
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({}, { clock });
});
afterAll(async () => {
  await t.cleanup();
});

const points = (season: string) => `points/${season}`;

/** Steps 1 and 2 of a rollover called directly (no flow): prepare, then every shard. */
async function prepareAndCopy(ref: string, runKey = 'steps'): Promise<number> {
  const plan = await prepareRollover(t.deps, { ref, runKey });
  if (plan.archived) throw new Error(`${ref} is archived`);
  for (const shard of planShards(plan.members, 1_000)) {
    await copyShard(t.deps, { ref, month: plan.month, order: plan.order, ...shard, batchSize: 300 });
  }
  return plan.members;
}

let keyCounter = 0;
function give(userId: number, amount: number, occurredAt: Date) {
  keyCounter += 1;
  return recordAward(t.deps, { userId, type: 'ADMIN_ADJUST', points: amount, idempotencyKey: `steps:${keyCounter}`, occurredAt });
}

describe('verification', () => {
  it('keeps the board when an archive row is missing, and finishes once the copy is run again', async () => {
    const ref = points('2026-03');
    await fillBoard(t, ref, 2_500);
    const before = await boardPlaces(t, ref);
    await prepareAndCopy(ref);
    await t.deps.db.boardArchiveEntry.delete({ where: { month_periodRef_rank: { month: '2026-03', periodRef: ref, rank: 1_234 } } });

    await expect(finishRollover(t.deps, { ref })).rejects.toBeInstanceOf(ArchiveMismatchError);
    expect(await periodState(t, ref)).toBe('CLOSING');
    expect(await t.deps.redis.zcard(boardKeys(t.deps.keys, ref).board)).toBe(2_500);

    // Re-running the shards is idempotent: it adds only the missing row.
    const again = await copyShard(t.deps, { ref, month: '2026-03', order: 'DESC', fromRank: 1, toRank: 2_500, batchSize: 1_000 });
    // It checked the rows it kept against the board too, so it vouches for the whole range.
    expect(again).toMatchObject({ read: 2_500, inserted: 1, digest: { fromRank: 1, toRank: 2_500, rows: 2_500 } });
    const finished = await finishRollover(t.deps, { ref, shards: again.digest ? [again.digest] : null });
    expect(finished).toMatchObject({ ref, members: 2_500, archivedNow: true, verifiedBy: 'shard digests' });
    expect(finished.deletedKeys).toBeGreaterThanOrEqual(2);
    expect(firstDifference(await archivePlaces(t, ref), before)).toBe(-1);
    expect(await boardKeysPresent(t, ref)).toEqual(['sealed']);
    expect(await t.deps.redis.get(boardKeys(t.deps.keys, ref).sealed)).toBe('archived');
    expect(await finishRollover(t.deps, { ref })).toMatchObject({ members: 2_500, archivedNow: false, deletedKeys: 0 });
  });

  it('keeps the board when it gained a member after the copy; a re-run copies it anew', async () => {
    const ref = points('2026-02');
    await fillBoard(t, ref, 700);
    await prepareAndCopy(ref);
    await putMember(t, ref, 'DESC', 999_999, 1, 12);
    await expect(finishRollover(t.deps, { ref })).rejects.toThrow(/700 rows for 701 board members/);
    expect(await periodState(t, ref)).toBe('CLOSING');

    // A retry of the same run keeps the rows its copies wrote; another run starts the copy over.
    expect(await prepareRollover(t.deps, { ref, runKey: 'steps' })).toMatchObject({ members: 701 });
    expect(await t.deps.db.boardArchiveEntry.count({ where: { periodRef: ref } })).toBe(700);
    const before = await boardPlaces(t, ref);
    await prepareAndCopy(ref, 're-run');
    expect(await finishRollover(t.deps, { ref })).toMatchObject({ members: 701, archivedNow: true });
    expect(firstDifference(await archivePlaces(t, ref), before)).toBe(-1);
  });

  it('archives an ASC board best (lowest) first, and a wrong score in the archive fails verification', async () => {
    await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source, operator, sort_order) VALUES ('fastest', 'Fastest', 'MONTHLY', 'SUBMITTED', 'BEST', 'ASC')`;
    const ref = 'fastest/2026-04';
    await ensureRef(t, ref);
    for (const [userId, score, seq] of [[5, 300, 40], [6, 120, 41], [7, 300, 39], [8, 2 ** 53 - 1, 2 ** 40]] as const) {
      await putMember(t, ref, 'ASC', userId, score, seq);
    }
    const plan = await prepareRollover(t.deps, { ref, runKey: 'asc' });
    expect(plan).toMatchObject({ archived: false, members: 4, month: '2026-04', order: 'ASC' });
    await copyShard(t.deps, { ref, month: '2026-04', order: 'ASC', fromRank: 1, toRank: 4, batchSize: 3 });
    expect((await archivePlaces(t, ref)).map((place) => [place.rank, place.userId, place.score, place.seq])).toEqual([
      [1, 6, 120, '41'],
      [2, 7, 300, '39'],
      [3, 5, 300, '40'],
      [4, 8, 2 ** 53 - 1, String(2 ** 40)],
    ]);
    await t.deps.db.$executeRaw`UPDATE board_archive SET score = 301 WHERE period_ref = ${ref} AND rank = 2`;
    await expect(finishRollover(t.deps, { ref })).rejects.toThrow(/rank 2 holds user 7 \(301/);
    await t.deps.db.$executeRaw`UPDATE board_archive SET score = 300 WHERE period_ref = ${ref} AND rank = 2`;
    expect(await finishRollover(t.deps, { ref })).toMatchObject({ members: 4, archivedNow: true });
  });
});

describe('completing the board before the copy', () => {
  it('pushes standings Redis missed and rebuilds a board Redis lost, from PostgreSQL', async () => {
    const ref = points('2026-01');
    const at = (day: number) => new Date(Date.UTC(2026, 0, day, 12));
    const users = await Promise.all([1, 2, 3, 4].map(() => t.createUser()));
    const [a, b, c, d] = users.map(({ user }) => user.id) as [number, number, number, number];
    await give(a, 40, at(2));
    await give(b, 50, at(3));
    await give(a, 10, at(4));
    await give(c, 50, at(5));
    await syncPendingStandings(t.deps, { ref });
    // An award whose live write never reached Redis: its standing is pending (version > synced_version).
    await give(d, 45, at(6));
    await dropMember(t, ref, d);

    expect(await prepareAndCopy(ref)).toBe(4);
    await finishRollover(t.deps, { ref });
    const expected = await t.deps.db.boardStanding.findMany({ where: { periodRef: ref, ranked: true }, orderBy: [{ score: 'desc' }, { seq: 'asc' }] });
    expect((await archivePlaces(t, ref)).map((place) => [place.rank, place.userId, place.score, place.seq])).toEqual(
      expected.map((standing, index) => [index + 1, standing.userId, Number(standing.score), String(standing.seq)]),
    );
    expect(expected.map((standing) => standing.userId)).toEqual([b, a, c, d]);

    // Another season's board lost entirely (no sync marker) before a rollover: rebuilt from the standings.
    const lost = points('2025-12');
    await give(c, 5, new Date(Date.UTC(2025, 11, 1, 12)));
    await give(b, 7, new Date(Date.UTC(2025, 11, 2, 12)));
    await t.deps.redis.del(...Object.values(boardKeys(t.deps.keys, lost)));
    expect(await prepareAndCopy(lost)).toBe(2);
    await finishRollover(t.deps, { ref: lost });
    expect((await archivePlaces(t, lost)).map((place) => [place.userId, place.score])).toEqual([[b, 7], [c, 5]]);
  });

  it('seals a closing board: a late award still counts in PostgreSQL, the frozen board and its archive do not change', async () => {
    const ref = points('2025-11');
    const { user } = await t.createUser();
    await give(user.id, 30, new Date(Date.UTC(2025, 10, 3, 12)));
    await prepareAndCopy(ref);
    const late = await give(user.id, 20, new Date(Date.UTC(2025, 10, 29, 12)));
    expect(late.granted).toBe(20);
    expect(late.changes.find((change) => change.ref === ref)).toMatchObject({ score: 50 });
    expect((await boardPlaces(t, ref)).map((place) => place.score)).toEqual([30]);
    expect(await syncPendingStandings(t.deps)).toMatchObject({ applied: 0 });
    await finishRollover(t.deps, { ref });
    expect((await archivePlaces(t, ref)).map((place) => place.score)).toEqual([30]);
    // A later award cannot start a new board for the archived period either: the seal stays.
    await give(user.id, 5, new Date(Date.UTC(2025, 10, 30, 12)));
    await syncPendingStandings(t.deps);
    expect(await boardKeysPresent(t, ref)).toEqual(['sealed']);
  });
});

describe('which period a run closes', () => {
  it('refuses a period that has not ended on an active board, and leaves it current', async () => {
    const current = seasonIdAt(clock.now(), 'UTC');
    // Its very last millisecond: still running.
    clock.set(seasonBounds(current, 'UTC').endsAt.getTime() - 1);
    await expect(prepareRollover(t.deps, { ref: points(current), runKey: 'steps' })).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await periodState(t, points(current))).toBe('CURRENT');
    // An ALL_TIME period never ends: only closePeriodNow or an archived board closes it.
    await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source) VALUES ('forever', 'Forever', 'ALL_TIME', 'POINTS')`;
    await expect(prepareRollover(t.deps, { ref: 'forever/all', runKey: 'steps' })).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await periodState(t, 'forever/all')).toBe('CURRENT');
    // Unknown boards and periods that are not periods of the board are refused for good too.
    await expect(prepareRollover(t.deps, { ref: 'nope/2026-01', runKey: 'steps' })).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(prepareRollover(t.deps, { ref: 'points/2026-W01', runKey: 'steps' })).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('is the points season before the tick in APP_TIMEZONE, unless the job data names a period', () => {
    const tick = (iso: string, createdIso = '2020-01-01T00:00:00Z') =>
      ({ id: 'repeat:season.rollover:1', opts: { prevMillis: Date.parse(iso) }, timestamp: Date.parse(createdIso) }) as unknown as Job;
    expect(closedPeriodOf(tick('2026-12-01T00:00:00Z'), {}, 'UTC')).toBe('points/2026-11');
    // 00:00 on 1 December in Shanghai is still 30 November in UTC.
    expect(closedPeriodOf(tick('2026-11-30T16:00:00Z'), {}, 'Asia/Shanghai')).toBe('points/2026-11');
    expect(closedPeriodOf(tick('2026-11-30T16:00:00Z'), {}, 'UTC')).toBe('points/2026-10');
    // 00:00 on 1 January in New York is 05:00 UTC.
    expect(closedPeriodOf(tick('2027-01-01T05:00:00Z'), {}, 'America/New_York')).toBe('points/2026-12');
    expect(closedPeriodOf(tick('2026-12-01T00:00:00Z'), { seasonId: '2026-03' }, 'UTC')).toBe('points/2026-03');
    expect(closedPeriodOf(tick('2026-12-01T00:00:00Z'), { ref: 'daily-points/2026-11-30' }, 'UTC')).toBe('daily-points/2026-11-30');
    // A manual run (no tick) closes the season before the one it was added in.
    const manual = { id: 'manual-1', opts: {}, timestamp: Date.parse('2026-11-22T10:00:00Z') } as unknown as Job;
    expect(closedPeriodOf(manual, {}, 'UTC')).toBe('points/2026-10');
    // Scheduled ticks and the automatic job of a period are one run; a manual run is its own.
    expect(runKeyOf(tick('2026-12-01T00:00:00Z'))).toBe('auto');
    expect(runKeyOf({ id: autoRolloverJobId('weekly-x/2026-W49'), opts: {}, timestamp: 0 })).toBe('auto');
    expect(runKeyOf(manual)).toBe('manual-1');
  });

  it('makes job ids of refs without ":" or "/"', () => {
    expect(autoRolloverJobId('points/2026-11')).toBe('season.rollover.points_2026-11');
    expect(jobIdPart('a:b/c d')).toBe('a_b_c_d');
    expect(isPeriodRefLike('weekly-checkins/2026-W49')).toBe(true);
    for (const bad of ['points', '/2026-11', 'Points/2026-11', "points/2026-11'; --", `${'x'.repeat(50)}/2026-11`]) expect(isPeriodRefLike(bad)).toBe(false);
  });

  it('creates an archive partition once when several runs try at once', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => ensureArchivePartition(t.deps.db, '2025-10')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('builds partition names only from valid months', () => {
    expect(seasonPartition('board_archive', '2026-11')).toEqual({ parent: 'board_archive', name: 'board_archive_2026_11', seasonId: '2026-11' });
    for (const bad of ["2026-11'); DROP TABLE users; --", '2026-13', '26-11', '2026-11 ']) {
      expect(() => seasonPartition('board_archive', bad)).toThrow(RangeError);
    }
  });

  it('splits ranks into contiguous shards', () => {
    expect(planShards(0)).toEqual([]);
    expect(planShards(2_500, 1_000)).toEqual([{ fromRank: 1, toRank: 1_000 }, { fromRank: 1_001, toRank: 2_000 }, { fromRank: 2_001, toRank: 2_500 }]);
    expect(planShards(10_000_000, 25_000)).toHaveLength(32);
  });
});
