import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { parseBoardMember, scoreOfSortScore } from '../../src/modules/leaderboards/board-entry.js';
import { syncPendingStandings } from '../../src/modules/leaderboards/board-sync.js';
import { awardCheckIn, awardHost, awardJoin, reverseJoin } from '../../src/modules/points/activity-awards.js';
import { adjustPoints } from '../../src/modules/points/admin-adjust.js';
import { dailySignIn } from '../../src/modules/points/sign-in.js';
import { POINTS_RULES } from '../../src/modules/points/points-rules.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { seededRandom as random } from '../support/random.js';

const AWARDS = 10_000;
const USERS = 500;
const CONCURRENCY = 16;
const SEASON = '2026-09';

let t: TestContext;
let userIds: number[] = [];
beforeAll(async () => {
  t = await createTestContext();
  await t.deps.db.user.createMany({
    data: Array.from({ length: USERS }, (_, index) => ({ handle: `load_${index}`, displayName: `Load ${index}`, passwordHash: 'x' })),
  });
  userIds = (await t.deps.db.user.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((user) => user.id);
});
afterAll(async () => {
  await t.cleanup();
});


/** Builds the workload: every kind of award, caps that bite (3 days only), reversals, repeated keys. */
function workload(seed: number): Array<() => Promise<unknown>> {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const at = () => new Date(Date.UTC(2026, 8, 1 + Math.floor(next() * 3), Math.floor(next() * 24), Math.floor(next() * 60)));
  const operations: Array<() => Promise<unknown>> = [];
  const organizers = new Map<number, number>();
  for (let index = 0; index < AWARDS; index += 1) {
    const userId = pick(userIds);
    const roll = next();
    const occurredAt = at();
    if (roll < 0.35) {
      const activityId = 1 + Math.floor(next() * 40);
      operations.push(() => awardJoin(t.deps, { userId, activityId, occurredAt }));
    } else if (roll < 0.45) {
      const activityId = 1 + Math.floor(next() * 40);
      operations.push(() => reverseJoin(t.deps, { userId, activityId, participationId: index, occurredAt }));
    } else if (roll < 0.65) {
      const participationId = Math.floor(next() * 6_000);
      operations.push(() => awardCheckIn(t.deps, { userId, participationId, occurredAt }));
    } else if (roll < 0.75) {
      const activityId = 1 + Math.floor(next() * 1_500);
      const organizerId = organizers.get(activityId) ?? userId;
      organizers.set(activityId, organizerId);
      operations.push(() => awardHost(t.deps, { organizerId, activityId, occurredAt }));
    } else if (roll < 0.85) {
      operations.push(() => dailySignIn(t.deps, { userId, occurredAt }).catch((error) => {
        if (error?.extensions?.code !== 'ALREADY_SIGNED_IN') throw error;
      }));
    } else if (roll < 0.93) {
      const points = (next() < 0.3 ? -1 : 1) * (1 + Math.floor(next() * 40));
      const key = `load-${Math.floor(next() * 700)}`;
      // A reused admin key for another user or amount is refused; that is part of the workload too.
      operations.push(() => adjustPoints(t.deps, { userId, points, reason: 'load', idempotencyKey: key, occurredAt }).catch((error) => {
        if (error?.extensions?.code !== 'BAD_USER_INPUT') throw error;
      }));
    } else {
      // The same event delivered again.
      operations.push(operations[Math.floor(next() * operations.length)] ?? (() => Promise.resolve()));
    }
  }
  return operations;
}

async function runBounded(operations: Array<() => Promise<unknown>>, concurrency: number): Promise<void> {
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < operations.length) {
      const operation = operations[nextIndex++]!;
      await operation();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

describe('a random workload', () => {
  it(`leaves the board equal to a brute-force ordering of the PointsRecords (${AWARDS} awards, ${USERS} users)`, async () => {
    const started = performance.now();
    await runBounded(workload(20261122), CONCURRENCY);
    const elapsed = performance.now() - started;
    t.deps.logger.info({ elapsed }, 'random workload done');
    process.stdout.write(`random workload: ${AWARDS} awards in ${Math.round(elapsed)} ms (${Math.round((AWARDS / elapsed) * 1000)}/s)\n`);

    const expected = await t.deps.db.$queryRaw<Array<{ user_id: number; points: bigint; last_seq: bigint }>>`
      SELECT user_id, sum(points) AS points, max(seq) FILTER (WHERE points <> 0) AS last_seq
      FROM points_records WHERE season_id = ${SEASON} GROUP BY user_id HAVING sum(points) <> 0`;
    expected.sort((a, b) => Number(b.points - a.points) || Number(a.last_seq - b.last_seq) || a.user_id - b.user_id);

    const keys = boardKeys(t.deps.keys, `points/${SEASON}`);
    const reply = await t.deps.redis.zrange(keys.board, 0, -1, 'WITHSCORES');
    const board: Array<{ userId: number; points: number; seq: string }> = [];
    for (let index = 0; index < reply.length; index += 2) {
      const member = parseBoardMember(reply[index]!)!;
      board.push({ userId: member.userId, points: scoreOfSortScore('DESC', reply[index + 1]!), seq: member.seq });
    }
    expect(board.length).toBeGreaterThan(USERS * 0.9);
    expect(board).toEqual(expected.map((row) => ({ userId: row.user_id, points: Number(row.points), seq: String(row.last_seq) })));
    // The sync job (the board's outbox) finds nothing to change on a board the live writes kept exact.
    const synced = await syncPendingStandings(t.deps);
    expect(synced).toMatchObject({ applied: 0, rebuilt: [] });
    expect(await t.deps.redis.zrange(keys.board, 0, -1, 'WITHSCORES')).toEqual(reply);
    // Ties are common (most awards are multiples of 10), so the tie order was really exercised.
    expect(new Set(board.map((entry) => entry.points)).size).toBeLessThan(board.length);

    const overCap = await t.deps.db.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM (
        SELECT user_id, day, type, sum(points) FILTER (WHERE points > 0) AS positive FROM points_records
        GROUP BY user_id, day, type) d
      WHERE (type = 'JOIN_ACTIVITY' AND positive > ${POINTS_RULES.JOIN_ACTIVITY.dailyCap})
         OR (type = 'CHECK_IN' AND positive > ${POINTS_RULES.CHECK_IN.dailyCap})
         OR (type = 'HOST_ACTIVITY' AND positive > ${POINTS_RULES.HOST_ACTIVITY.dailyCap})`;
    expect(Number(overCap[0]!.n)).toBe(0);
    const partial = await t.deps.db.pointsRecord.count({ where: { type: { in: ['JOIN_ACTIVITY', 'CHECK_IN', 'HOST_ACTIVITY'] }, points: 0, requested: { gt: 0 } } });
    expect(partial).toBeGreaterThan(0);
  }, 300_000); // ~45 s alone on 2 cores; the margin is for a machine shared with the rest of the suite.
});
