import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardOrder } from '../../src/generated/prisma/client.js';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { copyShard } from '../../src/modules/leaderboards/rollover-copy.js';
import { prepareRollover } from '../../src/modules/leaderboards/rollover-prepare.js';
import { shardDigestsOf, type ShardDigest } from '../../src/modules/leaderboards/rollover-digest.js';
import { finishRollover } from '../../src/modules/leaderboards/rollover-finish.js';
import { chunkDigestMatches, verifyByShardDigests } from '../../src/modules/leaderboards/rollover-verify.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { ensureRef, fillBoard, periodState, putMember } from './rollover-support.js';

const clock = createTestClock('2026-06-15T12:00:00.000Z');
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({}, { clock });
});
afterAll(async () => {
  await t.cleanup();
});

/** Freezes and copies the whole board of `ref`; returns its archive target and ZRANGE reply. */
async function archived(ref: string, order: BoardOrder) {
  const plan = await prepareRollover(t.deps, { ref, runKey: 'digest' });
  if (plan.archived) throw new Error(`${ref} is archived`);
  await copyShard(t.deps, { ref, month: plan.month, order, fromRank: 1, toRank: plan.members, batchSize: 500 });
  const reply = await t.deps.redis.zrange(boardKeys(t.deps.keys, ref).board, 0, -1, 'WITHSCORES');
  return { target: { ref, order, archiveMonth: plan.month, layout: null }, reply };
}

describe('the verification digest', () => {
  it('matches a DESC board copied whole, in chunks anywhere, and stops matching when one row differs', async () => {
    const ref = 'points/2026-05';
    await fillBoard(t, ref, 1_500);
    const { target, reply } = await archived(ref, 'DESC');
    expect(await chunkDigestMatches(t.deps.db, target, 1, reply)).toBe(true);
    expect(await chunkDigestMatches(t.deps.db, target, 301, reply.slice(600, 1_200))).toBe(true);
    // The same members one rank off: the ranks are part of what is compared.
    expect(await chunkDigestMatches(t.deps.db, target, 302, reply.slice(600, 1_200))).toBe(false);

    await t.deps.db.$executeRaw`UPDATE board_archive SET seq = seq + 1 WHERE period_ref = ${ref} AND rank = 700`;
    expect(await chunkDigestMatches(t.deps.db, target, 1, reply)).toBe(false);
    expect(await chunkDigestMatches(t.deps.db, target, 1, reply.slice(0, 1_398))).toBe(true);
  });

  it('writes scores as Redis does on an ASC board: zero, negative and the largest exact integer', async () => {
    await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source, operator, sort_order) VALUES ('digest-asc', 'Digest', 'MONTHLY', 'SUBMITTED', 'BEST', 'ASC')`;
    const ref = 'digest-asc/2026-04';
    await ensureRef(t, ref);
    const members = [[5, 0, 40], [6, -120, 41], [7, 2 ** 53 - 1, 2 ** 40], [8, -(2 ** 53 - 1), 2 ** 62]] as const;
    for (const [userId, score, seq] of members) await putMember(t, ref, 'ASC', userId, score, seq);
    const { target, reply } = await archived(ref, 'ASC');
    expect(reply).toHaveLength(8);
    expect(await chunkDigestMatches(t.deps.db, target, 1, reply)).toBe(true);
  });
});

describe('verification by the copy shards digests', () => {
  /** Prepares `ref` and copies it in two shards; returns what they vouch for. */
  async function copiedInTwo(ref: string, members: number) {
    const plan = await prepareRollover(t.deps, { ref, runKey: 'shards' });
    if (plan.archived) throw new Error(`${ref} is archived`);
    const split = Math.floor(members / 2);
    const shards = [];
    for (const [fromRank, toRank] of [[1, split], [split + 1, members]] as const) {
      const { digest } = await copyShard(t.deps, { ref, month: plan.month, order: plan.order, fromRank, toRank, batchSize: 300 });
      shards.push(digest);
    }
    return shards;
  }

  it('finishes without comparing rows, yet a row tampered with after the copy still fails the finish and is named', async () => {
    const ref = 'points/2026-01';
    await fillBoard(t, ref, 1_500);
    const shards = shardDigestsOf(await copiedInTwo(ref, 1_500).then((digests) => digests.map((digest) => ({ digest }))));
    expect(shards?.map((shard) => [shard.fromRank, shard.toRank, shard.rows])).toEqual([[1, 750, 750], [751, 1_500, 1_500 - 750]]);

    await t.deps.db.$executeRaw`UPDATE board_archive SET score = score + 1 WHERE period_ref = ${ref} AND rank = 900`;
    await expect(finishRollover(t.deps, { ref, shards })).rejects.toThrow(/rank 900 holds user/);
    expect(await periodState(t, ref)).toBe('CLOSING');
    expect(await t.deps.redis.zcard(boardKeys(t.deps.keys, ref).board)).toBe(1_500);

    await t.deps.db.$executeRaw`UPDATE board_archive SET score = score - 1 WHERE period_ref = ${ref} AND rank = 900`;
    expect(await finishRollover(t.deps, { ref, shards })).toMatchObject({ members: 1_500, archivedNow: true, verifiedBy: 'shard digests' });
  });

  it('vouches for nothing where a range held a row unlike the board, so the finish compares rows and names it', async () => {
    const ref = 'points/2025-12';
    await fillBoard(t, ref, 900);
    await prepareRollover(t.deps, { ref, runKey: 'shards' });
    // A row the copy keeps (ON CONFLICT DO NOTHING) though the board holds someone else there.
    await t.deps.db.$executeRaw`INSERT INTO board_archive (month, period_ref, rank, user_id, score, seq) VALUES ('2025-12', ${ref}, 5, 77777777, 1, 1)`;
    const shards = await copiedInTwo(ref, 900);
    expect(shards.map((digest) => digest === null)).toEqual([true, false]);
    expect(shardDigestsOf(shards.map((digest) => ({ digest })))).toBeNull();
    await expect(finishRollover(t.deps, { ref, shards: null })).rejects.toThrow(/rank 5 holds user 77777777/);
    expect(await periodState(t, ref)).toBe('CLOSING');
  });

  it('compares every row when the digests do not cover the board: a shard missing, or a member added after the copy', async () => {
    const ref = 'points/2025-11';
    await fillBoard(t, ref, 600);
    const [first, second] = (await copiedInTwo(ref, 600)) as [ShardDigest, ShardDigest];
    // Half the board vouched for: the rows are compared (and found equal).
    expect(await verifyByShardDigests(t.deps, targetOf(ref), [first])).toBeNull();
    expect(await verifyByShardDigests(t.deps, targetOf(ref), [first, second])).toBe(600);

    await putMember(t, ref, 'DESC', 999_999, 1, 12);
    expect(await verifyByShardDigests(t.deps, targetOf(ref), [first, second])).toBeNull();
    await expect(finishRollover(t.deps, { ref, shards: [first, second] })).rejects.toThrow(/600 rows for 601 board members/);
  });
});

function targetOf(ref: string) {
  return { ref, order: 'DESC' as const, archiveMonth: ref.split('/')[1] as string, layout: null };
}
