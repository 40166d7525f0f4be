import { describe, expect, it } from 'vitest';
import {
  MAX_BOARD_POINTS,
  MAX_BOARD_SEQ,
  decodeBoardScore,
  encodeBoardScore,
} from '../../src/modules/leaderboards/board-score.js';
import { seededRandom as random } from '../support/random.js';


const int = (next: () => number, min: number, max: number) => min + Math.floor(next() * (max - min + 1));

describe('encodeBoardScore ordering', () => {
  it.each([1, 2, 3, 4, 5])('sorts like (points desc, seq asc) for random pairs (seed %i)', (seed) => {
    const next = random(seed);
    const seqs = new Set<number>([0, MAX_BOARD_SEQ]);
    while (seqs.size < 3000) {
      // Mostly nearby seqs so equal totals often tie-break on neighbours.
      seqs.add(next() < 0.5 ? int(next, 0, 5000) : int(next, 0, MAX_BOARD_SEQ));
    }
    const extremes = [MAX_BOARD_POINTS, -MAX_BOARD_POINTS, 0, 1, -1];
    const entries = [...seqs].map((seq, index) => ({
      seq,
      // A small points range forces many ties; some entries sit at the limits.
      points: index < extremes.length ? (extremes[index] ?? 0) : int(next, -20, 20) * (next() < 0.1 ? 50_000 : 1),
    }));

    const byScore = [...entries].sort((a, b) => encodeBoardScore(b.points, b.seq) - encodeBoardScore(a.points, a.seq));
    const byRule = [...entries].sort((a, b) => b.points - a.points || a.seq - b.seq);
    expect(byScore).toEqual(byRule);
  });

  it('ranks one more point above any seq, and the earlier seq above the later at equal points', () => {
    expect(encodeBoardScore(11, MAX_BOARD_SEQ)).toBeGreaterThan(encodeBoardScore(10, 0));
    expect(encodeBoardScore(-9, MAX_BOARD_SEQ)).toBeGreaterThan(encodeBoardScore(-10, 0));
    expect(encodeBoardScore(10, 41)).toBeGreaterThan(encodeBoardScore(10, 42));
    expect(encodeBoardScore(MAX_BOARD_POINTS, MAX_BOARD_SEQ - 1)).toBeGreaterThan(
      encodeBoardScore(MAX_BOARD_POINTS, MAX_BOARD_SEQ),
    );
  });
});

describe('round trip', () => {
  it.each([
    [0, 0],
    [0, MAX_BOARD_SEQ],
    [1, 123],
    [-1, 123],
    [-10, 0],
    [-10, MAX_BOARD_SEQ],
    [MAX_BOARD_POINTS, 0],
    [MAX_BOARD_POINTS, MAX_BOARD_SEQ],
    [-MAX_BOARD_POINTS, 0],
    [-MAX_BOARD_POINTS, MAX_BOARD_SEQ],
  ])('decodes (%i, %i) back', (points, seq) => {
    const score = encodeBoardScore(points, seq);
    expect(Number.isSafeInteger(score)).toBe(true);
    expect(decodeBoardScore(score)).toEqual({ points, seq });
    expect(decodeBoardScore(String(score))).toEqual({ points, seq });
  });

  it('round-trips random standings', () => {
    const next = random(42);
    for (let i = 0; i < 10_000; i += 1) {
      const points = int(next, -MAX_BOARD_POINTS, MAX_BOARD_POINTS);
      const seq = int(next, 0, MAX_BOARD_SEQ);
      expect(decodeBoardScore(encodeBoardScore(points, seq))).toEqual({ points, seq });
    }
  });

  it('uses the full safe-integer range and no more', () => {
    expect(encodeBoardScore(MAX_BOARD_POINTS, 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(MAX_BOARD_SEQ).toBe(2 ** 32 - 1);
  });
});

describe('range checks', () => {
  it.each([
    [MAX_BOARD_POINTS + 1, 0],
    [-MAX_BOARD_POINTS - 1, 0],
    [1.5, 0],
    [Number.NaN, 0],
    [Number.POSITIVE_INFINITY, 0],
    [10, -1],
    [10, MAX_BOARD_SEQ + 1],
    [10, 0.5],
    [10, Number.NaN],
  ])('encodeBoardScore(%s, %s) throws RangeError', (points, seq) => {
    expect(() => encodeBoardScore(points, seq)).toThrow(RangeError);
  });

  it.each([Number.MAX_SAFE_INTEGER + 1, -Number.MAX_SAFE_INTEGER, 0.5, Number.NaN, 'abc', '', ' ', '0x10', '1.5'])(
    'decodeBoardScore(%j) throws RangeError',
    (score) => {
      expect(() => decodeBoardScore(score)).toThrow(RangeError);
    },
  );
});
