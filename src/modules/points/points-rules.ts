/**
 * The points rules of docs/points-rules.md — the only place amounts and caps are written down,
 * and the only place the daily-cap arithmetic is written in TypeScript: {@link roomUnderCap} /
 * {@link cappedPoints}. The award function apply_awards (a migration) grants under the counter's
 * lock with the same arithmetic in SQL, the cap passed in from here; a test holds the two equal.
 * Services, the `myPoints` query and tests read them from here.
 */

/** Every reason a user's points can change. */
export type PointsType = 'DAILY_SIGN_IN' | 'JOIN_ACTIVITY' | 'CHECK_IN' | 'HOST_ACTIVITY' | 'ADMIN_ADJUST';

/** All points types, in the order the API lists them. */
export const POINTS_TYPES: readonly PointsType[] = [
  'DAILY_SIGN_IN',
  'JOIN_ACTIVITY',
  'CHECK_IN',
  'HOST_ACTIVITY',
  'ADMIN_ADJUST',
];

/** How one points type is awarded. */
export interface PointsRule {
  /** Base amount of one award; `null` when the amount is chosen per award (admin adjustments). */
  readonly points: number | null;
  /**
   * Most points of this type one user can gain in one local day; `null` = no points cap.
   * `DAILY_SIGN_IN` has none because its limit is once a day (its streak row and key, see
   * sign-in.ts), and its streak bonuses would not fit a points cap.
   */
  readonly dailyCap: number | null;
  readonly description: string;
}

/** The rules table of docs/points-rules.md. */
export const POINTS_RULES: Readonly<Record<PointsType, PointsRule>> = {
  DAILY_SIGN_IN: {
    points: 1,
    dailyCap: null,
    description: 'Daily sign-in: 1 point, +10 on streak day 7, +20 on day 14, +40 on day 28; once a day',
  },
  JOIN_ACTIVITY: {
    points: 10,
    dailyCap: 30,
    description: 'Joining an activity (once per user and activity); quitting takes 10 points back',
  },
  CHECK_IN: {
    points: 20,
    dailyCap: 60,
    description: 'Checking in at an activity (once per participation)',
  },
  HOST_ACTIVITY: {
    points: 50,
    dailyCap: 100,
    description: 'Hosting an activity that ended with at least one check-in',
  },
  ADMIN_ADJUST: {
    points: null,
    dailyCap: null,
    description: 'Manual adjustment by an admin (any integer)',
  },
};

/**
 * The amount of the `JOIN_ACTIVITY` reversal written when a user quits. It is a
 * negative record of the same type, so it must not count towards the day's cap:
 * quitting does not make room for another join award that day.
 */
export const QUIT_ACTIVITY_POINTS = -10;

/** Length of the sign-in bonus cycle in days; see {@link signInPoints}. */
export const SIGN_IN_STREAK_CYCLE = 28;

/** Bonus on top of the base sign-in point, by position in the 28-day cycle. */
const SIGN_IN_BONUSES: ReadonlyMap<number, number> = new Map([
  [7, 10],
  [14, 20],
  [28, 40],
]);

/**
 * Points for a sign-in on the given day of an unbroken streak (the first sign-in
 * after a gap is day 1).
 *
 * Base 1 point, plus +10 on streak day 7, +20 on day 14 and +40 on day 28.
 *
 * After day 28 the streak keeps counting and the bonuses repeat in a 28-day
 * cycle: day 29 is like day 1, day 35 like day 7 (+10), day 56 like day 28 (+40).
 * A long streak therefore keeps being rewarded instead of flattening out at 1 a day.
 *
 * @throws RangeError when `streakDay` is not a positive safe integer.
 */
export function signInPoints(streakDay: number): number {
  if (!Number.isSafeInteger(streakDay) || streakDay < 1) {
    throw new RangeError(`streakDay must be a positive integer, got ${streakDay}`);
  }
  const dayInCycle = ((streakDay - 1) % SIGN_IN_STREAK_CYCLE) + 1;
  return 1 + (SIGN_IN_BONUSES.get(dayInCycle) ?? 0);
}

/**
 * What the daily cap of `type` still lets in today, after `awardedToday`
 * (the sum of the day's positive awards of that type only — reversals are
 * left out so they do not reopen the cap); `null` when the type is uncapped.
 */
export function roomUnderCap(type: PointsType, awardedToday: number): number | null {
  const cap = POINTS_RULES[type].dailyCap;
  return cap === null ? null : Math.max(0, cap - awardedToday);
}

/**
 * How much of a positive award of `type` may still be granted today: the whole
 * `requested` amount, the part that fits under the daily cap, or 0.
 *
 * `awardedToday` is as for {@link roomUnderCap}. Callers must read it under the
 * same lock or transaction that writes the award, or caps are not exact; the
 * award function apply_awards does that in SQL, with the same arithmetic.
 *
 * @throws RangeError when `requested` or `awardedToday` is negative or not an integer.
 */
export function cappedPoints(type: PointsType, requested: number, awardedToday: number): number {
  if (!Number.isSafeInteger(requested) || requested < 0) {
    throw new RangeError(`requested must be a non-negative integer, got ${requested}`);
  }
  if (!Number.isSafeInteger(awardedToday) || awardedToday < 0) {
    throw new RangeError(`awardedToday must be a non-negative integer, got ${awardedToday}`);
  }
  const room = roomUnderCap(type, awardedToday);
  return room === null ? requested : Math.min(requested, room);
}
