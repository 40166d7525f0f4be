import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { encodeId } from '../../src/graphql/ids.js';
import { createDeps, type OwnedDeps } from '../../src/deps.js';
import { createLogger } from '../../src/infra/logger.js';
import { TRANSITION_JOB, transitionJobId, type TransitionJobData } from '../../src/modules/activities/activities.jobs.js';
import { advanceActivity, sweepDueActivities } from '../../src/modules/activities/lifecycle.service.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { waitFor } from '../support/wait.js';
import { HOUR, openTimes, outcome, seedActivity } from './support.js';

/** Every deps object of this file (API, both workers) reads this clock; tests move it instead of waiting. */
const clock = createTestClock('2026-05-04T08:00:00.000Z');
let t: TestContext;
let organizer: { user: { id: number }; token: string };
beforeAll(async () => {
  t = await createTestContext({}, { clock });
  organizer = await t.createUser();
});
afterAll(async () => {
  await t.cleanup();
});

const CREATE = `mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id status version } }`;
const PUBLISH = `mutation ($id: ID!) { publishActivity(id: $id) { id status version publishedAt } }`;
const UPDATE = `mutation ($input: UpdateActivityInput!) { updateActivity(input: $input) { status version signupEndsAt } }`;

async function createAndPublish(times: { signupStartsAt: Date; signupEndsAt: Date; startsAt: Date; endsAt: Date }) {
  const created = await t.gql(CREATE, { input: { title: 'Walk', category: 'walking', capacity: 5, ...times } }, { token: organizer.token });
  expect(created.errors).toBeUndefined();
  const id = created.data!.createActivity.id as string;
  const published = await t.gql(PUBLISH, { id }, { token: organizer.token });
  expect(published.errors).toBeUndefined();
  return { gid: id, id: Number(Buffer.from(id, 'base64').toString().split(':')[1]), published: published.data!.publishActivity };
}

async function history(activityId: number) {
  const rows = await t.deps.db.activityStatusChange.findMany({ where: { activityId }, orderBy: { version: 'asc' } });
  return rows.map((row) => ({ step: `${row.fromStatus}->${row.toStatus}`, version: row.version, at: row.at }));
}

async function statusEvents(activityId: number) {
  const events = await t.deps.db.outboxEvent.findMany({ where: { type: 'activity.statusChanged' }, orderBy: { id: 'asc' } });
  return events.filter((event) => (event.payload as { activityId: number }).activityId === activityId);
}

const FULL_WALK = ['DRAFT->UPCOMING', 'UPCOMING->SIGNUP_OPEN', 'SIGNUP_OPEN->SIGNUP_CLOSED', 'SIGNUP_CLOSED->ONGOING', 'ONGOING->ENDED'];

describe('time-driven transitions with two workers', () => {
  let other: OwnedDeps;
  let otherApp: RunningApp;
  beforeAll(async () => {
    // A second "process": its own pools and connections, same database and Redis prefix.
    other = await createDeps(t.config, createLogger('silent'));
    clock.install(other);
    otherApp = await startApp(other, { api: false, worker: true }, { port: 0 });
    await t.startServer({ api: false, worker: true });
  });
  afterAll(async () => {
    await otherApp.stop();
    await other.close();
  });

  it('walks UPCOMING → SIGNUP_OPEN → SIGNUP_CLOSED → ONGOING → ENDED, each step once and within 5 s', async () => {
    clock.freeze();
    const base = clock.now().getTime();
    const times = {
      signupStartsAt: new Date(base + 2 * HOUR),
      signupEndsAt: new Date(base + 4 * HOUR),
      startsAt: new Date(base + 5.5 * HOUR),
      endsAt: new Date(base + 7 * HOUR),
    };
    const { id, gid } = await createAndPublish(times);

    // Duplicated jobs for every boundary, so both workers race on each step, not just BullMQ's one-job-one-worker.
    for (const [boundary, at] of Object.entries(times)) {
      for (const copy of ['a', 'b']) {
        await t.deps.queues.activities.add(
          TRANSITION_JOB,
          { activityId: id, boundary, at: at.toISOString() },
          { jobId: `dup-${copy}-${id}-${boundary}`, delay: Math.max(0, at.getTime() - clock.now().getTime()) },
        );
      }
    }

    // Edits in the middle bump the version between clock steps; the guard must not lose a step to them.
    let edits = 0;
    const edit = async () => {
      const { status, version } = await t.deps.db.activity.findUniqueOrThrow({ where: { id } });
      if (status === 'ENDED') return status;
      const result = await t.gql(UPDATE, { input: { id: gid, version, title: `Walk, edit ${edits + 1}` } }, { token: organizer.token });
      if (outcome(result) === 'OK') edits += 1;
      return status;
    };
    const walk: Array<[keyof typeof times, string]> = [
      ['signupStartsAt', 'SIGNUP_OPEN'],
      ['signupEndsAt', 'SIGNUP_CLOSED'],
      ['startsAt', 'ONGOING'],
      ['endsAt', 'ENDED'],
    ];
    for (const [boundary, status] of walk) {
      await edit();
      // Nothing is due a moment before the boundary: the services ask deps.now(), not the wall clock.
      clock.set(times[boundary].getTime() - 1);
      expect(await advanceActivity(t.deps, { activityId: id })).toEqual([]);
      // Past the boundary, this step's jobs (planned and duplicated) run at once on both workers.
      clock.set(times[boundary].getTime() + 1_000);
      const jobs = (await t.deps.queues.activities.getDelayed()).filter((job) => {
        const data = job.data as TransitionJobData;
        return data.activityId === id && data.boundary === boundary;
      });
      expect(jobs.length).toBeGreaterThanOrEqual(2);
      await Promise.all(jobs.map((job) => job.promote()));
      await waitFor(async () => (await edit()) === status || (await t.deps.db.activity.findUniqueOrThrow({ where: { id } })).status === status, {
        intervalMs: 20,
        what: `status ${status}`,
      });
    }
    const steps = await history(id);
    expect(steps.map((s) => s.step)).toEqual(FULL_WALK);
    expect(new Set(steps.map((s) => s.version)).size).toBe(steps.length);
    const due = [times.signupStartsAt, times.signupEndsAt, times.startsAt, times.endsAt];
    steps.slice(1).forEach((step, i) => {
      const lag = step.at.getTime() - due[i]!.getTime();
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(5_000);
    });
    expect(edits).toBeGreaterThan(0);

    // Exactly one event per step, the clock steps dated at their boundary (ENDED at endsAt, for the points engine).
    const events = await statusEvents(id);
    expect(events.map((e) => (e.payload as { to: string }).to)).toEqual(['UPCOMING', 'SIGNUP_OPEN', 'SIGNUP_CLOSED', 'ONGOING', 'ENDED']);
    expect(events.at(-1)!.occurredAt.toISOString()).toBe(times.endsAt.toISOString());
    expect(events.at(-1)!.payload).toMatchObject({ activityId: id, from: 'ONGOING', to: 'ENDED', version: steps.at(-1)!.version });
  }, 40_000);

  it('a planned transition job fires on its own when its delay is over and applies the step', async () => {
    // The one real wait of this file: BullMQ's delay is wall time, so the clock flows with it here,
    // from the moment the job is planned (publishing plans it) until the step is applied.
    const base = clock.now().getTime();
    const times = {
      signupStartsAt: new Date(base + 500),
      signupEndsAt: new Date(base + 2 * HOUR),
      startsAt: new Date(base + 3 * HOUR),
      endsAt: new Date(base + 4 * HOUR),
    };
    try {
      const { id, published } = await createAndPublish(times);
      clock.run();
      expect(published.status).toBe('UPCOMING');
      await waitFor(async () => (await t.deps.db.activity.findUniqueOrThrow({ where: { id } })).status === 'SIGNUP_OPEN', {
        timeoutMs: 10_000,
        intervalMs: 20,
        what: 'the delayed job to open sign-ups',
      });
      const steps = await history(id);
      expect(steps.map((s) => s.step)).toEqual(FULL_WALK.slice(0, 2));
      expect(steps[1]!.at.getTime()).toBeGreaterThanOrEqual(times.signupStartsAt.getTime());
    } finally {
      clock.freeze();
    }
  }, 20_000);
});

describe('late and duplicated walks', () => {
  it('publishing with past times walks straight to the state the clock says, step by step', async () => {
    const base = clock.advance(1_000).getTime();
    const { id, published } = await createAndPublish({
      signupStartsAt: new Date(base - 4 * HOUR),
      signupEndsAt: new Date(base - 3 * HOUR),
      startsAt: new Date(base - HOUR),
      endsAt: new Date(base + HOUR),
    });
    expect(published.status).toBe('ONGOING');
    expect((await history(id)).map((s) => s.step)).toEqual(FULL_WALK.slice(0, 4));
  });

  it('applies each missed step exactly once when many walkers run at the same time', async () => {
    const base = clock.advance(1_000).getTime();
    const activity = await seedActivity(t, {
      organizerId: organizer.user.id,
      status: 'UPCOMING',
      signupStartsAt: new Date(base - 4 * HOUR),
      signupEndsAt: new Date(base - 3 * HOUR),
      startsAt: new Date(base - 2 * HOUR),
      endsAt: new Date(base - HOUR),
    });
    const [walks, swept] = await Promise.all([
      Promise.all(Array.from({ length: 6 }, () => advanceActivity(t.deps, { activityId: activity.id }))),
      sweepDueActivities(t.deps),
    ]);
    const applied = walks.reduce((sum, steps) => sum + steps.length, 0) + swept;
    expect(applied).toBe(4);
    const steps = await history(activity.id);
    expect(steps.map((s) => s.step)).toEqual(FULL_WALK.slice(1));
    expect(steps.map((s) => s.version)).toEqual([2, 3, 4, 5]);
    expect((await statusEvents(activity.id)).length).toBe(4);
    // Run again: nothing left to do.
    expect(await advanceActivity(t.deps, { activityId: activity.id })).toEqual([]);
  });
});

describe('planning the transition jobs', () => {
  const jobIds = async () => (await t.deps.queues.activities.getDelayed()).map((job) => job.id!);

  it('plans one delayed job per boundary, re-plans when times change, and drops them on cancel', async () => {
    const base = clock.advance(1_000).getTime();
    const times = {
      signupStartsAt: new Date(base + HOUR),
      signupEndsAt: new Date(base + 2 * HOUR),
      startsAt: new Date(base + 3 * HOUR),
      endsAt: new Date(base + 4 * HOUR),
    };
    const { id, gid, published } = await createAndPublish(times);
    const planned = Object.entries(times).map(([boundary, at]) => transitionJobId(id, boundary as never, at));
    expect(await jobIds()).toEqual(expect.arrayContaining(planned));

    const later = new Date(base + 2.5 * HOUR);
    const updated = await t.gql(UPDATE, { input: { id: gid, version: published.version, signupEndsAt: later } }, { token: organizer.token });
    expect(updated.errors).toBeUndefined();
    const ids = await jobIds();
    expect(ids).toContain(transitionJobId(id, 'signupEndsAt', later));
    expect(ids).not.toContain(transitionJobId(id, 'signupEndsAt', times.signupEndsAt));
    expect(ids.filter((jobId) => jobId.startsWith(`activity-${id}-`))).toHaveLength(4);

    const cancelled = await t.gql('mutation ($id: ID!) { cancelActivity(id: $id, reason: "rain") { status } }', { id: gid }, { token: organizer.token });
    expect(cancelled.data!.cancelActivity.status).toBe('CANCELLED');
    expect((await jobIds()).filter((jobId) => jobId.startsWith(`activity-${id}-`))).toEqual([]);
  });

  it('applies at once a step that new times make due', async () => {
    const now = clock.advance(1_000).getTime();
    const activity = await seedActivity(t, { organizerId: organizer.user.id, ...openTimes(now) });
    const result = await t.gql(
      UPDATE,
      { input: { id: encodeId('Activity', activity.id), version: activity.version, signupEndsAt: new Date(now - 1000) } },
      { token: organizer.token },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.updateActivity.status).toBe('SIGNUP_CLOSED');
    expect((await history(activity.id)).map((s) => s.step)).toEqual(['SIGNUP_OPEN->SIGNUP_CLOSED']);
  });
});
