import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/modules/outbox/event-bus.js';
import { readBoardRange, hotKeys } from '../../src/modules/hot/hot-board-store.js';
import { heatOrderedActivityIds } from '../../src/modules/hot/hot-reader.js';
import { hotEventHandlers, refreshActivityHeat } from '../../src/modules/hot/hot-refresh.js';
import { recomputeHotBoards } from '../../src/modules/hot/hot-recompute.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { activityGid, heatOf, hot, HOT_QUERY, insertActivities, runHotJob, titles } from './hot-fixtures.js';

// reddit: heat = log10(max(s,1)) + (publishedAt − 2024-01-01)/45000 s. Published 2026-11-01 → time term 1987.2.
const P = new Date('2026-11-01T00:00:00Z');
const TIME_TERM = 1987.2;

let t: TestContext;
let users: number[];
let tokens: string[];
let organizerToken: string;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestContext();
  const organizer = await t.createUser();
  organizerToken = organizer.token;
  const members = await Promise.all([1, 2, 3].map(() => t.createUser()));
  users = members.map((member) => member.user.id);
  tokens = members.map((member) => member.token);
  const specs = [
    // s = 10 + 2 + 5 + 6 = 23 → 1987.2 + log10(23) = 1988.5617
    { title: 'Marathon', category: 'running', joins: 10, favorites: 4, views: 100, checkIns: 3 },
    // s = 8 + 1 = 9 → 1987.2 + 0.9542 = 1988.1542
    { title: 'Park run', category: 'running', joins: 8, favorites: 2 },
    // s = 2 → 1987.2 + 0.30103 = 1987.5010
    { title: 'Chess night', category: 'chess', joins: 2 },
    // s = 0, published 12 h later → 1987.2 + 43200/45000 = 1988.16
    { title: 'Late yoga', category: 'yoga', publishedAt: new Date(P.getTime() + 12 * 3_600_000) },
    { title: 'Draft', category: 'running', status: 'DRAFT' as const, publishedAt: null, joins: 100 },
    { title: 'Cancelled', category: 'running', status: 'CANCELLED' as const, joins: 100 },
    { title: 'Ended', category: 'chess', status: 'ENDED' as const, joins: 100 },
  ];
  const created = await insertActivities(t, organizer.user.id, specs.map((spec) => ({ publishedAt: P, ...spec })));
  specs.forEach((spec, index) => (ids[spec.title] = created[index]!));
});
afterAll(() => t?.cleanup());

describe('hotActivities (reddit)', () => {
  it('is computed from PostgreSQL before any recompute has written the boards, so it is never empty', async () => {
    const result = await hot(t);
    expect(titles(result)).toEqual(['Marathon', 'Late yoga', 'Park run', 'Chess night']);
    expect(result).toMatchObject({ algorithm: 'REDDIT', stale: false, date: null, category: null });
    expect(result.computedAt).not.toBeNull();
  });

  it('serves the boards the recompute job wrote, with ranks, scores and only visible activities', async () => {
    const job = await runHotJob(t.deps, 'hot.recompute');
    expect(job).toMatchObject({ boards: 4, scanned: 4, queries: 1 });
    const result = await hot(t);
    expect(titles(result)).toEqual(['Marathon', 'Late yoga', 'Park run', 'Chess night']);
    expect(result.entries.map((entry) => entry.rank)).toEqual([1, 2, 3, 4]);
    expect(result.entries[0]!.score).toBeCloseTo(TIME_TERM + Math.log10(23), 9);
    expect(result.entries[1]!.score).toBeCloseTo(TIME_TERM + 0.96, 9);
    expect(result.entries[2]!.score).toBeCloseTo(TIME_TERM + Math.log10(9), 9);
    expect(result.entries[3]!.score).toBeCloseTo(TIME_TERM + Math.log10(2), 9);
    expect(result.computedAt).toBe(job.computedAt);
    expect(result.entries[0]!.activity).toMatchObject({ id: activityGid(ids.Marathon!), category: 'running' });
  });

  it('reflects a join in the same request cycle', async () => {
    const joined = await t.gql('mutation ($id: ID!) { joinActivity(id: $id) { id } }', { id: activityGid(ids['Park run']!) }, { token: tokens[0] });
    expect(joined.errors).toBeUndefined();
    // No recompute and no wait: the join's own request put it on the board.
    const result = await hot(t);
    // s = 10 → 1987.2 + 1 = 1988.2, now above Late yoga's 1988.16.
    expect(titles(result)).toEqual(['Marathon', 'Park run', 'Late yoga', 'Chess night']);
    expect(result.entries[1]!.score).toBeCloseTo(TIME_TERM + 1, 9);
    expect(titles(await hot(t, { category: 'running' }))).toEqual(['Marathon', 'Park run']);
  });

  it('is idempotent: refreshing again, or late, changes nothing', async () => {
    const before = await hot(t);
    await refreshActivityHeat(t.deps, ids['Park run']!);
    await refreshActivityHeat(t.deps, ids['Park run']!);
    expect((await hot(t)).entries).toEqual(before.entries);
  });

  it('explains a score: contributions plus the time term add up to it, and heat equals it', async () => {
    const fields = await heatOf(t, ids.Marathon!);
    const breakdown = fields.heatBreakdown!;
    expect(breakdown.items.map((item) => [item.behaviour, item.count, item.weight, item.points])).toEqual([
      ['JOIN', 10, 1, 10],
      ['FAVORITE', 4, 0.5, 2],
      ['VIEW', 100, 0.05, 5],
      ['CHECK_IN', 3, 2, 6],
    ]);
    expect(breakdown.interactionPoints).toBeCloseTo(23, 12);
    expect(breakdown.timeTerm).toBeCloseTo(TIME_TERM, 9);
    const sum = breakdown.items.reduce((total, item) => total + item.contribution, 0) + breakdown.timeTerm;
    expect(sum).toBeCloseTo(breakdown.score, 9);
    expect(breakdown.score).toBeCloseTo(TIME_TERM + Math.log10(23), 9);
    expect(fields.heat).toBe(breakdown.score);
    expect(fields.heatRank).toBe(1);
    expect((await heatOf(t, ids['Late yoga']!)).heatRank).toBe(3);
    expect(await heatOf(t, ids.Ended!)).toEqual({ heat: null, heatRank: null, heatBreakdown: null });
  });

  it('takes a cancelled activity off every board at once', async () => {
    const cancelled = await t.gql('mutation ($id: ID!) { cancelActivity(id: $id, reason: "storm") { status } }', { id: activityGid(ids.Marathon!) }, { token: organizerToken });
    expect(cancelled.data?.cancelActivity.status).toBe('CANCELLED');
    const result = await hot(t);
    expect(titles(result)).toEqual(['Park run', 'Late yoga', 'Chess night']);
    expect(result.entries.map((entry) => entry.rank)).toEqual([1, 2, 3]);
    expect(titles(await hot(t, { category: 'running' }))).toEqual(['Park run']);
    expect(await t.deps.redis.zscore(hotKeys(t.deps, 'reddit').global, String(ids.Marathon))).toBeNull();
    expect(await heatOf(t, ids.Marathon!)).toEqual({ heat: null, heatRank: null, heatBreakdown: null });
  });

  it('keeps one board per category; a category with no visible activity is an empty list', async () => {
    expect(titles(await hot(t, { category: 'chess' }))).toEqual(['Chess night']);
    expect(titles(await hot(t, { category: 'yoga' }))).toEqual(['Late yoga']);
    const none = await hot(t, { category: 'knitting' });
    expect(none).toMatchObject({ entries: [], category: 'knitting', stale: false });
    expect(none.computedAt).not.toBeNull();
  });

  it('moves an activity between category boards when its category changes', async () => {
    await t.deps.db.activity.update({ where: { id: ids['Chess night']! }, data: { category: 'board-games' } });
    await refreshActivityHeat(t.deps, ids['Chess night']!);
    expect(titles(await hot(t, { category: 'chess' }))).toEqual([]);
    expect(titles(await hot(t, { category: 'board-games' }))).toEqual(['Chess night']);
  });

  it('refreshes the boards from domain events through the outbox (as src/events.ts wires them)', async () => {
    const bus = createEventBus({ db: t.deps.db, logger: t.deps.logger, handlers: hotEventHandlers(['activity.joined']), deps: () => t.deps, now: () => t.deps.now(), retry: t.deps.config.outbox });
    await bus.transaction(async (tx, emit) => {
      await tx.participation.create({ data: { activityId: ids['Late yoga']!, userId: users[0]! } });
      await tx.activity.update({ where: { id: ids['Late yoga']! }, data: { participantCount: { increment: 1 } } });
      emit({ type: 'activity.joined', payload: { activityId: ids['Late yoga']!, userId: users[0]! } } as never);
    });
    // s = 1: log10(1) = 0, so the score is unchanged, but the board carries the new tie data.
    const yoga = await hot(t, { category: 'yoga' });
    expect(yoga.entries[0]!.score).toBeCloseTo(TIME_TERM + 0.96, 9);
    expect((await t.deps.redis.hget(hotKeys(t.deps, 'reddit').ties, String(ids['Late yoga'])))?.split('|')[0]).toBe('1');
  });

  it('rejects first outside 1..100, an empty or too long category, with BAD_USER_INPUT', async () => {
    for (const variables of [{ first: 101 }, { first: 0 }, { category: '' }, { category: 'x'.repeat(33) }]) {
      const response = await t.gql(HOT_QUERY, variables);
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
    }
    expect((await hot(t, { first: 100 })).entries.length).toBeGreaterThan(0);
  });

  it('counts local cache hits and misses in liveboard_cache_lookups_total', async () => {
    const count = async (result: string) =>
      (await t.deps.metrics.cacheLookups.get()).values.find((value) => value.labels.cache === 'hot' && value.labels.result === result)?.value ?? 0;
    t.deps.hotCache.invalidate();
    const [hits, misses] = [await count('hit'), await count('miss')];
    await hot(t);
    await hot(t);
    expect(await count('miss')).toBe(misses + 1);
    expect(await count('hit')).toBe(hits + 1);
  });
});

describe('exact-score ties', () => {
  // Published long before the others, so they sit together at the bottom of the global board.
  const OLD = new Date('2025-01-01T00:00:00Z');
  // Ids whose byte order differs from their numeric order: Redis would put "9500000" before "11000000".
  const tie = { S1: 11_000_000, HALF: 10_000_000, LOW_ID: 9_000_000, HIGH_ID: 9_500_000 };

  beforeAll(async () => {
    const organizer = await t.createUser();
    // Every |s| ≤ 1 has log term 0, so all four score exactly the publication term.
    await insertActivities(t, organizer.user.id, [
      { id: tie.HIGH_ID, title: 'HIGH_ID', category: 'ties', publishedAt: OLD },
      { id: tie.HALF, title: 'HALF', category: 'ties', publishedAt: OLD, favorites: 1 },
      { id: tie.LOW_ID, title: 'LOW_ID', category: 'ties', publishedAt: OLD },
      { id: tie.S1, title: 'S1', category: 'ties', publishedAt: OLD, joins: 1 },
    ]);
    await recomputeHotBoards(t.deps);
  });

  it('are really equal scores, which Redis alone orders by member bytes', async () => {
    const raw = await t.deps.redis.zrevrange(hotKeys(t.deps, 'reddit').board('ties'), 0, -1, 'WITHSCORES');
    expect(new Set(raw.filter((_, index) => index % 2 === 1)).size).toBe(1);
    expect(raw.filter((_, index) => index % 2 === 0)).toEqual(['9500000', '9000000', '11000000', '10000000']);
  });

  it('rank by higher s, then lower id, whatever `first` cuts through the group', async () => {
    expect(titles(await hot(t, { category: 'ties' }))).toEqual(['S1', 'HALF', 'LOW_ID', 'HIGH_ID']);
    for (const first of [1, 2, 3]) {
      expect(titles(await hot(t, { category: 'ties', first }))).toEqual(['S1', 'HALF', 'LOW_ID', 'HIGH_ID'].slice(0, first));
    }
  });

  it('give the same order through heatRank and the HEAT ordering hook', async () => {
    const global = await hot(t, { first: 100 });
    const expected = global.entries.map((entry) => entry.activity.title).filter((title) => title in tie);
    expect(expected).toEqual(['S1', 'HALF', 'LOW_ID', 'HIGH_ID']);
    for (const entry of global.entries.filter((candidate) => candidate.activity.title in tie)) {
      expect((await heatOf(t, tie[entry.activity.title as keyof typeof tie])).heatRank).toBe(entry.rank);
    }
    const byHook = (offset: number, limit: number) => heatOrderedActivityIds(t.deps, { category: 'ties', offset, limit });
    expect(await byHook(1, 2)).toEqual([tie.HALF, tie.LOW_ID]);
    // Past the cached top 100 the hook reads the board range straight from Redis, ties resolved at both ends.
    expect(await byHook(0, 150)).toEqual([tie.S1, tie.HALF, tie.LOW_ID, tie.HIGH_ID]);
    const range = await readBoardRange(t.deps, { algorithm: 'reddit', category: 'ties', start: 2, stop: 2 });
    expect(range.entries).toEqual([expect.objectContaining({ rank: 3, activityId: tie.LOW_ID })]);
  });

  it('stay ordered after a refresh rewrites one of them', async () => {
    await refreshActivityHeat(t.deps, tie.HIGH_ID);
    await refreshActivityHeat(t.deps, tie.S1);
    expect(titles(await hot(t, { category: 'ties', first: 3 }))).toEqual(['S1', 'HALF', 'LOW_ID']);
  });
});

describe('a board write that never happened', () => {
  it('is repaired by the next recompute: reads trust the board and make no PostgreSQL visibility check', async () => {
    const before = titles(await hot(t));
    expect(before[0]).toBe('Park run');
    // Ended in PostgreSQL, but (say) Redis refused the refresh: the board still has it.
    await t.deps.db.activity.update({ where: { id: ids['Park run']! }, data: { status: 'ENDED' } });
    t.deps.hotCache.invalidate();
    // Visibility travels with the board (so hot lists need no PostgreSQL): until the repair it is still listed.
    expect(titles(await hot(t, { first: 2 }))).toEqual(before.slice(0, 2));
    await recomputeHotBoards(t.deps);
    const result = await hot(t, { first: 2 });
    expect(titles(result)).toEqual(before.slice(1, 3));
    expect(result.entries.map((entry) => entry.rank)).toEqual([1, 2]);
  });
});
