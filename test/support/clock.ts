/**
 * A clock for `deps.now`: tests move it instead of waiting. Frozen unless
 * `run()` lets it follow wall time from where it stands (for paths that also
 * wait on real timers, such as BullMQ's delayed jobs).
 */
export interface TestClock {
  /** The clock's time; a fresh Date each call. Bound, so `deps.now = clock.now` works. */
  readonly now: () => Date;
  /** Jumps to `at` (forwards or backwards). */
  set(at: Date | string | number): Date;
  /** Moves forward by `ms` (backwards when negative). */
  advance(ms: number): Date;
  /** From now on, time flows at wall-clock speed from the current reading. */
  run(): void;
  /** Stops the flow at the current reading. */
  freeze(): void;
  /** Makes every given deps object (API deps, peers, in-process workers) read this clock. */
  install(...targets: Array<{ now: () => Date }>): void;
}

export function createTestClock(start: Date | string | number = '2026-05-04T08:00:00.000Z'): TestClock {
  let base = toMs(start);
  /** performance.now() when `base` was read while running; null while frozen. */
  let anchor: number | null = null;
  const read = () => (anchor === null ? base : base + (performance.now() - anchor));
  const moveTo = (ms: number) => {
    base = ms;
    if (anchor !== null) anchor = performance.now();
    return new Date(ms);
  };
  const now = () => new Date(read());
  return {
    now,
    set: (at) => moveTo(toMs(at)),
    advance: (ms) => moveTo(read() + ms),
    run() {
      if (anchor === null) anchor = performance.now();
    },
    freeze() {
      base = read();
      anchor = null;
    },
    install(...targets) {
      for (const target of targets) target.now = now;
    },
  };
}

function toMs(at: Date | string | number): number {
  const ms = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : at;
  if (!Number.isFinite(ms)) throw new RangeError(`Not a time: ${String(at)}`);
  return ms;
}
