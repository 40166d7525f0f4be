import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { problemsOf } from '../support/config.js';


describe('hot ranking configuration', () => {
  it('defaults to reddit with the documented weights', () => {
    expect(loadConfig({}).hot).toEqual({
      algorithm: 'reddit',
      weights: { join: 1, favorite: 0.5, view: 0.05, checkIn: 2 },
      boardSize: 500,
      cacheTtlMs: 2_000,
      gravity: 1.8,
      windowDays: null,
    });
  });

  it('reads every HOT_ variable, negative weights included', () => {
    const config = loadConfig({
      HOT_ALGORITHM: 'hackernews',
      HOT_WEIGHT_JOIN: '3',
      HOT_WEIGHT_FAVORITE: '-0.5',
      HOT_WEIGHT_VIEW: '0',
      HOT_WEIGHT_CHECK_IN: '4.25',
      HOT_BOARD_SIZE: '1000',
      HOT_CACHE_TTL_MS: '250',
      HOT_GRAVITY: '1.5',
      HOT_WINDOW_DAYS: '7',
    });
    expect(config.hot).toEqual({
      algorithm: 'hackernews',
      weights: { join: 3, favorite: -0.5, view: 0, checkIn: 4.25 },
      boardSize: 1000,
      cacheTtlMs: 250,
      gravity: 1.5,
      windowDays: 7,
    });
  });

  it('names each bad HOT_ variable with a clear reason', () => {
    const problems = problemsOf({
      HOT_ALGORITHM: 'digg',
      HOT_WEIGHT_JOIN: 'lots',
      HOT_WEIGHT_VIEW: 'Infinity',
      HOT_BOARD_SIZE: '10',
      HOT_CACHE_TTL_MS: '0',
    });
    expect(problems).toHaveLength(5);
    expect(problems.find((p) => p.startsWith('HOT_ALGORITHM'))).toMatch(/reddit, hackernews.*"digg"/);
    expect(problems.find((p) => p.startsWith('HOT_WEIGHT_JOIN'))).toMatch(/number.*"lots"/);
    expect(problems.find((p) => p.startsWith('HOT_WEIGHT_VIEW'))).toMatch(/"Infinity"/);
    expect(problems.find((p) => p.startsWith('HOT_BOARD_SIZE'))).toMatch(/100 to 5000.*"10"/);
    expect(problems.find((p) => p.startsWith('HOT_CACHE_TTL_MS'))).toMatch(/1 to 3600000.*"0"/);
  });
});
