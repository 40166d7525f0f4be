import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEAT_WEIGHTS,
  HEAT_EPOCH_SECONDS,
  compareHotEntries,
  computeHeat,
  hackerNewsHeat,
  heatBreakdown,
  interactionPoints,
  redditHeat,
  type HeatAlgorithm,
  type HeatWeights,
  type HotRankable,
  type InteractionCounts,
} from '../../src/modules/hot/heat-formula.js';

const EPOCH = new Date('2024-01-01T00:00:00Z');
const HOUR = 3_600_000;
const at = (base: Date, hours: number): Date => new Date(base.getTime() + hours * HOUR);
const counts = (joins = 0, favorites = 0, views = 0, checkIns = 0): InteractionCounts => ({
  joins,
  favorites,
  views,
  checkIns,
});
const weights = (join: number, favorite: number, view: number, checkIn: number): HeatWeights => ({
  join,
  favorite,
  view,
  checkIn,
});

describe('interactionPoints', () => {
  it('weights each behaviour with the documented default weights', () => {
    expect(DEFAULT_HEAT_WEIGHTS).toEqual({ join: 1, favorite: 0.5, view: 0.05, checkIn: 2 });
    // 10·1 + 4·0.5 + 100·0.05 + 3·2 = 10 + 2 + 5 + 6 = 23
    expect(interactionPoints(counts(10, 4, 100, 3), DEFAULT_HEAT_WEIGHTS)).toBeCloseTo(23, 12);
  });

  it('uses configured weights, negative ones included', () => {
    // 1·2 + 2·(−1) + 3·0 + 4·3 = 2 − 2 + 0 + 12 = 12
    expect(interactionPoints(counts(1, 2, 3, 4), weights(2, -1, 0, 3))).toBe(12);
  });
});

describe('redditHeat', () => {
  it('pins the epoch to 2024-01-01T00:00:00Z', () => {
    expect(HEAT_EPOCH_SECONDS).toBe(EPOCH.getTime() / 1000);
  });

  it.each([
    // log10(100) + 45000/45000 = 2 + 1 = 3
    { s: 100, publishedAt: '2024-01-01T12:30:00Z', expected: 3 },
    // log10(1000) + 90000/45000 = 3 + 2 = 5
    { s: 1000, publishedAt: '2024-01-02T01:00:00Z', expected: 5 },
    // log10(23) + 9000/45000 = 1.3617278360175928 + 0.2 = 1.5617278360175928
    { s: 23, publishedAt: '2024-01-01T02:30:00Z', expected: 1.5617278360175928 },
    // s = 0: log10(max(0,1)) = 0; at the epoch the time term is 0 → 0
    { s: 0, publishedAt: '2024-01-01T00:00:00Z', expected: 0 },
    // s = 1: log10(1) = 0 → 0 + 45000/45000 = 1
    { s: 1, publishedAt: '2024-01-01T12:30:00Z', expected: 1 },
    // s = 0.5: log10(max(0.5,1)) = 0 → 0 + 1 = 1 (no negative log for tiny s)
    { s: 0.5, publishedAt: '2024-01-01T12:30:00Z', expected: 1 },
    // s = −10: sign · log10(10) = −1; at the epoch → −1
    { s: -10, publishedAt: '2024-01-01T00:00:00Z', expected: -1 },
    // s = −10 one period later: −1 + 1 = 0
    { s: -10, publishedAt: '2024-01-01T12:30:00Z', expected: 0 },
    // before the epoch: log10(1000) + (−45000)/45000 = 3 − 1 = 2
    { s: 1000, publishedAt: '2023-12-31T11:30:00Z', expected: 2 },
    // before the epoch, no interactions: 0 + (−90000)/45000 = −2
    { s: 0, publishedAt: '2023-12-30T23:00:00Z', expected: -2 },
  ])('s=$s published $publishedAt → $expected', ({ s, publishedAt, expected }) => {
    expect(redditHeat(s, new Date(publishedAt))).toBeCloseTo(expected, 12);
  });

  it('never returns −0 for small negative s', () => {
    // Computed naively, sign(−0.5)·log10(1) is −0; keeping scores canonical keeps Object.is equality (and toBe) honest.
    expect(Object.is(redditHeat(-0.5, EPOCH), 0)).toBe(true);
  });

  it('is time-invariant through computeHeat', () => {
    const c = counts(10, 4, 100, 3);
    const early = computeHeat('reddit', c, DEFAULT_HEAT_WEIGHTS, EPOCH, at(EPOCH, 1));
    const late = computeHeat('reddit', c, DEFAULT_HEAT_WEIGHTS, EPOCH, at(EPOCH, 10_000));
    // log10(23) + 0 = 1.3617278360175928
    expect(early).toBeCloseTo(1.3617278360175928, 12);
    expect(late).toBe(early);
  });
});

describe('hackerNewsHeat', () => {
  it.each([
    // (11−1)/(8+2)^1.8 = 10/10^1.8 = 10^−0.8 = 0.15848931924611134
    { s: 11, ageHours: 8, expected: 0.15848931924611134 },
    // (11−1)/(98+2)^1.8 = 10/10^3.6 = 10^−2.6 = 0.0025118864315095794
    { s: 11, ageHours: 98, expected: 0.0025118864315095794 },
    // (2−1)/(0+2)^1.8 = 1/3.4822022531844965 = 0.2871745887492588
    { s: 2, ageHours: 0, expected: 0.2871745887492588 },
    // (5−1)/(1+2)^1.8 = 4/7.224674055842076 = 0.5536581953846744
    { s: 5, ageHours: 1, expected: 0.5536581953846744 },
    // s = 1: max(1−1,0) = 0 → 0
    { s: 1, ageHours: 0, expected: 0 },
    // s = 0 and 0 < s < 1 and s < 0: max(s−1,0) = 0 → 0
    { s: 0, ageHours: 0, expected: 0 },
    { s: 0.5, ageHours: 3, expected: 0 },
    { s: -10, ageHours: 3, expected: 0 },
    // published in the future: age clamps to 0 → (3−1)/2^1.8 = 0.5743491774985175
    { s: 3, ageHours: -5, expected: 0.5743491774985175 },
  ])('s=$s age=$ageHours h → $expected', ({ s, ageHours, expected }) => {
    const publishedAt = at(EPOCH, 100);
    expect(hackerNewsHeat(s, publishedAt, at(publishedAt, ageHours))).toBeCloseTo(expected, 12);
  });

  it('decays as now advances, flipping the order of an older, busier activity', () => {
    const entry = (id: number, joins: number, publishedAt: Date, now: Date): HotRankable => ({
      id,
      publishedAt,
      interactionPoints: joins,
      score: computeHeat('hackernews', counts(joins), DEFAULT_HEAT_WEIGHTS, publishedAt, now),
    });
    const publishedA = EPOCH;
    const publishedB = at(EPOCH, 8);

    const now1 = at(EPOCH, 8);
    const a1 = entry(1, 11, publishedA, now1); // 10/10^1.8 = 0.15848931924611134
    const b1 = entry(2, 2, publishedB, now1); // 1/2^1.8 = 0.2871745887492588
    expect(a1.score).toBeCloseTo(0.15848931924611134, 12);
    expect(b1.score).toBeCloseTo(0.2871745887492588, 12);
    expect(compareHotEntries(b1, a1)).toBeLessThan(0);

    const now2 = at(EPOCH, 98);
    const a2 = entry(1, 11, publishedA, now2); // 10/100^1.8 = 0.0025118864315095794
    const b2 = entry(2, 2, publishedB, now2); // 1/92^1.8 = 1/3426.2424316663223 = 0.0002918649278164648
    expect(a2.score).toBeCloseTo(0.0025118864315095794, 12);
    expect(b2.score).toBeCloseTo(0.0002918649278164648, 12);
    expect(compareHotEntries(a2, b2)).toBeLessThan(0);
    expect(a2.score).toBeLessThan(a1.score);
    expect(b2.score).toBeLessThan(b1.score);
  });
});

describe('heatBreakdown', () => {
  const contributionOf = (b: ReturnType<typeof heatBreakdown>, behaviour: string): number =>
    b.items.find((item) => item.behaviour === behaviour)?.contribution ?? Number.NaN;

  it('reddit: splits the log term by points and keeps the publication term apart', () => {
    const b = heatBreakdown('reddit', counts(10, 4, 100, 3), DEFAULT_HEAT_WEIGHTS, at(EPOCH, 12.5), EPOCH);
    expect(b.items.map((i) => [i.behaviour, i.count, i.weight])).toEqual([
      ['JOIN', 10, 1],
      ['FAVORITE', 4, 0.5],
      ['VIEW', 100, 0.05],
      ['CHECK_IN', 3, 2],
    ]);
    expect(b.items.map((i) => i.points)).toEqual([10, 2, 5, 6]);
    expect(b.interactionPoints).toBeCloseTo(23, 12);
    expect(b.timeTerm).toBeCloseTo(1, 12); // 45000/45000
    expect(b.score).toBeCloseTo(2.361727836017593, 12); // log10(23) + 1
    expect(contributionOf(b, 'JOIN')).toBeCloseTo(0.5920555808772143, 12); // log10(23)·10/23
    expect(contributionOf(b, 'CHECK_IN')).toBeCloseTo(0.35523334852632854, 12); // log10(23)·6/23
  });

  it('reddit: negative weights give negative shares that still sum to the log term', () => {
    // s = 20·1 + 10·(−1) = 10 → log term 1; JOIN 1·20/10 = 2, FAVORITE 1·(−10)/10 = −1
    const b = heatBreakdown('reddit', counts(20, 10), weights(1, -1, 0, 0), EPOCH, EPOCH);
    expect(contributionOf(b, 'JOIN')).toBeCloseTo(2, 12);
    expect(contributionOf(b, 'FAVORITE')).toBeCloseTo(-1, 12);
    expect(b.score).toBeCloseTo(1, 12);
  });

  it('hackernews: contributions are points/D and the time term is −1/D', () => {
    // D = (8+2)^1.8 = 63.09573444801933; JOIN 11/D = 0.17433825117072246, time −1/D = −0.015848931924611134
    const b = heatBreakdown('hackernews', counts(11), DEFAULT_HEAT_WEIGHTS, EPOCH, at(EPOCH, 8));
    expect(contributionOf(b, 'JOIN')).toBeCloseTo(0.17433825117072246, 12);
    expect(b.timeTerm).toBeCloseTo(-0.015848931924611134, 12);
    expect(b.score).toBeCloseTo(0.15848931924611134, 12);
  });

  it.each([
    { label: 'reddit s=0.5', algorithm: 'reddit', c: counts(0, 0, 10), w: DEFAULT_HEAT_WEIGHTS, timeTerm: 1 },
    { label: 'hackernews s=1', algorithm: 'hackernews', c: counts(1), w: DEFAULT_HEAT_WEIGHTS, timeTerm: 0 },
    { label: 'hackernews s=0.5', algorithm: 'hackernews', c: counts(0, 1), w: DEFAULT_HEAT_WEIGHTS, timeTerm: 0 },
    { label: 'hackernews s=−10', algorithm: 'hackernews', c: counts(0, 10), w: weights(1, -1, 0, 0), timeTerm: 0 },
  ] as const)('$label: every contribution is 0', ({ algorithm, c, w, timeTerm }) => {
    const b = heatBreakdown(algorithm, c, w, at(EPOCH, 12.5), at(EPOCH, 20));
    expect(b.items.map((i) => i.contribution)).toEqual([0, 0, 0, 0]);
    expect(b.timeTerm).toBeCloseTo(timeTerm, 12);
    expect(b.score).toBeCloseTo(timeTerm, 12);
  });

  const cases: Array<[HeatAlgorithm, InteractionCounts, HeatWeights, number, number]> = [
    ['reddit', counts(10, 4, 100, 3), DEFAULT_HEAT_WEIGHTS, 12.5, 0],
    ['reddit', counts(0, 10), weights(1, -1, 0, 0), -30, 0],
    ['reddit', counts(3, 7, 1234, 1), weights(1.5, 0.25, 0.01, 4), -1000, 0],
    ['reddit', counts(2, 0, 0, 0), DEFAULT_HEAT_WEIGHTS, 50_000, 0],
    ['hackernews', counts(10, 4, 100, 3), DEFAULT_HEAT_WEIGHTS, 0, 1],
    ['hackernews', counts(50, 3, 7, 2), weights(1, -2, 0.1, 3), 0, 0],
    ['hackernews', counts(3, 7, 1234, 1), weights(1.5, 0.25, 0.01, 4), 0, 500],
    ['hackernews', counts(2), DEFAULT_HEAT_WEIGHTS, 10, 0],
  ];
  it.each(cases)('%s: contributions + timeTerm equal computeHeat (case %#)', (algorithm, c, w, pubH, ageH) => {
    const publishedAt = at(EPOCH, pubH);
    const now = at(publishedAt, ageH);
    const b = heatBreakdown(algorithm, c, w, publishedAt, now);
    expect(b.score).toBe(computeHeat(algorithm, c, w, publishedAt, now));
    expect(b.score).not.toBe(0);
    const sum = b.items.reduce((acc, i) => acc + i.contribution, 0) + b.timeTerm;
    expect(Math.abs(sum - b.score)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b.score)));
  });
});

describe('compareHotEntries', () => {
  const base: HotRankable = { id: 5, score: 2, interactionPoints: 10, publishedAt: EPOCH };

  it('orders by score, then points, then newer publishedAt, then lower id', () => {
    const entries: HotRankable[] = [
      { ...base, id: 7 },
      { ...base, id: 1, publishedAt: at(EPOCH, -1) },
      { ...base, id: 9, interactionPoints: 11 },
      { ...base, id: 3, score: 1, interactionPoints: 1000 },
      { ...base, id: 6 },
      { ...base, id: 8, score: 3, interactionPoints: 0, publishedAt: at(EPOCH, -100) },
      { ...base, id: 2, publishedAt: at(EPOCH, 1) },
    ];
    expect([...entries].sort(compareHotEntries).map((e) => e.id)).toEqual([8, 9, 2, 6, 7, 1, 3]);
    expect([...entries].reverse().sort(compareHotEntries).map((e) => e.id)).toEqual([8, 9, 2, 6, 7, 1, 3]);
  });

  it('is antisymmetric and 0 only for identical keys', () => {
    const other = { ...base, id: 6 };
    expect(compareHotEntries(base, other)).toBeLessThan(0);
    expect(compareHotEntries(other, base)).toBeGreaterThan(0);
    expect(compareHotEntries(base, { ...base, publishedAt: new Date(EPOCH.getTime()) })).toBe(0);
  });
});
