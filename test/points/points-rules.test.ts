import { describe, expect, it } from 'vitest';
import {
  POINTS_RULES,
  POINTS_TYPES,
  QUIT_ACTIVITY_POINTS,
  SIGN_IN_STREAK_CYCLE,
  cappedPoints,
  signInPoints,
} from '../../src/modules/points/points-rules.js';

describe('POINTS_RULES', () => {
  it('holds the amounts and caps of docs/points-rules.md', () => {
    expect(POINTS_RULES.DAILY_SIGN_IN).toMatchObject({ points: 1, dailyCap: null });
    expect(POINTS_RULES.JOIN_ACTIVITY).toMatchObject({ points: 10, dailyCap: 30 });
    expect(POINTS_RULES.CHECK_IN).toMatchObject({ points: 20, dailyCap: 60 });
    expect(POINTS_RULES.HOST_ACTIVITY).toMatchObject({ points: 50, dailyCap: 100 });
    expect(POINTS_RULES.ADMIN_ADJUST).toMatchObject({ points: null, dailyCap: null });
    expect([...POINTS_TYPES].sort()).toEqual(Object.keys(POINTS_RULES).sort());
  });

  it('reverses exactly one join award when a user quits', () => {
    expect(QUIT_ACTIVITY_POINTS).toBe(-10);
    expect(QUIT_ACTIVITY_POINTS).toBe(-(POINTS_RULES.JOIN_ACTIVITY.points ?? 0));
  });
});

describe('signInPoints', () => {
  it.each([
    [1, 1],
    [2, 1],
    [6, 1],
    [7, 11],
    [8, 1],
    [13, 1],
    [14, 21],
    [15, 1],
    [21, 1],
    [27, 1],
    [28, 41],
  ])('streak day %i gives %i', (day, points) => {
    expect(signInPoints(day)).toBe(points);
  });

  it('repeats the bonuses in a 28-day cycle after day 28', () => {
    expect(SIGN_IN_STREAK_CYCLE).toBe(28);
    expect(signInPoints(29)).toBe(1);
    expect(signInPoints(35)).toBe(11);
    expect(signInPoints(42)).toBe(21);
    expect(signInPoints(56)).toBe(41);
    expect(signInPoints(57)).toBe(1);
    for (let day = 1; day <= 28; day += 1) {
      expect(signInPoints(day + 28 * 9)).toBe(signInPoints(day));
    }
  });

  it('gives 1 + 10 + 20 + 40 over a full cycle', () => {
    let total = 0;
    for (let day = 1; day <= 28; day += 1) total += signInPoints(day);
    expect(total).toBe(28 + 10 + 20 + 40);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects streak day %s', (day) => {
    expect(() => signInPoints(day)).toThrow(RangeError);
  });
});

describe('cappedPoints', () => {
  it('grants the whole award, the part under the cap, or nothing', () => {
    expect(cappedPoints('JOIN_ACTIVITY', 10, 0)).toBe(10);
    expect(cappedPoints('JOIN_ACTIVITY', 10, 20)).toBe(10);
    expect(cappedPoints('JOIN_ACTIVITY', 10, 25)).toBe(5);
    expect(cappedPoints('JOIN_ACTIVITY', 10, 30)).toBe(0);
    expect(cappedPoints('CHECK_IN', 20, 50)).toBe(10);
    expect(cappedPoints('HOST_ACTIVITY', 50, 60)).toBe(40);
    expect(cappedPoints('HOST_ACTIVITY', 50, 100)).toBe(0);
  });

  it('never grants negative points when earlier awards already exceed the cap', () => {
    expect(cappedPoints('CHECK_IN', 20, 75)).toBe(0);
  });

  it('does not cap types without a daily points cap', () => {
    expect(cappedPoints('ADMIN_ADJUST', 5000, 100_000)).toBe(5000);
    expect(cappedPoints('DAILY_SIGN_IN', 41, 0)).toBe(41);
  });

  it('rejects negative or fractional input', () => {
    expect(() => cappedPoints('JOIN_ACTIVITY', -10, 0)).toThrow(RangeError);
    expect(() => cappedPoints('JOIN_ACTIVITY', 10, -10)).toThrow(RangeError);
    expect(() => cappedPoints('JOIN_ACTIVITY', 2.5, 0)).toThrow(RangeError);
  });
});
