import type { BoardOrder } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { parseBoardMember, scoreOfSortScore } from './board-entry.js';
import { frozenBoardOf, layoutOfPeriod } from './board-storage.js';
import type { CopyShardData } from './rollover-flow.js';

/** Where a copy shard is, after each batch it inserted. */
export interface CopyProgress {
  ref: string;
  fromRank: number;
  /** 1 for the shard's first batch. */
  batch: number;
  /** Last rank copied so far. */
  throughRank: number;
}

/** Observes a shard's progress; tests use it to make a shard fail halfway. */
export type AfterBatch = (progress: CopyProgress) => void | Promise<void>;

/** One place of a board, decoded from its sorted-set member and sort score. */
export interface BoardPlace {
  rank: number;
  userId: number;
  score: number;
  /** BIGINT, as a decimal string. */
  seq: string;
}

/**
 * Decodes a page of `ZRANGE … WITHSCORES` (best first: see board-entry.ts)
 * whose first member holds `firstRank`.
 * @throws Error for a member that is not `<seq>:<userId>`: a board holding one cannot be archived as it is.
 */
export function decodeBoardPage(reply: readonly string[], firstRank: number, order: BoardOrder): BoardPlace[] {
  const places: BoardPlace[] = [];
  for (let index = 0; index + 1 < reply.length; index += 2) {
    const member = reply[index] as string;
    const parsed = parseBoardMember(member);
    if (!parsed) throw new Error(`Board member "${member.slice(0, 40)}" is not <seq>:<userId>`);
    places.push({ rank: firstRank + index / 2, userId: parsed.userId, score: scoreOfSortScore(order, reply[index + 1] as string), seq: parsed.seq });
  }
  return places;
}

/**
 * Copies ranks `fromRank`..`toRank` of a period's frozen board into its
 * archive partition, in batches: one ZRANGE … WITHSCORES (ascending: the best
 * entry first) and one multi-row INSERT … SELECT FROM unnest(…) per batch.
 * Rows that exist already (an earlier attempt got that far) are left as they
 * are (ON CONFLICT DO NOTHING), so re-running a shard, whole or from halfway,
 * changes nothing; a row that disagrees with the board is left for
 * verification to catch.
 * @returns the rows this run read and inserted.
 */
export async function copyShard(
  deps: Pick<Deps, 'db' | 'redis' | 'keys'>,
  data: CopyShardData,
  afterBatch?: AfterBatch,
): Promise<{ read: number; inserted: number }> {
  const { ref, month, order, fromRank, toRank, batchSize } = data;
  const board = frozenBoardOf(deps, ref, await layoutOfPeriod(deps.db, ref));
  let read = 0;
  let inserted = 0;
  for (let start = fromRank, batch = 1; start <= toRank; start += batchSize, batch += 1) {
    const end = Math.min(start + batchSize - 1, toRank);
    const page = decodeBoardPage(await board.range(start - 1, end - 1), start, order);
    if (page.length === 0) break;
    read += page.length;
    // Scores and seqs go as text: both may exceed what a 32-bit or double parameter carries exactly.
    inserted += await deps.db.$executeRaw`
      INSERT INTO board_archive (month, period_ref, rank, user_id, score, seq)
      SELECT ${month}, ${ref}, r.rank, r.user_id, r.score, r.seq
      FROM unnest(${page.map((place) => place.rank)}::int[], ${page.map((place) => place.userId)}::int[],
                  ${page.map((place) => String(place.score))}::bigint[], ${page.map((place) => place.seq)}::bigint[])
        AS r(rank, user_id, score, seq)
      ON CONFLICT DO NOTHING`;
    await afterBatch?.({ ref, fromRank, batch, throughRank: start + page.length - 1 });
  }
  return { read, inserted };
}
