import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardOrder } from '../../src/generated/prisma/client.js';
import type { BoardTarget } from '../../src/modules/leaderboards/board-definition.js';
import type { BoardSource, RankedStanding, RankMode } from '../../src/modules/leaderboards/board-source.js';
import type { StandingWrite } from '../../src/modules/leaderboards/board-script.js';
import {
  bucketedBoard,
  BucketBoardBrokenError,
  BucketBoardInconsistentError,
  BucketMovesStuckError,
  checkLayout,
  loadBucketedBoard,
  rebuildBucketedBoard,
  STUCK_MOVE_MS,
  writeBucketedStanding,
  writeBucketedStandings,
  type BucketLayout,
} from '../../src/modules/leaderboards/bucketed/index.js';
import { BoardNotReadyError } from '../../src/modules/leaderboards/board-store.js';
import { orderSql, toStanding, type RankedRow } from '../../src/modules/leaderboards/board-sql.js';
import { Prisma } from '../../src/infra/prisma.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { seededRandom } from '../support/random.js';

const clock = createTestClock('2026-06-15T12:00:00.000Z');
let t: TestContext;
/** Real users, so their standings can sit in PostgreSQL's board_standings (the truth reads are compared with). */
let ids: number[] = [];

beforeAll(async () => {
  t = await createTestContext({}, { clock });
  const rows = await t.deps.db.$queryRaw<Array<{ id: number }>>`
    INSERT INTO users (handle, display_name, password_hash, updated_at)
    SELECT 'bucket_' || n, 'Bucket ' || n, 'x', now() FROM generate_series(1, 500) n RETURNING id`;
  ids = rows.map((row) => row.id).sort((a, b) => a - b);
});
afterAll(async () => {
  await t.cleanup();
});

const MODES: RankMode[] = ['ORDINAL', 'COMPETITION', 'DENSE'];

/** What a board holds, per user: the newest write applied. */
type Truth = Map<number, { version: number; score: number; seq: bigint; ranked: boolean }>;

function apply(truth: Truth, write: StandingWrite): void {
  const held = truth.get(write.userId);
  if (held && held.version >= write.version) return;
  truth.set(write.userId, { version: write.version, score: write.score, seq: BigInt(write.seq), ranked: write.ranked });
}

/**
 * The brute-force board: the truth written to board_standings, then sorted and
 * ranked by PostgreSQL itself (ROW_NUMBER, RANK, DENSE_RANK over the board order).
 */
async function bruteForce(target: BoardTarget, truth: Truth, mode: RankMode): Promise<RankedStanding[]> {
  const rows = [...truth.entries()].filter(([, held]) => held.ranked);
  await t.deps.db.$executeRaw`DELETE FROM board_standings WHERE period_ref = ${target.ref}`;
  await t.deps.db.$executeRaw`
    INSERT INTO board_standings (period_ref, user_id, score, ranked, seq, version)
    SELECT ${target.ref}, u, s, true, q, v
    FROM unnest(${rows.map(([userId]) => userId)}::int[], ${rows.map(([, held]) => BigInt(held.score))}::bigint[],
                ${rows.map(([, held]) => held.seq)}::bigint[], ${rows.map(([, held]) => held.version)}::int[]) AS x(u, s, q, v)`;
  const { direction } = orderSql(target.order);
  const rank = mode === 'ORDINAL' ? Prisma.sql`row_number()` : mode === 'COMPETITION' ? Prisma.sql`rank()` : Prisma.sql`dense_rank()`;
  const sorted = await t.deps.db.$queryRaw<RankedRow[]>`
    SELECT user_id, score, seq, row_number() OVER (ORDER BY score ${direction}, seq) AS position,
           ${rank} OVER (ORDER BY score ${direction}) AS rank
    FROM board_standings WHERE period_ref = ${target.ref} ORDER BY score ${direction}, seq`;
  return sorted.map(toStanding);
}

/** Redis's clock in ms: what a move's start and age are measured by. */
async function redisMs(): Promise<number> {
  const [seconds, micros] = await t.deps.redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

let seq = 0n;
const nextSeq = () => (seq += 1n).toString();

/** Compares every read of the board with the brute-force order, in every rank mode. */
async function expectBoardEquals(board: BoardSource, target: BoardTarget, truth: Truth): Promise<void> {
  for (const mode of MODES) {
    const expected = await bruteForce(target, truth, mode);
    const n = expected.length;
    for (let offset = 0; offset < n; offset += 37) {
      const page = await board.page(target, { offset, limit: 50, viewerId: expected[offset]?.userId ?? null, rankMode: mode });
      expect(page.total).toBe(n);
      expect(page.entries).toEqual(expected.slice(offset, offset + 50));
      expect(page.viewer).toEqual(expected[offset]);
    }
    const standings = await board.standings(target, [...truth.keys()], mode);
    expect(standings.total).toBe(n);
    expect([...standings.byUser.values()].sort((a, b) => a.position - b.position)).toEqual(expected);
    for (let index = 0; index < n; index += 29) {
      const window = await board.around(target, expected[index]!.userId, 4, mode);
      expect(window.standing).toEqual(expected[index]);
      expect(window.entries).toEqual(expected.slice(Math.max(index - 4, 0), index + 5));
    }
    const walked: RankedStanding[] = [];
    let page = await board.pageAfter(target, { after: null, limit: 40, viewerId: null, rankMode: mode });
    walked.push(...page.entries);
    while (page.hasNextPage) {
      const last = page.entries.at(-1)!;
      page = await board.pageAfter(target, { after: { score: last.score, seq: last.seq, userId: last.userId, snapshot: page.snapshot }, limit: 40, viewerId: null, rankMode: mode });
      walked.push(...page.entries);
    }
    expect(walked).toEqual(expected);
  }
}

async function freshTarget(order: BoardOrder, layout: BucketLayout, name: string): Promise<BoardTarget> {
  const target: BoardTarget = { ref: `bucketed-${name}/2026-06`, order, archiveMonth: '2026-06', layout };
  // An empty board is whole (a new period): the marker a period's creation sets.
  await loadBucketedBoard(t.deps, target, layout, []);
  return target;
}

describe('a bucketed board against a brute-force order', () => {
  for (const order of ['DESC', 'ASC'] as const) {
    it(`answers pages, standings, around and cursor walks exactly, in every rank mode, as members cross bounds (${order})`, async () => {
      // Scores 0..60 with many ties; sort scores are negated on DESC boards, so the bounds differ by order.
      const bounds = order === 'DESC' ? [-50, -40, -30, -20, -10] : [10, 20, 30, 40, 50];
      const layout = checkLayout({ bounds, userShards: 7 });
      const target = await freshTarget(order, layout, order.toLowerCase());
      const board = bucketedBoard(t.deps, layout);
      const random = seededRandom(order === 'DESC' ? 11 : 12);
      const truth: Truth = new Map();
      const round = async (version: number, share: number) => {
        const writes: StandingWrite[] = [];
        for (const userId of ids) {
          if (random() > share) continue;
          writes.push({ userId, version, score: Math.floor(random() * 61), seq: nextSeq(), ranked: random() > 0.05 });
        }
        const applied = await writeBucketedStandings(t.deps, target, layout, writes);
        expect(applied.every(Boolean)).toBe(true);
        writes.forEach((write) => apply(truth, write));
      };
      await round(1, 1);
      await expectBoardEquals(board, target, truth);
      // Half the users move (most across a bound), some leave, some join.
      await round(2, 0.5);
      await round(3, 0.3);
      await expectBoardEquals(board, target, truth);
    });
  }

  it('refuses a write whose version is not newer, in the bucket and across buckets', async () => {
    const layout = checkLayout({ bounds: [-100, 0], userShards: 3 });
    const target = await freshTarget('DESC', layout, 'versions');
    const board = bucketedBoard(t.deps, layout);
    expect(await writeBucketedStanding(t.deps, target, layout, { userId: 5, version: 3, score: 150, seq: '30', ranked: true })).toBe(true);
    expect(await writeBucketedStanding(t.deps, target, layout, { userId: 5, version: 2, score: 10, seq: '31', ranked: true })).toBe(false);
    expect(await writeBucketedStanding(t.deps, target, layout, { userId: 5, version: 3, score: 140, seq: '32', ranked: true })).toBe(false);
    const standings = await board.standings(target, [5], 'COMPETITION');
    expect(standings.byUser.get(5)).toMatchObject({ score: 150, rank: 1 });
  });
  it('refuses every write while the period is sealed, and the refused version stays writable after', async () => {
    const layout = checkLayout({ bounds: [-100, 0], userShards: 3 });
    const target = await freshTarget('DESC', layout, 'sealed');
    const board = bucketedBoard(t.deps, layout);
    expect(await writeBucketedStanding(t.deps, target, layout, { userId: 7, version: 1, score: 50, seq: '40', ranked: true })).toBe(true);
    const sealed = t.deps.keys.key(`{lb:${target.ref}}`, 'sealed');
    await t.deps.redis.set(sealed, '1');
    // One write stays in its bucket (50 → 60), one crosses a bound (→ 150).
    expect(await writeBucketedStanding(t.deps, target, layout, { userId: 7, version: 2, score: 60, seq: '41', ranked: true })).toBe(false);
    expect(await writeBucketedStanding(t.deps, target, layout, { userId: 7, version: 3, score: 150, seq: '42', ranked: true })).toBe(false);
    expect(await writeBucketedStanding(t.deps, target, layout, { userId: 7, version: 3, score: 150, seq: '42', ranked: true }, { throughSeal: true })).toBe(true);
    await t.deps.redis.del(sealed);
    expect(await writeBucketedStanding(t.deps, target, layout, { userId: 7, version: 4, score: 60, seq: '43', ranked: true })).toBe(true);
    expect((await board.standings(target, [7], 'ORDINAL')).byUser.get(7)).toMatchObject({ score: 60, position: 1 });
  });
});

describe('a bucketed board under concurrent moves', () => {
  it('never answers a fresh page or standings read with a member twice or missing, while 3,000 racing writes move 300 users across bounds', async () => {
    const layout = checkLayout({ bounds: [-80, -60, -40, -20], userShards: 5 });
    const target = await freshTarget('DESC', layout, 'race');
    const board = bucketedBoard(t.deps, layout);
    const random = seededRandom(99);
    const truth: Truth = new Map();
    const initial: StandingWrite[] = ids.slice(0, 300).map((userId) => ({ userId, version: 1, score: Math.floor(random() * 100), seq: nextSeq(), ranked: true }));
    await writeBucketedStandings(t.deps, target, layout, initial);
    initial.forEach((write) => apply(truth, write));

    // Versions per user rise, but writes are sent in shuffled batches, so older ones often arrive late.
    const writes: StandingWrite[] = [];
    const versions = new Map<number, number>();
    for (let index = 0; index < 3_000; index += 1) {
      const userId = ids[Math.floor(random() * 300)]!;
      const version = (versions.get(userId) ?? 1) + 1;
      versions.set(userId, version);
      writes.push({ userId, version, score: Math.floor(random() * 100), seq: nextSeq(), ranked: random() > 0.1 });
    }
    for (let index = writes.length - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      [writes[index], writes[other]] = [writes[other]!, writes[index]!];
    }
    let writing = true;
    const writer = (async () => {
      for (let index = 0; index < writes.length; index += 100) await writeBucketedStandings(t.deps, target, layout, writes.slice(index, index + 100));
      writing = false;
    })();
    let fresh = 0;
    let stale = 0;
    const readers = Array.from({ length: 3 }, async (_unused, reader) => {
      const mode = MODES[reader]!;
      while (writing) {
        try {
          const page = await board.page(target, { offset: 0, limit: 300, viewerId: null, rankMode: mode });
          fresh += 1;
          const users = page.entries.map((entry) => entry.userId);
          expect(new Set(users).size).toBe(users.length);
          expect(users.length).toBe(page.total);
          page.entries.forEach((entry, index) => {
            expect(entry.position).toBe(index + 1);
            const previous = page.entries[index - 1];
            if (!previous) return expect(entry.rank).toBe(1);
            expect(entry.score).toBeLessThanOrEqual(previous.score);
            if (mode === 'ORDINAL') expect(entry.rank).toBe(index + 1);
            else if (entry.score === previous.score) expect(entry.rank).toBe(previous.rank);
            else expect(entry.rank).toBe(mode === 'COMPETITION' ? index + 1 : previous.rank + 1);
          });
        } catch (error) {
          // Racing moves make reads stale, never "broken" (that would call for a rebuild).
          if (!(error instanceof BoardNotReadyError) || error instanceof BucketBoardBrokenError) throw error;
          stale += 1;
        }
      }
    });
    // Standings go through the user shards: every user on the board must come back once, at positions 1..total.
    const standingsReader = (async () => {
      while (writing) {
        try {
          const { byUser, total } = await board.standings(target, ids.slice(0, 300), 'DENSE');
          fresh += 1;
          const ordered = [...byUser.values()].sort((a, b) => a.position - b.position);
          expect(ordered.map((entry) => entry.position)).toEqual(Array.from({ length: total }, (_unused, index) => index + 1));
          ordered.forEach((entry, index) => {
            const previous = ordered[index - 1];
            if (!previous) return expect(entry.rank).toBe(1);
            expect(entry.rank).toBe(entry.score === previous.score ? previous.rank : previous.rank + 1);
          });
        } catch (error) {
          // Racing moves make reads stale, never "broken" (that would call for a rebuild).
          if (!(error instanceof BoardNotReadyError) || error instanceof BucketBoardBrokenError) throw error;
          stale += 1;
        }
      }
    })();
    await Promise.all([writer, ...readers, standingsReader]);
    writes.forEach((write) => apply(truth, write));
    expect(fresh).toBeGreaterThan(0);
    expect(fresh + stale).toBeGreaterThan(3);
    await expectBoardEquals(board, target, truth);
  });
});

describe('a move that died half-way', () => {
  it('turns fresh reads stale, is reported stuck after STUCK_MOVE_MS, and heals by a rebuild from PostgreSQL', async () => {
    const layout = checkLayout({ bounds: [-50], userShards: 2 });
    const users = await Promise.all([1, 2, 3].map(async () => (await t.createUser()).user.id));
    const target = await freshTarget('DESC', layout, 'crash');
    const rows = users.map((userId, index) => ({ periodRef: target.ref, userId, score: BigInt(30 + index * 20), ranked: true, seq: BigInt(index + 1), version: 1 }));
    await t.deps.db.boardStanding.createMany({ data: rows });
    await writeBucketedStandings(t.deps, target, layout, rows.map((row) => ({ userId: row.userId, version: 1, score: Number(row.score), seq: row.seq.toString(), ranked: true })));
    const board = bucketedBoard(t.deps, layout);
    expect((await board.page(target, { offset: 0, limit: 10, viewerId: null, rankMode: 'ORDINAL' })).entries.map((entry) => entry.score)).toEqual([70, 50, 30]);

    // The writer of user 0 (score 30 → 90) died after registering its move and adding the member to bucket 0:
    // the member is in both buckets, the move never ends.
    const moves = t.deps.keys.key(`{lb:${target.ref}}`, 'bucket-moves');
    await t.deps.redis.hset(moves, `${users[0]}:2:a`, String(await redisMs()));
    await t.deps.redis.zadd(t.deps.keys.key(`{lb:${target.ref}:b0}`, 'board'), -90, `${'9'.padStart(16, '0')}:${users[0]}`);
    await expect(board.page(target, { offset: 0, limit: 10, viewerId: null, rankMode: 'ORDINAL' })).rejects.toBeInstanceOf(BoardNotReadyError);
    // Its age is measured by Redis's clock (the one BEGIN_MOVE stamps), not the app's.
    clock.advance(STUCK_MOVE_MS + 1);
    await expect(board.page(target, { offset: 0, limit: 10, viewerId: null, rankMode: 'ORDINAL' })).rejects.toMatchObject({ name: 'BoardNotReadyError' });
    await t.deps.redis.hset(moves, `${users[0]}:2:a`, String((await redisMs()) - STUCK_MOVE_MS - 1));
    await expect(board.page(target, { offset: 0, limit: 10, viewerId: null, rankMode: 'ORDINAL' })).rejects.toBeInstanceOf(BucketMovesStuckError);

    await rebuildBucketedBoard(t.deps, target, layout);
    const healed = await board.page(target, { offset: 0, limit: 10, viewerId: null, rankMode: 'COMPETITION' });
    expect(healed.entries.map((entry) => [entry.userId, entry.score, entry.rank])).toEqual([
      [users[2], 70, 1],
      [users[1], 50, 2],
      [users[0], 30, 3],
    ]);
  });
});

describe('a move that fails half-way', () => {
  it('is marked stuck at once, so the next read asks for the rebuild instead of answering stale until STUCK_MOVE_MS', async () => {
    const layout = checkLayout({ bounds: [-50], userShards: 2 });
    const users = await Promise.all([1, 2].map(async () => (await t.createUser()).user.id));
    const target = await freshTarget('DESC', layout, 'fails');
    await writeBucketedStandings(t.deps, target, layout, users.map((userId, index) => ({ userId, version: 1, score: 10 + index, seq: nextSeq(), ranked: true })));
    const board = bucketedBoard(t.deps, layout);
    const read = () => board.page(target, { offset: 0, limit: 10, viewerId: null, rankMode: 'ORDINAL' });
    expect((await read()).entries.map((entry) => entry.score)).toEqual([11, 10]);
    // Bucket 0 (scores ≥ 50) cannot take the member: its owners key is not a hash, so step 4 fails (WRONGTYPE)
    // after the move was registered, claimed and counted.
    await t.deps.redis.set(t.deps.keys.key(`{lb:${target.ref}:b0}`, 'owners'), 'not a hash');
    await expect(writeBucketedStanding(t.deps, target, layout, { userId: users[0]!, version: 2, score: 90, seq: nextSeq(), ranked: true })).rejects.toThrow(/WRONGTYPE/);
    // The app's clock does not move (as under a test clock): the move is stuck by its mark, not by its age.
    await expect(read()).rejects.toBeInstanceOf(BucketMovesStuckError);
  });
});

describe('two writes of one user and version at once (a live write and leaderboard.sync re-sending it)', () => {
  it('keep the move registered until the write that moves the user has finished it', async () => {
    const layout = checkLayout({ bounds: [-50], userShards: 2 });
    const [mover, other] = await Promise.all([1, 2].map(async () => (await t.createUser()).user.id));
    const target = await freshTarget('DESC', layout, 'twice');
    await writeBucketedStanding(t.deps, target, layout, { userId: other!, version: 1, score: 40, seq: nextSeq(), ranked: true });
    const moves = t.deps.keys.key(`{lb:${target.ref}}`, 'bucket-moves');
    const at = t.deps.keys.key(`{lb:${target.ref}:u${mover! % 2}}`, 'at');
    const seen: Array<{ registered: number; at: string | null }> = [];
    for (let version = 1; version <= 20; version += 1) {
      // Every version crosses the bound (30 ↔ 90), so both writes take the move path.
      const write = { userId: mover!, version, score: version % 2 === 0 ? 30 : 90, seq: nextSeq(), ranked: true };
      // The refused one returns while the other is still moving the user: look at the board then.
      const look = async (applied: boolean) => {
        if (!applied) seen.push({ registered: await t.deps.redis.hlen(moves), at: await t.deps.redis.hget(at, String(mover)) });
        return applied;
      };
      const applied = await Promise.all([writeBucketedStanding(t.deps, target, layout, write).then(look), writeBucketedStanding(t.deps, target, layout, write).then(look)]);
      expect(applied.filter(Boolean)).toHaveLength(1);
      expect(await t.deps.redis.hlen(moves)).toBe(0);
    }
    const midMove = seen.filter((look) => look.at?.endsWith('*'));
    // The race is real: the user was still pending in the other write's move when the refused one ended…
    expect(midMove.length).toBeGreaterThan(0);
    // …and every time, that move was still registered, so no reader could trust buckets read meanwhile.
    expect(midMove.filter((look) => look.registered === 0)).toEqual([]);
  });
});

describe('a board whose buckets disagree with no move in flight', () => {
  it('is reported broken at once (no later write mends it), and heals by a rebuild from PostgreSQL', async () => {
    const layout = checkLayout({ bounds: [-50], userShards: 2 });
    const users = await Promise.all([1, 2, 3].map(async () => (await t.createUser()).user.id));
    const target = await freshTarget('DESC', layout, 'drift');
    const rows = users.map((userId, index) => ({ periodRef: target.ref, userId, score: BigInt(30 + index * 20), ranked: true, seq: BigInt(index + 1), version: 1 }));
    await t.deps.db.boardStanding.createMany({ data: rows });
    await writeBucketedStandings(t.deps, target, layout, rows.map((row) => ({ userId: row.userId, version: 1, score: Number(row.score), seq: row.seq.toString(), ranked: true })));
    const board = bucketedBoard(t.deps, layout);
    const read = () => board.page(target, { offset: 0, limit: 10, viewerId: null, rankMode: 'ORDINAL' });
    expect((await read()).entries.map((entry) => entry.score)).toEqual([70, 50, 30]);
    // A count change applied twice (a script re-sent after its reply was lost): bucket 1 is counted one too many.
    await t.deps.redis.hincrby(t.deps.keys.key(`{lb:${target.ref}}`, 'bucket-counts'), '1', 1);
    await expect(read()).rejects.toBeInstanceOf(BucketBoardInconsistentError);
    // A later write of a user of that bucket does not mend the count.
    await writeBucketedStanding(t.deps, target, layout, { userId: users[0]!, version: 2, score: 35, seq: '10', ranked: true });
    await expect(read()).rejects.toBeInstanceOf(BucketBoardInconsistentError);
    await t.deps.db.boardStanding.update({ where: { periodRef_userId: { periodRef: target.ref, userId: users[0]! } }, data: { score: 35n, seq: 10n, version: 2 } });
    await rebuildBucketedBoard(t.deps, target, layout);
    expect((await read()).entries.map((entry) => entry.score)).toEqual([70, 50, 35]);
  });
});
