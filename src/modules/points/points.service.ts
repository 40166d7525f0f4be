import pg from 'pg';
import type { PointsType } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import type { Tx } from '../outbox/index.js';
import { poolOf } from '../../infra/prisma.js';
import { MAX_BOARD_SCORE, publishNewPeriods, publishStandings, pointsBoardRef, type StandingChange } from '../leaderboards/index.js';
import { AppError, badInput, ErrorCode, notFound } from '../../lib/app-error.js';
import { localDay } from '../../lib/calendar.js';
import { replaceUserStateVersion } from '../../lib/user-state-version.js';
import { periodsOfEvent } from '../../lib/periods.js';
import { applyAwardsSql, submitAward, type BatchRow } from './award-batch.js';
import { POINTS_RULES } from './points-rules.js';

/** One award (or reversal) as a caller asks for it. */
export interface AwardInput {
  userId: number;
  type: PointsType;
  /** What the rule gives, before the daily cap; negative for a reversal (never capped). */
  points: number;
  /** The same key always counts once, however often and concurrently it is sent. */
  idempotencyKey: string;
  /** When the event happened: its local day and season decide the cap and the board. */
  occurredAt: Date;
  reason?: string | null;
  activityId?: number | null;
  participationId?: number | null;
  /** The admin behind an adjustment or a void; null for automatic awards. */
  createdBy?: number | null;
  /**
   * An automatic reversal (quit, cancellation): it takes back at most the
   * user's season total, so no rule drives a standing below zero, and nothing
   * once that season's `points` board is sealed (closing or archived) — it is
   * still recorded, with 0 points, so its retry is a no-op.
   */
  clampAtZero?: boolean;
  /**
   * A void's correction (voidUserPoints), not an award: it takes no daily cap
   * room even when positive (it undoes a net-negative day), and goes through
   * for a suspended user — voiding a suspended cheater is its purpose.
   */
  correction?: boolean;
  /**
   * An admin adjustment: refused (BAD_USER_INPUT, nothing written) when it
   * would take the user's season total on the `points` board beyond
   * ±{@link MAX_BOARD_SCORE}. Checked in the award statement itself (caps keep
   * every other award far below the bound).
   */
  boundSeasonTotal?: boolean;
}

/** What an award did; for a repeated key, what the first one did. */
export interface AwardOutcome {
  recordId: bigint;
  userId: number;
  type: PointsType;
  requested: number;
  /** Points granted: all of `requested`, the part under the daily cap, 0, or a negative reversal. */
  granted: number;
  seasonId: string;
  /** Local day, `YYYY-MM-DD`. */
  day: string;
  occurredAt: Date;
  reason: string | null;
  activityId: number | null;
  /** The admin behind an adjustment or a void. */
  createdBy: number | null;
  /** True when the key had been used: nothing changed and this is the earlier outcome. */
  duplicate: boolean;
  /** The standings this award committed, one per board it fed (the `points` board first among them); empty when it changed nothing. */
  changes: StandingChange[];
  /** Board periods this award created (their first write): their empty boards are whole. */
  newPeriods: string[];
}

/** A points_records row as the award statement and the history read it. */
export interface RecordRow {
  id: bigint;
  user_id: number;
  type: PointsType;
  requested: number;
  points: number;
  season_id: string;
  day: Date;
  occurred_at: Date;
  reason: string | null;
  activity_id: number | null;
  created_by: number | null;
}

/** The outcome of a stored record (`changes` and `newPeriods` only for the award that wrote it). */
export function outcomeOf(row: RecordRow, duplicate: boolean, changes: StandingChange[] = [], newPeriods: string[] = []): AwardOutcome {
  return {
    recordId: row.id,
    userId: row.user_id,
    type: row.type,
    requested: row.requested,
    granted: row.points,
    seasonId: row.season_id,
    day: row.day.toISOString().slice(0, 10),
    occurredAt: row.occurred_at,
    reason: row.reason,
    activityId: row.activity_id,
    createdBy: row.created_by,
    duplicate,
    changes,
    newPeriods,
  };
}

/** The record written under a key, if any. */
export async function findAward(db: Tx | Deps['db'], idempotencyKey: string): Promise<AwardOutcome | null> {
  // The key row names the record's partition, so the record is one index probe away.
  const [row] = await db.$queryRaw<RecordRow[]>`
    SELECT r.id, r.user_id, r.type, r.requested, r.points, r.season_id, r.day, r.occurred_at, r.reason, r.activity_id, r.created_by
    FROM points_idempotency_keys k JOIN points_records r ON r.id = k.record_id AND r.season_id = k.season_id
    WHERE k.idempotency_key = ${idempotencyKey}`;
  return row ? outcomeOf(row, true) : null;
}

/** A used idempotency key met by an award: it changed nothing. */
export class DuplicateAwardError extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`Points record ${idempotencyKey} exists`);
  }
}

/**
 * The SQLSTATE of a failed statement: pg's own error (a batch
 * sent directly, see award-batch.ts) or the cause inside a Prisma raw-query
 * error (an award in a transaction).
 */
function pgCode(error: unknown): string | undefined {
  if (error instanceof pg.DatabaseError) return error.code;
  return (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } })?.meta?.driverAdapterError?.cause?.originalCode;
}

interface AppliedRow extends RecordRow, BatchRow {
  /** JSON: the standings written, with their board's order. */
  changes: unknown;
  new_periods: string[] | null;
}

interface ChangeJson {
  ref: string;
  order: StandingChange['order'];
  score: string;
  ranked: boolean;
  seq: string;
  version: number;
}

/**
 * An award as apply_awards reads it (see its migration): the award as asked,
 * and what TypeScript works out from its event time and the rules — the local
 * day and season, the period ids and bounds of the boards it may feed, the
 * type's daily cap and which checks apply.
 */
function awardJson(input: AwardInput, timeZone: string): object {
  const day = localDay(input.occurredAt, timeZone);
  const seasonId = day.slice(0, 7);
  const periods = periodsOfEvent(day, timeZone);
  const cap = POINTS_RULES[input.type].dailyCap;
  const kind =
    input.points < 0 && input.clampAtZero ? 'reversal' : cap !== null && input.points > 0 && input.correction !== true ? 'capped' : 'plain';
  return {
    user_id: input.userId,
    type: input.type,
    points: input.points,
    key: input.idempotencyKey,
    season: seasonId,
    day,
    occurred_at: input.occurredAt.toISOString(),
    reason: input.reason ?? null,
    activity_id: input.activityId ?? null,
    participation_id: input.participationId ?? null,
    created_by: input.createdBy ?? null,
    kind,
    cap,
    check_suspended: input.points > 0 && input.correction !== true,
    // MAX_BOARD_SCORE is 2^53 - 1: exact as a JSON number.
    bound: input.boundSeasonTotal ? MAX_BOARD_SCORE : null,
    points_ref: pointsBoardRef(seasonId),
    daily: periods.DAILY.id,
    daily_start: periods.DAILY.startsAt,
    daily_end: periods.DAILY.endsAt,
    weekly: periods.WEEKLY.id,
    weekly_start: periods.WEEKLY.startsAt,
    weekly_end: periods.WEEKLY.endsAt,
    monthly: periods.MONTHLY.id,
    monthly_start: periods.MONTHLY.startsAt,
    monthly_end: periods.MONTHLY.endsAt,
  };
}

function changesOf(userId: number, json: unknown): StandingChange[] {
  const rows = (typeof json === 'string' ? JSON.parse(json) : json) as ChangeJson[] | null;
  return (rows ?? []).map((row) => ({
    ref: row.ref,
    order: row.order,
    userId,
    score: Number(row.score),
    ranked: row.ranked,
    seq: row.seq,
    version: row.version,
  }));
}

/**
 * An award's row from apply_awards as its outcome: the record it wrote, or
 * DuplicateAwardError for a used key, or the reason it was refused.
 */
async function outcomeOfRow(db: Tx | Deps['db'], input: AwardInput, row: AppliedRow | undefined): Promise<AwardOutcome> {
  if (row?.outcome === 'duplicate') throw new DuplicateAwardError(input.idempotencyKey);
  if (row?.outcome === 'refused') await explainRefusal(db, input);
  if (row?.outcome !== 'applied') throw new Error(`Points record ${input.idempotencyKey} was not written`);
  return outcomeOf(row, false, changesOf(input.userId, row.changes), row.new_periods ?? []);
}

/**
 * Applies one award inside the caller's transaction (`db` a transaction
 * client: a sign-in and its streak): apply_awards with a batch of one, on the
 * transaction's connection, through Prisma. The same function applies every
 * batch of {@link recordAward}, so there is one implementation of an award:
 * 1. refused, writing nothing, for a user who does not exist, a positive
 *    amount to a suspended user, an adjustment beyond the season total's bound;
 * 2. its idempotency key claimed first: a used key changes nothing;
 * 3. what the daily cap lets in (conditional upsert of the day's counter, under
 *    its row lock), or for an automatic reversal at most the season total;
 * 4. every POINTS board it feeds, their periods of the event time (created by
 *    the first award that needs one), and on each the score plus the grant
 *    with a fresh `board_seq` taken under the standing's row lock, so per user
 *    and board the seqs follow commit order (who reached a score first);
 * 5. the PointsRecord with its grant and the `points` board's seq. A grant of
 *    0 is recorded too, so its retry is a no-op, but leaves the standings alone.
 * @throws DuplicateAwardError when the key was used; the caller returns the first outcome.
 */
export async function applyAward(db: Tx | Deps['db'], timeZone: string, input: AwardInput): Promise<AwardOutcome> {
  const [row] = await db.$queryRaw<AppliedRow[]>(applyAwardsSql([awardJson(input, timeZone)]));
  return outcomeOfRow(db, input, row);
}

/**
 * Applies one award outside any transaction, batched with the awards this
 * process has waiting (award-batch.ts): committed together with them, in one
 * statement. A client without its own pool (a test double) applies it alone.
 */
async function applyBatched(db: Deps['db'], timeZone: string, input: AwardInput): Promise<AwardOutcome> {
  const pool = poolOf(db);
  if (!pool) return applyAward(db, timeZone, input);
  return outcomeOfRow(db, input, await submitAward<AppliedRow>(pool, awardJson(input, timeZone)));
}

/**
 * Why apply_awards refused an award, read only then (the award itself checks
 * in its statement): its key was used already (the first outcome is
 * returned, as for a unique violation), the user does not exist (NOT_FOUND),
 * is suspended (FORBIDDEN, with the reason), or the adjustment would pass the
 * season total's bound (BAD_USER_INPUT).
 */
async function explainRefusal(db: Tx | Deps['db'], input: AwardInput): Promise<void> {
  if (await findAward(db, input.idempotencyKey)) throw new DuplicateAwardError(input.idempotencyKey);
  const user = await db.user.findUnique({ where: { id: input.userId }, select: { suspendedAt: true, suspendedReason: true } });
  if (!user) throw notFound('There is no such user.');
  if (user.suspendedAt && input.points > 0 && input.correction !== true) {
    const why = user.suspendedReason ? ` (${user.suspendedReason})` : '';
    throw new AppError(ErrorCode.FORBIDDEN, `User ${input.userId} is suspended${why}: no points can be awarded to them.`, { reason: 'USER_SUSPENDED' });
  }
  if (input.boundSeasonTotal) throw badInput(`A season total must stay within ±${MAX_BOARD_SCORE} points.`, { field: 'points' });
}

type AwardDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'pubsub' | 'now' | 'boardCache'>;

const DEADLOCK_ATTEMPTS = 3;

/**
 * Runs an award and puts its committed standing on the board; for a used key,
 * returns the first outcome instead. apply_awards takes an award's key, then
 * its day's counter, then its standings in ref order, and a batch's awards in
 * user id order, so awards and batches do not deadlock one another; should a
 * batch or a transaction around an award (a sign-in) still lose a deadlock, it
 * was rolled back whole and each award in it is simply run again.
 */
async function settle(deps: AwardDeps, run: () => Promise<AwardOutcome>): Promise<AwardOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    let outcome: AwardOutcome;
    try {
      outcome = await run();
    } catch (error) {
      if (pgCode(error) === '40P01' && attempt < DEADLOCK_ATTEMPTS) continue;
      if (!(error instanceof DuplicateAwardError)) throw error;
      const existing = await findAward(deps.db, error.idempotencyKey);
      if (!existing) throw error;
      // Nothing changed; replacing the version anyway lets a retry heal a replacement the first attempt could not make.
      await replaceUserStateVersion(deps, existing.userId);
      return existing;
    }
    // Committed: the user's cached `myPoints` answers (every instance's) are not matched again. Issued beside
    // the board writes, not before them, so that (with the client's auto-pipelining) both leave in one write.
    const versionReplaced = replaceUserStateVersion(deps, outcome.userId);
    // Ready markers first: a new period's board is whole before its first standing lands.
    await publishNewPeriods(deps, outcome.newPeriods);
    await publishStandings(deps, outcome.changes);
    await versionReplaced;
    return outcome;
  }
}

/**
 * Awards points exactly once per idempotency key, within the daily cap of its
 * type, and updates every board it feeds: one SQL statement (shared with the
 * other awards this process has waiting, see award-batch.ts), then one Redis
 * round trip. The engine behind every award.
 */
export async function recordAward(deps: AwardDeps, input: AwardInput): Promise<AwardOutcome> {
  return settle(deps, () => applyBatched(deps.db, deps.config.timeZone, input));
}

/**
 * For awards that must commit together with another write (a sign-in and its
 * streak): runs `work` in one transaction, then settles it like
 * {@link recordAward}.
 */
export async function commitAward(deps: AwardDeps, work: (tx: Tx) => Promise<AwardOutcome>): Promise<AwardOutcome> {
  return settle(deps, () => deps.db.$transaction(work, { timeout: 15_000, maxWait: 10_000 }));
}
