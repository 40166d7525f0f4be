import type { Db } from '../../infra/prisma.js';
import { lockPartition, partitionBound, partitionExists, seasonPartition } from '../../lib/partitions.js';

/**
 * Creates the month's partition of `board_archive` (`board_archive_YYYY_MM`,
 * holding every board period that began in that month) unless it exists.
 * Idempotent and safe when several workers try at once.
 * @returns true when this call created it.
 * @throws RangeError for a malformed month (nothing is sent to PostgreSQL).
 */
export async function ensureArchivePartition(db: Db, month: string): Promise<boolean> {
  const partition = seasonPartition('board_archive', month);
  if (await partitionExists(db, partition)) return false;
  return db.$transaction(async (tx) => {
    await lockPartition(tx, partition);
    if (await partitionExists(tx, partition)) return false;
    await tx.$executeRawUnsafe(`CREATE TABLE "${partition.name}" PARTITION OF "board_archive" ${partitionBound(partition)}`);
    return true;
  });
}
