import type { Deps } from '../../src/lib/app-deps.js';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { parseBoardMember, scoreOfSortScore } from '../../src/modules/leaderboards/board-entry.js';
import type { BoardOrder } from '../../src/generated/prisma/client.js';

/** The ref of a season of the built-in `points` board. */
export const pointsRef = (seasonId: string) => `points/${seasonId}`;

/** One Redis board as the tests compare it: user id → score, in board order (best first). */
export async function boardScores(
  deps: Pick<Deps, 'redis' | 'keys'>,
  ref: string,
  order: BoardOrder = 'DESC',
): Promise<Map<number, number>> {
  const reply = await deps.redis.zrange(boardKeys(deps.keys, ref).board, 0, -1, 'WITHSCORES');
  const scores = new Map<number, number>();
  for (let index = 0; index + 1 < reply.length; index += 2) {
    const member = parseBoardMember(reply[index] as string);
    if (!member) throw new Error(`board ${ref} holds a member that is no entry: ${reply[index]}`);
    scores.set(member.userId, scoreOfSortScore(order, reply[index + 1] as string));
  }
  return scores;
}

/** A user's score on a Redis board, or null when they are not on it. */
export async function boardScore(deps: Pick<Deps, 'redis' | 'keys'>, ref: string, userId: number, order: BoardOrder = 'DESC'): Promise<number | null> {
  return (await boardScores(deps, ref, order)).get(userId) ?? null;
}
