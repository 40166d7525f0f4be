import type { Redis as SingleRedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { adjustPoints } from '../../src/modules/points/admin-adjust.js';
import { boardScore, pointsRef } from '../support/boards.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { IN_CLUSTER } from '../support/redis-target.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.cleanup();
});

const at = new Date(Date.UTC(2026, 9, 5, 12));

/** What the request-path connection writes to its socket while `work` runs, one entry per socket write. */
async function socketWrites(work: () => Promise<unknown>): Promise<string[]> {
  const stream = (t.deps.redis as SingleRedis).stream;
  const writes: string[] = [];
  const write = stream.write.bind(stream);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    writes.push(String(chunk));
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  });
  try {
    await work();
  } finally {
    stream.write = write;
  }
  return writes;
}

// In a cluster the board and the version live on different slots, so different nodes: nothing to share a write.
describe.skipIf(IN_CLUSTER)('an award’s Redis writes', () => {
  it('sends the board script and the user-state version in one socket write, then the live event', async () => {
    const { user } = await t.createUser();
    // The first award of a season also creates its periods (their ready markers are writes of their own).
    await adjustPoints(t.deps, { userId: user.id, points: 5, reason: 'warm-up', idempotencyKey: `warm-${user.id}`, occurredAt: at });
    const versionKey = t.deps.keys.key('user-state-version', user.id);
    const before = await t.deps.redis.get(versionKey);

    const writes = await socketWrites(() =>
      adjustPoints(t.deps, { userId: user.id, points: 7, reason: 'measured', idempotencyKey: `measured-${user.id}`, occurredAt: at }),
    );

    // Without auto-pipelining (or with the version replaced before the board write) these were three writes.
    expect(writes).toHaveLength(2);
    expect(writes[0]).toMatch(/evalsha/i);
    expect(writes[0]).toContain(versionKey);
    expect(writes[1]).toMatch(/publish/i);
    // And the writes did what they did before: the board holds the committed total, the version is a new one.
    expect(await boardScore(t.deps, pointsRef('2026-10'), user.id)).toBe(12);
    expect(await t.deps.redis.hget(boardKeys(t.deps.keys, pointsRef('2026-10')).versions, String(user.id))).toBe('2');
    expect(await t.deps.redis.get(versionKey)).not.toBe(before);
  });
});
