import type { PointsType } from '../../generated/prisma/client.js';
import { badInput } from '../../graphql/errors.js';
import type { Deps } from '../../infra/deps.js';
import type { Tx } from '../../infra/events.js';
import { Prisma } from '../../infra/prisma.js';
import { MAX_BOARD_POINTS } from '../leaderboards/board-score.js';
import { publishStanding, type StandingChange } from '../leaderboards/board-sync.js';
import { localDay } from '../leaderboards/season-calendar.js';
import { ensureSeason } from '../leaderboards/seasons.service.js';
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
  const [row] = await db.$queryRaw<RecordRow[]>`
    SELECT id, user_id, type, requested, points, season_id, day, occurred_at, reason
    FROM points_records WHERE idempotency_key = ${idempotencyKey}`;
  return row ? outcomeOf(row, true, null) : null;
}

/**
 * The points this award may add: a positive award of a capped type goes
 * through the per-day counter, whose conditional upsert grants what still fits
 * under the cap (all, part or nothing) while holding the counter row's lock,
 * so concurrent awards can never exceed it. Anything else is granted as asked.
 */
function grantedCte(input: AwardInput, day: string): Prisma.Sql {
  const cap = POINTS_RULES[input.type].dailyCap;
  if (cap === null || input.points <= 0) return Prisma.sql`SELECT ${input.points}::int AS granted`;
  return Prisma.sql`
    INSERT INTO daily_points AS d (user_id, day, type, points, last_granted)
    VALUES (${input.userId}, ${day}::date, ${input.type}::"PointsType", LEAST(${input.points}::int, ${cap}::int),
            LEAST(${input.points}::int, ${cap}::int))
    ON CONFLICT (user_id, day, type) DO UPDATE
      SET points = d.points + LEAST(${input.points}::int, GREATEST(${cap}::int - d.points, 0)),
          last_granted = LEAST(${input.points}::int, GREATEST(${cap}::int - d.points, 0))
    RETURNING last_granted AS granted`;
}

/**
 * Applies one award inside the caller's transaction:
 * 1. insert the record, `ON CONFLICT (idempotency_key) DO NOTHING` — a used
 *    key returns the first outcome and changes nothing;
 * 2. one statement: grant what the daily cap allows, add it to the season
 *    standing with a fresh `board_seq` (taken under the standing's row lock,
 *    so per user seqs follow commit order), and store grant and seq on the record.
 * The caller publishes `standing` to Redis after commit ({@link commitAward}).
 */
export async function applyAward(tx: Tx, timeZone: string, input: AwardInput): Promise<AwardOutcome> {
  const day = localDay(input.occurredAt, timeZone);
  const seasonId = day.slice(0, 7);
  const [inserted] = await tx.$queryRaw<RecordRow[]>`
    INSERT INTO points_records (user_id, type, requested, points, idempotency_key, season_id, day, occurred_at,
                                reason, activity_id, participation_id)
    VALUES (${input.userId}, ${input.type}::"PointsType", ${input.points}, 0, ${input.idempotencyKey}, ${seasonId},
            ${day}::date, ${input.occurredAt}, ${input.reason ?? null}, ${input.activityId ?? null}, ${input.participationId ?? null})
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, user_id, type, requested, points, season_id, day, occurred_at, reason`;
  if (!inserted) {
    const existing = await findAward(tx, input.idempotencyKey);
    if (!existing) throw new Error(`Points record ${input.idempotencyKey} conflicted but cannot be read`);
    return existing;
  }

  const [applied] = await tx.$queryRaw<Array<{ granted: number; points: number | null; seq: bigint | null; version: number | null }>>`
    WITH allowed AS (${grantedCte(input, day)}),
    standing AS (
      INSERT INTO season_standings AS s (season_id, user_id, points, seq, version)
      SELECT ${seasonId}, ${input.userId}, granted, nextval('board_seq'), 1 FROM allowed WHERE granted <> 0
      ON CONFLICT (season_id, user_id) DO UPDATE
        SET points = s.points + excluded.points, seq = nextval('board_seq'), version = s.version + 1, updated_at = now()
      RETURNING points, seq, version
    ),
    record AS (
      UPDATE points_records r SET points = allowed.granted, seq = standing.seq
      FROM allowed LEFT JOIN standing ON true WHERE r.id = ${inserted.id}
    )
    SELECT allowed.granted, standing.points, standing.seq, standing.version FROM allowed LEFT JOIN standing ON true`;
  if (!applied) throw new Error(`Points record ${input.idempotencyKey} was not applied`);

  let standing: StandingChange | null = null;
  if (applied.points !== null && applied.seq !== null && applied.version !== null) {
    // Only admin adjustments can get here; throwing rolls the award back.
    if (Math.abs(applied.points) > MAX_BOARD_POINTS) {
      throw badInput(`A season total must stay within ±${MAX_BOARD_POINTS} points.`);
    }
    standing = { seasonId, userId: input.userId, points: applied.points, seq: Number(applied.seq), version: applied.version };
  }
  return outcomeOf({ ...inserted, points: applied.granted }, false, standing);
}

/**
 * Runs award work in one transaction (the season of `occurredAt` is created
 * first if needed), then puts the committed standing on the Redis board.
 */
export async function commitAward<T extends AwardOutcome>(
  deps: Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config'>,
  occurredAt: Date,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  await ensureSeason(deps, localDay(occurredAt, deps.config.timeZone).slice(0, 7));
  const outcome = await deps.db.$transaction(work, { timeout: 15_000, maxWait: 10_000 });
  if (outcome.standing) await publishStanding(deps, outcome.standing);
  return outcome;
}

/**
 * Awards points exactly once per idempotency key, within the daily cap of its
 * type, and updates the season board. The engine behind every award.
 */
export function recordAward(deps: Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config'>, input: AwardInput): Promise<AwardOutcome> {
  return commitAward(deps, input.occurredAt, (tx) => applyAward(tx, deps.config.timeZone, input));
}
