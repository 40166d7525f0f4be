import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KeySpace, Redis } from '../../src/infra/redis.js';
import type { BoardOrder } from '../../src/generated/prisma/client.js';
import type { BoardTarget } from '../../src/modules/leaderboards/board-definition.js';
import { sortScoreOf } from '../../src/modules/leaderboards/board-entry.js';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { writeStandings, type StandingWrite } from '../../src/modules/leaderboards/board-script.js';
import type { BoardCursor, BoardSource, RankedStanding } from '../../src/modules/leaderboards/board-source.js';
import { BoardNotReadyError, readStandings, redisBoard } from '../../src/modules/leaderboards/board-store.js';
import { seededRandom } from '../support/random.js';
import { RANK_MODES, bruteForce, markReady, newTarget, openRedis, type Held } from './board-support.js';

let redis: Redis;
let keys: KeySpace;
let close: () => Promise<void>;
let source: BoardSource;

beforeAll(async () => {
  ({ redis, keys, close } = await openRedis());
  source = redisBoard({ redis, keys });
});
afterAll(async () => close());

const ranked = (held: Held, version = 1): StandingWrite => ({ userId: held.userId, version, score: held.score, seq: held.seq.toString(), ranked: true });

async function boardOf(order: BoardOrder, held: readonly Held[]): Promise<BoardTarget> {
  const target = newTarget(order);
  await writeStandings(redis, keys, target, held.map((entry) => ranked(entry)));
  await markReady(redis, keys, target);
  return target;
}

async function everything(target: BoardTarget, mode: (typeof RANK_MODES)[number]): Promise<RankedStanding[]> {
  return (await source.page(target, { offset: 0, limit: 100_000, viewerId: null, rankMode: mode })).entries;
}

describe('entry encoding', () => {
  const MAX = Number.MAX_SAFE_INTEGER;
  const held: Held[] = [
    { userId: 1, score: MAX, seq: 2n ** 62n + 5n },
    { userId: 2, score: 3_000_000_000, seq: 2n ** 32n + 7n },
    { userId: 3, score: 3_000_000_000, seq: 2n ** 32n + 1n },
    { userId: 4, score: 3_000_000_000, seq: 2n ** 63n - 1n },
    { userId: 5, score: -3_000_000_000, seq: 9_007_199_254_740_993n },
    { userId: 6, score: -MAX, seq: 1n },
    { userId: 7, score: 1, seq: 2n ** 63n - 2n },
    { userId: 8, score: -1, seq: 0n },
    { userId: 9, score: -MAX, seq: 2n },
    { userId: 10, score: MAX, seq: 2n ** 62n + 4n },
  ];

  it.each(['DESC', 'ASC'] as const)('stores and ranks scores up to ±(2^53 − 1) and seqs up to 2^63 − 1 exactly (%s)', async (order) => {
    const target = await boardOf(order, held);
    for (const mode of RANK_MODES) expect(await everything(target, mode)).toEqual(bruteForce(order, held, mode));
    const top = order === 'DESC' ? [10, 1, 3, 2, 4] : [6, 9, 5, 8, 7];
    expect((await everything(target, 'ORDINAL')).slice(0, 5).map((entry) => entry.userId)).toEqual(top);
    expect((await source.standings(target, [4], 'ORDINAL')).byUser.get(4)).toMatchObject({ score: 3_000_000_000, seq: '9223372036854775807' });
  });

  it('refuses a score beyond 2^53 − 1', () => {
    expect(() => sortScoreOf('DESC', 2 ** 53)).toThrow(RangeError);
    expect(() => sortScoreOf('ASC', -(2 ** 53))).toThrow(RangeError);
  });
});

describe('rank modes', () => {
  it.each(['DESC', 'ASC'] as const)('gives 1, 2, 3 / 1, 1, 3 / 1, 1, 2 for two equal scores and a worse one (%s)', async (order) => {
    const worse = order === 'DESC' ? 5 : 20;
    const target = await boardOf(order, [
      { userId: 11, score: 10, seq: 2n },
      { userId: 12, score: worse, seq: 1n },
      { userId: 13, score: 10, seq: 3n },
    ]);
    const ranks = async (mode: (typeof RANK_MODES)[number]) => (await everything(target, mode)).map((entry) => [entry.userId, entry.rank]);
    expect(await ranks('ORDINAL')).toEqual([[11, 1], [13, 2], [12, 3]]);
    expect(await ranks('COMPETITION')).toEqual([[11, 1], [13, 1], [12, 3]]);
    expect(await ranks('DENSE')).toEqual([[11, 1], [13, 1], [12, 2]]);
    const window = await source.around(target, 12, 1, 'DENSE');
    expect(window.entries.map((entry) => entry.rank)).toEqual([1, 2]);
    expect(window.standing).toMatchObject({ userId: 12, rank: 2, position: 3 });
  });
});

describe('a random board', () => {
  const next = seededRandom(99);
  const held: Held[] = Array.from({ length: 600 }, (_, i) => ({
    userId: 1000 + i,
    // A small range forces many ties.
    score: Math.floor(next() * 40) - 10,
    seq: BigInt(1 + i * 7) + (next() < 0.2 ? 2n ** 40n : 0n),
  }));
  let target: BoardTarget;
  beforeAll(async () => {
    target = await boardOf('DESC', held);
  });

  it('gives 50 random users the ranks of a brute-force ordering, in every mode', async () => {
    const users = Array.from({ length: 50 }, () => 1000 + Math.floor(next() * 650)); // some are not on the board
    for (const mode of RANK_MODES) {
      const expected = new Map(bruteForce('DESC', held, mode).map((entry) => [entry.userId, entry]));
      const standings = await source.standings(target, users, mode);
      expect(standings.byUser).toEqual(new Map(users.filter((id) => expected.has(id)).map((id) => [id, expected.get(id)])));
      expect(standings.total).toBe(held.length);
      expect(await readStandings({ redis, keys }, target, users, mode)).toEqual(standings);
    }
  });

  it('pages and windows like the brute-force ordering, in every mode', async () => {
    for (const mode of RANK_MODES) {
      const expected = bruteForce('DESC', held, mode);
      const page = await source.page(target, { offset: 137, limit: 50, viewerId: 1003, rankMode: mode });
      expect(page.entries).toEqual(expected.slice(137, 187));
      expect(page.total).toBe(600);
      expect(page.viewer).toEqual(expected.find((entry) => entry.userId === 1003));
      expect(await source.page(target, { offset: 0, limit: 0, viewerId: 1003, rankMode: mode })).toEqual({ entries: [], total: 600, viewer: page.viewer, snapshot: page.snapshot });
      const at = expected[2] as RankedStanding;
      expect(await source.around(target, at.userId, 4, mode)).toEqual({ entries: expected.slice(0, 7), total: 600, standing: at });
      expect(await source.around(target, 999_999, 4, mode)).toEqual({ entries: [], total: 600, standing: null });
    }
  });

  it('walks the whole board by cursor in every mode', async () => {
    for (const mode of RANK_MODES) {
      const walked: RankedStanding[] = [];
      let after: BoardCursor | null = null;
      for (;;) {
        const page = await source.pageAfter(target, { after, limit: 70, viewerId: null, rankMode: mode });
        walked.push(...page.entries);
        const last = page.entries.at(-1);
        if (!page.hasNextPage || !last) break;
        after = { score: last.score, seq: last.seq, userId: last.userId, snapshot: page.snapshot };
      }
      expect(walked).toEqual(bruteForce('DESC', held, mode));
    }
  });
});

describe('a board that is not whole', () => {
  it('throws BoardNotReadyError and readStandings gives null without a ready marker, or when empty', async () => {
    const target = newTarget('DESC');
    await writeStandings(redis, keys, target, [{ userId: 5, version: 1, score: 3, seq: '1', ranked: true }]);
    const reads = [
      () => source.page(target, { offset: 0, limit: 10, viewerId: null, rankMode: 'ORDINAL' }),
      () => source.pageAfter(target, { after: null, limit: 10, viewerId: null, rankMode: 'ORDINAL' }),
      () => source.standings(target, [5], 'DENSE'),
      () => source.around(target, 5, 2, 'COMPETITION'),
    ];
    for (const read of reads) await expect(read()).rejects.toThrow(BoardNotReadyError);
    expect(await readStandings({ redis, keys }, target, [5], 'ORDINAL')).toBeNull();

    await markReady(redis, keys, target);
    expect(await readStandings({ redis, keys }, target, [5], 'ORDINAL')).toEqual({ byUser: new Map([[5, { userId: 5, rank: 1, position: 1, score: 3, seq: '1' }]]), total: 1 });
    await writeStandings(redis, keys, target, [{ userId: 5, version: 2, score: 0, seq: '2', ranked: false }]);
    expect(await redis.exists(boardKeys(keys, target.ref).ready)).toBe(1);
    for (const read of reads) await expect(read()).rejects.toThrow(BoardNotReadyError);
    expect(await readStandings({ redis, keys }, target, [5], 'ORDINAL')).toBeNull();
  });
});

describe('cursor walk under concurrent writes', () => {
  it('returns no member twice and every member whose score did not change', async () => {
    const next = seededRandom(5);
    const size = 5000;
    const held: Held[] = Array.from({ length: size }, (_, i) => ({ userId: 1 + i, score: Math.floor(next() * 2000), seq: BigInt(1 + i) }));
    const target = newTarget('DESC');
    for (let from = 0; from < size; from += 1000) await writeStandings(redis, keys, target, held.slice(from, from + 1000).map((entry) => ranked(entry)));
    await markReady(redis, keys, target);

    // 1000 writes: scores up or down (some to a tie with a neighbour), versions increasing per user.
    const versions = new Map<number, number>();
    const changed = new Set<number>();
    let seq = BigInt(size);
    const writes: StandingWrite[] = Array.from({ length: 1000 }, () => {
      const userId = 1 + Math.floor(next() * size);
      const version = (versions.get(userId) ?? 1) + 1;
      versions.set(userId, version);
      changed.add(userId);
      seq += 1n;
      const delta = Math.floor(next() * 600) - 300;
      return { userId, version, score: (held[userId - 1] as Held).score + delta, seq: seq.toString(), ranked: true };
    });

    // The writer has its own connection, so its writes interleave with the walk's reads in Redis.
    const writer = redis.duplicate();
    const log: string[] = [];
    try {
      const writing = (async () => {
        for (let from = 0; from < writes.length; from += 20) {
          await writeStandings(writer, keys, target, writes.slice(from, from + 20));
          log.push('w');
        }
      })();
      const walking = (async () => {
        const seen: number[] = [];
        let after: BoardCursor | null = null;
        for (;;) {
          const page = await source.pageAfter(target, { after, limit: 50, viewerId: null, rankMode: 'COMPETITION' });
          log.push('p');
          seen.push(...page.entries.map((entry) => entry.userId));
          const last = page.entries.at(-1);
          if (!page.hasNextPage || !last) break;
          after = { score: last.score, seq: last.seq, userId: last.userId, snapshot: page.snapshot };
        }
        return seen;
      })();
      const [seen] = await Promise.all([walking, writing]);

      // The writes really happened while the walk was under way.
      const pages = log.map((kind, index) => (kind === 'p' ? index : -1)).filter((index) => index >= 0);
      expect(log.slice(pages[0], pages.at(-1)).filter((kind) => kind === 'w').length).toBeGreaterThan(5);

      expect(new Set(seen).size).toBe(seen.length);
      const missing = held.filter((entry) => !changed.has(entry.userId) && !seen.includes(entry.userId));
      expect(missing).toEqual([]);
      expect(changed.size).toBeGreaterThan(800);
    } finally {
      await writer.quit();
    }
  });
});
