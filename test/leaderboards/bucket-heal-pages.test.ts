import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankedStandings } from '../../src/modules/leaderboards/bucketed/bucket-heal.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { ensureRef } from './rollover-support.js';

/** A bucketed board is rebuilt from PostgreSQL page by page: memory bounded by the page, not the board. */
const REF = 'points/2026-04';
let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t?.cleanup();
});

describe('the standings a bucketed board is rebuilt from', () => {
  it('come page by page in user order, every ranked standing once, unranked ones and other periods left out', async () => {
    await ensureRef(t, REF);
    await ensureRef(t, 'points/2026-05');
    const users: number[] = [];
    for (let index = 0; index < 7; index += 1) users.push((await t.createUser()).user.id);
    // Users 0..6; user 3 is unranked (a points total of 0); user 6's standing is in another period.
    for (const [index, userId] of users.entries()) {
      const ref = index === 6 ? 'points/2026-05' : REF;
      await t.deps.db.$executeRaw`INSERT INTO board_standings (period_ref, user_id, score, ranked, seq, version)
        VALUES (${ref}, ${userId}, ${100 - index}, ${index !== 3}, ${1_000 + index}, ${index + 1})`;
    }
    const seen: unknown[] = [];
    for await (const standing of rankedStandings(t.deps, REF, 2)) seen.push(standing);
    expect(seen).toEqual(
      [0, 1, 2, 4, 5].map((index) => ({ userId: users[index], version: index + 1, score: 100 - index, seq: String(1_000 + index) })),
    );
    // A page size that divides the rows exactly ends with an empty page, not a repeat.
    const exact: number[] = [];
    for await (const standing of rankedStandings(t.deps, REF, 5)) exact.push(standing.userId);
    expect(exact).toEqual([0, 1, 2, 4, 5].map((index) => users[index]));
  });
});
