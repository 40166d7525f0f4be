import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../src/modules/jobs/jobs.service.js';
import { jobHandlers } from '../../src/jobs.js';
import { ROLLOVER_TICK_JOB } from '../../src/modules/leaderboards/rollover-flow.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { archivePlaces, boardKeysPresent, boardPlaces, fillBoard, firstDifference, jobResult, waitArchived } from './rollover-support.js';

const SEASON = '2026-05';
const REF = `points/${SEASON}`;
const MEMBERS = 200_000;

let t: TestContext;
beforeAll(async () => {
  // Without the minute tick, which would start its own run of this long-ended season beside the one this test starts.
  t = await createTestContext({}, { jobHandlers: jobHandlers.filter((handler) => handler.name !== ROLLOVER_TICK_JOB) });
  await t.startServer({ api: false, worker: true });
});
afterAll(async () => {
  await t.cleanup();
});

const ms = (since: number) => Math.round(performance.now() - since);

describe('rolling over a points season of 200,000 members', () => {
  it('archives exactly 200,000 rows with the ranks and order of the live board, through the real flow', async () => {
    let started = performance.now();
    await fillBoard(t, REF, MEMBERS);
    const before = await boardPlaces(t, REF);
    const fillMs = ms(started);
    expect(before).toHaveLength(MEMBERS);

    started = performance.now();
    const { jobId } = await runJob(t.deps, { name: 'season.rollover', requestedBy: null, data: { seasonId: SEASON } });
    const prepared = await jobResult(t, 'leaderboards', jobId);
    expect(prepared).toMatchObject({ seasonId: SEASON, members: MEMBERS, shards: 8 });
    await waitArchived(t, REF);
    const rolloverMs = ms(started);

    started = performance.now();
    const archived = await archivePlaces(t, REF);
    expect(archived).toHaveLength(MEMBERS);
    expect(firstDifference(archived, before)).toBe(-1);
    expect(await boardKeysPresent(t, REF)).toEqual(['sealed']);
    const runs = await t.deps.db.jobRun.findMany({ where: { name: 'season.rollover.copy', state: 'COMPLETED' } });
    expect(runs).toHaveLength(8);
    process.stdout.write(
      `rollover of ${MEMBERS} members: board filled in ${fillMs} ms, rolled over in ${rolloverMs} ms ` +
        `(8 shards, slowest ${Math.max(...runs.map((run) => run.durationMs ?? 0))} ms), compared in ${ms(started)} ms\n`,
    );
  }, 90_000);
});
