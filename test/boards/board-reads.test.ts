import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeId, encodeId } from '../../src/graphql/ids.js';
import { syncPendingStandings } from '../../src/modules/leaderboards/board-sync.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestContext, type GraphQLResponse, type TestContext } from '../support/harness.js';

/** A past season of the `points` board, written directly: reads and awards meet on it. */
const SEASON = '2026-06';
const REF = `points/${SEASON}`;
const MEMBERS = 5_000;
const at = new Date(Date.UTC(2026, 5, 15, 12));

let t: TestContext;
let userIds: number[] = [];
let keys = 0;

beforeAll(async () => {
  t = await createTestContext();
  await t.deps.db.$executeRaw`
    INSERT INTO users (handle, display_name, password_hash, updated_at)
    SELECT 'walker_' || n, 'Walker ' || n, 'x', now() FROM generate_series(1, ${MEMBERS}) n`;
  userIds = (await t.deps.db.user.findMany({ where: { handle: { startsWith: 'walker_' } }, select: { id: true }, orderBy: { id: 'asc' } })).map(
    (user) => user.id,
  );
  // The period row, then standings with many ties (scores 1..200), pushed to Redis by the board's own sync.
  await recordAward(t.deps, { userId: userIds[0] as number, type: 'ADMIN_ADJUST', points: 1, idempotencyKey: 'seed', occurredAt: at });
  await t.deps.db.$executeRaw`
    INSERT INTO board_standings (period_ref, user_id, score, ranked, seq, version)
    SELECT ${REF}, id, 1 + (id * 7919) % 200, true, nextval('board_seq'), 1 FROM users WHERE handle LIKE 'walker_%'
    ON CONFLICT (period_ref, user_id) DO NOTHING`;
  await syncPendingStandings(t.deps, { ref: REF, batchSize: 5_000, maxBatches: Infinity });
});
afterAll(async () => {
  await t.cleanup();
});

const PAGE = `query ($after: String, $mode: RankMode) {
  leaderboard(season: "${SEASON}", first: 100, after: $after, rankMode: $mode) {
    totalParticipants entries { rank score user { id } } pageInfo { endCursor hasNextPage }
  }
}`;

interface Entry {
  rank: number;
  score: number;
  user: { id: string };
}

async function standingsNow(): Promise<Map<number, { score: number; seq: bigint }>> {
  const rows = await t.deps.db.boardStanding.findMany({ where: { periodRef: REF, ranked: true }, select: { userId: true, score: true, seq: true } });
  return new Map(rows.map((row) => [row.userId, { score: Number(row.score), seq: row.seq }]));
}

describe('a cursor walk while awards run', () => {
  it('returns no member twice and every member whose score did not change (5,000 members, 1,000 concurrent awards)', async () => {
    const before = await standingsNow();
    const awards = (async () => {
      const running: Array<Promise<unknown>> = [];
      for (let index = 0; index < 1_000; index += 1) {
        const userId = userIds[(index * 2_654_435_761) % userIds.length] as number;
        // Up and down: members move both ways across the walk's position.
        const points = index % 3 === 0 ? -(1 + (index % 50)) : 1 + (index % 90);
        running.push(recordAward(t.deps, { userId, type: 'ADMIN_ADJUST', points, idempotencyKey: `walk:${(keys += 1)}`, occurredAt: at }));
        if (running.length >= 20) await Promise.all(running.splice(0));
      }
      await Promise.all(running);
    })();
    const seen: number[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: GraphQLResponse<{ leaderboard: { entries: Entry[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } }> = await t.gql(PAGE, { after });
      const { data, errors } = page;
      expect(errors).toBeUndefined();
      seen.push(...data!.leaderboard.entries.map((entry) => decodeId('User', entry.user.id)));
      after = data!.leaderboard.pageInfo.hasNextPage ? data!.leaderboard.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    await awards;
    const now = await standingsNow();
    const unchanged = [...before].filter(([userId, standing]) => now.get(userId)?.seq === standing.seq).map(([userId]) => userId);
    expect(pages).toBeGreaterThan(40);
    expect(new Set(seen).size).toBe(seen.length);
    const returned = new Set(seen);
    expect(unchanged.filter((userId) => !returned.has(userId))).toEqual([]);
    // The awards really ran during the walk: many members changed.
    expect(before.size - unchanged.length).toBeGreaterThan(300);
  }, 120_000);
});

describe('ranks', () => {
  /** The board among `ids`, in board order, with each one's rank on the whole board, by brute force over PostgreSQL's standings. */
  async function bruteForce(ids: readonly number[], mode: 'ORDINAL' | 'COMPETITION' | 'DENSE') {
    const all = [...(await standingsNow())].sort((a, b) => b[1].score - a[1].score || Number(a[1].seq - b[1].seq));
    const wanted = new Set(ids);
    return all.flatMap(([userId, standing], index) => {
      if (!wanted.has(userId)) return [];
      const better = all.filter(([, other]) => other.score > standing.score);
      const rank = mode === 'ORDINAL' ? index + 1 : mode === 'COMPETITION' ? better.length + 1 : new Set(better.map(([, other]) => other.score)).size + 1;
      return [{ id: userId, rank, score: standing.score }];
    });
  }

  it('ranks a set of 50 users (friends) on the board and within the set as a brute-force ordering does, in every mode', async () => {
    // Drain the board's outbox first: under load a live write of the walk's awards may have been left to leaderboard.sync.
    await syncPendingStandings(t.deps, { ref: REF });
    const friends = Array.from({ length: 50 }, (_, index) => userIds[(index * 97) % userIds.length] as number);
    for (const mode of ['ORDINAL', 'COMPETITION', 'DENSE'] as const) {
      const { data, errors } = await t.gql(
        `query ($ids: [ID!]!, $mode: RankMode) {
          leaderboard(season: "${SEASON}", userIds: $ids, rankMode: $mode) { entries { rank rankInSet score user { id } } }
        }`,
        { ids: friends.map((id) => encodeId('User', id)), mode },
      );
      expect(errors).toBeUndefined();
      const entries = data!.leaderboard.entries as Array<{ rank: number; rankInSet: number; score: number; user: { id: string } }>;
      const expected = await bruteForce(friends, mode);
      expect(expected.length).toBeGreaterThan(40);
      expect(entries.map((entry) => [decodeId('User', entry.user.id), entry.rank, entry.score])).toEqual(expected.map((row) => [row.id, row.rank, row.score]));
      // Within the set: the same rule applied to the set alone.
      entries.forEach((entry, index) => {
        const better = entries.filter((other) => other.score > entry.score).map((other) => other.score);
        const want = mode === 'ORDINAL' ? index + 1 : mode === 'COMPETITION' ? better.length + 1 : new Set(better).size + 1;
        expect(entry.rankInSet).toBe(want);
      });
    }
  });

  it('gives 1, 1, 3 in COMPETITION and 1, 1, 2 in DENSE on the same board, and a percentile', async () => {
    await t.deps.db.leaderboard.create({ data: { key: 'ties', title: 'Ties', period: 'ALL_TIME', source: 'SUBMITTED', operator: 'BEST' } });
    const admin = await t.createUser({ role: 'ADMIN' });
    for (const [index, score] of [50, 50, 40].entries()) {
      const { errors } = await t.gql(
        'mutation ($user: ID!, $score: SafeInt!, $key: String!) { submitScore(board: "ties", userId: $user, score: $score, idempotencyKey: $key) { applied } }',
        { user: encodeId('User', userIds[index] as number), score, key: `ties-${index}` },
        { token: admin.token },
      );
      expect(errors).toBeUndefined();
    }
    const ranks = async (mode: string) =>
      ((await t.gql(`{ leaderboard(board: "ties", rankMode: ${mode}) { entries { rank percentile } } }`)).data!.leaderboard.entries as Array<{ rank: number; percentile: number }>);
    expect((await ranks('COMPETITION')).map((entry) => entry.rank)).toEqual([1, 1, 3]);
    expect((await ranks('DENSE')).map((entry) => entry.rank)).toEqual([1, 1, 2]);
    expect((await ranks('ORDINAL')).map((entry) => [entry.rank, entry.percentile])).toEqual([[1, 33.34], [2, 66.67], [3, 100]]);
  });
});

describe('tie order beyond 32 bits', () => {
  it('stays exact after the write counter passes 2^32', async () => {
    await t.deps.db.$executeRawUnsafe(`ALTER SEQUENCE board_seq RESTART WITH ${2 ** 32 - 2}`);
    const [first, second, third] = userIds.slice(-3) as [number, number, number];
    const day = new Date(Date.UTC(2026, 5, 20, 12));
    // Three users reach 1,000 in turn across 2^32: 2^32 − 2, 2^32 − 1, 2^32 (and more), then the board must keep that order.
    for (const userId of [first, second, third]) {
      const current = (await standingsNow()).get(userId)?.score ?? 0;
      await recordAward(t.deps, { userId, type: 'ADMIN_ADJUST', points: 1_000 - current, idempotencyKey: `wrap:${userId}`, occurredAt: day });
    }
    const seqs = await t.deps.db.boardStanding.findMany({ where: { periodRef: REF, userId: { in: [first, second, third] } }, select: { seq: true }, orderBy: { seq: 'asc' } });
    expect(seqs.at(-1)!.seq).toBeGreaterThanOrEqual(2n ** 32n);
    const { data } = await t.gql(`query ($ids: [ID!]!) { leaderboard(season: "${SEASON}", userIds: $ids) { entries { score user { id } } } }`, {
      ids: [third, first, second].map((id) => encodeId('User', id)),
    });
    expect(data!.leaderboard.entries).toEqual([first, second, third].map((id) => ({ score: 1_000, user: { id: encodeId('User', id) } })));
  });
});
