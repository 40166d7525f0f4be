import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MAX_BOARD_POINTS,
  MAX_BOARD_SEQ,
  decodeBoardScore,
  encodeBoardScore,
} from '../../src/modules/leaderboards/board-score.js';
import { defineLuaScript, runScript } from '../../src/lib/lua-script.js';
import {
  writeStanding,
  writeStandings,
  type BoardKeys,
  type StandingWrite,
} from '../../src/modules/leaderboards/board-script.js';

const prefix = `test:${randomBytes(6).toString('hex')}:`;
let redis: Redis;

function boardKeys(name: string): BoardKeys {
  return { board: `${prefix}${name}:board`, versions: `${prefix}${name}:versions` };
}

async function standing(keys: BoardKeys, userId: string) {
  const score = await redis.zscore(keys.board, userId);
  return score === null ? null : decodeBoardScore(score);
}

/** Counts writes to the client's socket, i.e. request batches = round trips. */
async function countWrites<T>(work: () => Promise<T>): Promise<{ result: T; writes: number }> {
  const spy = vi.spyOn(redis.stream, 'write');
  try {
    const result = await work();
    return { result, writes: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

/** Fisher–Yates with a fixed LCG so the delivery order is reproducible. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

beforeAll(async () => {
  redis = new Redis('redis://127.0.0.1:6379');
  await redis.ping();
});

afterAll(async () => {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
});

describe('writeStanding', () => {
  it('ignores a stale or repeated version', async () => {
    const keys = boardKeys('stale');
    expect(await writeStanding(redis, keys, { userId: 'u1', version: 2, points: 50, seq: 20 })).toBe(true);
    expect(await writeStanding(redis, keys, { userId: 'u1', version: 1, points: 999, seq: 10 })).toBe(false);
    expect(await writeStanding(redis, keys, { userId: 'u1', version: 2, points: 70, seq: 21 })).toBe(false);
    expect(await standing(keys, 'u1')).toEqual({ points: 50, seq: 20 });
    expect(await redis.hget(keys.versions, 'u1')).toBe('2');
    expect(await writeStanding(redis, keys, { userId: 'u1', version: 3, points: 60, seq: 30 })).toBe(true);
    expect(await standing(keys, 'u1')).toEqual({ points: 60, seq: 30 });
  });

  it('ends at version 50 whatever order versions 1..50 arrive in', async () => {
    const keys = boardKeys('out-of-order');
    const writes = Array.from({ length: 50 }, (_, i): StandingWrite => ({
      userId: 'u1',
      version: i + 1,
      points: (i + 1) * 3,
      seq: 1000 + i,
    }));
    const order = shuffled(writes, 7);
    expect(order.at(-1)?.version).not.toBe(50);
    const applied = [];
    for (const write of order) applied.push(await writeStanding(redis, keys, write));
    expect(await standing(keys, 'u1')).toEqual({ points: 150, seq: 1049 });
    expect(await redis.hget(keys.versions, 'u1')).toBe('50');
    // Exactly the writes newer than everything before them were applied.
    let newest = 0;
    expect(applied).toEqual(order.map((w) => (w.version > newest ? ((newest = w.version), true) : false)));
  });

  it('ends at version 50 under concurrent delivery too', async () => {
    const keys = boardKeys('concurrent');
    const writes = Array.from({ length: 50 }, (_, i) => ({ userId: 'u1', version: i + 1, points: i + 1, seq: i }));
    await Promise.all(shuffled(writes, 11).map((write) => writeStanding(redis, keys, write)));
    expect(await standing(keys, 'u1')).toEqual({ points: 50, seq: 49 });
  });

  it('removes a user whose total drops to 0 and keeps them off against late writes', async () => {
    const keys = boardKeys('zero');
    await writeStanding(redis, keys, { userId: 'u1', version: 1, points: 10, seq: 1 });
    await writeStanding(redis, keys, { userId: 'u2', version: 1, points: 5, seq: 2 });
    expect(await writeStanding(redis, keys, { userId: 'u1', version: 2, points: 0, seq: 3 })).toBe(true);
    expect(await redis.zscore(keys.board, 'u1')).toBeNull();
    expect(await redis.zrevrange(keys.board, 0, -1)).toEqual(['u2']);
    expect(await writeStanding(redis, keys, { userId: 'u1', version: 1, points: 10, seq: 1 })).toBe(false);
    expect(await redis.zscore(keys.board, 'u1')).toBeNull();
  });

  it('orders the board by points desc, then who reached the total first', async () => {
    const keys = boardKeys('order');
    const writes: StandingWrite[] = [
      { userId: 'late-30', version: 1, points: 30, seq: 900 },
      { userId: 'early-30', version: 1, points: 30, seq: 100 },
      { userId: 'mid-30', version: 1, points: 30, seq: 500 },
      { userId: 'top', version: 1, points: 31, seq: MAX_BOARD_SEQ },
      { userId: 'max', version: 1, points: MAX_BOARD_POINTS, seq: 0 },
      { userId: 'one', version: 1, points: 1, seq: 1 },
      { userId: 'minus-early', version: 1, points: -10, seq: 2 },
      { userId: 'minus-late', version: 1, points: -10, seq: 3 },
      { userId: 'min', version: 1, points: -MAX_BOARD_POINTS, seq: MAX_BOARD_SEQ },
      { userId: 'gone', version: 1, points: 0, seq: 4 },
    ];
    for (const write of shuffled(writes, 3)) await writeStanding(redis, keys, write);
    const expected = writes
      .filter((w) => w.points !== 0)
      .sort((a, b) => b.points - a.points || a.seq - b.seq)
      .map((w) => w.userId);
    expect(expected.slice(0, 5)).toEqual(['max', 'top', 'early-30', 'mid-30', 'late-30']);
    expect(await redis.zrevrange(keys.board, 0, -1)).toEqual(expected);
    expect(await redis.zrevrank(keys.board, 'mid-30')).toBe(3);
    // Extreme scores survive Redis's double storage exactly.
    expect(await redis.zscore(keys.board, 'max')).toBe(String(encodeBoardScore(MAX_BOARD_POINTS, 0)));
    expect(await standing(keys, 'min')).toEqual({ points: -MAX_BOARD_POINTS, seq: MAX_BOARD_SEQ });
  });

  it('rejects out-of-range input before touching Redis', async () => {
    const keys = boardKeys('invalid');
    await expect(
      writeStanding(redis, keys, { userId: 'u1', version: 1, points: MAX_BOARD_POINTS + 1, seq: 1 }),
    ).rejects.toThrow(RangeError);
    await expect(writeStanding(redis, keys, { userId: 'u1', version: -1, points: 1, seq: 1 })).rejects.toThrow(
      RangeError,
    );
    await expect(writeStanding(redis, keys, { userId: '', version: 1, points: 1, seq: 1 })).rejects.toThrow(RangeError);
    expect(await redis.exists(keys.board, keys.versions)).toBe(0);
  });
});

describe('writeStandings', () => {
  const batch: StandingWrite[] = Array.from({ length: 40 }, (_, i) => ({
    userId: `u${i % 15}`,
    version: ((i * 11) % 17) + 1, // not monotonic per user, so some writes are stale
    points: ((i * 7) % 23) - 5,
    seq: 10_000 - i,
  }));

  it('writes a batch in one round trip with the same result as one-by-one writes', async () => {
    const single = boardKeys('single');
    const batched = boardKeys('batched');
    const expectedApplied = [];
    for (const write of batch) expectedApplied.push(await writeStanding(redis, single, write));

    const { result, writes } = await countWrites(() => writeStandings(redis, batched, batch));
    expect(writes).toBe(1);
    expect(result).toEqual(expectedApplied);
    expect(result).toContain(false);
    expect(result).toContain(true);
    expect(await redis.zrange(batched.board, 0, -1, 'WITHSCORES')).toEqual(
      await redis.zrange(single.board, 0, -1, 'WITHSCORES'),
    );
    expect(await redis.hgetall(batched.versions)).toEqual(await redis.hgetall(single.versions));
  });

  it('sends nothing for an empty batch', async () => {
    const { result, writes } = await countWrites(() => writeStandings(redis, boardKeys('empty'), []));
    expect(result).toEqual([]);
    expect(writes).toBe(0);
  });
});

describe('runScript', () => {
  it('loads a script Redis has not seen with one extra round trip, then uses EVALSHA', async () => {
    // A nonce makes the SHA new to this Redis, so the first EVALSHA must get NOSCRIPT.
    const script = defineLuaScript(`-- ${prefix}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`, 1);
    expect(await redis.script('EXISTS', script.sha)).toEqual([0]);
    const key = `${prefix}counter`;
    const calls = [1, 2, 3].map((n) => ({ keys: [key], args: [n] }));

    const cold = await countWrites(() => runScript(redis, script, calls));
    expect(cold).toEqual({ result: [1, 3, 6], writes: 2 });
    const warm = await countWrites(() => runScript(redis, script, calls));
    expect(warm).toEqual({ result: [7, 9, 12], writes: 1 });
  });

  it('surfaces script errors', async () => {
    const script = defineLuaScript(`return redis.error_reply('BOOM ${prefix}')`, 0);
    await expect(runScript(redis, script, [{ keys: [], args: [] }])).rejects.toThrow(/BOOM/);
  });
});
