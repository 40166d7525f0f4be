/** The p-th percentile (0–100) of ascending values, rounded to the microsecond when they are milliseconds. */
export function percentile(sorted: readonly number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! * 1000) / 1000;
}

/** Latency (ms) of `count` sequential calls of `read`, p50 and p99. */
export async function latency(count: number, read: (index: number) => Promise<unknown>): Promise<{ p50Ms: number; p99Ms: number }> {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await read(index);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
}
