import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';

import { createPrisma, type Db } from '../../src/infra/prisma.js';
import type { KeySpace, Redis } from '../../src/infra/redis.js';
import type { BoardOrder } from '../../src/generated/prisma/client.js';
import type { BoardTarget } from '../../src/modules/leaderboards/board-definition.js';
import { archiveBoard } from '../../src/modules/leaderboards/archive-board.js';
import { writeStandings } from '../../src/modules/leaderboards/board-script.js';
import type { BoardCursor, BoardCursorPage, BoardSource, RankMode } from '../../src/modules/leaderboards/board-source.js';
import { redisBoard } from '../../src/modules/leaderboards/board-store.js';
import { postgresBoard } from '../../src/modules/leaderboards/postgres-board.js';
import { createDatabase, dropDatabase, uniqueName } from '../support/databases.js';
import { seededRandom } from '../support/random.js';
import { RANK_MODES, bruteForce, markReady, newTarget, openRedis } from './board-support.js';

/**
 * The PostgreSQL fallback and the archive answer exactly as the Redis board
 * does: one random board period is written both to Redis (through the write
 * script) and to `board_standings` (and copied to `board_archive`), and every
 * read is compared in every rank mode.
 */

let db: Db;
let dbName: string;
let redis: Redis;
let keys: KeySpace;
let close: () => Promise<void>;
let userIds: number[];

const USERS = 400;

beforeAll(async () => {
  dbName = uniqueName('lb_bsrc');
  db = createPrisma({ url: await createDatabase(dbName, inject('templateDatabase')), poolSize: 5 });
  ({ redis, keys, close } = await openRedis());
  const rows = await db.$queryRaw<Array<{ id: number }>>`
    INSERT INTO users (handle, display_name, password_hash, updated_at)
    SELECT 'bs_' || g, 'bs ' || g, 'x', now() FROM generate_series(1, ${USERS}) g RETURNING id`;
  userIds = rows.map((row) => row.id).sort((a, b) => a - b);
  await db.$executeRawUnsafe(`CREATE TABLE board_archive_2099_01 PARTITION OF board_archive FOR VALUES IN ('2099-01')`);
});

afterAll(async () => {
  await close();
  await db.$disconnect();
  await dropDatabase(dbName);
});

interface Row {
  userId: number;
  score: number;
  seq: bigint;
  ranked: boolean;
}

/** A random period: many ties, some unranked users, seqs unique and some beyond 2^53. */
function randomBoard(seed: number): Row[] {
  const next = seededRandom(seed);
  const seqs = new Set<bigint>();
  while (seqs.size < USERS) seqs.add(next() < 0.1 ? 2n ** 62n + BigInt(Math.floor(next() * 1e9)) : BigInt(1 + Math.floor(next() * 100_000)));
  const ordered = [...seqs];
  return userIds.map((userId, index) => ({
    userId,
    score: (Math.floor(next() * 30) - 8) * (next() < 0.05 ? 1_000_000_007 : 1),
    seq: ordered[index] as bigint,
    ranked: next() < 0.85,
  }));
}

async function writeBoth(target: BoardTarget, rows: readonly Row[]): Promise<void> {
  await writeStandings(redis, keys, target, rows.map((row) => ({ userId: row.userId, version: 1, score: row.score, seq: row.seq.toString(), ranked: row.ranked })));
  await markReady(redis, keys, target);
  await db.$executeRaw`
    INSERT INTO board_standings (period_ref, user_id, score, ranked, seq, version)
    SELECT ${target.ref}, u, s, r, q, 1
    FROM unnest(${rows.map((row) => row.userId)}::int[], ${rows.map((row) => BigInt(row.score))}::bigint[],
                ${rows.map((row) => row.ranked)}::boolean[], ${rows.map((row) => row.seq)}::bigint[]) AS t(u, s, r, q)`;
  const direction = target.order === 'DESC' ? 'DESC' : 'ASC';
  await db.$executeRawUnsafe(
    `INSERT INTO board_archive (month, period_ref, rank, user_id, score, seq)
     SELECT $1, period_ref, row_number() OVER (ORDER BY score ${direction}, seq, user_id), user_id, score, seq
     FROM board_standings WHERE period_ref = $2 AND ranked`,
    target.archiveMonth,
    target.ref,
  );
}

async function walk(source: BoardSource, target: BoardTarget, mode: RankMode, limit: number): Promise<BoardCursorPage[]> {
  const pages: BoardCursorPage[] = [];
  let after: BoardCursor | null = null;
  for (;;) {
    const page = await source.pageAfter(target, { after, limit, viewerId: userIds[3] ?? null, rankMode: mode });
    pages.push(page);
    const last = page.entries.at(-1);
    if (!page.hasNextPage || !last) return pages;
    after = { score: last.score, seq: last.seq, userId: last.userId, snapshot: page.snapshot };
  }
}

describe.each(['DESC', 'ASC'] as const)('a %s board read from Redis, PostgreSQL and the archive', (order: BoardOrder) => {
  let target: BoardTarget;
  let rows: Row[];
  const sources = () => ({ live: redisBoard({ redis, keys }), fallback: postgresBoard({ db }), archive: archiveBoard({ db }) });

  beforeAll(async () => {
    target = newTarget(order, 'parity');
    rows = randomBoard(order === 'DESC' ? 1 : 2);
    await writeBoth(target, rows);
  });

  it('pages alike, and as the brute-force ordering', async () => {
    const { live, fallback, archive } = sources();
    const ranked = rows.filter((row) => row.ranked);
    const unranked = rows.find((row) => !row.ranked)?.userId ?? null;
    for (const mode of RANK_MODES) {
      const expected = bruteForce(order, ranked, mode);
      for (const [offset, limit, viewerId] of [[0, 25, userIds[0]], [57, 30, unranked], [ranked.length - 5, 30, userIds[200]], [10, 0, userIds[1]]] as const) {
        const page = await live.page(target, { offset, limit, viewerId: viewerId ?? null, rankMode: mode });
        expect(page.entries).toEqual(expected.slice(offset, offset + limit));
        expect(page.total).toBe(ranked.length);
        expect(await fallback.page(target, { offset, limit, viewerId: viewerId ?? null, rankMode: mode })).toEqual(page);
        expect(await archive.page(target, { offset, limit, viewerId: viewerId ?? null, rankMode: mode })).toEqual(page);
      }
    }
  });

  it('walks by cursor alike', async () => {
    const { live, fallback, archive } = sources();
    for (const mode of RANK_MODES) {
      const pages = await walk(live, target, mode, 45);
      expect(pages.flatMap((page) => page.entries)).toEqual(bruteForce(order, rows.filter((row) => row.ranked), mode));
      expect(pages.at(0)?.snapshot).toBe(rows.reduce((max, row) => (row.seq > max ? row.seq : max), 0n).toString());
      expect(await walk(fallback, target, mode, 45)).toEqual(pages);
      // The archive holds ranked rows only, so its snapshot is the largest ranked seq; the pages are the same.
      const archived = await walk(archive, target, mode, 45);
      expect(archived.map(({ snapshot: _snapshot, ...page }) => page)).toEqual(pages.map(({ snapshot: _snapshot, ...page }) => page));
    }
  });

  it('gives standings and windows alike', async () => {
    const { live, fallback, archive } = sources();
    const next = seededRandom(17);
    const users = Array.from({ length: 60 }, () => userIds[Math.floor(next() * userIds.length)] as number);
    const around = [...users.slice(0, 4), ...bruteForce(order, rows.filter((row) => row.ranked), 'ORDINAL').filter((_, i, all) => i === 0 || i === all.length - 1).map((entry) => entry.userId)];
    for (const mode of RANK_MODES) {
      const standings = await live.standings(target, users, mode);
      expect(standings.byUser.size).toBeGreaterThan(30);
      expect(await fallback.standings(target, users, mode)).toEqual(standings);
      expect(await archive.standings(target, users, mode)).toEqual(standings);
      for (const userId of around) {
        const window = await live.around(target, userId, 3, mode);
        expect(await fallback.around(target, userId, 3, mode)).toEqual(window);
        expect(await archive.around(target, userId, 3, mode)).toEqual(window);
      }
    }
  });
});

describe('rank modes from PostgreSQL and the archive', () => {
  it('give 1, 1, 3 (COMPETITION) and 1, 1, 2 (DENSE)', async () => {
    const target = newTarget('DESC', 'modes');
    const [a, b, c] = userIds as [number, number, number];
    await writeBoth(target, [
      { userId: a, score: 10, seq: 5n, ranked: true },
      { userId: b, score: 10, seq: 6n, ranked: true },
      { userId: c, score: 4, seq: 1n, ranked: true },
    ]);
    for (const source of [postgresBoard({ db }), archiveBoard({ db })]) {
      const ranks = async (mode: RankMode) => (await source.page(target, { offset: 0, limit: 10, viewerId: null, rankMode: mode })).entries.map((entry) => entry.rank);
      expect(await ranks('ORDINAL')).toEqual([1, 2, 3]);
      expect(await ranks('COMPETITION')).toEqual([1, 1, 3]);
      expect(await ranks('DENSE')).toEqual([1, 1, 2]);
    }
  });
});

describe('PostgreSQL while standings are written', () => {
  it('answers each read from one snapshot: a page holds as many entries as its total, a window and standings agree with theirs', async () => {
    const target = newTarget('DESC', 'pg-snapshot');
    const board = postgresBoard({ db });
    const writes = (async () => {
      for (const [index, userId] of userIds.entries()) {
        await db.$executeRaw`
          INSERT INTO board_standings (period_ref, user_id, score, ranked, seq, version)
          VALUES (${target.ref}, ${userId}, ${index % 7}, true, ${index + 1}, 1)`;
      }
    })();
    let done = false;
    void writes.finally(() => (done = true));
    let reads = 0;
    const first = userIds[0]!;
    while (!done) {
      const [page, window, standings] = await Promise.all([
        board.page(target, { offset: 0, limit: USERS, viewerId: null, rankMode: 'ORDINAL' }),
        board.around(target, first, USERS, 'ORDINAL'),
        board.standings(target, userIds.slice(0, 100), 'ORDINAL'),
      ]);
      expect(page.entries).toHaveLength(page.total);
      if (window.standing) expect(window.entries).toHaveLength(window.total);
      expect(Math.max(0, ...[...standings.byUser.values()].map((standing) => standing.position))).toBeLessThanOrEqual(standings.total);
      reads += 1;
    }
    await writes;
    // Enough reads overlapped the writes for a torn one to show.
    expect(reads).toBeGreaterThan(20);
  });
});
