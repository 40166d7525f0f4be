import { createHash } from 'node:crypto';
import type { Deps } from '../../lib/app-deps.js';
import type { BoardTarget } from './board-definition.js';
import { boardKeys } from './board-keys.js';
import { decodeBoardPage, type BoardPlace } from './rollover-copy.js';

/** The archive of a board period does not equal its board: the board must be kept. */
export class ArchiveMismatchError extends Error {
  constructor(ref: string, detail: string) {
    super(`Archive of ${ref} does not match its board: ${detail}`);
    this.name = 'ArchiveMismatchError';
  }
}

/** Ranks compared per round trip (one ZRANGE and one indexed range scan each, digested in PostgreSQL). */
const CHUNK = 20_000;

interface ArchivedRow {
  rank: number;
  user_id: number;
  score: string;
  seq: string;
}

type VerifyDeps = Pick<Deps, 'db' | 'redis' | 'keys'>;

/** One place as a line of a chunk's digest; PostgreSQL writes the same text for a row (integers in decimal). */
const placeLine = (place: BoardPlace) => `${place.rank},${place.userId},${place.score},${place.seq}`;

/**
 * Whether the archive rows of ranks `from`..`from + places.length − 1` are
 * exactly `places`: PostgreSQL sends only the count and an md5 of the rows in
 * rank order (one small reply instead of the rows), compared with the md5 of
 * the same text made from the board.
 */
async function digestMatches(db: Deps['db'], target: BoardTarget, from: number, to: number, places: readonly BoardPlace[]): Promise<boolean> {
  const { ref, archiveMonth: month } = target;
  const [row] = await db.$queryRaw<Array<{ n: number; digest: string }>>`
    SELECT count(*)::int AS n,
           md5(coalesce(string_agg(rank || ',' || user_id || ',' || score || ',' || seq, ';' ORDER BY rank), '')) AS digest
    FROM board_archive WHERE month = ${month} AND period_ref = ${ref} AND rank BETWEEN ${from} AND ${to}`;
  const expected = createHash('md5').update(places.map(placeLine).join(';')).digest('hex');
  return row?.n === places.length && row.digest === expected;
}

/** Compares the chunk row by row: run only where the digests differ, to name the first difference. */
async function compareRows(db: Deps['db'], target: BoardTarget, from: number, to: number, places: readonly BoardPlace[]): Promise<void> {
  const { ref, archiveMonth: month } = target;
  const archived = await db.$queryRaw<ArchivedRow[]>`
    SELECT rank, user_id, score::text AS score, seq::text AS seq FROM board_archive
    WHERE month = ${month} AND period_ref = ${ref} AND rank BETWEEN ${from} AND ${to} ORDER BY rank`;
  if (archived.length !== places.length) {
    throw new ArchiveMismatchError(ref, `ranks ${from}-${to}: ${archived.length} rows for ${places.length} members`);
  }
  archived.forEach((row, index) => {
    const place = places[index];
    const matches =
      place !== undefined && row.rank === place.rank && row.user_id === place.userId && row.score === String(place.score) && row.seq === place.seq;
    if (!matches) {
      const onBoard = place ? `user ${place.userId} (${place.score}, seq ${place.seq})` : 'nothing';
      throw new ArchiveMismatchError(ref, `rank ${from + index} holds user ${row.user_id} (${row.score}, seq ${row.seq}), the board has ${onBoard}`);
    }
  });
}

/**
 * Checks that the period's archive rows are exactly its board: as many rows
 * as ZCARD, and rank r holds the member at 0-based position r − 1 of
 * ascending ZRANGE (best first) with the same user, score and seq. With unique
 * (month, ref, rank) and the count equal, that means ranks are exactly 1..n
 * in board order. Chunk by chunk, the rows stay in PostgreSQL: it returns a
 * count and an md5 of their text (see digestMatches); only a chunk whose
 * digest differs is read back and compared row by row, to report where.
 * @returns the number of members.
 * @throws ArchiveMismatchError on the first difference found.
 */
export async function verifyArchive(deps: VerifyDeps, target: BoardTarget): Promise<number> {
  const { ref, order, archiveMonth: month } = target;
  const { board } = boardKeys(deps.keys, ref);
  const members = await deps.redis.zcard(board);
  const [counted] = await deps.db.$queryRaw<Array<{ n: bigint }>>`
    SELECT count(*) AS n FROM board_archive WHERE month = ${month} AND period_ref = ${ref}`;
  const rows = Number(counted?.n ?? 0);
  if (rows !== members) throw new ArchiveMismatchError(ref, `${rows} rows for ${members} board members`);

  for (let offset = 0; offset < members; offset += CHUNK) {
    const [from, to] = [offset + 1, offset + CHUNK];
    let places: BoardPlace[];
    try {
      places = decodeBoardPage(await deps.redis.zrange(board, offset, offset + CHUNK - 1, 'WITHSCORES'), from, order);
    } catch (error) {
      throw new ArchiveMismatchError(ref, (error as Error).message);
    }
    if (!(await digestMatches(deps.db, target, from, to, places))) await compareRows(deps.db, target, from, to, places);
  }
  if ((await deps.redis.zcard(board)) !== members) throw new ArchiveMismatchError(ref, 'the board changed during verification');
  return members;
}
