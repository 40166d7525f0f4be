import type { Db } from '../../infra/prisma.js';
import { lockPartition, partitionBound, partitionExists, seasonPartition } from '../../lib/partitions.js';

/**
 * Creates the season's partition of `season_archive` unless it exists.
 * Idempotent and safe when several workers try at once.
 * @returns true when this call created it.
 * @throws RangeError for a malformed season id (nothing is sent to PostgreSQL).
 */
export async function ensureArchivePartition(db: Db, seasonId: string): Promise<boolean> {
  const partition = seasonPartition('season_archive', seasonId);
  if (await partitionExists(db, partition)) return false;
  return db.$transaction(async (tx) => {
    await lockPartition(tx, partition);
    if (await partitionExists(tx, partition)) return false;
    await tx.$executeRawUnsafe(`CREATE TABLE "${partition.name}" PARTITION OF "season_archive" ${partitionBound(partition)}`);
    return true;
  });
}
