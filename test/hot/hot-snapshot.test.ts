import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncSchedules } from '../../src/modules/jobs/job-schedules.js';
import { hotJobs } from '../../src/modules/hot/hot.jobs.js';
import { refreshActivityHeat } from '../../src/modules/hot/hot-refresh.js';
import { recomputeHotBoards } from '../../src/modules/hot/hot-recompute.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { hot, HOT_QUERY, insertActivities, runHotJob, simulateJoin, titles } from './hot-fixtures.js';

// Midnight of 2026-11-21 in Asia/Shanghai (UTC+8) is 16:00 UTC the day before.
const MIDNIGHT = new Date('2026-11-20T16:00:00Z');
const TAKEN_AT = new Date('2026-11-20T16:00:03Z');

/** A few seconds after midnight, when the snapshot job runs. */
const clock = createTestClock(TAKEN_AT);
let t: TestContext;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestContext({ APP_TIMEZONE: 'Asia/Shanghai' }, { clock });
  const organizer = await t.createUser();
  const published = new Date('2026-11-01T00:00:00Z');
  const specs = [
    { title: 'Climb', category: 'outdoor', joins: 5 },
    { title: 'Hike', category: 'outdoor', joins: 50 },
    { title: 'Quiz', category: 'indoor', joins: 20 },
    { title: 'Gone', category: 'indoor', joins: 99, status: 'CANCELLED' as const },
  ];
  const created = await insertActivities(t, organizer.user.id, specs.map((spec) => ({ publishedAt: published, ...spec })));
  specs.forEach((spec, index) => (ids[spec.title] = created[index]!));
  await recomputeHotBoards(t.deps);
});
afterAll(() => t?.cleanup());

describe('hot.snapshot and hotActivities(date:)', () => {
  it('is scheduled daily at 00:00 APP_TIMEZONE, and the recompute every minute', async () => {
    await syncSchedules({ ...t.deps, jobHandlers: hotJobs });
    const snapshot = await t.deps.queues.hot.getJobScheduler('hot.snapshot');
    expect(snapshot).toMatchObject({ pattern: '0 0 * * *', tz: 'Asia/Shanghai' });
    // The next tick is a Shanghai midnight: 16:00 UTC.
    expect(new Date(snapshot!.next!).getUTCHours()).toBe(16);
    expect(await t.deps.queues.hot.getJobScheduler('hot.recompute')).toMatchObject({ every: 60_000 });
    await t.deps.queues.hot.removeJobScheduler('hot.snapshot');
    await t.deps.queues.hot.removeJobScheduler('hot.recompute');
  });

  it("takes the day's snapshot of every board, named by the local day of its tick", async () => {
    const result = await runHotJob(t.deps, 'hot.snapshot', MIDNIGHT);
    expect(result).toEqual({ day: '2026-11-21', created: true, boards: 3 });
    const day = await hot(t, { date: '2026-11-21' });
    const live = await hot(t);
    expect(titles(day)).toEqual(['Hike', 'Quiz', 'Climb']);
    expect(day.entries.map((entry) => [entry.rank, entry.score])).toEqual(live.entries.map((entry) => [entry.rank, entry.score]));
    expect(day).toMatchObject({ date: '2026-11-21', computedAt: TAKEN_AT.toISOString(), algorithm: 'REDDIT', stale: false });
    expect(titles(await hot(t, { date: '2026-11-21', category: 'outdoor' }))).toEqual(['Hike', 'Climb']);
    expect(titles(await hot(t, { date: '2026-11-21', first: 1 }))).toEqual(['Hike']);
  });

  it('keeps the snapshot as it was while the live ranking moves on', async () => {
    const joiner = await t.createUser();
    await t.deps.db.activity.update({ where: { id: ids.Climb! }, data: { participantCount: 999 } });
    await simulateJoin(t, ids.Climb!, joiner.user.id);
    await refreshActivityHeat(t.deps, ids.Climb!);
    expect(titles(await hot(t))).toEqual(['Climb', 'Hike', 'Quiz']);
    expect(titles(await hot(t, { date: '2026-11-21' }))).toEqual(['Hike', 'Quiz', 'Climb']);
  });

  it('does nothing when the job runs again for a day it already has (a retry)', async () => {
    clock.set(new Date(MIDNIGHT.getTime() + 63_000));
    const again = await runHotJob(t.deps, 'hot.snapshot', new Date(MIDNIGHT.getTime() + 60_000));
    expect(again).toEqual({ day: '2026-11-21', created: false, boards: 0 });
    expect((await hot(t, { date: '2026-11-21' })).computedAt).toBe(TAKEN_AT.toISOString());
    expect(titles(await hot(t, { date: '2026-11-21' }))).toEqual(['Hike', 'Quiz', 'Climb']);
    expect(await t.deps.db.hotSnapshot.count()).toBe(3);
  });

  it('gives an empty list with computedAt null for a day without a snapshot', async () => {
    for (const date of ['2026-11-20', '2026-11-22', '1999-01-01']) {
      const response = await t.gql(HOT_QUERY, { date });
      expect(response.errors).toBeUndefined();
      expect(response.data!.hotActivities).toMatchObject({ entries: [], computedAt: null, date, stale: false });
    }
    expect((await hot(t, { date: '2026-11-21', category: 'knitting' })).entries).toEqual([]);
  });

  it('rejects a malformed date with BAD_USER_INPUT, as a variable or a literal', async () => {
    for (const date of ['2026-13-01', '2026-02-30', 'yesterday', '21/11/2026', '']) {
      const response = await t.gql(HOT_QUERY, { date });
      expect(response.errors?.[0]?.extensions?.code, date).toBe('BAD_USER_INPUT');
    }
    for (const literal of ['"2026-11-32"', '20261121']) {
      const response = await t.gql(`{ hotActivities(date: ${literal}) { stale } }`);
      expect(response.errors?.[0]?.extensions?.code, literal).toBe('BAD_USER_INPUT');
    }
  });
});
