import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnrecoverableError } from 'bullmq';
import type { BoardOrder, BoardPeriod } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { isPeriodId } from '../../lib/periods.js';
import { ensureArchivePartition } from './archive-partitions.js';
import { parsePeriodRef, type BoardDefinition } from './board-definition.js';
import { freezeBoard } from './board-freeze.js';
import { ensurePeriod, targetOf } from './board-periods.service.js';

type PrepareDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'now' | 'pubsub' | 'boardCache'>;

/** What the first step of a rollover found and did. */
export type RolloverPlan =
  | { ref: string; archived: true }
  | {
      ref: string;
      archived: false;
      /** The archive partition (month the period began). */
      month: string;
      order: BoardOrder;
      /** Members of the frozen board, i.e. archive rows to expect. */
      members: number;
    };

/** How long one run may hold a period's prepare lock before another may take it (a crashed holder). */
const PREPARE_LOCK_MS = 10 * 60_000;

/** The board of `ref` as stored now (not cached: whether it is archived decides whether it may close early). */
async function boardOf(deps: PrepareDeps, ref: string): Promise<{ board: BoardDefinition; periodId: string }> {
  const { boardKey, periodId } = parsePeriodRef(ref);
  const board = await deps.db.leaderboard.findUnique({ where: { key: boardKey } });
  if (!board) throw new UnrecoverableError(`There is no leaderboard "${boardKey}" (period ${ref}).`);
  if (!isPeriodId(board.period, periodId)) throw new UnrecoverableError(`${ref} is not a ${board.period} period of ${boardKey}.`);
  return { board, periodId };
}

/**
 * Whether the period may close now: it has ended; or its board is ARCHIVED
 * (an admin archived it, or its tournament ended); or it is CLOSING already
 * (`closePeriodNow` decided, or an earlier run of this rollover began).
 */
function mayClose(deps: PrepareDeps, board: BoardDefinition, period: BoardPeriod): boolean {
  if (period.state !== 'CURRENT' || board.state === 'ARCHIVED') return true;
  return period.endsAt !== null && period.endsAt.getTime() <= deps.now().getTime();
}

/** How long a run waits for another run of the same period to finish preparing before its attempt fails (and is retried). */
const PREPARE_LOCK_WAIT_MS = 30_000;
const PREPARE_LOCK_POLL_MS = 100;

/**
 * Runs `work` holding the period's prepare lock, so two runs that overlap (the
 * monthly cron and the tick, two workers) never freeze the same board at once:
 * one run's clearing of archive rows could otherwise hit rows the other's
 * copies already wrote. A run that finds the lock held waits for it (the
 * second of two runs of one key then finds the board frozen for it and only
 * re-adds the same flow); after {@link PREPARE_LOCK_WAIT_MS} its attempt
 * fails and the job retries.
 */
async function withPrepareLock<T>(deps: PrepareDeps, ref: string, work: () => Promise<T>): Promise<T> {
  const lock = deps.keys.key(`{lb:${ref}}`, 'rollover-lock');
  const token = randomUUID();
  const giveUpAt = performance.now() + PREPARE_LOCK_WAIT_MS;
  while ((await deps.redis.set(lock, token, 'PX', PREPARE_LOCK_MS, 'NX')) !== 'OK') {
    if (performance.now() > giveUpAt) throw new Error(`Another rollover run is preparing ${ref}; this attempt is retried.`);
    await sleep(PREPARE_LOCK_POLL_MS);
  }
  try {
    return await work();
  } finally {
    // Only our own lock: after PREPARE_LOCK_MS another run may hold it.
    await deps.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, lock, token);
  }
}

/**
 * Step 1 of run `runKey` of the rollover of board period `ref`: mark it
 * CLOSING, create its archive partition (the month it began), and complete
 * and freeze its board (see {@link freezeBoard}).
 * Every part is idempotent, so a retried or repeated run redoes only what is
 * missing; an ARCHIVED period is left alone. A period with no row yet (no
 * write all period; only a run naming it creates one) is created, so it
 * archives as an empty board.
 * @throws UnrecoverableError when the period has not ended and its board is
 * ACTIVE (a retry would not help; `closePeriodNow` closes one early), or the
 * ref names no board or no period of it.
 */
export async function prepareRollover(deps: PrepareDeps, input: { ref: string; runKey: string }): Promise<RolloverPlan> {
  const { ref, runKey } = input;
  const { board, periodId } = await boardOf(deps, ref);
  await ensurePeriod(deps, board, periodId);
  const period = await deps.db.boardPeriod.findUniqueOrThrow({ where: { ref } });
  if (period.state === 'ARCHIVED') return { ref, archived: true };
  if (!mayClose(deps, board, period)) {
    const end = period.endsAt ? `ends at ${period.endsAt.toISOString()}` : 'never ends (ALL_TIME)';
    throw new UnrecoverableError(`Board period ${ref} ${end}; it cannot be rolled over before then while its board is active.`);
  }
  const target = targetOf(deps, board, period);
  return withPrepareLock(deps, ref, async () => {
    // Again under the lock: a run that held it may have finished the whole rollover meanwhile.
    const now = await deps.db.boardPeriod.findUniqueOrThrow({ where: { ref }, select: { state: true } });
    if (now.state === 'ARCHIVED') return { ref, archived: true } as const;
    await deps.db.boardPeriod.updateMany({ where: { ref, state: 'CURRENT' }, data: { state: 'CLOSING' } });
    await ensureArchivePartition(deps.db, target.archiveMonth);
    const members = await freezeBoard(deps, target, runKey);
    deps.logger.info({ ref, month: target.archiveMonth, members }, 'board period closing: board frozen, archive partition ready');
    return { ref, archived: false, month: target.archiveMonth, order: board.order, members };
  });
}
