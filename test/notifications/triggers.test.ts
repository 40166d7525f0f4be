import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { ensureArchivePartition } from '../../src/modules/leaderboards/archive-partitions.js';
import { seasonEndedJob } from '../../src/modules/notifications/notifications.jobs.js';
import { HOUR, JOIN, seedActivity } from '../activities/support.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { waitFor } from '../support/wait.js';
import { insertUsers, jobResult, seatUsers } from './support.js';

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
  await t.startServer({ api: true, worker: true });
}, 60_000);
afterAll(async () => {
  await t.cleanup();
});

describe('notification triggers', () => {
  it('tells the organizer when their activity becomes FULL', async () => {
    const organizer = await t.createUser();
    const joiner = await t.createUser();
    const activity = await seedActivity(t, { organizerId: organizer.user.id, title: 'Chess', capacity: 1 });
    const joined = await t.gql(JOIN, { id: activity.gid }, { token: joiner.token });
    expect(joined.data?.joinActivity.activity.status).toBe('FULL');
    const rows = await waitFor(async () => {
      const found = await t.deps.db.notification.findMany({ where: { activityId: activity.id } });
      return found.length > 0 && found;
    });
    expect(rows).toEqual([expect.objectContaining({ userId: organizer.user.id, kind: 'ACTIVITY_FULL', title: 'Your activity is full: Chess' })]);
  });

  it('tells every participant when an activity is rescheduled, once per rescheduling', async () => {
    const organizer = await t.createUser();
    const activity = await seedActivity(t, { organizerId: organizer.user.id, title: 'Hike' });
    const participants = await insertUsers(t, 3, 'hiker');
    await seatUsers(t, activity.id, participants);
    const UPDATE = 'mutation ($input: UpdateActivityInput!) { updateActivity(input: $input) { version } }';
    const updated = await t.gql(
      UPDATE,
      { input: { id: activity.gid, version: activity.version, startsAt: new Date(activity.startsAt.getTime() + HOUR), endsAt: new Date(activity.endsAt.getTime() + HOUR) } },
      { token: organizer.token },
    );
    expect(updated.errors).toBeUndefined();
    const version = updated.data?.updateActivity.version as number;
    expect(await jobResult(t, 'activities', `notify-rescheduled-${activity.id}-v${version}`)).toMatchObject({ recipients: 3, inserted: 3 });
    const rows = await t.deps.db.notification.findMany({ where: { activityId: activity.id }, orderBy: { userId: 'asc' } });
    expect(rows.map((row) => [row.userId, row.kind, row.dedupeKey])).toEqual(
      participants.map((userId) => [userId, 'ACTIVITY_RESCHEDULED', `rescheduled:${activity.id}:v${version}`]),
    );
    expect(rows[0]?.body).toMatch(/^"Hike" now runs from /);
  });

  it('tells every member of an archived points season their final rank, once', async () => {
    const season = '2026-10';
    const members = await insertUsers(t, 3, 'season');
    await ensureArchivePartition(t.deps.db, season);
    await t.deps.db.$executeRawUnsafe(
      `INSERT INTO board_periods (ref, board_id, period_id, starts_at, ends_at, state)
       SELECT $1, id, $2, now() - interval '31 days', now() - interval '1 day', 'ARCHIVED' FROM leaderboards WHERE key = 'points'`,
      `points/${season}`,
      season,
    );
    await t.deps.db.$executeRawUnsafe(
      `INSERT INTO board_archive (month, period_ref, rank, user_id, score, seq)
       SELECT $1, $2, r, u, 100 - r, r FROM unnest($3::int[]) WITH ORDINALITY AS m(u, r)`,
      season,
      `points/${season}`,
      members,
    );
    const job = seasonEndedJob();
    const tick = { id: 'tick-1', name: job.name, data: {}, attemptsStarted: 1, progress: 0 } as unknown as Job;
    expect(await job.process(tick, t.deps)).toEqual({ [season]: expect.objectContaining({ recipients: 3, inserted: 3 }) });
    // The next tick finds nothing left to announce; a manual run of the season writes nothing twice.
    expect(await job.process(tick, t.deps)).toEqual({});
    const manual = { ...tick, data: { seasonId: season } } as unknown as Job;
    expect(await job.process(manual, t.deps)).toEqual({ [season]: expect.objectContaining({ recipients: 3, inserted: 0 }) });

    const rows = await t.deps.db.notification.findMany({ where: { kind: 'SEASON_ENDED' }, orderBy: { rank: 'asc' } });
    expect(rows.map((row) => [row.userId, row.rank, row.body])).toEqual([
      [members[0], 1, 'You finished #1 of 3 with 99 points.'],
      [members[1], 2, 'You finished #2 of 3 with 98 points.'],
      [members[2], 3, 'You finished #3 of 3 with 97 points.'],
    ]);
    const token = await t.deps.tokens.issue(members[1]!);
    const inbox = await t.gql('{ notifications(first: 5) { edges { node { id kind title rank activity { id } } } } }', {}, { token });
    expect(inbox.data?.notifications.edges).toEqual([
      { node: { id: encodeId('Notification', rows[1]!.id), kind: 'SEASON_ENDED', title: `Season ${season} has ended`, rank: 2, activity: null } },
    ]);
  });
});
