import type { Db } from '../../infra/prisma.js';
import type { BatchOutcome } from './fan-out.js';

/** One row of a batch statement's summary. */
interface BatchRow {
  read: number;
  last_key: number | null;
  ids: number[] | null;
  user_ids: number[] | null;
}

/** Turns a batch statement's summary row into a {@link BatchOutcome}. */
export function batchOutcome(rows: readonly BatchRow[]): BatchOutcome {
  const [row] = rows;
  if (!row) return { read: 0, lastKey: null, inserted: [] };
  const ids = row.ids ?? [];
  const userIds = row.user_ids ?? [];
  return { read: row.read, lastKey: row.last_key, inserted: ids.map((id, index) => ({ id, userId: userIds[index] ?? 0 })) };
}

/** What every recipient of an activity fan-out gets. */
export interface ActivityNotificationRow {
  kind: 'ACTIVITY_CANCELLED' | 'ACTIVITY_RESCHEDULED';
  dedupeKey: string;
  title: string;
  body: string;
  activityId: number;
  reason: string | null;
  createdAt: Date;
}

/**
 * One batch of an activity fan-out: the activity's participation rows,
 * whatever their status (seated, waitlisted…), read at fan-out time, keyset
 * by user id (the (activity_id, user_id) unique index), inserted in the same
 * statement. The batch CTE is read twice, so PostgreSQL materializes it once.
 */
export async function participantsBatch(db: Db, row: ActivityNotificationRow, after: number, limit: number): Promise<BatchOutcome> {
  return batchOutcome(
    await db.$queryRaw<BatchRow[]>`
      WITH batch AS MATERIALIZED (
        SELECT user_id FROM participations
        WHERE activity_id = ${row.activityId} AND user_id > ${after}
        ORDER BY user_id LIMIT ${limit}
      ), inserted AS (
        INSERT INTO notifications (user_id, kind, dedupe_key, title, body, activity_id, reason, created_at)
        SELECT user_id, ${row.kind}::"NotificationKind", ${row.dedupeKey}, ${row.title}, ${row.body}, ${row.activityId}, ${row.reason}, ${row.createdAt}
        FROM batch
        ON CONFLICT (user_id, dedupe_key) DO NOTHING
        RETURNING id, user_id
      )
      SELECT (SELECT count(*)::int FROM batch) AS read,
             (SELECT max(user_id) FROM batch) AS last_key,
             (SELECT array_agg(id ORDER BY user_id) FROM inserted) AS ids,
             (SELECT array_agg(user_id ORDER BY user_id) FROM inserted) AS user_ids`,
  );
}

/** What every member of an ended season gets; the body (rank, score) is per member. */
export interface SeasonNotificationRow {
  seasonId: string;
  periodRef: string;
  dedupeKey: string;
  title: string;
  members: number;
  createdAt: Date;
}

/**
 * One batch of a season-ended fan-out: places of the final board in
 * board_archive, keyset by rank (its primary key). Members whose account is
 * gone are skipped (the archive keeps them; notifications reference users).
 */
export async function seasonBatch(db: Db, row: SeasonNotificationRow, after: number, limit: number): Promise<BatchOutcome> {
  return batchOutcome(
    await db.$queryRaw<BatchRow[]>`
      WITH batch AS MATERIALIZED (
        SELECT rank, user_id, score FROM board_archive
        WHERE month = ${row.seasonId} AND period_ref = ${row.periodRef} AND rank > ${after}
        ORDER BY rank LIMIT ${limit}
      ), inserted AS (
        INSERT INTO notifications (user_id, kind, dedupe_key, title, body, period_ref, rank, created_at)
        SELECT b.user_id, 'SEASON_ENDED'::"NotificationKind", ${row.dedupeKey}, ${row.title},
               'You finished #' || b.rank || ' of ' || ${row.members}::int || ' with ' || b.score
                 || CASE WHEN b.score = 1 THEN ' point.' ELSE ' points.' END,
               ${row.periodRef}, b.rank, ${row.createdAt}
        FROM batch b JOIN users u ON u.id = b.user_id
        ON CONFLICT (user_id, dedupe_key) DO NOTHING
        RETURNING id, user_id
      )
      SELECT (SELECT count(*)::int FROM batch) AS read,
             (SELECT max(rank) FROM batch) AS last_key,
             (SELECT array_agg(id ORDER BY user_id) FROM inserted) AS ids,
             (SELECT array_agg(user_id ORDER BY user_id) FROM inserted) AS user_ids`,
  );
}

/** A notification for one user (an organizer, a promoted person). */
export interface SingleNotificationRow {
  userId: number;
  kind: 'ACTIVITY_FULL' | 'WAITLIST_PROMOTED';
  dedupeKey: string;
  title: string;
  body: string;
  activityId: number;
  createdAt: Date;
}

/** Inserts one notification unless its dedupe key exists; returns its id when this call wrote it. */
export async function insertOne(db: Db, row: SingleNotificationRow): Promise<number | null> {
  const rows = await db.$queryRaw<Array<{ id: number }>>`
    INSERT INTO notifications (user_id, kind, dedupe_key, title, body, activity_id, created_at)
    VALUES (${row.userId}, ${row.kind}::"NotificationKind", ${row.dedupeKey}, ${row.title}, ${row.body}, ${row.activityId}, ${row.createdAt})
    ON CONFLICT (user_id, dedupe_key) DO NOTHING
    RETURNING id`;
  return rows[0]?.id ?? null;
}
