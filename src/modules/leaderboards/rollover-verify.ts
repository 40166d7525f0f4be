import type { Deps } from '../../lib/app-deps.js';
import type { BoardTarget } from './board-definition.js';
import { frozenBoardOf } from './board-storage.js';
import { decodeBoardPage } from './rollover-copy.js';

/** The archive of a board period does not equal its board: the board must be kept. */
export class ArchiveMismatchError extends Error {
  constructor(ref: string, detail: string) {
    super(`Archive of ${ref} does not match its board: ${detail}`);
    this.name = 'ArchiveMismatchError';
  }
}

/** Ranks compared per round trip (one ZRANGE and one indexed range scan each). */
const CHUNK = 20_000;

interface ArchivedRow {
  rank: number;
  user_id: number;
  score: string;
  seq: string;
}

/**
 * Checks that the period's archive rows are exactly its board: as many rows
 * as ZCARD, and rank r holds the member at 0-based position r − 1 of
 * ascending ZRANGE (best first) with the same user, score and seq. With unique
 * (month, ref, rank) and the count equal, that means ranks are exactly 1..n
 * in board order.
 * @returns the number of members.
 * @throws ArchiveMismatchError on the first difference found.
 */
export async function verifyArchive(deps: Pick<Deps, 'db' | 'redis' | 'keys'>, target: BoardTarget): Promise<number> {
  const { ref, order, archiveMonth: month } = target;
  const board = frozenBoardOf(deps, ref, target.layout);
  const members = await board.size();
  const [counted] = await deps.db.$queryRaw<Array<{ n: bigint }>>`
    SELECT count(*) AS n FROM board_archive WHERE month = ${month} AND period_ref = ${ref}`;
  const rows = Number(counted?.n ?? 0);
  if (rows !== members) throw new ArchiveMismatchError(ref, `${rows} rows for ${members} board members`);

  for (let offset = 0; offset < members; offset += CHUNK) {
    const [reply, archived] = await Promise.all([
      board.range(offset, offset + CHUNK - 1),
      deps.db.$queryRaw<ArchivedRow[]>`
        SELECT rank, user_id, score::text AS score, seq::text AS seq FROM board_archive
        WHERE month = ${month} AND period_ref = ${ref} AND rank BETWEEN ${offset + 1} AND ${offset + CHUNK} ORDER BY rank`,
    ]);
    let places;
    try {
      places = decodeBoardPage(reply, offset + 1, order);
    } catch (error) {
      throw new ArchiveMismatchError(ref, (error as Error).message);
    }
    if (archived.length !== places.length) {
      throw new ArchiveMismatchError(ref, `ranks ${offset + 1}-${offset + CHUNK}: ${archived.length} rows for ${places.length} members`);
    }
    archived.forEach((row, index) => {
      const place = places[index];
      const matches =
        place !== undefined &&
        row.rank === place.rank &&
        row.user_id === place.userId &&
        row.score === String(place.score) &&
        row.seq === place.seq;
      if (!matches) {
        const onBoard = place ? `user ${place.userId} (${place.score}, seq ${place.seq})` : 'nothing';
        throw new ArchiveMismatchError(ref, `rank ${offset + index + 1} holds user ${row.user_id} (${row.score}, seq ${row.seq}), the board has ${onBoard}`);
      }
    });
  }
  if ((await board.size()) !== members) throw new ArchiveMismatchError(ref, 'the board changed during verification');
  return members;
}
