import type { Db } from '../infra/prisma.js';
import { isSeasonId } from './calendar.js';

/**
 * Tables partitioned by LIST on a month (`YYYY-MM`): one partition per month,
 * named `<table>_YYYY_MM`. `points_records` by its season (the month of the
 * event), `board_archive` by the month each archived board period began, so
 * every period kind (daily to monthly) shares one partition a month. DDL
 * cannot take bind parameters, so the partition's name and bound are built
 * here, and only from an id that passed {@link isSeasonId}: no other string
 * ever reaches the SQL text.
 */
export type SeasonPartitionedTable = 'board_archive' | 'points_records';

/** One month's partition of a table. */
export interface SeasonPartition {
  parent: SeasonPartitionedTable;
  /** `board_archive_2026_11`: letters, digits and underscores only. */
  name: string;
  /** The partition bound, the month (`YYYY-MM`) itself. */
  seasonId: string;
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** Class id of the advisory locks taken around partition DDL (the second key is the partition name's hash). */
const PARTITION_LOCK_CLASS = 72_416_904;

/**
 * The partition of `parent` for `seasonId`.
 * @throws RangeError when `seasonId` is not exactly `YYYY-MM`.
 */
export function seasonPartition(parent: SeasonPartitionedTable, seasonId: string): SeasonPartition {
  if (!isSeasonId(seasonId)) throw new RangeError(`Invalid season id '${seasonId}', expected YYYY-MM`);
  return { parent, name: `${parent}_${seasonId.slice(0, 4)}_${seasonId.slice(5, 7)}`, seasonId };
}

/** `FOR VALUES IN ('2026-11')`: safe to inline, the id was validated by {@link seasonPartition}. */
export function partitionBound(partition: SeasonPartition): string {
  return `FOR VALUES IN ('${partition.seasonId}')`;
}

/**
 * Serialises DDL on one partition name until the transaction ends, so two
 * instances creating the same partition never race (CREATE … IF NOT EXISTS
 * alone can still fail on a concurrent catalog insert).
 */
export async function lockPartition(tx: Tx, partition: SeasonPartition): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PARTITION_LOCK_CLASS}::int, hashtext(${partition.name}))`;
}

/**
 * Whether the partition's table exists. Reads pg_class with the statement's
 * own snapshot: a name lookup (to_regclass) may answer from this backend's
 * catalog cache, which does not yet know a table another session created
 * while this one waited for the lock.
 */
export async function partitionExists(db: Tx | Db, partition: SeasonPartition): Promise<boolean> {
  const [row] = await db.$queryRaw<Array<{ found: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = ${partition.name} AND relnamespace = current_schema()::regnamespace) AS found`;
  return row?.found ?? false;
}
