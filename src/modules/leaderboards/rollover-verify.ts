import type { Deps } from '../../lib/app-deps.js';
import { decodeBoardScore } from './board-score.js';
import { boardKeys } from './board-store.js';

/** The archive of a season does not equal its board: the board must be kept. */
export class ArchiveMismatchError extends Error {
  constructor(seasonId: string, detail: string) {
    super(`Archive of season ${seasonId} does not match its board: ${detail}`);
    this.name = 'ArchiveMismatchError';
  }
}

/** Ranks compared per round trip (one ZREVRANGE and one indexed range scan each). */
const CHUNK = 20_000;

/**
 * Checks that the season's archive rows are exactly its board: as many rows
 * as ZCARD, and rank r holds the member at 0-based position r − 1 of
 * ZREVRANGE with the same points and seq. With unique (season, rank) and the
 * count equal, that means ranks are exactly 1..n in board order.
 * @returns the number of members.
 * @throws ArchiveMismatchError on the first difference found.
 */
export async function verifyArchive(deps: Pick<Deps, 'db' | 'redis' | 'keys'>, seasonId: string): Promise<number> {
  const { board } = boardKeys(deps.keys, seasonId);
  const members = await deps.redis.zcard(board);
  const [counted] = await deps.db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM season_archive WHERE season_id = ${seasonId}`;
  const rows = Number(counted?.n ?? 0);
  if (rows !== members) throw new ArchiveMismatchError(seasonId, `${rows} rows for ${members} board members`);

  for (let offset = 0; offset < members; offset += CHUNK) {
    const [reply, archived] = await Promise.all([
      deps.redis.zrevrange(board, offset, offset + CHUNK - 1, 'WITHSCORES'),
      deps.db.$queryRaw<Array<{ rank: number; user_id: number; points: number; seq: bigint }>>`
        SELECT rank, user_id, points, seq FROM season_archive
        WHERE season_id = ${seasonId} AND rank BETWEEN ${offset + 1} AND ${offset + CHUNK} ORDER BY rank`,
    ]);
    if (archived.length * 2 !== reply.length) {
      const range = `ranks ${offset + 1}-${offset + CHUNK}`;
      throw new ArchiveMismatchError(seasonId, `${range}: ${archived.length} rows for ${reply.length / 2} members`);
    }
    archived.forEach((row, index) => {
      const rank = offset + index + 1;
      const expected = decodeBoardScore(reply[2 * index + 1] as string);
      const matches =
        row.rank === rank &&
        String(row.user_id) === reply[2 * index] &&
        row.points === expected.points &&
        Number(row.seq) === expected.seq;
      if (!matches) {
        const board = `${reply[2 * index]} (${expected.points})`;
        throw new ArchiveMismatchError(seasonId, `rank ${rank} holds user ${row.user_id} (${row.points}), the board has ${board}`);
      }
    });
  }
  if ((await deps.redis.zcard(board)) !== members) throw new ArchiveMismatchError(seasonId, 'the board changed during verification');
  return members;
}
