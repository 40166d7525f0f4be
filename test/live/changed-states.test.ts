import { afterEach, describe, expect, it, vi } from 'vitest';
import { changedStates } from '../../src/graphql/live/changed-states.js';
import { PushIterator } from '../../src/lib/push-iterator.js';

/** A board in memory: `read` counts its calls; `state.top` is what a subscriber sees. */
function board(initial: string[]) {
  const state = { top: initial, reads: 0, fail: false, released: 0 };
  const notices = new PushIterator<number>(10_000, () => (state.released += 1));
  const read = () => {
    state.reads += 1;
    if (state.fail) return Promise.reject(new Error('board unreadable'));
    return Promise.resolve({ top: [...state.top], readAt: state.reads });
  };
  const states = changedStates(notices, { read, key: (value) => value.top.join(','), intervalMs: 250 });
  return { state, notices, states };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('changedStates', () => {
  it('sends a state only when what the subscriber sees differs from the last one sent, the first notice included', async () => {
    vi.useFakeTimers();
    const { state, notices, states } = board(['a', 'b']);
    const received: string[][] = [];
    const reading = (async () => {
      for await (const value of states) received.push(value.top);
    })();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.reads).toBe(1);

    // Unchanged since the stream started: nothing, although it is the first notice.
    notices.push(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(received).toEqual([]);

    state.top = ['b', 'a'];
    notices.push(2);
    await vi.advanceTimersByTimeAsync(300);
    notices.push(3);
    await vi.advanceTimersByTimeAsync(300);
    expect(received).toEqual([['b', 'a']]);
    await states.return!();
    await reading;
    expect(state.released).toBe(1);
  });

  it('reads at most once per window during a burst, and always after the last notice', async () => {
    vi.useFakeTimers();
    const { state, notices, states } = board(['a']);
    const received: string[][] = [];
    const reading = (async () => {
      for await (const value of states) received.push(value.top);
    })();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 1; i <= 100; i += 1) {
      state.top = [`v${i}`];
      notices.push(i);
      if (i % 10 === 0) await vi.advanceTimersByTimeAsync(90);
    }
    await vi.advanceTimersByTimeAsync(1_000);
    // The baseline, then at most one read per 250 ms window of the 900 ms burst plus the trailing one.
    expect(state.reads).toBeLessThanOrEqual(1 + 5);
    expect(received.at(-1)).toEqual(['v100']);
    await states.return!();
    await reading;
  });

  it('skips a failed read and reads again on the next notice', async () => {
    vi.useFakeTimers();
    const { state, notices, states } = board(['a']);
    const next = states.next();
    await vi.advanceTimersByTimeAsync(0);
    state.fail = true;
    state.top = ['b'];
    notices.push(1);
    await vi.advanceTimersByTimeAsync(300);
    state.fail = false;
    notices.push(2);
    await vi.advanceTimersByTimeAsync(300);
    expect((await next).value?.top).toEqual(['b']);
    await states.return!();
  });

  it('releases its notices when returned while waiting for one', async () => {
    const { state, notices, states } = board(['a']);
    const pending = states.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await states.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(state.released).toBe(1);
    notices.push(1);
    expect(state.reads).toBe(1);
  });
});
