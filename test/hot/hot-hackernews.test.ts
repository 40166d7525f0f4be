import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshActivityHeat } from '../../src/modules/hot/hot-refresh.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { heatOf, hot, HOUR, insertActivities, runHotJob, titles } from './hot-fixtures.js';

// hackernews: heat = max(s−1,0) / (ageHours + 2)^1.8, as pinned in heat-formula.test.ts.
const T0 = new Date('2026-11-01T00:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

let t: TestContext;
// Time moves for this deps object only: the process clock and timers are left alone.
const clock = createTestClock(T0);
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestContext({ HOT_ALGORITHM: 'hackernews' }, { clock });
  const organizer = await t.createUser();
  const specs = [
    { title: 'Old busy', category: 'music', publishedAt: T0, joins: 11 }, // s = 11
    { title: 'New quiet', category: 'music', publishedAt: at(8), joins: 2 }, // s = 2
    // s ≤ 1 scores exactly 0 at any age: ties broken by s, then newer publishedAt, then lower id.
    { title: 'Zero older', category: 'quiet', publishedAt: at(1), joins: 1 },
    { title: 'Zero newer', category: 'quiet', publishedAt: at(2), joins: 1 },
    { title: 'Zero half', category: 'quiet', publishedAt: at(5), favorites: 1 },
    { title: 'Zero none', category: 'quiet', publishedAt: at(6) },
  ];
  const created = await insertActivities(t, organizer.user.id, specs);
  specs.forEach((spec, index) => (ids[spec.title] = created[index]!));
});
afterAll(() => t?.cleanup());

describe('hotActivities (hackernews)', () => {
  it('ranks the newer activity first while the older one has aged 8 hours', async () => {
    clock.set(at(8));
    await runHotJob(t.deps, 'hot.recompute');
    const result = await hot(t, { category: 'music' });
    expect(result.algorithm).toBe('HACKERNEWS');
    expect(titles(result)).toEqual(['New quiet', 'Old busy']);
    expect(result.entries[0]!.score).toBeCloseTo(0.2871745887492588, 12); // 1/2^1.8
    expect(result.entries[1]!.score).toBeCloseTo(0.15848931924611134, 12); // 10/10^1.8
    expect(result.computedAt).toBe(at(8).toISOString());
  });

  it('flips the order as time passes and the minute recompute decays the scores', async () => {
    clock.set(at(98));
    // Until the recompute runs, readers keep the scores of the last one.
    t.deps.hotCache.invalidate();
    expect(titles(await hot(t, { category: 'music' }))).toEqual(['New quiet', 'Old busy']);
    await runHotJob(t.deps, 'hot.recompute');
    const result = await hot(t, { category: 'music' });
    expect(titles(result)).toEqual(['Old busy', 'New quiet']);
    expect(result.entries[0]!.score).toBeCloseTo(0.0025118864315095794, 12); // 10/100^1.8
    expect(result.entries[1]!.score).toBeCloseTo(0.0002918649278164648, 12); // 1/92^1.8
    expect(result.computedAt).toBe(at(98).toISOString());
  });

  it('updates the activity that changed at once, scored at the current time', async () => {
    await t.deps.db.activity.update({ where: { id: ids['New quiet']! }, data: { participantCount: 200 } });
    await refreshActivityHeat(t.deps, ids['New quiet']!);
    const result = await hot(t, { category: 'music' });
    expect(titles(result)).toEqual(['New quiet', 'Old busy']);
    // (200 − 1) / (90 + 2)^1.8 = 199 / 3426.2424316663223
    expect(result.entries[0]!.score).toBeCloseTo(199 / 3426.2424316663223, 12);
  });

  it('breaks exact ties at score 0 by s, then newer publishedAt, then lower id', async () => {
    const result = await hot(t, { category: 'quiet' });
    expect(result.entries.every((entry) => entry.score === 0)).toBe(true);
    expect(titles(result)).toEqual(['Zero newer', 'Zero older', 'Zero half', 'Zero none']);
    expect(titles(await hot(t, { category: 'quiet', first: 2 }))).toEqual(['Zero newer', 'Zero older']);
  });

  it('explains the decayed score: contributions plus the time term add up to heat, at the current time', async () => {
    clock.set(at(8));
    const fields = await heatOf(t, ids['Old busy']!);
    const breakdown = fields.heatBreakdown!;
    expect(breakdown.algorithm).toBe('HACKERNEWS');
    expect(breakdown.computedAt).toBe(at(8).toISOString());
    // D = 10^1.8; JOIN 11/D, time −1/D → 10/D.
    expect(breakdown.items.find((item) => item.behaviour === 'JOIN')!.contribution).toBeCloseTo(0.17433825117072246, 12);
    expect(breakdown.timeTerm).toBeCloseTo(-0.015848931924611134, 12);
    const sum = breakdown.items.reduce((total, item) => total + item.contribution, 0) + breakdown.timeTerm;
    expect(sum).toBeCloseTo(breakdown.score, 12);
    expect(fields.heat).toBe(breakdown.score);
    expect(fields.heat).toBeCloseTo(0.15848931924611134, 12);
  });
});
