import type { Prisma } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { heatOrderedActivityIds } from '../hot/index.js';

/** What Pothos's prismaConnection passes for one page: cursor by id, skip, and take (+1 to detect a next page). */
interface PageQuery {
  cursor?: { id?: number };
  skip?: number;
  take?: number;
  [key: string]: unknown;
}

/** Ids of the ranked activities that match `where`, in the hot board's order. */
async function heatOrderedMatches(deps: Deps, input: { where: Prisma.ActivityWhereInput; category: string | null }): Promise<number[]> {
  const ranked = await heatOrderedActivityIds(deps, { category: input.category, offset: 0, limit: deps.config.hot.boardSize });
  const allowed = new Set(
    (await deps.db.activity.findMany({ where: { AND: [{ id: { in: ranked } }, input.where] }, select: { id: true } })).map((row) => row.id),
  );
  return ranked.filter((id) => allowed.has(id));
}

/**
 * `activities(orderBy: HEAT) { totalCount }`: only ranked activities are in
 * that list, so its total is the ranked matches, not every matching row.
 */
export async function countByHeat(deps: Deps, input: { where: Prisma.ActivityWhereInput; category: string | null }): Promise<number> {
  return (await heatOrderedMatches(deps, input)).length;
}

/**
 * `activities(orderBy: HEAT)`: the page is cut from the hot board's order
 * (which lives in Redis, not in a column), keeping id cursors: a cursor is
 * the position of its activity in that order. Filters still apply, through
 * one query over the ranked ids.
 */
export async function findByHeat(
  deps: Deps,
  input: { query: PageQuery; where: Prisma.ActivityWhereInput; category: string | null },
) {
  const { cursor, skip = 0, take = 20, ...selection } = input.query;
  const ordered = await heatOrderedMatches(deps, input);

  let start = 0;
  if (cursor) {
    const at = cursor.id === undefined ? -1 : ordered.indexOf(cursor.id);
    if (at === -1) return [];
    start = at;
  }
  // Prisma semantics: a negative take reads backwards from the cursor.
  const page = take >= 0 ? ordered.slice(start + skip, start + skip + take) : ordered.slice(Math.max(0, start - skip + take + 1), start - skip + 1);
  const rows = await deps.db.activity.findMany({ ...selection, where: { id: { in: page } } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return page.map((id) => byId.get(id)).filter((row) => row !== undefined);
}
