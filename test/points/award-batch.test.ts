import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { poolOf } from '../../src/infra/prisma.js';
import { MAX_BOARD_SCORE } from '../../src/modules/leaderboards/index.js';
import { recordAward, type AwardInput } from '../../src/modules/points/points.service.js';
import { suspendUser } from '../../src/modules/users/suspension.js';
import { boardScores, pointsRef } from '../support/boards.js';
import { createTestContext, type PeerInstance, type TestContext } from '../support/harness.js';

/**
 * Group commit (award-batch.ts, apply_awards): concurrent awards of one
 * process share one statement and one commit. Every test sends its awards
 * really concurrently, checks from the statements sent that they did share
 * batches, then that every guarantee of a lone award held.
 */

let t: TestContext;
let peer: PeerInstance;
beforeAll(async () => {
  t = await createTestContext();
  peer = await t.startPeer();
});
afterAll(async () => {
  await t.cleanup();
});

const SEASON = '2026-10';
const on = (day: number, hour = 12) => new Date(Date.UTC(2026, 9, day, hour));

type SentAward = { user_id: number; key: string };

/**
 * Every batch the pools under `dbs` send while `work` runs (its awards, in
 * the order sent), and how many of them lost a deadlock.
 */
async function batchesDuring<T>(dbs: object[], work: () => Promise<T>): Promise<{ result: T; batches: SentAward[][]; deadlocks: number }> {
  const batches: SentAward[][] = [];
  let deadlocks = 0;
  const pools = dbs.map((db) => poolOf(db) as pg.Pool);
  for (const pool of pools) {
    const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    const query = (...args: unknown[]): Promise<unknown> => {
      const config = args[0] as { text?: string; values?: unknown[] };
      if (typeof config !== 'object' || !config.text?.includes('apply_awards')) return original(...args);
      batches.push(JSON.parse(config.values?.[0] as string) as SentAward[]);
      return original(...args).catch((error: unknown) => {
        if ((error as { code?: string }).code === '40P01') deadlocks += 1;
        throw error;
      });
    };
    // An own property over Pool.prototype.query, deleted afterwards.
    pool.query = query as typeof pool.query;
  }
  try {
    const result = await work();
    return { result, batches, deadlocks };
  } finally {
    for (const pool of pools) Reflect.deleteProperty(pool, 'query');
  }
}

/** The `points` board in Redis equals its standings in PostgreSQL, for these users. */
async function expectBoardMatchesDatabase(userIds: number[], seasonId = SEASON) {
  const ref = pointsRef(seasonId);
  const standings = await t.deps.db.boardStanding.findMany({ where: { periodRef: ref, userId: { in: userIds } } });
  const onBoard = await boardScores(t.deps, ref);
  for (const userId of userIds) {
    const standing = standings.find((row) => row.userId === userId);
    expect(onBoard.get(userId) ?? null, `user ${userId}`).toBe(standing && standing.ranked ? Number(standing.score) : null);
  }
}

const award = (input: Partial<AwardInput> & Pick<AwardInput, 'userId' | 'idempotencyKey'>): AwardInput => ({
  type: 'ADMIN_ADJUST',
  points: 1,
  occurredAt: on(3),
  ...input,
});

describe('batched awards', () => {
  it('keep daily caps exact for one user within a batch and across batches', async () => {
    const users = await Promise.all([1, 2, 3].map(() => t.createUser()));
    const inputs = Array.from({ length: 120 }, (_, index) =>
      award({ userId: users[index % 3]!.user.id, type: 'JOIN_ACTIVITY', points: 10, idempotencyKey: `cap:${index}`, activityId: index }),
    );
    const { result: outcomes, batches } = await batchesDuring([t.deps.db], () => Promise.all(inputs.map((input) => recordAward(t.deps, input))));
    for (const { user } of users) {
      const inBatches = batches.map((batch) => batch.filter((sent) => sent.user_id === user.id).length).filter((count) => count > 0);
      // Batched: several of this user's awards in one statement, and in more than one statement.
      expect(Math.max(...inBatches)).toBeGreaterThan(1);
      expect(inBatches.length).toBeGreaterThan(1);
      const mine = outcomes.filter((outcome) => outcome.userId === user.id);
      expect(mine.reduce((sum, outcome) => sum + outcome.granted, 0)).toBe(30);
      expect(mine.filter((outcome) => outcome.granted > 0)).toHaveLength(3);
      expect(await t.deps.db.dailyPoints.findMany({ where: { userId: user.id } })).toMatchObject([{ points: 30 }]);
      expect(await t.deps.db.pointsRecord.count({ where: { userId: user.id } })).toBe(40);
    }
    await expectBoardMatchesDatabase(users.map(({ user }) => user.id));
  });

  it('count one key sent concurrently once, within a batch and across batches, and give every caller the first outcome', async () => {
    const { user } = await t.createUser();
    const others = await Promise.all([1, 2].map(() => t.createUser()));
    // The repeated key among other awards, so the first copies leave alone and the rest share batches with them.
    const inputs = Array.from({ length: 90 }, (_, index) =>
      index % 3 === 0
        ? award({ userId: user.id, points: 7, idempotencyKey: `same-key-${user.id}`, reason: 'once' })
        : award({ userId: others[index % 3 === 1 ? 0 : 1]!.user.id, idempotencyKey: `other:${user.id}:${index}` }),
    );
    const { result: outcomes, batches } = await batchesDuring([t.deps.db], () => Promise.all(inputs.map((input) => recordAward(t.deps, input))));
    const copies = batches.map((batch) => batch.filter((sent) => sent.key === `same-key-${user.id}`).length).filter((count) => count > 0);
    expect(Math.max(...copies)).toBeGreaterThan(1);
    expect(copies.length).toBeGreaterThan(1);

    const same = outcomes.filter((outcome) => outcome.userId === user.id);
    expect(same).toHaveLength(30);
    expect(same.filter((outcome) => !outcome.duplicate)).toHaveLength(1);
    expect(new Set(same.map((outcome) => outcome.recordId)).size).toBe(1);
    expect(same.every((outcome) => outcome.granted === 7 && outcome.reason === 'once')).toBe(true);
    expect(await t.deps.db.pointsRecord.count({ where: { userId: user.id } })).toBe(1);
    expect(await t.deps.db.boardStanding.findMany({ where: { userId: user.id } })).toMatchObject([{ score: 7n, version: 1 }]);
    await expectBoardMatchesDatabase([user.id, ...others.map(({ user: other }) => other.id)]);
  });

  it('number one user’s changes on a board in the order they were applied (first-reached ties)', async () => {
    const users = await Promise.all([1, 2].map(() => t.createUser()));
    const inputs = Array.from({ length: 80 }, (_, index) =>
      award({ userId: users[index % 2]!.user.id, points: index + 1, idempotencyKey: `tie:${users[0]!.user.id}:${index}` }),
    );
    const { result: outcomes, batches } = await batchesDuring([t.deps.db], () => Promise.all(inputs.map((input) => recordAward(t.deps, input))));
    expect(Math.max(...batches.map((batch) => batch.length))).toBeGreaterThan(1);
    const ref = pointsRef(SEASON);
    for (const { user } of users) {
      const mine = outcomes
        .filter((outcome) => outcome.userId === user.id)
        .map((outcome) => ({ outcome, change: outcome.changes.find((change) => change.ref === ref)! }))
        .sort((a, b) => (BigInt(a.change.seq) < BigInt(b.change.seq) ? -1 : 1));
      // In seq order each change is the one before plus its grant, version by version: seqs follow the order
      // the standing's row lock let the awards through, i.e. commit order.
      let running = 0;
      mine.forEach(({ outcome, change }, index) => {
        running += outcome.granted;
        expect(change).toMatchObject({ score: running, version: index + 1 });
      });
      const standing = await t.deps.db.boardStanding.findUniqueOrThrow({ where: { periodRef_userId: { periodRef: ref, userId: user.id } } });
      expect(standing.seq.toString()).toBe(mine.at(-1)!.change.seq);
      const records = await t.deps.db.pointsRecord.findMany({ where: { userId: user.id } });
      for (const { outcome, change } of mine) expect(records.find((record) => record.id === outcome.recordId)?.seq?.toString()).toBe(change.seq);
    }
    await expectBoardMatchesDatabase(users.map(({ user }) => user.id));
  });

  it('refuse or fail one award alone: the rest of its batch commits', async () => {
    const users = await Promise.all([1, 2, 3, 4].map(() => t.createUser()));
    const suspended = (await t.createUser()).user;
    await suspendUser(t.deps, { userId: suspended.id, reason: 'cheating' });
    const bounded = (await t.createUser()).user;
    await recordAward(t.deps, award({ userId: bounded.id, idempotencyKey: `near-bound-${bounded.id}` }));
    await t.deps.db.boardStanding.updateMany({ where: { userId: bounded.id }, data: { score: BigInt(MAX_BOARD_SCORE - 5) } });

    const good = Array.from({ length: 60 }, (_, index) => award({ userId: users[index % 4]!.user.id, points: 2, idempotencyKey: `good:${bounded.id}:${index}` }));
    const bad: Array<[AwardInput, Record<string, unknown>]> = [
      [award({ userId: suspended.id, idempotencyKey: `suspended-${suspended.id}` }), { extensions: { code: 'FORBIDDEN' } }],
      [award({ userId: 2_000_000_000, idempotencyKey: `nobody-${bounded.id}` }), { extensions: { code: 'NOT_FOUND' } }],
      [award({ userId: bounded.id, points: 6, boundSeasonTotal: true, idempotencyKey: `past-bound-${bounded.id}` }), { extensions: { code: 'BAD_USER_INPUT' } }],
      // A failure that is no refusal: the admin behind it does not exist (a foreign key), so its insert fails.
      [award({ userId: users[0]!.user.id, createdBy: 2_000_000_000, idempotencyKey: `failing-${bounded.id}` }), { code: '23503' }],
    ];
    // The bad awards late among the good ones: they leave in a batch with others.
    const inputs = [...good.slice(0, 40), ...bad.map(([input]) => input), ...good.slice(40)];
    const { result: settled, batches } = await batchesDuring([t.deps.db], () => Promise.allSettled(inputs.map((input) => recordAward(t.deps, input))));
    const badKeys = new Set(bad.map(([input]) => input.idempotencyKey));
    const mixed = batches.filter((batch) => batch.some((sent) => badKeys.has(sent.key)) && batch.some((sent) => !badKeys.has(sent.key)));
    expect(mixed.length).toBeGreaterThan(0);

    for (const [input, error] of bad) {
      const result = settled[inputs.indexOf(input)]!;
      expect(result.status, input.idempotencyKey).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toMatchObject(error);
    }
    const applied = good.map((input) => settled[inputs.indexOf(input)]!);
    expect(applied.every((result) => result.status === 'fulfilled' && result.value.granted === 2)).toBe(true);
    for (const { user } of users) {
      expect(await t.deps.db.pointsRecord.count({ where: { userId: user.id } })).toBe(15);
      expect((await boardScores(t.deps, pointsRef(SEASON))).get(user.id)).toBe(30);
    }
    expect(await t.deps.db.pointsIdempotencyKey.count({ where: { idempotencyKey: { in: [...badKeys] } } })).toBe(0);
    expect(await t.deps.db.pointsRecord.count({ where: { userId: { in: [suspended.id, bounded.id] } } })).toBe(1);
    // (The bounded user's standing was moved behind the board's back above.)
    await expectBoardMatchesDatabase([...users.map(({ user }) => user.id), suspended.id]);
    expect(await t.deps.db.boardStanding.findMany({ where: { userId: bounded.id } })).toMatchObject([{ score: BigInt(MAX_BOARD_SCORE - 5), version: 1 }]);
  });

  it('do not deadlock when two processes batch awards of the same users in opposite orders', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => t.createUser()));
    const ids = users.map(({ user }) => user.id);
    const send = (deps: typeof t.deps, order: number[], tag: string) =>
      Array.from({ length: 8 }, (_, round) => order.map((userId) => recordAward(deps, award({ userId, idempotencyKey: `${tag}:${round}:${userId}` })))).flat();
    const { result: outcomes, batches, deadlocks } = await batchesDuring([t.deps.db, peer.deps.db], () =>
      Promise.all([...send(t.deps, ids, 'up'), ...send(peer.deps, [...ids].reverse(), 'down')]),
    );
    expect(Math.max(...batches.map((batch) => batch.length))).toBeGreaterThan(1);
    expect(outcomes).toHaveLength(2 * 8 * ids.length);
    expect(deadlocks).toBe(0);
    for (const userId of ids) expect((await boardScores(t.deps, pointsRef(SEASON))).get(userId)).toBe(16);
    await expectBoardMatchesDatabase(ids);
  });
});
