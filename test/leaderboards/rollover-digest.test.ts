import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardOrder } from '../../src/generated/prisma/client.js';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { copyShard } from '../../src/modules/leaderboards/rollover-copy.js';
import { prepareRollover } from '../../src/modules/leaderboards/rollover-prepare.js';
import { chunkDigestMatches } from '../../src/modules/leaderboards/rollover-verify.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { ensureRef, fillBoard, putMember } from './rollover-support.js';

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
