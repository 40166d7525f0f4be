import type { Deps } from '../../lib/app-deps.js';
import { runScript, type LuaScript } from '../../lib/lua-script.js';
import type { BoardTarget } from './board-definition.js';
import { boardMember, parseBoardMember, scoreOfSortScore, sortScoreOf } from './board-entry.js';
import { boardKeys } from './board-keys.js';
import { READ_AROUND, READ_PAGE, READ_PAGE_AFTER, READ_STANDINGS } from './board-read-scripts.js';
import type { BoardCursorPage, BoardPage, BoardSource, BoardStandings, BoardWindow, RankedStanding, RankMode } from './board-source.js';
import { checkCursorPage, checkPage, checkRadius, checkUserIds } from './board-read-limits.js';

type StoreDeps = Pick<Deps, 'redis' | 'keys'>;

/** At most this many entries are looked at per entry asked for by a cursor page (see READ_PAGE_AFTER). */
const SCAN_FACTOR = 20;

/**
 * Thrown by a Redis board read when the board is not known to be whole: its
 * ready marker is missing (Redis lost its data and the rebuild has not
 * finished) or the board is empty (never written, or evicted). The reader
 * answers from PostgreSQL instead.
 */
export class BoardNotReadyError extends Error {
  constructor(readonly ref: string) {
    super(`The Redis board of ${ref} is not whole`);
    this.name = 'BoardNotReadyError';
  }
}

/** An entry as a read script returns it: member, sort score, position (0-based), rank. */
type RawEntry = [string, string, number, number];

/**
 * A member that is not `<seq>:<userId>` with a board score (nothing this code
 * writes: garbage written by hand) comes back with user id NaN, so the reader
 * leaves it out and says the read is stale until reconcile removes it; the
 * rank of every other entry is still its place on the board.
 */
function toStanding(target: BoardTarget, raw: readonly unknown[]): RankedStanding {
  const [member, sortScore, position, rank] = raw as RawEntry;
  const parsed = parseBoardMember(member);
  const score = Number(sortScore);
  if (!parsed || !Number.isSafeInteger(score)) return { userId: Number.NaN, rank, position: position + 1, score: 0, seq: '0' };
  return { userId: parsed.userId, rank, position: position + 1, score: scoreOfSortScore(target.order, score), seq: parsed.seq };
}

/** Decodes a flat list of entries (four values each). */
function toStandings(target: BoardTarget, flat: readonly unknown[]): RankedStanding[] {
  const entries: RankedStanding[] = [];
  for (let index = 0; index + 3 < flat.length; index += 4) {
    entries.push(toStanding(target, flat.slice(index, index + 4)));
  }
  return entries;
}

function optionalStanding(target: BoardTarget, raw: unknown): RankedStanding | null {
  const standing = Array.isArray(raw) ? toStanding(target, raw) : null;
  return standing && Number.isInteger(standing.userId) ? standing : null;
}

/** Runs one read script on a board period: one round trip; null when the board is not whole. */
async function read(deps: StoreDeps, script: LuaScript, target: BoardTarget, rankMode: RankMode, args: readonly string[]): Promise<unknown[] | null> {
  const keys = boardKeys(deps.keys, target.ref);
  const [reply] = await runScript(deps.redis, script, [
    { keys: [keys.board, keys.scores, keys.ready, keys.members, keys.maxSeq], args: [rankMode, ...args] },
  ]);
  const values = reply as unknown[];
  return values[0] === -2 ? null : values;
}

/**
 * Standings of the given users (those on the board) in one round trip. Null
 * when the board is not whole (lost, or partly written again by live writes
 * before `leaderboard.sync` rebuilt it), so a caller can tell a lost board
 * from "none of them is on it".
 * @throws RangeError for more than 1000 users.
 */
export async function readStandings(
  deps: StoreDeps,
  target: BoardTarget,
  userIds: readonly number[],
  rankMode: RankMode,
): Promise<BoardStandings | null> {
  checkUserIds(userIds);
  const reply = await read(deps, READ_STANDINGS, target, rankMode, userIds.map(String));
  if (!reply) return null;
  const byUser = new Map<number, RankedStanding>();
  for (const raw of reply.slice(1)) {
    const standing = optionalStanding(target, raw);
    if (standing) byUser.set(standing.userId, standing);
  }
  return { byUser, total: Number(reply[0]) };
}

/**
 * The live board of a period: its Redis sorted set, whose order is the final
 * rank order. Every read is one atomic script that also checks the board is
 * whole, and throws {@link BoardNotReadyError} when it is not.
 */
export function redisBoard(deps: StoreDeps): BoardSource {
  const whole = async (script: LuaScript, target: BoardTarget, rankMode: RankMode, args: readonly string[]) => {
    const reply = await read(deps, script, target, rankMode, args);
    if (!reply) throw new BoardNotReadyError(target.ref);
    return reply;
  };
  return {
    async page(target, { offset, limit, viewerId, rankMode }): Promise<BoardPage> {
      checkPage(offset, limit);
      const [total, entries, viewer, snapshot] = await whole(READ_PAGE, target, rankMode, [String(offset), String(limit), viewerId === null ? '' : String(viewerId)]);
      return {
        entries: toStandings(target, entries as unknown[]),
        total: Number(total),
        viewer: optionalStanding(target, viewer),
        snapshot: snapshot === '' ? '0' : BigInt(`0x${String(snapshot)}`).toString(),
      };
    },

    async pageAfter(target, { after, limit, viewerId, rankMode }): Promise<BoardCursorPage> {
      checkCursorPage(limit);
      const cursor = after
        ? [String(sortScoreOf(target.order, after.score)), boardMember(after.seq, after.userId), boardMember(after.snapshot, 1).slice(0, 16)]
        : ['', '', ''];
      const budget = String(Math.max(limit, 1) * SCAN_FACTOR);
      const [total, entries, viewer, snapshot, hasNext] = await whole(READ_PAGE_AFTER, target, rankMode, [
        String(limit),
        viewerId === null ? '' : String(viewerId),
        ...cursor,
        budget,
      ]);
      return {
        entries: toStandings(target, entries as unknown[]),
        total: Number(total),
        viewer: optionalStanding(target, viewer),
        snapshot: BigInt(`0x${String(snapshot)}`).toString(),
        hasNextPage: hasNext === 1,
      };
    },

    async standings(target, userIds, rankMode) {
      // Asked even for no users: the board's size comes back in the same call.
      const standings = await readStandings(deps, target, userIds, rankMode);
      if (!standings) throw new BoardNotReadyError(target.ref);
      return standings;
    },

    async around(target, userId, radius, rankMode): Promise<BoardWindow> {
      checkRadius(radius);
      const [total, standing, entries] = await whole(READ_AROUND, target, rankMode, [String(userId), String(radius)]);
      return { entries: toStandings(target, entries as unknown[]), total: Number(total), standing: optionalStanding(target, standing) };
    },
  };
}
