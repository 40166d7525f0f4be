import pg from 'pg';
import type { PointsType } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import type { Tx } from '../outbox/index.js';
import { queryDirect } from '../../infra/direct-sql.js';
import { Prisma, poolOf } from '../../infra/prisma.js';
import { MAX_BOARD_SCORE, publishNewPeriods, publishStandings, pointsBoardRef, type StandingChange } from '../leaderboards/index.js';
import { AppError, badInput, ErrorCode, notFound } from '../../lib/app-error.js';
import { localDay } from '../../lib/calendar.js';
import { replaceUserStateVersion } from '../../lib/user-state-version.js';
import { periodsOfEvent } from '../../lib/periods.js';
import { cappedPointsSql, POINTS_RULES } from './points-rules.js';

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

/**
 * The points this award may add: a positive award of a capped type goes
 * through the per-day counter, whose conditional upsert grants what still fits
 * under the cap (all, part or nothing) while holding the counter row's lock,
 * so concurrent awards can never exceed it. An automatic reversal takes at
 * most the season total, read under the standing's row lock (so concurrent
 * reversals cannot both take the same points), and nothing from a sealed
 * season. Anything else is granted as asked.
 *
 * No row at all (so the whole statement writes nothing) for a user who does
 * not exist, for a positive amount to a suspended user, and for an adjustment
 * beyond the season total's bound: these are checked in the same statement
 * as the grant, not in round trips beside it.
 */
function grantedCte(input: AwardInput, day: string): Prisma.Sql {
  const requested = Prisma.sql`${input.points}::int`;
  if (input.points < 0 && input.clampAtZero) {
    const ref = pointsBoardRef(day.slice(0, 7));
    return Prisma.sql`
      SELECT CASE WHEN EXISTS (SELECT 1 FROM board_periods WHERE ref = ${ref} AND state <> 'CURRENT') THEN 0
                  ELSE GREATEST(${requested}::bigint, -GREATEST(COALESCE(
                         (SELECT score FROM board_standings WHERE period_ref = ${ref} AND user_id = ${input.userId} FOR UPDATE), 0), 0))::int
             END AS granted`;
  }
  const notSuspended = input.points > 0 && input.correction !== true ? Prisma.sql`AND suspended_at IS NULL` : Prisma.empty;
  const withinBound = input.boundSeasonTotal
    ? Prisma.sql`AND abs(COALESCE((SELECT score FROM board_standings WHERE period_ref = ${pointsBoardRef(day.slice(0, 7))} AND user_id = ${input.userId}), 0)
                     + ${input.points}::bigint) <= ${MAX_BOARD_SCORE}::bigint`
    : Prisma.empty;
  const mayReceive = Prisma.sql`EXISTS (SELECT 1 FROM users WHERE id = ${input.userId} ${notSuspended}) ${withinBound}`;
  if (POINTS_RULES[input.type].dailyCap === null || input.points <= 0 || input.correction === true) {
    return Prisma.sql`SELECT ${requested} AS granted WHERE ${mayReceive}`;
  }
  const first = cappedPointsSql(input.type, requested, Prisma.sql`0`);
  const next = cappedPointsSql(input.type, requested, Prisma.sql`d.points`);
  return Prisma.sql`
    INSERT INTO daily_points AS d (user_id, day, type, points, last_granted)
    SELECT ${input.userId}, ${day}::date, ${input.type}::"PointsType", ${first}, ${first} WHERE ${mayReceive}
    ON CONFLICT (user_id, day, type) DO UPDATE
      SET points = d.points + ${next}, last_granted = ${next}
    RETURNING last_granted AS granted`;
}

/** A used idempotency key met inside a statement; the statement (and its transaction) changed nothing. */
export class DuplicateAwardError extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`Points record ${idempotencyKey} exists`);
  }
}

/**
 * The PostgreSQL error behind a failed statement: pg's own error (a statement
 * sent directly, see runAwardStatement) or the cause inside a Prisma
 * raw-query error.
 */
function pgCause(error: unknown): { code?: string; constraint?: string } | undefined {
  if (error instanceof pg.DatabaseError) return { code: error.code, constraint: error.constraint };
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; constraint?: { index?: string } } } } })?.meta
    ?.driverAdapterError?.cause;
  return cause ? { code: cause.originalCode, constraint: cause.constraint?.index } : undefined;
}

function isDuplicateKey(error: unknown): boolean {
  const cause = pgCause(error);
  return cause?.code === '23505' && cause.constraint === 'points_idempotency_keys_pkey';
}

interface AppliedRow extends RecordRow {
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
 * Every POINTS board this award feeds, with the ref of the period its event
 * time falls in: active boards that take its type, and are global, of its
 * activity's category, or of its activity (a tournament board: entries come
 * from its participants' JOIN and CHECK_IN points, not from hosting it).
 */
function boardsCte(input: AwardInput, periods: ReturnType<typeof periodsOfEvent>): Prisma.Sql {
  const activityId = input.activityId ?? null;
  return Prisma.sql`
    SELECT b.id, b.sort_order, b.period, b.created_at,
           b.key || '/' || CASE b.period WHEN 'DAILY' THEN ${periods.DAILY.id} WHEN 'WEEKLY' THEN ${periods.WEEKLY.id}
                                         WHEN 'MONTHLY' THEN ${periods.MONTHLY.id} ELSE 'all' END AS ref
    FROM leaderboards b
    WHERE b.source = 'POINTS' AND b.state = 'ACTIVE'
      AND (cardinality(b.point_types) = 0 OR ${input.type}::"PointsType" = ANY(b.point_types))
      AND (b.scope = 'GLOBAL'
           OR (b.scope = 'CATEGORY' AND b.category = (SELECT a.category FROM activities a WHERE a.id = ${activityId}::int))
           OR (b.scope = 'ACTIVITY' AND b.activity_id = ${activityId}::int AND ${input.type}::"PointsType" <> 'HOST_ACTIVITY'))`;
}

/** The period rows of the fed boards, created here when this is their first award (bounds computed in TypeScript). */
function periodsCte(periods: ReturnType<typeof periodsOfEvent>): Prisma.Sql {
  const bound = (kind: 'DAILY' | 'WEEKLY' | 'MONTHLY', edge: 'startsAt' | 'endsAt') => periods[kind][edge];
  return Prisma.sql`
    INSERT INTO board_periods (ref, board_id, period_id, starts_at, ends_at)
    SELECT boards.ref, boards.id, substr(boards.ref, length(boards.ref) - position('/' IN reverse(boards.ref)) + 2),
           CASE boards.period WHEN 'DAILY' THEN ${bound('DAILY', 'startsAt')}::timestamptz WHEN 'WEEKLY' THEN ${bound('WEEKLY', 'startsAt')}::timestamptz
                              WHEN 'MONTHLY' THEN ${bound('MONTHLY', 'startsAt')}::timestamptz ELSE boards.created_at END,
           CASE boards.period WHEN 'DAILY' THEN ${bound('DAILY', 'endsAt')}::timestamptz WHEN 'WEEKLY' THEN ${bound('WEEKLY', 'endsAt')}::timestamptz
                              WHEN 'MONTHLY' THEN ${bound('MONTHLY', 'endsAt')}::timestamptz END
    FROM boards, allowed WHERE allowed.granted <> 0
    ON CONFLICT DO NOTHING
    RETURNING ref`;
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
 * The award statement outside a transaction goes straight to the client's pg
 * pool: Prisma's raw-query pipeline around it (argument mapping, its
 * interpreter, spans, result conversion) was ~10% of an award's server CPU in
 * a profile of the award benchmark. Inside a transaction it must run on the
 * transaction's connection, so it goes through Prisma there.
 */
function runAwardStatement<T>(db: Tx | Deps['db'], sql: Prisma.Sql): Promise<T[]> {
  const pool = poolOf(db);
  return pool ? queryDirect<T>(pool, sql, { prepare: true }) : db.$queryRaw<T[]>(sql);
}

/**
 * Applies one award in ONE statement (one round trip, atomic on its own or
 * inside the caller's transaction):
 * 1. `allowed`: what the daily cap lets in (conditional upsert of the day's counter);
 * 2. `boards` and `periods`: every POINTS board the award feeds, and their
 *    periods of the event time (created by the first award that needs one);
 * 3. `standing`: on each, the score plus the grant, with a fresh `board_seq`
 *    taken in ON CONFLICT's SET, i.e. while holding the standing's row lock,
 *    so per user and board the seqs follow commit order (who reached a score
 *    first). Rows are written in ref order, so awards lock in the same order;
 * 4. `record`: the PointsRecord with its grant and the `points` board's seq;
 * 5. `claimed`: its idempotency key, inserted last. A used key fails this
 *    insert with a unique violation, which undoes steps 1–4 of the same
 *    statement: a repeated key changes nothing. A grant of 0 is recorded too,
 *    so its retry is a no-op, but leaves the standings alone. (The key has its
 *    own table because points_records is partitioned by season, and a unique
 *    index there would have to include the season.)
 * @throws DuplicateAwardError when the key was used; the caller returns the first outcome.
 */
export async function applyAward(db: Tx | Deps['db'], timeZone: string, input: AwardInput): Promise<AwardOutcome> {
  const day = localDay(input.occurredAt, timeZone);
  const seasonId = day.slice(0, 7);
  const periods = periodsOfEvent(day, timeZone);
  let applied: AppliedRow | undefined;
  try {
    [applied] = await runAwardStatement<AppliedRow>(db, Prisma.sql`
      WITH allowed AS (${grantedCte(input, day)}),
      boards AS (${boardsCte(input, periods)}),
      periods AS (${periodsCte(periods)}),
      standing AS (
        INSERT INTO board_standings AS s (period_ref, user_id, score, ranked, seq, version)
        SELECT boards.ref, ${input.userId}, allowed.granted, true, nextval('board_seq'), 1
        FROM allowed, boards WHERE allowed.granted <> 0 ORDER BY boards.ref
        ON CONFLICT (period_ref, user_id) DO UPDATE
          SET score = s.score + excluded.score, ranked = s.score + excluded.score <> 0, seq = nextval('board_seq'),
              version = s.version + 1, updated_at = now()
        RETURNING period_ref, score, ranked, seq, version
      ),
      record AS (
        INSERT INTO points_records (user_id, type, requested, points, seq, idempotency_key, season_id, day, occurred_at,
                                    reason, activity_id, participation_id, created_by)
        SELECT ${input.userId}, ${input.type}::"PointsType", ${input.points}, allowed.granted,
               (SELECT seq FROM standing WHERE period_ref = ${pointsBoardRef(seasonId)}), ${input.idempotencyKey},
               ${seasonId}, ${day}::date, ${input.occurredAt}, ${input.reason ?? null}, ${input.activityId ?? null},
               ${input.participationId ?? null}, ${input.createdBy ?? null}
        FROM allowed
        RETURNING id, user_id, type, requested, points, season_id, day, occurred_at, reason, activity_id, created_by
      ),
      claimed AS (
        INSERT INTO points_idempotency_keys (idempotency_key, record_id, season_id)
        SELECT ${input.idempotencyKey}, record.id, record.season_id FROM record
        RETURNING record_id
      )
      SELECT record.*,
        (SELECT json_agg(json_build_object('ref', st.period_ref, 'order', boards.sort_order, 'score', st.score::text,
                                           'ranked', st.ranked, 'seq', st.seq::text, 'version', st.version) ORDER BY st.period_ref)
         FROM standing st JOIN boards ON boards.ref = st.period_ref) AS changes,
        (SELECT array_agg(ref) FROM periods) AS new_periods
      FROM record JOIN claimed ON claimed.record_id = record.id`);
  } catch (error) {
    if (isDuplicateKey(error)) throw new DuplicateAwardError(input.idempotencyKey);
    throw error;
  }
  if (!applied) await explainRefusal(db, input);
  if (!applied) throw new Error(`Points record ${input.idempotencyKey} was not written`);
  return outcomeOf(applied, false, changesOf(input.userId, applied.changes), applied.new_periods ?? []);
}

/**
 * Why an award statement wrote nothing, read only then (the award itself
 * checks in one statement): its key was used already (the first outcome is
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
 * returns the first outcome instead. Every award locks the day's counter, then
 * the standing, then its key, so awards do not deadlock one another; should a
 * transaction around one (a sign-in) still lose a deadlock, it was rolled back
 * whole and is simply run again.
 */
async function settle(deps: AwardDeps, run: () => Promise<AwardOutcome>): Promise<AwardOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    let outcome: AwardOutcome;
    try {
      outcome = await run();
    } catch (error) {
      if (pgCause(error)?.code === '40P01' && attempt < DEADLOCK_ATTEMPTS) continue;
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
 * type, and updates every board it feeds: one SQL statement, then one Redis
 * round trip. The engine behind every award.
 */
export async function recordAward(deps: AwardDeps, input: AwardInput): Promise<AwardOutcome> {
  return settle(deps, () => applyAward(deps.db, deps.config.timeZone, input));
}

/**
 * For awards that must commit together with another write (a sign-in and its
 * streak): runs `work` in one transaction, then settles it like
 * {@link recordAward}.
 */
export async function commitAward(deps: AwardDeps, work: (tx: Tx) => Promise<AwardOutcome>): Promise<AwardOutcome> {
  return settle(deps, () => deps.db.$transaction(work, { timeout: 15_000, maxWait: 10_000 }));
}
