import type { Deps } from '../../lib/app-deps.js';
import { decodeBoardScore } from './board-score.js';
import { boardKeys } from './board-store.js';
import type { CopyShardData } from './rollover-flow.js';

/** Where a copy shard is, after each batch it inserted. */
export interface CopyProgress {
  seasonId: string;
  fromRank: number;
  /** 1 for the shard's first batch. */
  batch: number;
  /** Last rank copied so far. */
  throughRank: number;
}

/** Observes a shard's progress; tests use it to make a shard fail halfway. */
export type AfterBatch = (progress: CopyProgress) => void | Promise<void>;

/** One page of the board, decoded: parallel columns, as `unnest` takes them. */
function decodePage(reply: readonly string[], firstRank: number) {
  const page = { ranks: [] as number[], userIds: [] as number[], points: [] as number[], seqs: [] as number[] };
  for (let index = 0; index + 1 < reply.length; index += 2) {
    const userId = Number(reply[index]);
    if (!Number.isSafeInteger(userId) || userId <= 0) throw new Error(`Board member "${reply[index]}" is not a user id`);
    const standing = decodeBoardScore(reply[index + 1] as string);
    page.ranks.push(firstRank + index / 2);
    page.userIds.push(userId);
    page.points.push(standing.points);
    page.seqs.push(standing.seq);
  }
  return page;
}

/**
 * Copies ranks `fromRank`..`toRank` of a season's frozen board into its
 * archive partition, in batches: one ZREVRANGE … WITHSCORES and one
 * multi-row INSERT … SELECT FROM unnest(…) per batch. Rows that exist already
 * (an earlier attempt got that far) are left as they are (ON CONFLICT DO
 * NOTHING), so re-running a shard, whole or from halfway, changes nothing;
 * a row that disagrees with the board is left for verification to catch.
 * @returns the rows this run read and inserted.
 */
export async function copyShard(
  deps: Pick<Deps, 'db' | 'redis' | 'keys'>,
  data: CopyShardData,
  afterBatch?: AfterBatch,
): Promise<{ read: number; inserted: number }> {
  const { seasonId, fromRank, toRank, batchSize } = data;
  const { board } = boardKeys(deps.keys, seasonId);
  let read = 0;
  let inserted = 0;
  for (let start = fromRank, batch = 1; start <= toRank; start += batchSize, batch += 1) {
    const end = Math.min(start + batchSize - 1, toRank);
    const page = decodePage(await deps.redis.zrevrange(board, start - 1, end - 1, 'WITHSCORES'), start);
    if (page.ranks.length === 0) break;
    read += page.ranks.length;
    inserted += await deps.db.$executeRaw`
      INSERT INTO season_archive (season_id, rank, user_id, points, seq)
      SELECT ${seasonId}, r.rank, r.user_id, r.points, r.seq
      FROM unnest(${page.ranks}::int[], ${page.userIds}::int[], ${page.points}::int[], ${page.seqs}::bigint[])
        AS r(rank, user_id, points, seq)
      ON CONFLICT DO NOTHING`;
    await afterBatch?.({ seasonId, fromRank, batch, throughRank: start + page.ranks.length - 1 });
  }
  return { read, inserted };
}
