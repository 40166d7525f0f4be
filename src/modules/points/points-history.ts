import type { PointsType } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { badInput } from '../../lib/app-error.js';
import { isSeasonId } from '../../lib/calendar.js';
import { Prisma } from '../../infra/prisma.js';
import { outcomeOf, type AwardOutcome, type RecordRow } from './points.service.js';

/** A history cursor: the record id, in decimal. */
export const recordCursor = (record: AwardOutcome): string => String(record.recordId);

function parseCursor(cursor: string): bigint {
  if (!/^\d{1,19}$/.test(cursor) || BigInt(cursor) > 9_223_372_036_854_775_807n) throw badInput('This cursor is not a points history cursor.', { field: 'after' });
  return BigInt(cursor);
}

/**
 * One page of a user's points records, newest first (by record id: the order
 * they were written in), optionally of one season (one partition) and one type.
 * For resolveCursorConnection: `after` walks to older records, `before` to newer.
 */
export async function listPointsRecords(
  deps: Pick<Deps, 'db'>,
  input: { userId: number; seasonId?: string | null; type?: PointsType | null },
  page: { after?: string; before?: string; limit: number; inverted: boolean },
): Promise<AwardOutcome[]> {
  if (input.seasonId && !isSeasonId(input.seasonId)) throw badInput('season must be a season id such as 2026-11.', { field: 'season' });
  const conditions = [Prisma.sql`user_id = ${input.userId}`];
  if (input.seasonId) conditions.push(Prisma.sql`season_id = ${input.seasonId}`);
  if (input.type) conditions.push(Prisma.sql`type = ${input.type}::"PointsType"`);
  if (page.after) conditions.push(Prisma.sql`id < ${parseCursor(page.after)}`);
  if (page.before) conditions.push(Prisma.sql`id > ${parseCursor(page.before)}`);
  const direction = page.inverted ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const rows = await deps.db.$queryRaw<RecordRow[]>`
    SELECT id, user_id, type, requested, points, season_id, day, occurred_at, reason, activity_id, created_by
    FROM points_records WHERE ${Prisma.join(conditions, ' AND ')}
    ORDER BY id ${direction} LIMIT ${page.limit}`;
  return rows.map((row) => outcomeOf(row, false));
}

/**
 * One points record by id, for `node(id:)`: only to its user and to admins
 * (null to anyone else, as for a record that does not exist).
 */
export async function findPointsRecord(
  deps: Pick<Deps, 'db'>,
  input: { recordId: string; viewer: { id: number; role: string } | null },
): Promise<AwardOutcome | null> {
  if (!input.viewer || !/^\d{1,18}$/.test(input.recordId)) return null;
  const [row] = await deps.db.$queryRaw<RecordRow[]>`
    SELECT id, user_id, type, requested, points, season_id, day, occurred_at, reason, activity_id, created_by
    FROM points_records WHERE id = ${BigInt(input.recordId)}`;
  if (!row || (row.user_id !== input.viewer.id && input.viewer.role !== 'ADMIN')) return null;
  return outcomeOf(row, false);
}
