import { randomBytes } from 'node:crypto';
import type { Deps } from '../../lib/app-deps.js';
import { runScript } from '../../lib/lua-script.js';
import { execPipeline } from '../../lib/redis-pipeline.js';
import { compareHotEntries, type HeatAlgorithm, type HotRankable } from './heat-formula.js';
import { READ_RANGE, READ_RANK, SWAP_BOARDS, WRITE_ENTRY } from './hot-board-scripts.js';
import type { HotListEntry } from './hot-cache.js';
import type { HotEntry } from './hot-scoring.js';

/**
 * The hot boards in Redis, per algorithm (so switching HOT_ALGORITHM never
 * mixes scores): `hot:<alg>:board:global` and `hot:<alg>:board:c:<category>`
 * (sorted sets, member = activity id, score = heat), `hot:<alg>:ties` (hash,
 * tie-break data), `hot:<alg>:categories` (set of category boards),
 * `hot:<alg>:meta` (hash: `ready` = last full recompute, `global` / `c:<cat>`
 * = last write of that board, ms) and `hot:<alg>:touched` (sorted set of
 * activity ids by write time on the Redis server's clock, for recomputes
 * running meanwhile; see {@link redisClockMs}).
 */
export function hotKeys(deps: Pick<Deps, 'keys'>, algorithm: HeatAlgorithm) {
  // One hash tag per algorithm: the scripts read and write all of its boards together (one Cluster slot).
  const key = (...parts: string[]) => deps.keys.key(`{hot:${algorithm}}`, ...parts);
  return {
    global: key('board', 'global'),
    categoryPrefix: `${key('board', 'c')}:`,
    board: (category: string | null) => (category === null ? key('board', 'global') : key('board', 'c', category)),
    ties: key('ties'),
    categories: key('categories'),
    meta: key('meta'),
    touched: key('touched'),
    staging: (token: string) => ({
      global: key('staging', token, 'global'),
      ties: key('staging', token, 'ties'),
      categoryPrefix: `${key('staging', token, 'c')}:`,
    }),
  };
}

/** Staged keys outlive a recompute that died before its swap by this long, then Redis drops them. */
const STAGING_TTL_SECONDS = 600;
/** Members per ZADD/HSET when staging, so no single command carries a whole board. */
const WRITE_CHUNK = 500;
/** `touched` keeps writes this long; a recompute never runs longer. */
const TOUCHED_RETENTION_MS = 10 * 60_000;

const metaField = (category: string | null) => (category === null ? 'global' : `c:${category}`);

/** `s|publishedAtMs|category`: what a reader needs to break exact score ties, and where the activity was. */
function tieValue(entry: HotEntry): string {
  return `${entry.interactionPoints}|${entry.publishedAt.getTime()}|${entry.category}`;
}

/** Members with exactly equal scores, re-sorted by compareHotEntries with their tie data. */
function sortGroup(members: string[], scores: Array<string | number>, ties: Array<string | null>): HotRankable[] {
  const entries = members.map((member, index): HotRankable => {
    const [points, published] = (ties[index] ?? '').split('|');
    return {
      id: Number(member),
      score: Number(scores[index]),
      // A member without tie data (never expected) sorts last among its equals.
      interactionPoints: points ? Number(points) : Number.NEGATIVE_INFINITY,
      publishedAt: new Date(published ? Number(published) : 0),
    };
  });
  return entries.sort(compareHotEntries);
}

/** A slice of a board as {@link readBoardRange} returns it. */
export interface BoardRange {
  /** False until a full recompute has written this algorithm's boards. */
  ready: boolean;
  computedAt: Date | null;
  entries: HotListEntry[];
}

/** Ranks `start..stop` (0-based, inclusive) of a board in compareHotEntries order, in one atomic round trip. */
export async function readBoardRange(
  deps: Pick<Deps, 'redis' | 'keys'>,
  input: { algorithm: HeatAlgorithm; category: string | null; start: number; stop: number },
): Promise<BoardRange> {
  const keys = hotKeys(deps, input.algorithm);
  const [reply] = await runScript(deps.redis, READ_RANGE, [
    { keys: [keys.board(input.category), keys.ties, keys.meta], args: [input.start, input.stop, metaField(input.category)] },
  ]);
  const [ready, at, above, members, scores, ties] = reply as [string | null, string | null, number, string[], string[], Array<string | null>];
  const ordered = sortGroup(members, scores, ties);
  // The widened range starts at rank `above`; keep only what was asked for.
  const entries = ordered
    .map((entry, index): HotListEntry => ({ rank: above + index + 1, activityId: entry.id, score: entry.score }))
    .filter((entry) => entry.rank - 1 >= input.start && entry.rank - 1 <= input.stop);
  return { ready: ready !== null, computedAt: at ? new Date(Number(at)) : ready ? new Date(Number(ready)) : null, entries };
}

/**
 * 1-based rank of an activity on a board (null when it is not on it), or
 * `ready: false` when no full recompute has written the boards yet.
 */
export async function readBoardRank(
  deps: Pick<Deps, 'redis' | 'keys'>,
  input: { algorithm: HeatAlgorithm; category: string | null; activityId: number },
): Promise<{ ready: boolean; rank: number | null }> {
  const keys = hotKeys(deps, input.algorithm);
  const [reply] = await runScript(deps.redis, READ_RANK, [
    { keys: [keys.board(input.category), keys.ties, keys.meta], args: [input.activityId] },
  ]);
  const [ready, above, score, members, ties] = reply as [number, number?, string?, string[]?, Array<string | null>?];
  if (!ready || above === undefined || score === undefined || !members || !ties) return { ready: ready === 1, rank: null };
  const position = sortGroup(members, members.map(() => score), ties).findIndex((entry) => entry.id === input.activityId);
  return { ready: true, rank: position < 0 ? null : above + position + 1 };
}

/** One activity's new state for {@link writeBoardEntries}: its entry, or null to take it off every board. */
export interface BoardWrite {
  activityId: number;
  /** The activity's category now ('' when the activity no longer exists). */
  category: string;
  entry: HotEntry | null;
}

/**
 * Writes activities' absolute scores to the global board and their category's
 * board, or removes them from every board (entry null: not visible). One
 * pipelined round trip; each write is atomic.
 * @returns the boards whose contents changed, as categories (null = the global board).
 */
export async function writeBoardEntries(
  deps: Pick<Deps, 'redis' | 'keys'>,
  input: { algorithm: HeatAlgorithm; writes: BoardWrite[]; boardSize: number; computedAt: Date },
): Promise<Array<string | null>> {
  const keys = hotKeys(deps, input.algorithm);
  const replies = await runScript(
    deps.redis,
    WRITE_ENTRY,
    input.writes.map(({ activityId, category, entry }) => ({
      keys: [keys.global, keys.ties, keys.categories, keys.meta, keys.touched],
      args: [
        activityId,
        entry ? '1' : '0',
        entry ? String(entry.score) : '0',
        entry ? tieValue(entry) : '',
        category,
        keys.categoryPrefix,
        input.boardSize,
        input.computedAt.getTime(),
        TOUCHED_RETENTION_MS,
      ],
    })),
  );
  const fields = new Set((replies as string[][]).flat());
  return [...fields].map((field) => (field === 'global' ? null : field.slice('c:'.length)));
}

/**
 * The Redis server's clock (TIME), in ms: what `touched` is scored by. Not
 * `deps.now()`: it orders real writes against a running recompute across
 * instances, which is not domain time (a test's moved clock must not hide writes).
 */
export async function redisClockMs(deps: Pick<Deps, 'redis'>): Promise<number> {
  const [seconds, micros] = await deps.redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** Ids of activities written since `sinceMs` ({@link redisClockMs}), oldest first. */
export async function touchedSince(deps: Pick<Deps, 'redis' | 'keys'>, algorithm: HeatAlgorithm, sinceMs: number): Promise<number[]> {
  const members = await deps.redis.zrangebyscore(hotKeys(deps, algorithm).touched, sinceMs, '+inf');
  return members.map(Number);
}

/**
 * Replaces every board of `algorithm` with the given ones, atomically: each
 * board is first written under a staging key, then one script renames them
 * all over the live keys. Readers see the old boards or the new ones, never
 * a mix or a half-written board; if anything fails before the swap, the live
 * boards are untouched and the staged keys expire.
 * @returns the categories whose boards were deleted (no visible activity left).
 */
export async function replaceBoards(
  deps: Pick<Deps, 'redis' | 'keys'>,
  input: { algorithm: HeatAlgorithm; global: HotEntry[]; categories: Map<string, HotEntry[]>; computedAt: Date },
): Promise<string[]> {
  const keys = hotKeys(deps, input.algorithm);
  const staging = keys.staging(randomBytes(6).toString('hex'));
  const staged = [...input.categories].filter(([, entries]) => entries.length > 0);
  const pipeline = deps.redis.pipeline();
  const stage = (key: string, entries: HotEntry[]) => {
    for (let i = 0; i < entries.length; i += WRITE_CHUNK) {
      pipeline.zadd(key, ...entries.slice(i, i + WRITE_CHUNK).flatMap((entry) => [String(entry.score), String(entry.id)]));
    }
    pipeline.expire(key, STAGING_TTL_SECONDS);
  };
  for (const [category, entries] of staged) stage(staging.categoryPrefix + category, entries);
  if (input.global.length > 0) {
    stage(staging.global, input.global);
    // Every category board's members are on the global board too: their tie data travels with it.
    const all = new Map<number, HotEntry>();
    for (const entry of [...input.global, ...staged.flatMap(([, entries]) => entries)]) all.set(entry.id, entry);
    const ties = [...all.values()];
    for (let i = 0; i < ties.length; i += WRITE_CHUNK) {
      pipeline.hset(staging.ties, Object.fromEntries(ties.slice(i, i + WRITE_CHUNK).map((entry) => [String(entry.id), tieValue(entry)])));
    }
    pipeline.expire(staging.ties, STAGING_TTL_SECONDS);
  }
  await execPipeline(pipeline);

  const [deleted] = await runScript(deps.redis, SWAP_BOARDS, [
    {
      keys: [keys.categories, keys.meta, keys.ties, staging.ties, keys.global, staging.global],
      args: [
        keys.categoryPrefix,
        staging.categoryPrefix,
        input.computedAt.getTime(),
        input.global.length > 0 ? '1' : '0',
        ...staged.map(([category]) => category),
      ],
    },
  ]);
  return deleted as string[];
}
