/**
 * Pure heat-score maths for the hot ranking (docs/product.md, "Hot ranking"). No I/O: the board
 * store, the recompute job and `Activity.heatBreakdown` all call these so
 * that Redis, PostgreSQL and the explanation shown to users never disagree.
 */

// The algorithms and default weights are settings, defined with the rest of the configuration.
import type { HeatAlgorithm, HeatWeights } from '../../config.js';
export { DEFAULT_HEAT_WEIGHTS, HEAT_ALGORITHMS, type HeatAlgorithm, type HeatWeights } from '../../config.js';

/** Raw behaviour counts of one activity. */
export interface InteractionCounts {
  joins: number;
  favorites: number;
  views: number;
  checkIns: number;
}

/**
 * Epoch of the reddit time term: 2024-01-01T00:00:00Z in Unix seconds.
 * A recent epoch keeps scores small, so float precision is spent on the
 * log term rather than on decades of elapsed seconds.
 */
export const HEAT_EPOCH_SECONDS = 1_704_067_200;

/** Seconds of publication recency worth one order of magnitude of interaction (12.5 h). */
const REDDIT_SECONDS_PER_DECADE = 45_000;
/** Hacker News gravity when none is given (HOT_GRAVITY's default). */
export const HN_GRAVITY = 1.8;
const HN_AGE_OFFSET_HOURS = 2;
const MS_PER_HOUR = 3_600_000;

/** Interaction points `s = wJoin·joins + wFav·favorites + wView·views + wCheckIn·checkIns`. */
export function interactionPoints(counts: InteractionCounts, weights: HeatWeights): number {
  return (
    weights.join * counts.joins +
    weights.favorite * counts.favorites +
    weights.view * counts.views +
    weights.checkIn * counts.checkIns
  );
}

/** `sign(s)·log10(max(|s|,1))`, returning +0 (never -0) whenever |s| ≤ 1. */
function redditLogTerm(s: number): number {
  const magnitude = Math.abs(s);
  if (!(magnitude > 1)) return 0;
  const log = Math.log10(magnitude);
  return s < 0 ? -log : log;
}

function redditTimeTerm(publishedAt: Date): number {
  return (publishedAt.getTime() / 1000 - HEAT_EPOCH_SECONDS) / REDDIT_SECONDS_PER_DECADE;
}

/** `(ageHours + 2)^gravity`; age is clamped at 0 so clock skew or future publication never boosts a score. */
function hackerNewsDecay(publishedAt: Date, now: Date, gravity: number): number {
  const ageHours = Math.max(0, (now.getTime() - publishedAt.getTime()) / MS_PER_HOUR);
  return Math.pow(ageHours + HN_AGE_OFFSET_HOURS, gravity);
}

/**
 * Reddit heat: `sign(s)·log10(max(|s|,1)) + (publishedAtSeconds − HEAT_EPOCH_SECONDS)/45000`.
 * Independent of "now", so an interaction can update the stored score exactly.
 */
export function redditHeat(s: number, publishedAt: Date): number {
  return redditLogTerm(s) + redditTimeTerm(publishedAt);
}

/** Hacker News heat: `max(s−1,0) / (ageHours + 2)^gravity` (gravity 1.8 by default). Decays as `now` advances. */
export function hackerNewsHeat(s: number, publishedAt: Date, now: Date, gravity = HN_GRAVITY): number {
  if (!(s > 1)) return 0;
  return (s - 1) / hackerNewsDecay(publishedAt, now, gravity);
}

/** Heat of one activity under `algorithm`; `now` and `gravity` are ignored by `reddit`. */
export function computeHeat(
  algorithm: HeatAlgorithm,
  counts: InteractionCounts,
  weights: HeatWeights,
  publishedAt: Date,
  now: Date,
  gravity = HN_GRAVITY,
): number {
  const s = interactionPoints(counts, weights);
  return algorithm === 'reddit' ? redditHeat(s, publishedAt) : hackerNewsHeat(s, publishedAt, now, gravity);
}

/** Behaviours named as in the GraphQL `HeatBehaviour` enum. */
export type HeatBehaviour = 'JOIN' | 'FAVORITE' | 'VIEW' | 'CHECK_IN';

/** One behaviour's part of a score. */
export interface HeatBreakdownItem {
  behaviour: HeatBehaviour;
  count: number;
  weight: number;
  /** `weight · count`, its share of the interaction points. */
  points: number;
  /** Its share of the score; see {@link heatBreakdown} for how it is apportioned. */
  contribution: number;
}

/** Explanation of a score: `Σ items.contribution + timeTerm === score` up to float rounding. */
export interface HeatBreakdown {
  algorithm: HeatAlgorithm;
  interactionPoints: number;
  items: HeatBreakdownItem[];
  timeTerm: number;
  score: number;
}

/**
 * Explains a score as additive parts.
 *
 * - `reddit`: `timeTerm` is the publication term `(publishedAt − epoch)/45000`.
 *   The log term is split across behaviours in proportion to their points
 *   (`contribution = logTerm · points / s`). When |s| ≤ 1 the log term is 0
 *   and so is every contribution. With negative weights a behaviour's share
 *   can be negative; the shares still sum to the log term.
 * - `hackernews`: the time decay is multiplicative, so it cannot be a separate
 *   addend. It is folded into every part instead: `contribution = points / D`
 *   and `timeTerm = −1 / D` (the "−1" offset, decayed), with
 *   `D = (ageHours + 2)^gravity`. When s ≤ 1 the score is clamped to 0, and then
 *   every contribution and `timeTerm` are 0 too, so nothing hints at a
 *   non-zero score.
 *
 * `score` is always `computeHeat(...)`, so the explanation never disagrees
 * with the ranking; the sum matches it up to float rounding.
 */
export function heatBreakdown(
  algorithm: HeatAlgorithm,
  counts: InteractionCounts,
  weights: HeatWeights,
  publishedAt: Date,
  now: Date,
  gravity = HN_GRAVITY,
): HeatBreakdown {
  const parts: Array<[HeatBehaviour, number, number]> = [
    ['JOIN', counts.joins, weights.join],
    ['FAVORITE', counts.favorites, weights.favorite],
    ['VIEW', counts.views, weights.view],
    ['CHECK_IN', counts.checkIns, weights.checkIn],
  ];
  const s = interactionPoints(counts, weights);
  const score = computeHeat(algorithm, counts, weights, publishedAt, now, gravity);

  let timeTerm: number;
  let contributionOf: (points: number) => number;
  if (algorithm === 'reddit') {
    const logTerm = redditLogTerm(s);
    timeTerm = redditTimeTerm(publishedAt);
    // logTerm ≠ 0 implies |s| > 1, so the division is safe.
    contributionOf = (points) => (logTerm === 0 ? 0 : logTerm * (points / s));
  } else if (s > 1) {
    const decay = hackerNewsDecay(publishedAt, now, gravity);
    timeTerm = -1 / decay;
    contributionOf = (points) => points / decay;
  } else {
    timeTerm = 0;
    contributionOf = () => 0;
  }

  const items = parts.map(([behaviour, count, weight]): HeatBreakdownItem => {
    const points = weight * count;
    return { behaviour, count, weight, points, contribution: contributionOf(points) };
  });
  return { algorithm, interactionPoints: s, items, timeTerm, score };
}

/** The keys the hot ranking orders by. */
export interface HotRankable {
  id: number;
  score: number;
  interactionPoints: number;
  publishedAt: Date;
}

/**
 * Total order of the hot ranking; negative when `a` ranks before `b`.
 * Higher score, then higher interaction points, then newer `publishedAt`,
 * then lower id — so equal scores never make the order depend on storage.
 */
export function compareHotEntries(a: HotRankable, b: HotRankable): number {
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  if (a.interactionPoints !== b.interactionPoints) {
    return a.interactionPoints > b.interactionPoints ? -1 : 1;
  }
  const aTime = a.publishedAt.getTime();
  const bTime = b.publishedAt.getTime();
  if (aTime !== bTime) return aTime > bTime ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}
