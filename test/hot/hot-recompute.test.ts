import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/deps.js';
import { compareHotEntries } from '../../src/modules/hot/heat-formula.js';
import { hotKeys, readBoardRange } from '../../src/modules/hot/hot-board-store.js';
import { heatOrderedActivityIds } from '../../src/modules/hot/hot-reader.js';
import { recomputeHotBoards } from '../../src/modules/hot/hot-recompute.js';
import { refreshActivityHeat } from '../../src/modules/hot/hot-refresh.js';
import { HEAT_ROW_SELECT, heatSettings, toHotEntry, VISIBLE_STATUSES, type HotEntry } from '../../src/modules/hot/hot-scoring.js';
import { keysMatching } from '../support/redis-target.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { bulkInsertActivities, hot, type ActivitySpec } from './hot-fixtures.js';
import { seededRandom as prng } from '../support/random.js';

const VISIBLE = 2_500;
const BATCH = 500;
const BOARD_SIZE = 500; // the default HOT_BOARD_SIZE


let t: TestContext;

/** The deps with PostgreSQL reads of activities watched (and optionally sabotaged). */
function watchedDeps(onPage: (call: number, args: { take: number; after: number }) => Promise<void> | void = () => {}) {
  const queries: Array<{ take: number; after: number; rows: number }> = [];
  // readHeatPage's query: `… WHERE id > ${afterId} … LIMIT ${batchSize}`, so its first value and its last.
  async function $queryRaw(strings: TemplateStringsArray, ...values: unknown[]) {
    if (!strings.join('?').includes('FROM activities')) return t.deps.db.$queryRaw(strings, ...values);
    const page = { after: values[0] as number, take: values.at(-1) as number };
    await onPage(queries.length + 1, page);
    const rows = await t.deps.db.$queryRaw<unknown[]>(strings, ...values);
    queries.push({ ...page, rows: rows.length });
    return rows;
  }
  // The real client, with its activity page reads observed; every other query (e.g. hot settings) as it is.
  const db = new Proxy(t.deps.db, { get: (target, property) => (property === '$queryRaw' ? $queryRaw : Reflect.get(target, property)) });
  return { deps: { ...t.deps, db } as unknown as Deps, queries };
}

async function bruteForce(now: Date): Promise<HotEntry[]> {
  const rows = await t.deps.db.activity.findMany({ where: { status: { in: [...VISIBLE_STATUSES] } }, select: HEAT_ROW_SELECT });
  return rows.map((row) => toHotEntry(row, heatSettings(t.deps.config, now))).sort(compareHotEntries);
}

const boardIds = async (category: string | null, stop = BOARD_SIZE - 1) =>
  (await readBoardRange(t.deps, { algorithm: 'reddit', category, start: 0, stop })).entries.map((entry) => entry.activityId);

beforeAll(async () => {
  t = await createTestContext();
  const organizer = await t.createUser();
  const random = prng(2026_11_21);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  // Few distinct values, so exact-score ties are everywhere (the tie order is what is under test).
  const published = ['2026-10-01T00:00:00Z', '2026-10-15T00:00:00Z', '2026-11-01T00:00:00Z'].map((day) => new Date(day));
  const specs: ActivitySpec[] = Array.from({ length: VISIBLE }, () => ({
    category: pick(['a', 'b', 'c']),
    status: pick(VISIBLE_STATUSES),
    publishedAt: pick(published),
    joins: pick([0, 1, 2, 3]),
    favorites: pick([0, 1, 2]),
    views: pick([0, 20]),
  }));
  for (const status of ['DRAFT', 'ENDED', 'CANCELLED'] as const) {
    for (let i = 0; i < 40; i += 1) specs.push({ category: 'a', status, joins: 1_000, publishedAt: published[2]! });
  }
  // Shuffled so that id order says nothing about heat.
  specs.sort(() => random() - 0.5);
  await bulkInsertActivities(t, organizer.user.id, specs);
});
afterAll(() => t?.cleanup());

describe('hot.recompute', () => {
  it('streams visible activities in keyset batches of 500 and never loads them all at once', async () => {
    const { deps, queries } = watchedDeps();
    const result = await recomputeHotBoards(deps, { batchSize: BATCH });
    // 5 full batches, then one empty query that proves the end.
    expect(queries).toHaveLength(VISIBLE / BATCH + 1);
    expect(result).toMatchObject({ queries: 6, scanned: VISIBLE, boards: 4 });
    expect(queries.every((query) => query.take === BATCH && query.rows <= BATCH)).toBe(true);
    expect(queries.map((query) => query.rows)).toEqual([500, 500, 500, 500, 500, 0]);
    // Each batch starts after the last id of the one before.
    expect(queries[0]!.after).toBe(0);
    expect(new Set(queries.map((query) => query.after)).size).toBe(queries.length);
  });

  it('ranks exactly like a brute-force sort of every activity, ties included', async () => {
    const { computedAt } = await recomputeHotBoards(t.deps, { batchSize: BATCH });
    const expected = await bruteForce(computedAt);
    const top = expected.slice(0, BOARD_SIZE);
    // Sanity: the fixture really has many exact-score ties inside the board.
    expect(new Set(top.map((entry) => entry.score)).size).toBeLessThan(top.length / 4);

    expect(await t.deps.redis.zcard(hotKeys(t.deps, 'reddit').global)).toBe(BOARD_SIZE);
    expect(await boardIds(null)).toEqual(top.map((entry) => entry.id));
    const listed = await hot(t, { first: 100 });
    expect(listed.entries.map((entry) => Number(Buffer.from(entry.activity.id, 'base64').toString().split(':')[1]))).toEqual(
      top.slice(0, 100).map((entry) => entry.id),
    );
    expect(await heatOrderedActivityIds(t.deps, { category: null, offset: 100, limit: 300 })).toEqual(
      expected.slice(100, 400).map((entry) => entry.id),
    );
    for (const category of ['a', 'b', 'c']) {
      const inCategory = expected.filter((entry) => entry.category === category).slice(0, BOARD_SIZE);
      expect(await boardIds(category)).toEqual(inCategory.map((entry) => entry.id));
    }
  });

  it('never shows readers a half-written board while recomputes swap', async () => {
    const expected = await boardIds(null, 99);
    const reads = Array.from({ length: 40 }, async (_, index) => {
      await new Promise((resolve) => setTimeout(resolve, index * 5));
      return boardIds(null, 99);
    });
    const [observed] = await Promise.all([Promise.all(reads), recomputeHotBoards(t.deps), recomputeHotBoards(t.deps)]);
    for (const ids of observed) expect(ids).toEqual(expected);
  });

  it('leaves the previous boards intact when a recompute fails half-way', async () => {
    const keys = hotKeys(t.deps, 'reddit');
    const snapshot = async () =>
      Promise.all([
        t.deps.redis.zrange(keys.global, 0, -1, 'WITHSCORES'),
        t.deps.redis.zrange(keys.board('a'), 0, -1, 'WITHSCORES'),
        t.deps.redis.hgetall(keys.ties),
        t.deps.redis.hgetall(keys.meta),
      ]);
    const before = await snapshot();
    const { deps } = watchedDeps((call) => {
      if (call === 3) throw new Error('PostgreSQL went away');
    });
    for (let run = 0; run < 3; run += 1) {
      await expect(recomputeHotBoards(deps, { batchSize: BATCH })).rejects.toThrow('PostgreSQL went away');
    }
    expect(await snapshot()).toEqual(before);
    expect((await hot(t, { first: 100 })).entries).toHaveLength(100);
    // The pattern finds a staged key where hotKeys puts one (so the empty list below means something).
    const staging = `${t.deps.keys.prefix}:{hot:*}:staging:*`;
    const probe = keys.staging('probe').global;
    await t.deps.redis.set(probe, '1');
    expect(await keysMatching(t.deps.redis, staging)).toEqual([probe]);
    await t.deps.redis.del(probe);
    expect(await keysMatching(t.deps.redis, staging)).toEqual([]);
  });

  it('fails cleanly when the page read ahead fails while the batch before is still being handled', async () => {
    // The next page is asked for when a batch arrives; here it fails while afterBatch still waits on I/O.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { deps } = watchedDeps((call) => {
        if (call === 3) throw new Error('PostgreSQL went away');
      });
      // A macrotask boundary, as any I/O of afterBatch (progress, cancellation checks) makes one.
      const afterBatch = () => new Promise<void>((resolve) => setImmediate(resolve));
      await expect(recomputeHotBoards(deps, { batchSize: BATCH, afterBatch })).rejects.toThrow('PostgreSQL went away');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('applies again a write made while the scan had already passed its activity', async () => {
    const firstId = (await t.deps.db.activity.findFirst({ where: { status: { in: [...VISIBLE_STATUSES] } }, orderBy: { id: 'asc' } }))!.id;
    const { deps } = watchedDeps(async (call) => {
      if (call !== 2) return;
      // Batch 1 (with firstId) is scanned; a burst of joins lands and is scored at once.
      // (Newest publication too: under reddit a month of age outweighs any number of joins.)
      await t.deps.db.activity.update({
        where: { id: firstId },
        data: { participantCount: 100_000, publishedAt: new Date('2026-11-01T00:00:00Z') },
      });
      await refreshActivityHeat(t.deps, firstId);
    });
    const result = await recomputeHotBoards(deps, { batchSize: BATCH });
    expect(result.reapplied).toBeGreaterThanOrEqual(1);
    expect((await boardIds(null, 0))[0]).toBe(firstId);
  });

  it('drops the board of a category left with no visible activity', async () => {
    await t.deps.db.activity.updateMany({ where: { category: 'c' }, data: { status: 'ENDED' } });
    await recomputeHotBoards(t.deps);
    const keys = hotKeys(t.deps, 'reddit');
    expect(await t.deps.redis.exists(keys.board('c'))).toBe(0);
    expect((await t.deps.redis.smembers(keys.categories)).sort()).toEqual(['a', 'b']);
    expect((await hot(t, { category: 'c' })).entries).toEqual([]);
  });
});
