import { z } from 'zod';
import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import type { JobRun } from '../../generated/prisma/client.js';
import { UserRef } from '../users/index.js';
import { recentRuns } from './job-runs.js';
import { getJob, listJobs, pauseJob, resumeJob, runJob, updateJobSchedule, type JobInfo } from './jobs.service.js';

const JobRunStateEnum = builder.enumType('JobRunState', {
  description: 'How an attempt of a job went, or goes.',
  values: {
    RUNNING: { description: 'A worker is running this attempt now.' },
    COMPLETED: { description: 'The attempt finished successfully.' },
    RETRYING: { description: 'The attempt failed; the job is retried after a backoff.' },
    FAILED: { description: 'The attempt failed and no attempts are left.' },
    STALLED: { description: 'The worker died during the attempt; the job was handed to another worker.' },
    CANCELLED: { description: 'An admin cancelled the job (`cancelJob`); it stopped at a checkpoint and is not retried.' },
  } as const,
});

const JobTriggerEnum = builder.enumType('JobTrigger', {
  description: 'What started a job run.',
  values: {
    SCHEDULE: { description: "A tick of the job's schedule." },
    MANUAL: { description: 'Started by an admin with `runJob`.' },
    EVENT: { description: 'Enqueued by the application.' },
  } as const,
});

const JobScheduleRef = builder.objectRef<NonNullable<JobInfo['schedule']>>('JobSchedule').implement({
  description: 'When a periodic job ticks: every N milliseconds, or on a cron pattern in `timeZone`. The effective schedule: an admin\'s (`updateJobSchedule`) or else the one in code.',
  fields: (t) => ({
    every: t.exposeInt('every', { nullable: true, description: 'Interval in milliseconds.' }),
    cron: t.exposeString('cron', { nullable: true, description: 'Cron pattern (5 fields, or 6 with seconds first), read in `timeZone`.' }),
    timeZone: t.exposeString('timeZone', { description: 'IANA time zone the cron pattern is read in.' }),
    custom: t.exposeBoolean('custom', { description: 'True when an admin set this schedule or zone; false while the job runs on the schedule in code.' }),
    updatedBy: t.field({
      type: UserRef,
      nullable: true,
      description: 'The admin who changed the schedule last; null if never changed.',
      resolve: (schedule, _args, ctx) => (schedule.updatedBy === null ? null : ctx.loaders.users.load(schedule.updatedBy)),
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true, description: 'When an admin changed the schedule last; null if never changed.' }),
  }),
});

const JobRunRef = builder.objectRef<JobRun>('JobRun');

/** Jobs and their runs are for admins: `node(id:)` gives anyone else NOT_FOUND, as for an id of nothing. */
const isAdmin = (ctx: Context) => ctx.viewer?.role === 'ADMIN';

builder.node(JobRunRef, {
  description:
    'One attempt of one job run. A retry is a new attempt of the same `jobId`. Its `id` is a global id; `runId` is the database id `id` was before.',
  id: { resolve: (run) => String(run.id) },
  loadOne: (id, ctx) => (isAdmin(ctx) && /^\d{1,18}$/.test(id) ? ctx.deps.db.jobRun.findUnique({ where: { id: BigInt(id) } }) : null),
  fields: (t) => ({
    runId: t.id({ description: 'The database id (a decimal number), as `id` was before it became a global id.', resolve: (run) => String(run.id) }),
    jobId: t.exposeString('jobId', { description: 'The BullMQ job id, as shown in Bull Board.' }),
    state: t.expose('state', { description: 'How the attempt went, or goes.', type: JobRunStateEnum }),
    trigger: t.expose('trigger', { description: 'What started the run.', type: JobTriggerEnum }),
    attempt: t.exposeInt('attempt', { description: '1 for the first try.' }),
    maxAttempts: t.exposeInt('maxAttempts', { description: 'How many attempts the run may take in all.' }),
    startedAt: t.expose('startedAt', { description: 'When the attempt started.', type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { description: 'When it finished; null while running.', type: 'DateTime', nullable: true }),
    durationMs: t.exposeInt('durationMs', { description: 'How long it took, in milliseconds; null while running.', nullable: true }),
    error: t.exposeString('error', { nullable: true, description: 'The error message of a failed attempt.' }),
    worker: t.exposeString('worker', { nullable: true, description: 'The worker process (`host:pid`).' }),
  }),
});

const JobRef = builder.objectRef<JobInfo>('Job');

builder.node(JobRef, {
  description: 'A background job: periodic (with a schedule) or run on events. Its id stands for its name.',
  id: { resolve: (job) => job.name },
  loadOne: (name, ctx) => (isAdmin(ctx) && ctx.deps.jobHandlers.some((handler) => handler.name === name) ? getJob(ctx.deps, name) : null),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The job name, e.g. `hot.recompute`.' }),
    queue: t.exposeString('queue', { description: 'The queue it runs in.' }),
    description: t.exposeString('description', { description: 'What it does.', nullable: true }),
    schedule: t.field({ description: 'When it ticks; null for jobs run on events only.', type: JobScheduleRef, nullable: true, resolve: (job) => job.schedule }),
    paused: t.exposeBoolean('paused', { description: 'Paused by an admin: its schedule does not tick on any instance.' }),
    nextRunAt: t.expose('nextRunAt', { type: 'DateTime', nullable: true, description: 'The next scheduled tick; null when paused or not periodic.' }),
    nextRuns: t.expose('nextRuns', { type: ['DateTime'], description: 'The next 3 scheduled ticks; empty when paused or not periodic.' }),
    runs: t.field({
      type: [JobRunRef],
      description: 'The latest attempts, newest first, from the run history in PostgreSQL.',
      args: { first: t.arg.int({ description: 'How many, 1–100.', defaultValue: 10, validate: z.number().int().min(1).max(100) }) },
      resolve: (job, { first }, ctx) => recentRuns(ctx.deps, { name: job.name, first: first ?? 10 }),
    }),
  }),
});

const RunJobPayloadRef = builder.objectRef<{ jobId: string; job: JobInfo }>('RunJobPayload').implement({
  description: 'A run queued by `runJob`.',
  fields: (t) => ({
    jobId: t.exposeString('jobId', { description: 'The id of the run that was queued; its attempts appear in `Job.runs`.' }),
    job: t.field({ type: JobRef, description: 'The job, as it is now.', resolve: (payload) => payload.job }),
  }),
});

builder.queryField('jobs', (t) =>
  t.field({
    type: [JobRef],
    authScopes: { admin: true },
    description: '(admin) Every background job with its schedule, next tick, paused flag and latest runs.',
    resolve: (_root, _args, ctx) => listJobs(ctx.deps),
  }),
);

builder.mutationFields((t) => ({
  runJob: t.withAuth({ admin: true }).field({
    type: RunJobPayloadRef,
    description: '(admin) Starts one run of a periodic job now. Its schedule is not changed.',
    args: {
      name: t.arg.string({ required: true, description: 'The job name, e.g. `hot.recompute`.' }),
      data: t.arg({
        type: 'JSONObject',
        required: false,
        description: 'The run\'s job data, for jobs that take some, e.g. `{"seasonId": "2026-10"}` for season.rollover.',
      }),
    },
    resolve: async (_root, { name, data }, ctx) => {
      const { jobId } = await runJob(ctx.deps, { name, requestedBy: ctx.viewer.id, data });
      return { jobId, job: await getJob(ctx.deps, name) };
    },
  }),
  updateJobSchedule: t.withAuth({ admin: true }).field({
    type: JobRef,
    description:
      "(admin) Changes a periodic job's schedule on every instance, at once and across restarts: a cron `pattern` or an interval `everyMs`, in `timeZone`. Neither puts it back on the schedule in code. BAD_USER_INPUT for an invalid pattern, interval or zone.",
    args: {
      name: t.arg.string({ required: true, description: 'The job, e.g. `hot.recompute`.' }),
      pattern: t.arg.string({ required: false, description: 'A cron pattern, e.g. `*/10 * * * *` (6 fields: seconds first).' }),
      everyMs: t.arg.int({ required: false, description: 'An interval in milliseconds (at least 1000), instead of a pattern.' }),
      timeZone: t.arg.string({ required: false, description: 'IANA time zone the pattern is read in; APP_TIMEZONE when omitted.' }),
    },
    resolve: (_root, args, ctx) => updateJobSchedule(ctx.deps, { ...args, userId: ctx.viewer.id }),
  }),
  pauseJob: t.withAuth({ admin: true }).field({
    type: JobRef,
    description: "(admin) Stops a periodic job's ticks on every instance until `resumeJob`; survives restarts.",
    args: { name: t.arg.string({ required: true, description: 'The job name, e.g. `hot.recompute`.' }) },
    resolve: (_root, { name }, ctx) => pauseJob(ctx.deps, { name, userId: ctx.viewer.id }),
  }),
  resumeJob: t.withAuth({ admin: true }).field({
    type: JobRef,
    description: "(admin) Restarts a paused job's schedule.",
    args: { name: t.arg.string({ required: true, description: 'The job name, e.g. `hot.recompute`.' }) },
    resolve: (_root, { name }, ctx) => resumeJob(ctx.deps, { name, userId: ctx.viewer.id }),
  }),
}));
