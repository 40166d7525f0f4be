import { resolveOffsetConnection } from '@pothos/plugin-relay';
import { builder, MAX_PAGE_SIZE } from '../../graphql/builder.js';
import {
  cancelJob,
  getQueuedJob,
  listQueuedJobs,
  promoteJob,
  QUEUED_JOB_STATES,
  removeJob,
  retryJob,
  type QueuedJobState,
  type QueuedJobView,
} from './queued-jobs.service.js';

const STATE_DESCRIPTIONS: Record<QueuedJobState, string> = {
  WAITING: 'Due and waiting for a free worker.',
  DELAYED: 'Due later, at `processAt` (a retry backoff, or a job planned for a time, e.g. an activity status change).',
  ACTIVE: 'A worker is running it now.',
  FAILED: 'Failed for good (or cancelled); kept for a while for inspection and `retryJob`.',
  COMPLETED: 'Finished; kept for a while with its return value.',
  PRIORITIZED: 'Due and waiting, ordered by priority.',
  WAITING_CHILDREN: 'A flow parent waiting for its child jobs (e.g. a rollover finish step waiting for its copy shards).',
};

const QueuedJobStateEnum = builder.enumType('QueuedJobState', {
  description: 'Where a job is in its BullMQ queue.',
  values: Object.fromEntries(Object.keys(QUEUED_JOB_STATES).map((state) => [state, { description: STATE_DESCRIPTIONS[state as QueuedJobState] }])) as Record<
    QueuedJobState,
    { description: string }
  >,
});

const QueuedJobRef = builder.objectRef<QueuedJobView>('QueuedJob').implement({
  description: 'One job in a BullMQ queue, in any state: what Bull Board shows, through the API.',
  fields: (t) => ({
    queue: t.exposeString('queue', { description: 'The queue, e.g. `activities`.' }),
    id: t.exposeString('id', { description: 'The BullMQ job id (job_runs.jobId for its attempts).' }),
    name: t.exposeString('name', { description: 'The job name, e.g. `activities.transition`.' }),
    state: t.string({
      description: 'Its state when read: a `QueuedJobState` name, or UNKNOWN when it moved on (or was removed) meanwhile.',
      resolve: (job) => job.state,
    }),
    data: t.expose('data', { type: 'JSONObject', description: 'The job data its processor receives.' }),
    progress: t.expose('progress', {
      type: 'JSONObject',
      nullable: true,
      description: 'The last progress the job reported; a plain number n reads `{"percent": n}`. Null before any.',
    }),
    attemptsMade: t.exposeInt('attemptsMade', { description: 'Attempts that finished (failed or succeeded).' }),
    attemptsStarted: t.exposeInt('attemptsStarted', { description: 'Attempts started, including one running now or one a dead worker never finished.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the job was added.' }),
    processedAt: t.expose('processedAt', { type: 'DateTime', nullable: true, description: 'When its latest attempt started.' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true, description: 'When it completed or failed for good.' }),
    failedReason: t.exposeString('failedReason', { nullable: true, description: 'The error of its latest failed attempt.' }),
    returnValue: t.expose('returnValue', {
      type: 'JSONObject',
      nullable: true,
      description: 'What a completed job returned; a non-object value v reads `{"value": v}`.',
    }),
    delayMs: t.exposeInt('delayMs', { description: 'The delay it was added with (0 for none), in milliseconds.' }),
    processAt: t.expose('processAt', { type: 'DateTime', nullable: true, description: 'When a delayed job is due; null for a job added without delay.' }),
    parentId: t.exposeString('parentId', { nullable: true, description: "The id of its flow's parent job (a rollover copy shard's finish step)." }),
    cancelRequested: t.exposeBoolean('cancelRequested', { description: 'An admin cancelled it; a running job stops at its next checkpoint.' }),
  }),
});

builder.queryFields((t) => ({
  jobQueue: t.connection({
    type: QueuedJobRef,
    authScopes: { admin: true },
    description:
      '(admin) The jobs of one queue in one state: next to run first for waiting, delayed, prioritized and waiting-children, newest first otherwise. Offset cursors: a page may repeat or miss a job that moved meanwhile.',
    args: {
      name: t.arg.string({ required: true, description: 'The queue: activities, events, hot, leaderboards, points or system. NOT_FOUND for another name.' }),
      state: t.arg({ type: QueuedJobStateEnum, required: true, description: 'Which list of the queue to read.' }),
    },
    resolve: (_root, args, ctx) =>
      resolveOffsetConnection({ args, defaultSize: 20, maxSize: MAX_PAGE_SIZE }, ({ offset, limit }) =>
        listQueuedJobs(ctx.deps, { queue: args.name, state: args.state, offset, limit }),
      ),
  }, { name: 'QueuedJobConnection', description: 'A page of queued jobs.' }, { name: 'QueuedJobEdge', description: 'A queued job in a page, with its cursor.' }),
  queuedJob: t.withAuth({ admin: true }).field({
    type: QueuedJobRef,
    description: '(admin) One job of a queue, in whatever state. NOT_FOUND for an unknown queue or job, BAD_USER_INPUT for a malformed id.',
    args: {
      queue: t.arg.string({ required: true, description: 'The queue the job is in.' }),
      id: t.arg.string({ required: true, description: 'The BullMQ job id.' }),
    },
    resolve: (_root, args, ctx) => getQueuedJob(ctx.deps, args),
  }),
}));

const jobArgs = (t: Parameters<Parameters<typeof builder.mutationFields>[0]>[0]) => ({
  queue: t.arg.string({ required: true, description: 'The queue the job is in.' }),
  id: t.arg.string({ required: true, description: 'The BullMQ job id, as `jobQueue` shows it.' }),
});

builder.mutationFields((t) => ({
  cancelJob: t.withAuth({ admin: true }).field({
    type: QueuedJobRef,
    description:
      '(admin) Cancels a running job: it stops at its next checkpoint, fails without retry, and its run is recorded as CANCELLED. On a flow parent waiting for its children (a rollover finish step), cancels the whole flow. INVALID_STATE for a job not running.',
    args: jobArgs(t),
    resolve: (_root, args, ctx) => cancelJob(ctx.deps, { ...args, userId: ctx.viewer.id }),
  }),
  removeJob: t.withAuth({ admin: true }).field({
    type: QueuedJobRef,
    description:
      "(admin) Removes a waiting or delayed job before it runs; returns it as it was. INVALID_STATE for an active or finished job, or for a schedule's next tick (pause the job instead).",
    args: jobArgs(t),
    resolve: (_root, args, ctx) => removeJob(ctx.deps, { ...args, userId: ctx.viewer.id }),
  }),
  retryJob: t.withAuth({ admin: true }).field({
    type: QueuedJobRef,
    description: '(admin) Runs a failed (or cancelled) job again as its next attempt; earlier attempts stay in the run history. INVALID_STATE for a job that has not failed.',
    args: jobArgs(t),
    resolve: (_root, args, ctx) => retryJob(ctx.deps, { ...args, userId: ctx.viewer.id }),
  }),
  promoteJob: t.withAuth({ admin: true }).field({
    type: QueuedJobRef,
    description: '(admin) Makes a delayed job due now. INVALID_STATE for a job that is not delayed.',
    args: jobArgs(t),
    resolve: (_root, args, ctx) => promoteJob(ctx.deps, { ...args, userId: ctx.viewer.id }),
  }),
}));
