import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { isCluster, type KeySpace, type Redis } from '../../src/infra/redis.js';
import { IN_CLUSTER } from '../support/redis-target.js';
import { defineLuaScript, runScript } from '../../src/lib/lua-script.js';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { boardMember } from '../../src/modules/leaderboards/board-entry.js';
import { repairStandings } from '../../src/modules/leaderboards/board-repair.js';
import { writeStanding, writeStandings, writeToBoards, type StandingWrite } from '../../src/modules/leaderboards/board-script.js';
import { newTarget, openRedis } from './board-support.js';

let redis: Redis;
let keys: KeySpace;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ redis, keys, close } = await openRedis());
});
afterAll(async () => close());

/** Counts writes to the client's socket, i.e. request batches = round trips. */
async function countWrites<T>(work: () => Promise<T>): Promise<{ result: T; writes: number }> {
  // On a cluster, every master's connection: a round trip per node the work touched.
  const spies = (isCluster(redis) ? redis.nodes('master') : [redis]).map((node) => vi.spyOn(node.stream, 'write'));
  try {
    const result = await work();
    return { result, writes: spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0) };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** Everything a board period holds, to compare two boards or check the bookkeeping. */
async function dump(ref: string) {
  const k = boardKeys(keys, ref);
  return {
    board: await redis.zrange(k.board, 0, -1, 'WITHSCORES'),
    members: await redis.hgetall(k.members),
    versions: await redis.hgetall(k.versions),
    scores: await redis.zrange(k.scores, 0, -1, 'WITHSCORES'),
    scoreCounts: await redis.hgetall(k.scoreCounts),
    maxSeq: await redis.get(k.maxSeq),
  };
}

/** The bookkeeping a board must keep: members ↔ board, and scores/scoreCounts = the distinct scores with their counts. */
async function expectConsistent(ref: string) {
  const state = await dump(ref);
  const counts = new Map<string, number>();
  for (let i = 0; i < state.board.length; i += 2) counts.set(state.board[i + 1] as string, (counts.get(state.board[i + 1] as string) ?? 0) + 1);
  expect(Object.fromEntries([...counts].map(([score, n]) => [score, String(n)]))).toEqual(state.scoreCounts);
  expect(state.scores.filter((_, i) => i % 2 === 0).sort()).toEqual([...counts.keys()].sort());
  const onBoard = state.board.filter((_, i) => i % 2 === 0).sort();
  expect(Object.values(state.members).sort()).toEqual(onBoard);
  return state;
}

const w = (userId: number, version: number, score: number, seq: number | string, ranked = true): StandingWrite => ({ userId, version, score, seq: String(seq), ranked });

describe('writeStanding', () => {
  it('ignores stale and repeated versions, and applies newer ones', async () => {
    const target = newTarget('DESC');
    const k = boardKeys(keys, target.ref);
    expect(await writeStanding(redis, keys, target, w(1, 2, 50, 20))).toBe(true);
    expect(await writeStanding(redis, keys, target, w(1, 1, 999, 10))).toBe(false);
    expect(await writeStanding(redis, keys, target, w(1, 2, 70, 21))).toBe(false);
    expect(await redis.zrange(k.board, 0, -1, 'WITHSCORES')).toEqual([boardMember(20, 1), '-50']);
    expect(await writeStanding(redis, keys, target, w(1, 3, 60, 30))).toBe(true);
    expect(await redis.zrange(k.board, 0, -1, 'WITHSCORES')).toEqual([boardMember(30, 1), '-60']);
    expect(await redis.hget(k.versions, '1')).toBe('3');
    await expectConsistent(target.ref);
  });

  it('ends at the newest version whatever order concurrent versions arrive in', async () => {
    const target = newTarget('DESC');
    const writes = Array.from({ length: 50 }, (_, i) => w(7, i + 1, (i % 7) * 10, 100 + i));
    const order = [...writes].reverse().sort((a, b) => ((a.version * 37) % 50) - ((b.version * 37) % 50));
    await Promise.all(order.map((write) => writeStanding(redis, keys, target, write)));
    const state = await expectConsistent(target.ref);
    expect(state.board).toEqual([boardMember(149, 7), String(-((49 % 7) * 10))]);
    expect(state.versions).toEqual({ '7': '50' });
  });

  it('removes an unranked user and keeps them off against late older writes', async () => {
    const target = newTarget('DESC');
    await writeStanding(redis, keys, target, w(1, 1, 10, 1));
    await writeStanding(redis, keys, target, w(2, 1, 10, 2));
    expect(await writeStanding(redis, keys, target, w(1, 2, 0, 3, false))).toBe(true);
    expect(await writeStanding(redis, keys, target, w(1, 1, 10, 1))).toBe(false);
    const state = await expectConsistent(target.ref);
    expect(state.board).toEqual([boardMember(2, 2), '-10']);
    expect(state.members).toEqual({ '2': boardMember(2, 2) });
    // Removing the last holder of a score releases it.
    await writeStanding(redis, keys, target, w(2, 2, 0, 4, false));
    expect(await dump(target.ref)).toMatchObject({ board: [], scores: [], scoreCounts: {}, members: {} });
  });

  it('counts each distinct score once and drops a score nobody holds', async () => {
    const target = newTarget('ASC');
    await writeStandings(redis, keys, target, [w(1, 1, 5, 1), w(2, 1, 5, 2), w(3, 1, 9, 3)]);
    let state = await expectConsistent(target.ref);
    expect(state.scoreCounts).toEqual({ '5': '2', '9': '1' });
    await writeStandings(redis, keys, target, [w(1, 2, 9, 4), w(2, 2, 7, 5)]);
    state = await expectConsistent(target.ref);
    expect(state.scoreCounts).toEqual({ '9': '2', '7': '1' });
    expect(state.scores).toEqual(['7', '7', '9', '9']);
  });

  it('keeps the largest seq ever written, compared exactly beyond 2^53', async () => {
    const target = newTarget('DESC');
    const big = '9223372036854775806';
    await writeStanding(redis, keys, target, w(1, 1, 1, big));
    await writeStanding(redis, keys, target, w(2, 1, 1, '9007199254740993'));
    await writeStanding(redis, keys, target, w(3, 1, 1, '9223372036854775807', false));
    await writeStanding(redis, keys, target, w(4, 1, 1, '4294967296'));
    expect(await redis.get(boardKeys(keys, target.ref).maxSeq)).toBe('7fffffffffffffff');
  });

  it('refuses writes to a sealed board unless through the seal', async () => {
    const target = newTarget('DESC');
    const k = boardKeys(keys, target.ref);
    await redis.set(k.sealed, '1');
    expect(await writeStanding(redis, keys, target, w(1, 1, 10, 1))).toBe(false);
    expect(await redis.exists(k.board, k.versions, k.members)).toBe(0);
    expect(await writeStanding(redis, keys, target, w(1, 1, 10, 1), { throughSeal: true })).toBe(true);
    expect(await redis.zcard(k.board)).toBe(1);
    await redis.del(k.sealed);
    expect(await writeStanding(redis, keys, target, w(1, 2, 11, 2))).toBe(true);
  });

  it('rejects out-of-range input before touching Redis', async () => {
    const target = newTarget('DESC');
    const k = boardKeys(keys, target.ref);
    const bad = [w(1, 1, 2 ** 53, 1), w(1, 1, 1.5, 1), w(1, -1, 1, 1), w(0, 1, 1, 1), w(1, 1, 1, '-1'), w(1, 1, 1, '9223372036854775808'), w(1, 1, 1, '1e3')];
    for (const write of bad) {
      const { writes } = await countWrites(() => expect(writeStandings(redis, keys, target, [w(2, 1, 1, 1), write])).rejects.toThrow(RangeError));
      expect(writes).toBe(0);
    }
    // An unranked write still validates its score.
    await expect(writeStanding(redis, keys, target, w(1, 1, 2 ** 53, 1, false))).rejects.toThrow(RangeError);
    expect(await redis.exists(k.board, k.versions, k.members, k.maxSeq)).toBe(0);
  });
});

describe('batched writes', () => {
  it('writes a batch in one round trip with the same result as one-by-one writes', async () => {
    const single = newTarget('DESC');
    const batched = newTarget('DESC');
    const batch = Array.from({ length: 40 }, (_, i) => w((i % 15) + 1, ((i * 11) % 17) + 1, ((i * 7) % 23) - 5, 10_000 - i, i % 9 !== 0));
    const expected = [];
    for (const write of batch) expected.push(await writeStanding(redis, keys, single, write));
    const { result, writes } = await countWrites(() => writeStandings(redis, keys, batched, batch));
    expect(writes).toBe(1);
    expect(result).toEqual(expected);
    expect(result).toContain(false);
    expect(await expectConsistent(batched.ref)).toEqual(await dump(single.ref));
  });

  // Four board periods are four hash tags: on a cluster, up to one round trip per node that owns one.
  it.skipIf(IN_CLUSTER)('writes to four board periods in one round trip', async () => {
    const targets = [newTarget('DESC'), newTarget('ASC'), newTarget('DESC'), newTarget('DESC')];
    const items = targets.map((target, i) => ({ target, write: w(3, 1, 100 + i, 50 + i) }));
    const { result, writes } = await countWrites(() => writeToBoards(redis, keys, items));
    expect(writes).toBe(1);
    expect(result).toEqual([true, true, true, true]);
    for (const [i, target] of targets.entries()) {
      const sortScore = target.order === 'DESC' ? -(100 + i) : 100 + i;
      expect((await dump(target.ref)).board).toEqual([boardMember(50 + i, 3), String(sortScore)]);
    }
  });

  it('sends nothing for an empty batch', async () => {
    const { result, writes } = await countWrites(() => writeStandings(redis, keys, newTarget('DESC'), []));
    expect(result).toEqual([]);
    expect(writes).toBe(0);
  });
});

describe('repairStandings', () => {
  it('puts a damaged entry right under the same version, leaves right and newer ones alone', async () => {
    const target = newTarget('DESC');
    const k = boardKeys(keys, target.ref);
    await writeStandings(redis, keys, target, [w(1, 5, 40, 10), w(2, 3, 30, 11), w(3, 2, 20, 12)]);
    // Damage: user 1's entry holds a wrong score under the right version.
    await redis.zadd(k.board, '-999', boardMember(10, 1));
    const applied = await repairStandings(redis, keys, target, [
      w(1, 5, 40, 10), // wrong on the board: repaired
      w(2, 3, 30, 11), // right already: left alone
      w(3, 1, 25, 9), // the board holds a newer version: left alone
      w(4, 1, 0, 13, false), // not on the board, and should not be: nothing to do
    ]);
    expect(applied).toEqual([true, false, false, false]);
    expect(await redis.zrange(k.board, 0, -1, 'WITHSCORES')).toEqual([boardMember(10, 1), '-40', boardMember(11, 2), '-30', boardMember(12, 3), '-20']);
    expect(await repairStandings(redis, keys, target, [w(2, 3, 0, 11, false)])).toEqual([true]);
    expect(await redis.hget(k.members, '2')).toBeNull();
    await expectConsistent(target.ref);
  });
});

describe('runScript', () => {
  it('loads a script Redis has not seen with one extra round trip, then uses EVALSHA', async () => {
    const script = defineLuaScript(`-- ${keys.prefix}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`, 1);
    const key = keys.key('counter');
    const calls = [1, 2, 3].map((n) => ({ keys: [key], args: [n] }));
    expect(await countWrites(() => runScript(redis, script, calls))).toEqual({ result: [1, 3, 6], writes: 2 });
    expect(await countWrites(() => runScript(redis, script, calls))).toEqual({ result: [7, 9, 12], writes: 1 });
  });
});
