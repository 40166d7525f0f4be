import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../support/clock.js';

describe('createTestClock', () => {
  it('stands still until moved, and moves by set and advance', async () => {
    const clock = createTestClock('2026-05-04T08:00:00.000Z');
    const first = clock.now();
    await sleep(20);
    expect(clock.now()).toEqual(first);
    expect(clock.advance(90_000).toISOString()).toBe('2026-05-04T08:01:30.000Z');
    expect(clock.now().toISOString()).toBe('2026-05-04T08:01:30.000Z');
    clock.set(new Date('2026-01-01T00:00:00.000Z'));
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(() => clock.set('not a time')).toThrow(RangeError);
  });

  it('hands out copies, so a caller changing its Date does not move the clock', () => {
    const clock = createTestClock(0);
    clock.now().setTime(123_456);
    expect(clock.now().getTime()).toBe(0);
  });

  it('follows wall time from where it stands while running, and stops again when frozen', async () => {
    const clock = createTestClock('2026-05-04T08:00:00.000Z');
    const start = clock.now().getTime();
    clock.run();
    await sleep(50);
    const elapsed = clock.now().getTime() - start;
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(5_000);
    clock.advance(60_000);
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(60_045);
    clock.freeze();
    const frozen = clock.now();
    await sleep(20);
    expect(clock.now()).toEqual(frozen);
  });

  it('is what deps.now reads once installed', () => {
    const clock = createTestClock('2030-01-01T00:00:00.000Z');
    const deps = { now: () => new Date(0) };
    const peer = { now: () => new Date(0) };
    clock.install(deps, peer);
    clock.advance(1_000);
    expect(deps.now().toISOString()).toBe('2030-01-01T00:00:01.000Z');
    expect(peer.now().toISOString()).toBe('2030-01-01T00:00:01.000Z');
  });
});
