import type { Deps } from '../../lib/app-deps.js';
import type { BoardTarget } from './board-definition.js';
import { frozenBoardOf } from './board-storage.js';
import { decodeBoardPage, type BoardPlace } from './rollover-copy.js';
import { addFingerprints, archiveFingerprint, replyDigest, rowsDigestColumns, type RowsDigest, type ShardDigest } from './rollover-digest.js';

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

/**
 * Whether the archive rows of ranks `from`..`from + n − 1` are exactly the n
 * members of a `ZRANGE … WITHSCORES` reply: PostgreSQL writes each row back
 * as the board holds it (`<seq as 16 hex digits>:<user id>` and the sort
 * score, negated for DESC) and sends only the count and an md5 of those lines
 * in rank order, compared with the md5 of the reply itself. Neither side
 * decodes or ships a row. With ranks unique and as many rows in the range as
 * members, the ranks are exactly that range.
 */
export async function chunkDigestMatches(db: Deps['db'], target: BoardTarget, from: number, reply: readonly string[]): Promise<boolean> {
  const { ref, order, archiveMonth: month } = target;
  const members = reply.length / 2;
  const [row] = await db.$queryRaw<RowsDigest[]>`
    SELECT ${rowsDigestColumns(order)}
    FROM board_archive WHERE month = ${month} AND period_ref = ${ref} AND rank BETWEEN ${from} AND ${from + members - 1}`;
  return row?.n === members && row.digest === replyDigest(reply);
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
 * count and an md5 of them written as the board's reply (see chunkDigestMatches);
 * only a chunk whose digest differs is read back and compared row by row, so
 * a failure still names the first difference.
 * @returns the number of members.
 * @throws ArchiveMismatchError on the first difference found.
 */
export async function verifyArchive(deps: VerifyDeps, target: BoardTarget): Promise<number> {
  const { ref, order, archiveMonth: month } = target;
  const board = frozenBoardOf(deps, ref, target.layout);
  const members = await board.size();
  const [counted] = await deps.db.$queryRaw<Array<{ n: bigint }>>`
    SELECT count(*) AS n FROM board_archive WHERE month = ${month} AND period_ref = ${ref}`;
  const rows = Number(counted?.n ?? 0);
  if (rows !== members) throw new ArchiveMismatchError(ref, `${rows} rows for ${members} board members`);

  for (let offset = 0; offset < members; offset += CHUNK) {
    const [from, to] = [offset + 1, offset + CHUNK];
    const reply = await board.range(offset, offset + CHUNK - 1);
    if (await chunkDigestMatches(deps.db, target, from, reply)) continue;
    let places: BoardPlace[];
    try {
      places = decodeBoardPage(reply, from, order);
    } catch (error) {
      throw new ArchiveMismatchError(ref, (error as Error).message);
    }
    await compareRows(deps.db, target, from, to, places);
  }
  if ((await board.size()) !== members) throw new ArchiveMismatchError(ref, 'the board changed during verification');
  return members;
}

/**
 * Checks the archive against what the copy shards vouch for, without reading
 * the board again: their ranges are exactly 1..n, n is still the frozen
 * board's size, and the period's archive holds n rows whose fingerprint is
 * the sum of the shards' (each taken when its rows were found equal to the
 * board they read; see rollover-digest.ts). So the archive is still the rows
 * that were checked against the board, and the board is still as big as they.
 * @returns the number of members, or null where this cannot tell (then compare every row: {@link verifyArchive}).
 */
export async function verifyByShardDigests(deps: VerifyDeps, target: BoardTarget, shards: readonly ShardDigest[]): Promise<number | null> {
  let next = 1;
  for (const shard of shards) {
    if (shard.fromRank !== next || shard.rows !== shard.toRank - shard.fromRank + 1) return null;
    next = shard.toRank + 1;
  }
  const members = next - 1;
  if (members === 0 || (await frozenBoardOf(deps, target.ref, target.layout).size()) !== members) return null;
  const archive = await archiveFingerprint(deps.db, target.archiveMonth, target.ref);
  const vouched = addFingerprints(...shards.map((shard) => shard.fingerprint));
  return archive.n === members && archive.fingerprint === vouched ? members : null;
}
