import type { BoardOrder } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { Prisma } from '../../infra/prisma.js';
import { parseBoardMember, scoreOfSortScore } from './board-entry.js';
import { frozenBoardOf, layoutOfPeriod } from './board-storage.js';
import { isUniqueViolation } from './definitions.service.js';
import { addFingerprints, replyDigest, rowsDigestColumns, type RowsDigest, type ShardDigest } from './rollover-digest.js';
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

type CopyDeps = Pick<Deps, 'db' | 'redis' | 'keys'>;

/** Whether any archive row of the period holds a rank in `from`..`to`: one probe of the (month, period_ref, rank) key. */
async function anyRowIn(db: Deps['db'], month: string, ref: string, from: number, to: number): Promise<boolean> {
  const [row] = await db.$queryRaw<Array<{ found: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM board_archive WHERE month = ${month} AND period_ref = ${ref} AND rank BETWEEN ${from} AND ${to}) AS found`;
  return row?.found === true;
}

/** Where a page goes: the period's archive partition, and how its board's sort scores read. */
type PageTarget = Pick<CopyShardData, 'ref' | 'month' | 'order'>;

/**
 * Inserts one page of places, then checks its rank range against the board
 * reply it came from (see rollover-digest.ts). Into a rank range with no row
 * yet (every first attempt) a plain INSERT, digested in the same statement:
 * no conflict to look for, so PostgreSQL skips the speculative insertion that
 * `ON CONFLICT` costs on both unique indexes, and since every rank of the
 * range went in, the rows it returns are all the range holds. Else (a retry,
 * or rows left behind) `ON CONFLICT DO NOTHING` keeps what exists and the
 * range is read back to digest. A plain INSERT that still meets a row (a
 * concurrent attempt, or a user archived at another rank) is done again the
 * careful way, so either path ends with the same rows.
 * @returns the rows inserted, and the range's fingerprint if its rows equal the reply (else null).
 */
async function insertPage(db: Deps['db'], target: PageTarget, page: readonly BoardPlace[], reply: readonly string[]): Promise<{ inserted: number; fingerprint: string | null }> {
  const { month, ref, order } = target;
  // Scores and seqs go as text: both may exceed what a 32-bit or double parameter carries exactly.
  const rows = Prisma.sql`SELECT ${month}, ${ref}, r.rank, r.user_id, r.score, r.seq
      FROM unnest(${page.map((place) => place.rank)}::int[], ${page.map((place) => place.userId)}::int[],
                  ${page.map((place) => String(place.score))}::bigint[], ${page.map((place) => place.seq)}::bigint[])
        AS r(rank, user_id, score, seq)`;
  const [from, to] = [(page[0] as BoardPlace).rank, (page[0] as BoardPlace).rank + page.length - 1];
  const careful = async () => {
    const inserted = await db.$executeRaw`INSERT INTO board_archive (month, period_ref, rank, user_id, score, seq) ${rows} ON CONFLICT DO NOTHING`;
    const [range] = await db.$queryRaw<RowsDigest[]>`
      SELECT ${rowsDigestColumns(order)} FROM board_archive WHERE month = ${month} AND period_ref = ${ref} AND rank BETWEEN ${from} AND ${to}`;
    return { inserted, range };
  };
  const plain = async () => {
    const [range] = await db.$queryRaw<RowsDigest[]>`
      WITH written AS (INSERT INTO board_archive (month, period_ref, rank, user_id, score, seq) ${rows} RETURNING rank, user_id, score, seq)
      SELECT ${rowsDigestColumns(order)} FROM written`;
    return { inserted: range?.n ?? 0, range };
  };
  let written: { inserted: number; range: RowsDigest | undefined };
  if (await anyRowIn(db, month, ref, from, to)) written = await careful();
  else {
    try {
      written = await plain();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      written = await careful();
    }
  }
  const { inserted, range } = written;
  const matches = range !== undefined && range.n === page.length && range.digest === replyDigest(reply);
  return { inserted, fingerprint: matches ? range.fingerprint : null };
}

/** What a shard run did: rows read and inserted, and what it vouches for (null: some rows of its range differ from the board). */
export interface CopyShardResult {
  read: number;
  inserted: number;
  digest: ShardDigest | null;
}

/**
 * Copies ranks `fromRank`..`toRank` of a period's frozen board into its
 * archive partition, in batches: one ZRANGE … WITHSCORES (ascending: the best
 * entry first) and one multi-row INSERT … SELECT FROM unnest(…) per batch.
 * Rows that exist already (an earlier attempt got that far) are left as they
 * are (see insertPage), so re-running a shard, whole or from halfway,
 * changes nothing; a row that disagrees with the board is left for
 * verification to catch. Each batch's range is digested against the reply it
 * came from; the run's digest (the sum of their fingerprints) lets the finish
 * check the archive without reading the board again, or is null when some
 * range differed, and the finish then compares every row.
 * @returns the rows this run read and inserted, and its digest.
 */
export async function copyShard(deps: CopyDeps, data: CopyShardData, afterBatch?: AfterBatch): Promise<CopyShardResult> {
  const { ref, fromRank, toRank, batchSize } = data;
  const board = frozenBoardOf(deps, ref, await layoutOfPeriod(deps.db, ref));
  let read = 0;
  let inserted = 0;
  let fingerprint: string | null = '0';
  for (let start = fromRank, batch = 1; start <= toRank; start += batchSize, batch += 1) {
    const end = Math.min(start + batchSize - 1, toRank);
    const reply = await board.range(start - 1, end - 1);
    const page = decodeBoardPage(reply, start, data.order);
    if (page.length === 0) break;
    read += page.length;
    const written = await insertPage(deps.db, data, page, reply);
    inserted += written.inserted;
    fingerprint = fingerprint !== null && written.fingerprint !== null ? addFingerprints(fingerprint, written.fingerprint) : null;
    await afterBatch?.({ ref, fromRank, batch, throughRank: start + page.length - 1 });
  }
  const digest = fingerprint === null ? null : { fromRank, toRank: fromRank + read - 1, rows: read, fingerprint };
  return { read, inserted, digest };
}
