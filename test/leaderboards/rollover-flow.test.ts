import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHandlers } from '../../src/jobs.js';
import { runJob } from '../../src/modules/jobs/jobs.service.js';
import { COPY_JOB } from '../../src/modules/leaderboards/rollover-flow.js';
import { seasonIdAt } from '../../src/lib/calendar.js';
import { rolloverCopyJob, seasonRolloverJob } from '../../src/modules/leaderboards/rollover.jobs.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { record, sseClient, waitForNumsub } from '../support/live-clients.js';
import { archivePlaces, boardKeysPresent, boardPlaces, fillBoard, firstDifference, jobResult, waitArchived } from './rollover-support.js';

// A zone far from UTC, so a season derived from UTC or server time would be wrong.
const ZONE = 'Asia/Shanghai';
const SEASON = '2026-09';
const REF = `points/${SEASON}`;
// Three shards of 25,000 ranks, copied in batches of 5,000.
const MEMBERS = 60_000;
const FAILING_SHARD = 25_001;

/** Just after the tick that closes SEASON: 00:00:05 on 1 October in Shanghai. */
const clock = createTestClock('2026-09-30T16:00:05.000Z');
let t: TestContext;
let url: string;
const failures: Array<{ fromRank: number; batch: number }> = [];

beforeAll(async () => {
  // The copy shard of ranks 25,001–50,000 throws after its second batch, on its first attempt only.
  const failingCopy = rolloverCopyJob(({ fromRank, batch, attempt }) => {
    if (fromRank === FAILING_SHARD && batch === 2 && attempt === 1) {
      failures.push({ fromRank, batch });
      throw new Error('injected: the copy shard died halfway');
    }
  });
  t = await createTestContext(
    { APP_TIMEZONE: ZONE },
    { jobHandlers: jobHandlers.map((handler) => (handler.name === COPY_JOB ? failingCopy : handler)), clock },
  );
  url = (await t.startServer({ api: true, worker: true })).url;
});
afterAll(async () => {
  await t.cleanup();
});

const ROLLED_OVER = 'subscription { seasonRolledOver { archived { id: periodId state } current { id: periodId state } } }';

describe('the season.rollover scheduler', () => {
  it('ticks at 00:00 on the 1st of each month in APP_TIMEZONE', async () => {
    const scheduler = await t.deps.queues.leaderboards.getJobScheduler('season.rollover');
    expect(scheduler).toMatchObject({ pattern: '0 0 1 * *', tz: ZONE });
    const next = new Date(scheduler!.next!);
    expect(next.toLocaleString('en-GB', { timeZone: ZONE, hour12: false })).toMatch(/^01\/\d\d\/\d{4}, 00:00:00$/);
  });
});

describe('a rollover flow', () => {
  it('closes the season before its tick, retries a shard that failed halfway, and archives every row once', async () => {
    await fillBoard(t, REF, MEMBERS);
    const before = await boardPlaces(t, REF);
    const events = record(sseClient(url), ROLLED_OVER);
    await waitForNumsub(t.deps.redis, `${t.deps.keys.prefix}:events:season:rolledOver:all`, 1);

    // The tick of 00:00 on 1 October in Shanghai (16:00 UTC the day before); its job was created a
    // month earlier and is processed whenever a worker gets to it. Only the tick decides the season.
    const tick = Date.parse('2026-09-30T16:00:00.000Z');
    const tickJob = { id: `repeat:season.rollover:${tick}`, name: 'season.rollover', data: {}, opts: { prevMillis: tick }, timestamp: Date.parse('2026-08-31T16:00:00.000Z') };
    const started = await seasonRolloverJob.process(tickJob as unknown as Job, t.deps);
    expect(started).toMatchObject({ seasonId: SEASON, ref: REF, members: MEMBERS, shards: 3 });

    await waitArchived(t, REF);
    // The finish read the shards' digests from BullMQ (the retried shard's too) and needed no row-by-row comparison.
    expect(await jobResult(t, 'leaderboards', (started as { finishJobId: string }).finishJobId)).toMatchObject({ members: MEMBERS, archivedNow: true, verifiedBy: 'shard digests' });
    expect(failures).toEqual([{ fromRank: FAILING_SHARD, batch: 2 }]);
    const archived = await archivePlaces(t, REF);
    expect(archived).toHaveLength(MEMBERS);
    expect(new Set(archived.map((place) => place.userId)).size).toBe(MEMBERS);
    expect(firstDifference(archived, before)).toBe(-1);
    expect(await boardKeysPresent(t, REF)).toEqual(['sealed']);
    expect(await t.deps.db.boardArchiveEntry.count({ where: { month: SEASON, periodRef: REF } })).toBe(MEMBERS);

    const [event] = await events.waitFor(1);
    const current = seasonIdAt(clock.now(), ZONE);
    expect(current).toBe('2026-10');
    expect(event.data.seasonRolledOver).toEqual({ archived: { id: SEASON, state: 'ARCHIVED' }, current: { id: current, state: 'CURRENT' } });
    events.unsubscribe();

    // The failed attempt is in the run history, retried; the shard's second attempt completed.
    const copies = await t.deps.db.jobRun.findMany({ where: { name: COPY_JOB }, orderBy: [{ jobId: 'asc' }, { attempt: 'asc' }] });
    expect(copies.map((run) => [run.jobId.split('.').at(-1), run.attempt, run.state])).toEqual([
      ['1', 1, 'COMPLETED'],
      ['2', 1, 'RETRYING'],
      ['2', 2, 'COMPLETED'],
      ['3', 1, 'COMPLETED'],
    ]);
  });

  it('changes nothing when the whole rollover is run again for the archived season', async () => {
    const rows = await t.deps.db.boardArchiveEntry.findMany({ where: { periodRef: REF }, orderBy: { rank: 'asc' } });
    const copies = await t.deps.db.jobRun.count({ where: { name: COPY_JOB } });
    const { jobId } = await runJob(t.deps, { name: 'season.rollover', requestedBy: null, data: { seasonId: SEASON } });
    expect(await jobResult(t, 'leaderboards', jobId)).toMatchObject({ seasonId: SEASON, ref: REF, skipped: 'the period is archived already' });
    expect(await t.deps.db.boardArchiveEntry.findMany({ where: { periodRef: REF }, orderBy: { rank: 'asc' } })).toEqual(rows);
    expect(await t.deps.db.jobRun.count({ where: { name: COPY_JOB } })).toBe(copies);
    expect(await boardKeysPresent(t, REF)).toEqual(['sealed']);
    expect(await t.deps.db.boardPeriod.findUnique({ where: { ref: REF } })).toMatchObject({ state: 'ARCHIVED' });
  });

  it('archives a season with no members cleanly', async () => {
    const empty = '2026-08';
    const { jobId } = await runJob(t.deps, { name: 'season.rollover', requestedBy: null, data: { seasonId: empty } });
    expect(await jobResult(t, 'leaderboards', jobId)).toMatchObject({ seasonId: empty, members: 0, shards: 0 });
    await waitArchived(t, `points/${empty}`);
    expect(await t.deps.db.boardArchiveEntry.count({ where: { periodRef: `points/${empty}` } })).toBe(0);
    const [partition] = await t.deps.db.$queryRaw<Array<{ found: boolean }>>`SELECT to_regclass('board_archive_2026_08') IS NOT NULL AS found`;
    expect(partition?.found).toBe(true);
  });

  it('is listed by the jobs admin and re-run for a season through runJob(name, data)', async () => {
    const { token } = await t.createUser({ role: 'ADMIN' });
    const { data } = await t.gql(`{ jobs { name queue schedule { cron every timeZone } } }`, {}, { token });
    const byName = new Map(data!.jobs.map((job: { name: string }) => [job.name, job]));
    expect(byName.get('season.rollover')).toEqual({ name: 'season.rollover', queue: 'leaderboards', schedule: { cron: '0 0 1 * *', every: null, timeZone: ZONE } });
    expect(byName.get('season.rollover.copy')).toMatchObject({ schedule: null });
    expect(byName.get('season.rollover.finish')).toMatchObject({ schedule: null });
    expect(byName.get('leaderboard.reconcile')).toMatchObject({ schedule: { cron: '0 * * * *' } });

    const RUN = `mutation Run($name: String!, $data: JSONObject) { runJob(name: $name, data: $data) { jobId } }`;
    const run = await t.gql(RUN, { name: 'season.rollover', data: { seasonId: '2026-07' } }, { token });
    expect(await jobResult(t, 'leaderboards', run.data!.runJob.jobId)).toMatchObject({ seasonId: '2026-07', members: 0 });
    await waitArchived(t, 'points/2026-07');
    expect(byName.get('leaderboard.rollover.tick')).toMatchObject({ queue: 'leaderboards', schedule: { cron: null, every: 60_000 } });
    const refused = await t.gql(RUN, { name: 'hot.recompute', data: { seasonId: '2026-07' } }, { token });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses job data the rollover does not take, and a season id that is not one', async () => {
    const code = async (data: Record<string, unknown>) =>
      runJob(t.deps, { name: 'season.rollover', requestedBy: null, data }).then(
        () => 'queued',
        (error: { extensions?: { code?: string } }) => error.extensions?.code,
      );
    expect(await code({ seasonId: "2026-09'; DROP TABLE board_archive; --" })).toBe('BAD_USER_INPUT');
    expect(await code({ ref: "points/2026-09'; DROP TABLE board_archive; --" })).toBe('BAD_USER_INPUT');
    expect(await code({ ref: 'points/2026-09', seasonId: '2026-09' })).toBe('BAD_USER_INPUT');
    expect(await code({ season: '2026-09' })).toBe('BAD_USER_INPUT');
    expect(await code({})).toBe('queued');
  });
});
