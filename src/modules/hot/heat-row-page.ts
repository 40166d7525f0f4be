import type { Deps } from '../../lib/app-deps.js';
import { Prisma } from '../../infra/prisma.js';
import { VISIBLE_STATUSES, type HeatRow } from './hot-scoring.js';

/**
 * One keyset page of visible activities, the columns of `HEAT_ROW_SELECT` and
 * nothing else (`WHERE id > $afterId ORDER BY id LIMIT $batchSize`), read
 * with one raw query: the full recompute reads every visible activity, and
 * `findMany`'s query planning and row mapping were most of its cost per row.
 * The rows are the same `HeatRow`s, so scoring does not change.
 */
export async function readHeatPage(
  db: Deps['db'],
  input: { afterId: number; batchSize: number; category?: string | null },
): Promise<HeatRow[]> {
  const inCategory = input.category ? Prisma.sql`AND category = ${input.category}` : Prisma.empty;
  return db.$queryRaw<HeatRow[]>`
    SELECT id, category, status::text AS status, published_at AS "publishedAt", created_at AS "createdAt",
           participant_count AS "participantCount", favorite_count AS "favoriteCount", view_count AS "viewCount",
           check_in_count AS "checkInCount"
    FROM activities
    WHERE id > ${input.afterId} AND status = ANY(${[...VISIBLE_STATUSES]}::"ActivityStatus"[]) ${inCategory}
    ORDER BY id LIMIT ${input.batchSize}`;
}
