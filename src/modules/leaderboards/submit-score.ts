import { Prisma } from '../../infra/prisma.js';
import { badInput, invalidState, notFound } from '../../lib/app-error.js';
import type { Deps } from '../../lib/app-deps.js';
import { parsePeriodRef, type BoardDefinition } from './board-definition.js';
import { MAX_BOARD_SCORE, isBoardScore } from './board-entry.js';
import { ensurePeriod, forgetBoard, getBoard, periodIdOf } from './board-periods.service.js';
import type { StandingChange } from './board-sync.js';
import { isUniqueViolation } from './definitions.service.js';

/** One score as a trusted service sends it. */
export interface ScoreInput {
  boardKey: string;
  userId: number;
  /** An integer within ±(2^53 − 1). */
  score: number;
  /** The same key on the same board counts once, however often and concurrently it is sent. */
  idempotencyKey: string;
  /** The (admin) account that sent it. */
  submittedBy: number | null;
}

/** What a submission did; for a repeated key, what the first one did. */
export interface SubmissionOutcome {
  submissionId: bigint;
  boardKey: string;
  periodId: string;
  userId: number;
  /** The score sent. */
  submitted: number;
  /** True when it changed the standing (a first score, a better BEST, a different LATEST, a non-zero SUM). */
  applied: boolean;
  /** True when the key had been used: nothing changed and this is the first outcome. */
  duplicate: boolean;
  /** The user's score in that period after it (read back for a duplicate or an unapplied score); null if none. */
  score: number | null;
  /** The standing this submission committed, to put on the Redis board; null when it changed nothing. */
  standing: StandingChange | null;
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
const SUBMISSION_KEY_INDEX = 'score_submissions_board_id_idempotency_key_key';
const RANGE = `an integer within ±${MAX_BOARD_SCORE} (2^53 − 1)`;

type SubmitDeps = Pick<Deps, 'db' | 'config' | 'now' | 'redis' | 'keys' | 'logger' | 'boardCache'>;

/**
 * The standing's new score and whether it changes, by operator, in terms of
 * the stored row `s` (locked by ON CONFLICT) and the sent one `excluded`:
 * - BEST keeps the better: higher on a DESC board, lower on an ASC one;
 * - LATEST replaces, a change only when different;
 * - SUM adds, a change only when not 0.
 */
function operatorSql(board: BoardDefinition): { next: Prisma.Sql; changed: Prisma.Sql } {
  switch (board.operator) {
    case 'BEST':
      return {
        next: Prisma.sql`excluded.score`,
        changed: board.order === 'DESC' ? Prisma.sql`excluded.score > s.score` : Prisma.sql`excluded.score < s.score`,
      };
    case 'LATEST':
      return { next: Prisma.sql`excluded.score`, changed: Prisma.sql`excluded.score <> s.score` };
    case 'SUM':
      return { next: Prisma.sql`s.score + excluded.score`, changed: Prisma.sql`excluded.score <> 0` };
  }
}

interface SubmissionRow {
  id: bigint;
  user_id: number;
  score: bigint;
  period_ref: string;
  applied: boolean;
}

/** The submission stored under a key, with the user's current score in its period. */
async function findSubmission(db: Deps['db'], board: BoardDefinition, idempotencyKey: string): Promise<(SubmissionRow & { current: bigint | null }) | null> {
  const [row] = await db.$queryRaw<Array<SubmissionRow & { current: bigint | null }>>`
    SELECT sub.id, sub.user_id, sub.score, sub.period_ref, sub.applied, st.score AS current
    FROM score_submissions sub
    LEFT JOIN board_standings st ON st.period_ref = sub.period_ref AND st.user_id = sub.user_id
    WHERE sub.board_id = ${board.id} AND sub.idempotency_key = ${idempotencyKey}`;
  return row ?? null;
}

/** The first outcome of a used key; BAD_USER_INPUT when the key is reused for another user or score. */
function duplicateOutcome(board: BoardDefinition, input: ScoreInput, row: SubmissionRow & { current: bigint | null }): SubmissionOutcome {
  if (row.user_id !== input.userId || row.score !== BigInt(input.score)) {
    throw badInput(`The idempotency key "${input.idempotencyKey.slice(0, 40)}" was used on ${board.key} for another user or score.`);
  }
  return {
    submissionId: row.id,
    boardKey: board.key,
    periodId: parsePeriodRef(row.period_ref).periodId,
    userId: row.user_id,
    submitted: Number(row.score),
    applied: row.applied,
    duplicate: true,
    score: row.current === null ? null : Number(row.current),
    standing: null,
  };
}

/**
 * Checks, under share locks held to the end of the transaction, that the
 * board still takes scores: ACTIVE (an archive waits for this transaction, and
 * a submission after the archive sees it), and for an ACTIVITY board that the
 * activity has not ENDED or been CANCELLED (likewise locked) and the user holds
 * a seat in it.
 */
async function checkOpen(tx: Prisma.TransactionClient, board: BoardDefinition, userId: number): Promise<void> {
  const [locked] = await tx.$queryRaw<Array<{ state: string }>>`
    SELECT state::text AS state FROM leaderboards WHERE id = ${board.id} FOR SHARE`;
  if (locked?.state !== 'ACTIVE') throw invalidState(`Leaderboard ${board.key} is archived: it takes no more scores.`);
  if (board.activityId === null) return;
  const [activity] = await tx.$queryRaw<Array<{ status: string; participant: boolean }>>`
    SELECT a.status::text AS status,
           EXISTS (SELECT 1 FROM participations p WHERE p.activity_id = a.id AND p.user_id = ${userId} AND p.status = 'JOINED') AS participant
    FROM activities a WHERE a.id = ${board.activityId} FOR SHARE OF a`;
  if (!activity || activity.status === 'ENDED' || activity.status === 'CANCELLED') {
    throw invalidState(`The activity of ${board.key} is over: its leaderboard takes no more scores.`, { status: activity?.status ?? null });
  }
  if (!activity.participant) throw badInput(`This user is not a participant of the activity of ${board.key}.`);
}

/**
 * The PostgreSQL half of `submitScore`: records a score on a SUBMITTED board
 * exactly once per (board, idempotency key), and updates the user's standing
 * in the board's current period by the board's operator.
 *
 * One short transaction: the checks above, then ONE statement that upserts
 * the standing and inserts the submission. A fresh `board_seq` is taken in ON
 * CONFLICT's SET, i.e. while holding the standing's row lock, and only when
 * the score changes (ON CONFLICT … WHERE), so per user the seqs follow commit
 * order and two users with equal scores rank in the order they reached them;
 * an unchanged score keeps its seq and is recorded with `applied = false`.
 * The submission is inserted last: a used key fails it with a unique
 * violation, which undoes the standing change of the same statement; the
 * first outcome is then returned. A SUM leaving ±(2^53 − 1) rolls back too.
 *
 * @throws BAD_USER_INPUT: malformed board key, not a SUBMITTED board, score or
 *   sum out of range, bad idempotency key, key reused for another user or
 *   score, user not a participant of an ACTIVITY board's activity;
 *   NOT_FOUND: unknown board or user; INVALID_STATE: board archived, activity over.
 */
export async function applySubmission(deps: SubmitDeps, input: ScoreInput): Promise<SubmissionOutcome> {
  if (!isBoardScore(input.score)) throw badInput(`A score is ${RANGE}.`);
  if (input.idempotencyKey.length < 1 || input.idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw badInput(`An idempotency key has 1–${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`);
  }
  const board = await getBoard(deps, input.boardKey);
  if (board.source !== 'SUBMITTED') throw badInput(`Leaderboard ${board.key} is fed by points, not by submitted scores.`);

  const earlier = await findSubmission(deps.db, board, input.idempotencyKey);
  if (earlier) return duplicateOutcome(board, input, earlier);

  const user = await deps.db.user.findUnique({ where: { id: input.userId }, select: { id: true } });
  if (!user) throw notFound('This user does not exist.');

  const now = deps.now();
  const periodId = periodIdOf(deps, board, now);
  if (board.state === 'ARCHIVED') throw invalidState(`Leaderboard ${board.key} is archived: it takes no more scores.`);
  const ref = await ensurePeriod(deps, board, periodId);
  const { next, changed } = operatorSql(board);
  const score = BigInt(input.score);

  let row: { id: bigint; total: bigint | null; seq: bigint | null; version: number | null };
  try {
    row = await deps.db.$transaction(
      async (tx) => {
        await checkOpen(tx, board, input.userId);
        const [written] = await tx.$queryRaw<Array<{ id: bigint; total: bigint | null; seq: bigint | null; version: number | null }>>`
          WITH standing AS (
            INSERT INTO board_standings AS s (period_ref, user_id, score, ranked, seq, version)
            VALUES (${ref}, ${input.userId}, ${score}::bigint, true, nextval('board_seq'), 1)
            ON CONFLICT (period_ref, user_id) DO UPDATE
              SET score = ${next}, ranked = true, seq = nextval('board_seq'), version = s.version + 1, updated_at = now()
              WHERE ${changed}
            RETURNING score, seq, version
          ),
          submission AS (
            INSERT INTO score_submissions (board_id, period_ref, user_id, score, idempotency_key, applied, submitted_by, submitted_at)
            SELECT ${board.id}, ${ref}, ${input.userId}, ${score}::bigint, ${input.idempotencyKey},
                   EXISTS (SELECT 1 FROM standing), ${input.submittedBy}, ${now}
            RETURNING id
          )
          SELECT submission.id, standing.score AS total, standing.seq, standing.version
          FROM submission LEFT JOIN standing ON true`;
        if (!written) throw new Error(`Score submission ${input.idempotencyKey} was not written`);
        // Outside the range a board holds (only a SUM can get there): undo the whole transaction.
        if (written.total !== null && !isBoardScore(Number(written.total))) {
          throw badInput(`${board.key} adds scores up, and this one would take the total to ${written.total.toString()}: totals are ${RANGE}.`);
        }
        return written;
      },
      { timeout: 15_000, maxWait: 10_000 },
    );
  } catch (error) {
    if (isUniqueViolation(error, SUBMISSION_KEY_INDEX)) {
      const first = await findSubmission(deps.db, board, input.idempotencyKey);
      if (first) return duplicateOutcome(board, input, first);
    }
    // An archive this process did not see yet (the definition cache lags a few seconds): forget it.
    if ((error as { code?: unknown })?.code === 'INVALID_STATE') forgetBoard(deps, board.key);
    throw error;
  }

  const standing: StandingChange | null =
    row.total !== null && row.seq !== null && row.version !== null
      ? { ref, order: board.order, userId: input.userId, score: Number(row.total), ranked: true, seq: row.seq.toString(), version: row.version }
      : null;
  let current = standing?.score ?? null;
  if (!standing) {
    const kept = await deps.db.boardStanding.findUnique({ where: { periodRef_userId: { periodRef: ref, userId: input.userId } }, select: { score: true } });
    current = kept ? Number(kept.score) : null;
  }
  return {
    submissionId: row.id,
    boardKey: board.key,
    periodId,
    userId: input.userId,
    submitted: input.score,
    applied: standing !== null,
    duplicate: false,
    score: current,
    standing,
  };
}
