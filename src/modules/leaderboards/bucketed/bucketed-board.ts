import { runScript } from '../../../lib/lua-script.js';
import type { BoardTarget } from '../board-definition.js';
import { boardMember, sortScoreOf } from '../board-entry.js';
import { checkCursorPage, checkPage, checkRadius, checkUserIds } from '../board-read-limits.js';
import { READ_PAGE_AFTER } from '../board-read-scripts.js';
import type { BoardCursorPage, BoardPage, BoardSource, BoardStandings, BoardWindow, RankedStanding, RankMode } from '../board-source.js';
import { bucketKeys } from './bucket-keys.js';
import { bucketCount, bucketOf, type BucketLayout } from './bucket-layout.js';
import {
  bucketCall,
  distinctBefore,
  globalStanding,
  readBuckets,
  readUserBuckets,
  RETRY,
  snapshotOf,
  underSeqlock,
  type BucketHome,
  type BucketReadDeps,
  type BucketReply,
} from './bucket-read.js';

/** As in board-store.ts: entries looked at per entry asked for by a cursor page. */
const SCAN_FACTOR = 20;

type Raw = [string, string, number, number];

/** Which buckets hold board positions first..last (0-based), as [bucket, local start, local stop]. */
function rangesOf(home: BucketHome, first: number, last: number): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  home.counts.forEach((count, bucket) => {
    const start = home.before[bucket] ?? 0;
    const from = Math.max(first, start);
    const to = Math.min(last, start + count - 1);
    if (count > 0 && from <= to) out.push([bucket, from - start, to - start]);
  });
  return out;
}

/**
 * The standings of users under one seqlock pass: their buckets from their
 * shards, then their entries from those buckets. RETRY when a user is
 * pending in a move, or their shard and bucket disagree (a move overlapped).
 */
async function standingsOf(
  deps: BucketReadDeps,
  target: BoardTarget,
  layout: BucketLayout,
  home: BucketHome,
  userIds: readonly number[],
  mode: RankMode,
  /** Distinct scores before each bucket, when the caller has them; a DENSE read without them reads what it needs. */
  dense: readonly number[] | null,
): Promise<Map<number, RankedStanding> | typeof RETRY> {
  const at = await readUserBuckets(deps, target, layout, userIds);
  const byBucket = new Map<number, number[]>();
  for (const [userId, bucket] of at) {
    if (bucket.endsWith('*')) return RETRY;
    if (bucket !== '') byBucket.set(Number(bucket), [...(byBucket.get(Number(bucket)) ?? []), userId]);
  }
  const groups = [...byBucket.entries()];
  if (mode === 'DENSE' && !dense) dense = distinctBefore(await summaries(deps, target, layout, mode, Math.max(0, ...byBucket.keys())));
  const replies = await readBuckets(deps, groups.map(([bucket, ids]) => bucketCall(deps, target, bucket, [mode, 'users', ...ids.map(String)])));
  const out = new Map<number, RankedStanding>();
  for (const [index, [bucket, ids]] of groups.entries()) {
    const reply = replies[index];
    if (!reply || Number(reply[0]) !== home.counts[bucket]) return RETRY;
    for (const [position, raw] of reply[3].entries()) {
      if (!raw) return RETRY;
      const standing = globalStanding(target, home, dense, bucket, raw, mode);
      if (standing.userId === ids[position]) out.set(standing.userId, standing);
    }
  }
  return out;
}

/**
 * The summaries (distinct scores, max seq) of buckets 0..upTo − 1 (all by
 * default): a DENSE rank needs those of the better buckets only, a page's
 * snapshot those of every bucket. One script per bucket, so their number
 * is what a DENSE read or a page costs beyond an ORDINAL one.
 */
async function summaries(deps: BucketReadDeps, target: BoardTarget, layout: BucketLayout, mode: RankMode, upTo = bucketCount(layout)): Promise<BucketReply[]> {
  return readBuckets(deps, Array.from({ length: upTo }, (_unused, bucket) => bucketCall(deps, target, bucket, [mode, 'summary'])));
}

/** The entries at board positions first..last; RETRY when a bucket's size disagrees with the home counts. */
async function rangeOf(deps: BucketReadDeps, target: BoardTarget, home: BucketHome, first: number, last: number, mode: RankMode, dense: readonly number[] | null) {
  const ranges = rangesOf(home, first, last);
  const replies = await readBuckets(deps, ranges.map(([bucket, from, to]) => bucketCall(deps, target, bucket, [mode, 'range', String(from), String(to)])));
  const entries: RankedStanding[] = [];
  for (const [index, [bucket]] of ranges.entries()) {
    const reply = replies[index];
    if (!reply || Number(reply[0]) !== home.counts[bucket]) return RETRY;
    for (const raw of reply[3]) if (raw) entries.push(globalStanding(target, home, dense, bucket, raw, mode));
  }
  return entries;
}

/**
 * The read side of a bucketed board period, the same {@link BoardSource} as
 * the unbucketed Redis board: same shapes, positions and ranks. Every read
 * runs under the move seqlock (bucket-read.ts) and throws BoardNotReadyError
 * when the board is not whole or moves kept overlapping it.
 */
export function bucketedBoard(deps: BucketReadDeps, layout: BucketLayout): BoardSource {
  return {
    page(target, { offset, limit, viewerId, rankMode }): Promise<BoardPage> {
      checkPage(offset, limit);
      return underSeqlock(deps, target, layout, async (home) => {
        const all = await summaries(deps, target, layout, rankMode);
        const dense = rankMode === 'DENSE' ? distinctBefore(all) : null;
        const entries = limit > 0 ? await rangeOf(deps, target, home, offset, offset + limit - 1, rankMode, dense) : [];
        if (entries === RETRY) return RETRY;
        const viewer = viewerId === null ? new Map<number, RankedStanding>() : await standingsOf(deps, target, layout, home, [viewerId], rankMode, dense);
        if (viewer === RETRY) return RETRY;
        return { entries, total: home.total, viewer: viewerId === null ? null : (viewer.get(viewerId) ?? null), snapshot: snapshotOf(all) };
      });
    },

    pageAfter(target, { after, limit, viewerId, rankMode }): Promise<BoardCursorPage> {
      checkCursorPage(limit);
      return underSeqlock(deps, target, layout, async (home) => {
        const all = await summaries(deps, target, layout, rankMode);
        const dense = rankMode === 'DENSE' ? distinctBefore(all) : null;
        const snapshot = after ? after.snapshot : snapshotOf(all);
        const snapshotHex = boardMember(snapshot, 1).slice(0, 16);
        const budget = String(Math.max(limit, 1) * SCAN_FACTOR);
        const entries: RankedStanding[] = [];
        let hasNextPage = false;
        // The cursor's bucket first, from just after it; then the worse buckets from their top.
        let cursor = after ? [String(sortScoreOf(target.order, after.score)), boardMember(after.seq, after.userId)] : ['', ''];
        for (let bucket = after ? bucketOf(layout, Number(cursor[0])) : 0; bucket < bucketCount(layout); bucket += 1) {
          if (entries.length === limit) {
            hasNextPage = home.counts.slice(bucket).some((count) => count > 0);
            break;
          }
          if ((home.counts[bucket] ?? 0) === 0) {
            cursor = ['', ''];
            continue;
          }
          const keys = bucketKeys(deps.keys, target.ref, bucket);
          // The unbucketed walk, run inside one bucket: the bucket's own sorted set stands in for the ready marker.
          const [reply] = await runScript(deps.redis, READ_PAGE_AFTER, [
            { keys: [keys.board, keys.scores, keys.board, keys.owners, keys.maxSeq], args: [rankMode, String(limit - entries.length), '', ...cursor, snapshotHex, budget] },
          ]);
          const [size, flat, , , more] = reply as [number, string[], unknown, string, number];
          if (Number(size) !== home.counts[bucket]) return RETRY;
          for (let index = 0; index + 3 < flat.length; index += 4) {
            entries.push(globalStanding(target, home, dense, bucket, [flat[index], flat[index + 1], Number(flat[index + 2]), Number(flat[index + 3])] as Raw, rankMode));
          }
          if (more === 1) {
            hasNextPage = true;
            break;
          }
          cursor = ['', ''];
        }
        const viewer = viewerId === null ? new Map<number, RankedStanding>() : await standingsOf(deps, target, layout, home, [viewerId], rankMode, dense);
        if (viewer === RETRY) return RETRY;
        return { entries, total: home.total, viewer: viewerId === null ? null : (viewer.get(viewerId) ?? null), snapshot, hasNextPage };
      });
    },

    standings(target, userIds, rankMode): Promise<BoardStandings> {
      checkUserIds(userIds);
      return underSeqlock(deps, target, layout, async (home) => {
        const byUser = userIds.length === 0 ? new Map<number, RankedStanding>() : await standingsOf(deps, target, layout, home, userIds, rankMode, null);
        return byUser === RETRY ? RETRY : { byUser, total: home.total };
      });
    },

    around(target, userId, radius, rankMode): Promise<BoardWindow> {
      checkRadius(radius);
      return underSeqlock(deps, target, layout, async (home) => {
        const found = await standingsOf(deps, target, layout, home, [userId], rankMode, null);
        if (found === RETRY) return RETRY;
        const standing = found.get(userId) ?? null;
        if (!standing) return { entries: [], total: home.total, standing: null };
        const first = Math.max(standing.position - 1 - radius, 0);
        const last = standing.position - 1 + radius;
        const worst = Math.max(0, ...rangesOf(home, first, last).map(([bucket]) => bucket));
        const dense = rankMode === 'DENSE' ? distinctBefore(await summaries(deps, target, layout, rankMode, worst)) : null;
        const entries = await rangeOf(deps, target, home, first, last, rankMode, dense);
        return entries === RETRY ? RETRY : { entries, total: home.total, standing };
      });
    },
  };
}
