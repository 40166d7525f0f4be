import { UnrecoverableError, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureArchivePartition } from '../../src/modules/leaderboards/archive-partitions.js';
import { boardKeys } from '../../src/modules/leaderboards/board-store.js';
import { syncPendingStandings } from '../../src/modules/leaderboards/board-sync.js';
import { postgresBoard } from '../../src/modules/leaderboards/postgres-board.js';
import { copyShard } from '../../src/modules/leaderboards/rollover-copy.js';
import { finishRollover } from '../../src/modules/leaderboards/rollover-finish.js';
import { planShards } from '../../src/modules/leaderboards/rollover-flow.js';
import { prepareRollover } from '../../src/modules/leaderboards/rollover-prepare.js';
import { closedSeasonOf, runKeyOf } from '../../src/modules/leaderboards/rollover-season.js';
import { ArchiveMismatchError } from '../../src/modules/leaderboards/rollover-verify.js';
import { seasonBounds, seasonIdAt } from '../../src/lib/calendar.js';
import { seasonPartition } from '../../src/lib/partitions.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { archivePlaces, boardKeysPresent, boardPlaces, fillBoard, firstDifference } from './rollover-support.js';

/** After every season this file closes; moved to a season's last millisecond where a test needs one still running. */
const clock = createTestClock('2026-06-15T12:00:00.000Z');
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({}, { clock });
});
afterAll(async () => {
  await t.cleanup();
});

/** Steps 1 and 2 of a rollover called directly (no flow): prepare, then every shard. */
async function prepareAndCopy(seasonId: string, runKey = 'steps'): Promise<number> {
  const plan = await prepareRollover(t.deps, { seasonId, runKey });
  if (plan.archived) throw new Error(`${seasonId} is archived`);
  for (const shard of planShards(plan.members, 1_000)) await copyShard(t.deps, { seasonId, ...shard, batchSize: 300 });
  return plan.members;
}

const stateOf = async (seasonId: string) => (await t.deps.db.season.findUniqueOrThrow({ where: { id: seasonId } })).state;

let keyCounter = 0;
function give(userId: number, points: number, occurredAt: Date) {
  keyCounter += 1;
  return recordAward(t.deps, { userId, type: 'ADMIN_ADJUST', points, idempotencyKey: `steps:${keyCounter}`, occurredAt });
}

describe('verification', () => {
  it('keeps the board when an archive row is missing, and finishes once the copy is run again', async () => {
    const season = '2026-03';
    await fillBoard(t, season, 2_500);
    const before = await boardPlaces(t, season);
    await prepareAndCopy(season);
    await t.deps.db.seasonArchiveEntry.delete({ where: { seasonId_rank: { seasonId: season, rank: 1_234 } } });

    await expect(finishRollover(t.deps, { seasonId: season })).rejects.toBeInstanceOf(ArchiveMismatchError);
    expect(await stateOf(season)).toBe('CLOSING');
    expect(await boardKeysPresent(t, season)).toContain('board');
    expect(await t.deps.redis.zcard(boardKeys(t.deps.keys, season).board)).toBe(2_500);

    // Re-running the shards is idempotent: it adds only the missing row.
    const again = await copyShard(t.deps, { seasonId: season, fromRank: 1, toRank: 2_500, batchSize: 1_000 });
    expect(again).toEqual({ read: 2_500, inserted: 1 });
    expect(await finishRollover(t.deps, { seasonId: season })).toMatchObject({ members: 2_500, archivedNow: true, deletedKeys: 2 });
    expect(firstDifference(await archivePlaces(t, season), before)).toBe(-1);
    expect(await boardKeysPresent(t, season)).toEqual(['sealed']);
    expect(await finishRollover(t.deps, { seasonId: season })).toMatchObject({ members: 2_500, archivedNow: false, deletedKeys: 0 });
  });

  it('keeps the board when it gained a member after the copy; a re-run copies it anew', async () => {
    const season = '2026-02';
    await fillBoard(t, season, 700);
    await prepareAndCopy(season);
    await t.deps.redis.zadd(boardKeys(t.deps.keys, season).board, 1, '999999');
    await expect(finishRollover(t.deps, { seasonId: season })).rejects.toThrow(/700 rows for 701 board members/);
    expect(await stateOf(season)).toBe('CLOSING');
    expect(await t.deps.redis.zcard(boardKeys(t.deps.keys, season).board)).toBe(701);

    // A retry of the same run keeps the rows its copies wrote; another run starts the copy over.
    expect(await prepareRollover(t.deps, { seasonId: season, runKey: 'steps' })).toMatchObject({ members: 701 });
    expect(await t.deps.db.seasonArchiveEntry.count({ where: { seasonId: season } })).toBe(700);
    const before = await boardPlaces(t, season);
    await prepareAndCopy(season, 're-run');
    expect(await finishRollover(t.deps, { seasonId: season })).toMatchObject({ members: 701, archivedNow: true });
    expect(firstDifference(await archivePlaces(t, season), before)).toBe(-1);
  });
});

describe('completing the board before the copy', () => {
  it('pushes standings Redis missed and rebuilds a board Redis lost, from PostgreSQL', async () => {
    const season = '2026-01';
    const at = (day: number) => new Date(Date.UTC(2026, 0, day, 12));
    const users = await Promise.all([1, 2, 3, 4].map(() => t.createUser()));
    const [a, b, c, d] = users.map(({ user }) => user.id) as [number, number, number, number];
    await give(a, 40, at(2));
    await give(b, 50, at(3));
    await give(a, 10, at(4));
    await give(c, 50, at(5));
    await syncPendingStandings(t.deps, { seasonId: season });
    // An award whose live write never reached Redis: its standing is pending (version > synced_version).
    await give(d, 45, at(6));
    const keys = boardKeys(t.deps.keys, season);
    await t.deps.redis.zrem(keys.board, String(d));
    await t.deps.redis.hdel(keys.versions, String(d));

    expect(await prepareAndCopy(season)).toBe(4);
    await finishRollover(t.deps, { seasonId: season });
    const expected = await postgresBoard(t.deps).page(season, { offset: 0, limit: 10, viewerId: null });
    expect((await archivePlaces(t, season)).map((place) => [place.rank, place.userId, place.points])).toEqual(
      expected.entries.map((entry) => [entry.rank, entry.userId, entry.points]),
    );
    expect(expected.entries.map((entry) => entry.userId)).toEqual([b, a, c, d]);

    // The same season's board lost entirely (no sync marker) before a rollover: rebuilt from the standings.
    const lost = '2025-12';
    await give(c, 5, new Date(Date.UTC(2025, 11, 1, 12)));
    await give(b, 7, new Date(Date.UTC(2025, 11, 2, 12)));
    await t.deps.redis.del(...Object.values(boardKeys(t.deps.keys, lost)));
    expect(await prepareAndCopy(lost)).toBe(2);
    await finishRollover(t.deps, { seasonId: lost });
    expect((await archivePlaces(t, lost)).map((place) => [place.userId, place.points])).toEqual([[b, 7], [c, 5]]);
  });

  it('seals a closing board: a late award still counts in PostgreSQL, the frozen board and its archive do not change', async () => {
    const season = '2025-11';
    const { user } = await t.createUser();
    await give(user.id, 30, new Date(Date.UTC(2025, 10, 3, 12)));
    await prepareAndCopy(season);
    const late = await give(user.id, 20, new Date(Date.UTC(2025, 10, 29, 12)));
    expect(late).toMatchObject({ granted: 20, standing: { points: 50 } });
    expect((await boardPlaces(t, season)).map((place) => place.points)).toEqual([30]);
    expect(await syncPendingStandings(t.deps)).toMatchObject({ applied: 0 });
    await finishRollover(t.deps, { seasonId: season });
    expect((await archivePlaces(t, season)).map((place) => place.points)).toEqual([30]);
    // A later award cannot start a new board for the archived season either: the seal stays.
    await give(user.id, 5, new Date(Date.UTC(2025, 10, 30, 12)));
    expect(await boardKeysPresent(t, season)).toEqual(['sealed']);
  });
});

describe('which season a run closes', () => {
  it('refuses a season that has not ended, and leaves it current', async () => {
    const current = seasonIdAt(clock.now(), 'UTC');
    // Its very last millisecond: still running.
    clock.set(seasonBounds(current, 'UTC').endsAt.getTime() - 1);
    await expect(prepareRollover(t.deps, { seasonId: current, runKey: 'steps' })).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await stateOf(current)).toBe('CURRENT');
  });

  it('is the season before the tick in APP_TIMEZONE, unless the job data names one', () => {
    const tick = (iso: string, createdIso = '2020-01-01T00:00:00Z') =>
      ({ id: 'repeat:season.rollover:1', opts: { prevMillis: Date.parse(iso) }, timestamp: Date.parse(createdIso) }) as unknown as Job;
    expect(closedSeasonOf(tick('2026-12-01T00:00:00Z'), {}, 'UTC')).toBe('2026-11');
    // 00:00 on 1 December in Shanghai is still 30 November in UTC.
    expect(closedSeasonOf(tick('2026-11-30T16:00:00Z'), {}, 'Asia/Shanghai')).toBe('2026-11');
    expect(closedSeasonOf(tick('2026-11-30T16:00:00Z'), {}, 'UTC')).toBe('2026-10');
    // 00:00 on 1 January in New York is 05:00 UTC.
    expect(closedSeasonOf(tick('2027-01-01T05:00:00Z'), {}, 'America/New_York')).toBe('2026-12');
    expect(closedSeasonOf(tick('2026-12-01T00:00:00Z'), { seasonId: '2026-03' }, 'UTC')).toBe('2026-03');
    // A manual run (no tick) closes the season before the one it was added in.
    const manual = { id: 'manual-1', opts: {}, timestamp: Date.parse('2026-11-22T10:00:00Z') } as unknown as Job;
    expect(closedSeasonOf(manual, {}, 'UTC')).toBe('2026-10');
    expect(runKeyOf(tick('2026-12-01T00:00:00Z'))).toBe('repeat_season.rollover_1');
  });

  it('creates an archive partition once when several runs try at once', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => ensureArchivePartition(t.deps.db, '2025-10')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('builds partition names only from valid season ids', () => {
    expect(seasonPartition('season_archive', '2026-11')).toEqual({ parent: 'season_archive', name: 'season_archive_2026_11', seasonId: '2026-11' });
    for (const bad of ["2026-11'); DROP TABLE users; --", '2026-13', '26-11', '2026-11 ']) {
      expect(() => seasonPartition('points_records', bad)).toThrow(RangeError);
    }
  });

  it('splits ranks into contiguous shards', () => {
    expect(planShards(0)).toEqual([]);
    expect(planShards(2_500, 1_000)).toEqual([{ fromRank: 1, toRank: 1_000 }, { fromRank: 1_001, toRank: 2_000 }, { fromRank: 2_001, toRank: 2_500 }]);
    expect(planShards(10_000_000, 25_000)).toHaveLength(32);
  });
});
