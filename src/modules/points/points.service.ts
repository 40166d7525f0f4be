import type { PointsType } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import type { Tx } from '../outbox/index.js';
import { Prisma } from '../../infra/prisma.js';
import { ensureSeason, publishStanding, type StandingChange } from '../leaderboards/index.js';
import { localDay } from '../../lib/calendar.js';
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
  /** True when the key had been used: nothing changed and this is the earlier outcome. */
  duplicate: boolean;
  /** The season standing this award committed; null when it changed nothing. */
  standing: StandingChange | null;
}

interface RecordRow {
  id: bigint;
  user_id: number;
  type: PointsType;
  requested: number;
  points: number;
  season_id: string;
  day: Date;
  occurred_at: Date;
  reason: string | null;
}

function outcomeOf(row: RecordRow, duplicate: boolean, standing: StandingChange | null): AwardOutcome {
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
    duplicate,
    standing,
  };
}

/** The record written under a key, if any. */
export async function findAward(db: Tx | Deps['db'], idempotencyKey: string): Promise<AwardOutcome | null> {
  // The key row names the record's partition, so the record is one index probe away.
  const [row] = await db.$queryRaw<RecordRow[]>`
    SELECT r.id, r.user_id, r.type, r.requested, r.points, r.season_id, r.day, r.occurred_at, r.reason
    FROM points_idempotency_keys k JOIN points_records r ON r.id = k.record_id AND r.season_id = k.season_id
    WHERE k.idempotency_key = ${idempotencyKey}`;
  return row ? outcomeOf(row, true, null) : null;
}

/**
 * The points this award may add: a positive award of a capped type goes
 * through the per-day counter, whose conditional upsert grants what still fits
 * under the cap (all, part or nothing) while holding the counter row's lock,
 * so concurrent awards can never exceed it. Anything else is granted as asked.
 */
function grantedCte(input: AwardInput, day: string): Prisma.Sql {
  const requested = Prisma.sql`${input.points}::int`;
  if (POINTS_RULES[input.type].dailyCap === null || input.points <= 0) return Prisma.sql`SELECT ${requested} AS granted`;
  const first = cappedPointsSql(input.type, requested, Prisma.sql`0`);
  const next = cappedPointsSql(input.type, requested, Prisma.sql`d.points`);
  return Prisma.sql`
    INSERT INTO daily_points AS d (user_id, day, type, points, last_granted)
    VALUES (${input.userId}, ${day}::date, ${input.type}::"PointsType", ${first}, ${first})
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

/** The PostgreSQL error behind a Prisma raw-query error, if any. */
function pgCause(error: unknown): { originalCode?: string; constraint?: { index?: string } } | undefined {
  return (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; constraint?: { index?: string } } } } })?.meta
    ?.driverAdapterError?.cause;
}

function isDuplicateKey(error: unknown): boolean {
  const cause = pgCause(error);
  return cause?.originalCode === '23505' && cause.constraint?.index === 'points_idempotency_keys_pkey';
}

/**
 * Applies one award in ONE statement (one round trip, atomic on its own or
 * inside the caller's transaction):
 * 1. `allowed`: what the daily cap lets in (conditional upsert of the day's counter);
 * 2. `standing`: the season total plus the grant, with a fresh `board_seq` taken
 *    in ON CONFLICT's SET, i.e. while holding the standing's row lock, so per
 *    user the seqs follow commit order (who reached a total first);
 * 3. `record`: the PointsRecord with its grant and seq;
 * 4. `claimed`: its idempotency key, inserted last. A used key fails this
 *    insert with a unique violation, which undoes steps 1–3 of the same
 *    statement: a repeated key changes nothing. A grant of 0 is recorded too,
 *    so its retry is a no-op, but leaves the standing alone. (The key has its
 *    own table because points_records is partitioned by season, and a unique
 *    index there would have to include the season.)
 * @throws DuplicateAwardError when the key was used; the caller returns the first outcome.
 */
export async function applyAward(db: Tx | Deps['db'], timeZone: string, input: AwardInput): Promise<AwardOutcome> {
  const day = localDay(input.occurredAt, timeZone);
  const seasonId = day.slice(0, 7);
  let applied: (RecordRow & { total: number | null; seq: bigint | null; version: number | null }) | undefined;
  try {
    [applied] = await db.$queryRaw<Array<RecordRow & { total: number | null; seq: bigint | null; version: number | null }>>`
      WITH allowed AS (${grantedCte(input, day)}),
      standing AS (
        INSERT INTO season_standings AS s (season_id, user_id, points, seq, version)
        SELECT ${seasonId}, ${input.userId}, granted, nextval('board_seq'), 1 FROM allowed WHERE granted <> 0
        ON CONFLICT (season_id, user_id) DO UPDATE
          SET points = s.points + excluded.points, seq = nextval('board_seq'), version = s.version + 1, updated_at = now()
        RETURNING points, seq, version
      ),
      record AS (
        INSERT INTO points_records (user_id, type, requested, points, seq, idempotency_key, season_id, day, occurred_at,
                                    reason, activity_id, participation_id)
        SELECT ${input.userId}, ${input.type}::"PointsType", ${input.points}, allowed.granted, standing.seq, ${input.idempotencyKey},
               ${seasonId}, ${day}::date, ${input.occurredAt}, ${input.reason ?? null}, ${input.activityId ?? null},
               ${input.participationId ?? null}
        FROM allowed LEFT JOIN standing ON true
        RETURNING id, user_id, type, requested, points, season_id, day, occurred_at, reason
      ),
      claimed AS (
        INSERT INTO points_idempotency_keys (idempotency_key, record_id, season_id)
        SELECT ${input.idempotencyKey}, record.id, record.season_id FROM record
        RETURNING record_id
      )
      SELECT record.*, standing.points AS total, standing.seq, standing.version
      FROM record JOIN claimed ON claimed.record_id = record.id LEFT JOIN standing ON true`;
  } catch (error) {
    if (isDuplicateKey(error)) throw new DuplicateAwardError(input.idempotencyKey);
    throw error;
  }
  if (!applied) throw new Error(`Points record ${input.idempotencyKey} was not written`);

  const standing: StandingChange | null =
    applied.total !== null && applied.seq !== null && applied.version !== null
      ? { seasonId, userId: input.userId, points: applied.total, seq: Number(applied.seq), version: applied.version }
      : null;
  return outcomeOf(applied, false, standing);
}

type AwardDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'pubsub' | 'now' | 'seasonCache'>;

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
      if (pgCause(error)?.originalCode === '40P01' && attempt < DEADLOCK_ATTEMPTS) continue;
      if (!(error instanceof DuplicateAwardError)) throw error;
      const existing = await findAward(deps.db, error.idempotencyKey);
      if (!existing) throw error;
      return existing;
    }
    if (outcome.standing) await publishStanding(deps, outcome.standing);
    return outcome;
  }
}

/**
 * Awards points exactly once per idempotency key, within the daily cap of its
 * type, and updates the season board: one SQL statement, then one Redis call.
 * The engine behind every award.
 */
export async function recordAward(deps: AwardDeps, input: AwardInput): Promise<AwardOutcome> {
  await ensureSeason(deps, localDay(input.occurredAt, deps.config.timeZone).slice(0, 7));
  return settle(deps, () => applyAward(deps.db, deps.config.timeZone, input));
}

/**
 * For awards that must commit together with another write (a sign-in and its
 * streak): runs `work` in one transaction, then settles it like
 * {@link recordAward}. The season of `occurredAt` is created first if needed.
 */
export async function commitAward(deps: AwardDeps, occurredAt: Date, work: (tx: Tx) => Promise<AwardOutcome>): Promise<AwardOutcome> {
  await ensureSeason(deps, localDay(occurredAt, deps.config.timeZone).slice(0, 7));
  return settle(deps, () => deps.db.$transaction(work, { timeout: 15_000, maxWait: 10_000 }));
}
