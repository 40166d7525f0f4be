import type { Deps } from '../../lib/app-deps.js';
import { boardKeys } from './board-keys.js';
import { sealBoard } from './board-freeze.js';
import { FINISH_JOB, flowJobId, ROLLOVER_JOB, ROLLOVER_JOB_OPTIONS, startRolloverFlow } from './rollover-flow.js';
import { AUTO_RUN_KEY, autoRolloverJobId } from './rollover-period.js';
import { prepareRollover } from './rollover-prepare.js';

type ScheduleDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'queues' | 'now'>;

/** Periods one tick starts at most; the next tick starts the rest. */
const MAX_DUE_PER_TICK = 500;

/** What starting a rollover did: the flow started, or nothing because the period is archived already. */
export type RolloverStart =
  | { ref: string; skipped: string }
  | { ref: string; members: number; finishJobId: string; shards: number };

/**
 * Prepares board period `ref` for run `runKey` and starts its copy flow:
 * what every `season.rollover` job does, whoever added it.
 */
export async function startRollover(
  deps: Parameters<typeof prepareRollover>[0] & Pick<Deps, 'flows'>,
  input: { ref: string; runKey: string; shardSize?: number; batchSize?: number },
): Promise<RolloverStart> {
  const { ref, runKey } = input;
  const plan = await prepareRollover(deps, { ref, runKey });
  if (plan.archived) return { ref, skipped: 'the period is archived already' };
  const flow = await startRolloverFlow(deps, { ...plan, runKey, shardSize: input.shardSize, batchSize: input.batchSize });
  return { ref, members: plan.members, ...flow };
}

/**
 * Adds the automatic `season.rollover` job of `ref` (job id
 * {@link autoRolloverJobId}), unless it is queued, running or done: BullMQ
 * adds an id once while a job of that id exists, so overlapping ticks, workers
 * and `closePeriodNow` start one run. A job of that id that failed for good
 * is retried instead (the period is still not archived, or it would not be
 * asked for again).
 * @returns whether a job was added or retried.
 */
export async function enqueueRollover(deps: Pick<Deps, 'queues'>, ref: string): Promise<boolean> {
  const queue = deps.queues.leaderboards;
  const jobId = autoRolloverJobId(ref);
  const existing = await queue.getJob(jobId);
  if (existing) {
    if (!(await existing.isFailed())) return false;
    await existing.retry('failed');
    return true;
  }
  await queue.add(ROLLOVER_JOB, { ref }, { ...ROLLOVER_JOB_OPTIONS, jobId });
  return true;
}

/**
 * The `leaderboard.rollover.tick` job: finds every board period still CURRENT
 * whose end has passed (index board_periods(state, ends_at)) and adds its
 * rollover (see {@link enqueueRollover}); the rollover marks it CLOSING, so
 * later ticks no longer find it. Periods without a row (nothing written) have
 * nothing to archive. Uses `deps.now()`, so a DAILY board rolls over within a
 * tick of local midnight.
 */
export async function startDueRollovers(deps: ScheduleDeps): Promise<{ due: number; started: string[] }> {
  const due = await deps.db.boardPeriod.findMany({
    where: { state: 'CURRENT', endsAt: { lte: deps.now() } },
    select: { ref: true },
    orderBy: { endsAt: 'asc' },
    take: MAX_DUE_PER_TICK,
  });
  const started: string[] = [];
  for (const { ref } of due) if (await enqueueRollover(deps, ref)) started.push(ref);
  if (started.length > 0) deps.logger.info({ started }, 'rollovers started for ended board periods');
  return { due: due.length, started };
}

/**
 * Whether Redis still holds the rollover run that froze the board of `ref`:
 * the seal names the run (`frozen:<run>`) and its `season.rollover` job or
 * its flow's finish job still exists, in any state. Then Redis lost nothing
 * of it: the run goes on, or it ended (failed, or an admin cancelled it) and
 * is left as its operator left it.
 */
async function frozenRunKnown(deps: Pick<Deps, 'redis' | 'keys' | 'queues'>, ref: string): Promise<boolean> {
  const seal = await deps.redis.get(boardKeys(deps.keys, ref).sealed);
  if (!seal?.startsWith('frozen:')) return false;
  const runKey = seal.slice('frozen:'.length);
  const queue = deps.queues.leaderboards;
  const jobs = await Promise.all([
    queue.getJob(runKey === AUTO_RUN_KEY ? autoRolloverJobId(ref) : runKey),
    queue.getJob(flowJobId(FINISH_JOB, ref, runKey)),
  ]);
  return jobs.some((job) => job !== undefined);
}

/**
 * Adds again the automatic rollover of every CLOSING board period whose
 * rollover Redis lost: a self-healing step after Redis lost its data. A
 * period is CLOSING from the moment its rollover was queued (by the tick, or
 * early by {@link closePeriodNow}) until that rollover archived it, and the
 * queued job lived only in Redis; the tick only looks for CURRENT periods.
 * Nothing is added where the run that froze the board is still known (see
 * {@link frozenRunKnown}): a heal after a failover, or a spurious one, must
 * not start a second run beside a running one, nor restart a run an admin
 * cancelled. Otherwise {@link enqueueRollover} adds the automatic job unless
 * it exists; a new run archives exactly once.
 * @returns the periods whose rollover was added or retried.
 */
export async function requeueClosingRollovers(deps: Pick<Deps, 'db' | 'redis' | 'keys' | 'queues' | 'logger'>): Promise<string[]> {
  const closing = await deps.db.boardPeriod.findMany({ where: { state: 'CLOSING' }, select: { ref: true }, orderBy: { endsAt: 'asc' } });
  const requeued: string[] = [];
  for (const { ref } of closing) {
    if (await frozenRunKnown(deps, ref)) continue;
    if (await enqueueRollover(deps, ref)) requeued.push(ref);
  }
  if (requeued.length > 0) deps.logger.warn({ requeued }, 'rollovers of closing board periods queued again');
  return requeued;
}

/**
 * Closes board period `ref` now, before its end: when an admin archives its
 * board or a tournament's activity ends. Seals the board at once (live writes
 * are refused from here on), marks the period CLOSING, and adds the same
 * verified rollover as a period that ended (prepare accepts a CLOSING period
 * early). Returns once the rollover is queued, not done. Idempotent; a
 * period without a row (never written) or ARCHIVED already needs nothing.
 */
export async function closePeriodNow(deps: ScheduleDeps, ref: string, reason: string): Promise<void> {
  const period = await deps.db.boardPeriod.findUnique({ where: { ref }, select: { state: true } });
  if (!period || period.state === 'ARCHIVED') {
    deps.logger.info({ ref, reason, state: period?.state ?? null }, 'board period closed early: nothing to archive');
    return;
  }
  await sealBoard(deps, ref);
  await deps.db.boardPeriod.updateMany({ where: { ref, state: 'CURRENT' }, data: { state: 'CLOSING' } });
  await enqueueRollover(deps, ref);
  deps.logger.info({ ref, reason }, 'board period closed early: board sealed, rollover queued');
}
