import type { Deps } from '../../lib/app-deps.js';
import type { Db } from '../../infra/prisma.js';
import { nextSeasonId, seasonIdAt } from '../../lib/calendar.js';
import { lockPartition, partitionBound, partitionExists, seasonPartition } from '../../lib/partitions.js';

/** Seasons after the current one whose points partitions are kept ready. */
export const POINTS_PARTITIONS_AHEAD = 3;

/**
 * Creates the season's partition of `points_records` unless it exists.
 *
 * Records of a season without a partition went to `points_records_default`.
 * PostgreSQL refuses a new partition while the DEFAULT one holds rows that
 * belong to it, so those rows are moved: a plain table is filled with them
 * and attached as the partition, all in one transaction. Awards wait for it
 * (the parent is locked, at most 5 s); normally the partition is created
 * months ahead and the DEFAULT partition is empty.
 * @returns whether it was created, and how many records were moved into it.
 * @throws RangeError for a malformed season id (nothing is sent to PostgreSQL).
 */
export async function ensurePointsPartition(db: Db, seasonId: string): Promise<{ created: boolean; moved: number }> {
  const partition = seasonPartition('points_records', seasonId);
  if (await partitionExists(db, partition)) return { created: false, moved: 0 };
  return db.$transaction(
    async (tx) => {
      await lockPartition(tx, partition);
      if (await partitionExists(tx, partition)) return { created: false, moved: 0 };
      await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '5s'`);
      // Inserts into the DEFAULT partition must not slip in between the move and the attach.
      await tx.$executeRawUnsafe('LOCK TABLE "points_records" IN ACCESS EXCLUSIVE MODE');
      const [waiting] = await tx.$queryRaw<Array<{ n: bigint }>>`
        SELECT count(*) AS n FROM points_records_default WHERE season_id = ${seasonId}`;
      const moved = Number(waiting?.n ?? 0);
      if (moved === 0) {
        await tx.$executeRawUnsafe(`CREATE TABLE "${partition.name}" PARTITION OF "points_records" ${partitionBound(partition)}`);
        return { created: true, moved };
      }
      await tx.$executeRawUnsafe(`CREATE TABLE "${partition.name}" (LIKE "points_records" INCLUDING DEFAULTS)`);
      await tx.$executeRawUnsafe(
        `WITH moved AS (DELETE FROM "points_records_default" WHERE season_id = $1 RETURNING *)
         INSERT INTO "${partition.name}" SELECT * FROM moved`,
        seasonId,
      );
      await tx.$executeRawUnsafe(`ALTER TABLE "points_records" ATTACH PARTITION "${partition.name}" ${partitionBound(partition)}`);
      return { created: true, moved };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/**
 * Makes sure the season of `at` and the next {@link POINTS_PARTITIONS_AHEAD}
 * have their points partitions, so awards never land in the DEFAULT one.
 * @returns the seasons whose partition was created now.
 */
export async function ensureUpcomingPointsPartitions(deps: Pick<Deps, 'db' | 'config' | 'logger'>, at: Date): Promise<string[]> {
  const created: string[] = [];
  let seasonId = seasonIdAt(at, deps.config.timeZone);
  for (let index = 0; index <= POINTS_PARTITIONS_AHEAD; index += 1) {
    const result = await ensurePointsPartition(deps.db, seasonId);
    if (result.created) {
      created.push(seasonId);
      deps.logger.info({ seasonId, moved: result.moved }, 'created a points_records partition');
    }
    seasonId = nextSeasonId(seasonId);
  }
  return created;
}
