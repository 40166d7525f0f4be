import { setTimeout as sleep } from 'node:timers/promises';
import type { Deps } from '../../src/lib/app-deps.js';

/**
 * Polls until `check` returns a value other than undefined/false, or fails
 * after a generous timeout with the last value seen. Tests wait for states,
 * never for fixed times.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    last = await check();
    if (last !== undefined && last !== false) return last as T;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${options.what ?? 'a condition'} (last value: ${JSON.stringify(last)})`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}

/**
 * Waits until a worker's self-heal has rebuilt this test's fresh Redis prefix
 * (its `healed` marker equals its `epoch`). The first heal of a prefix marks
 * every CURRENT board not whole and queues the rollover of CLOSING periods, so
 * a test that fills a board straight into Redis waits for it first.
 */
export async function waitHealed(deps: Pick<Deps, 'redis' | 'keys'>): Promise<void> {
  const [epoch, healed] = [deps.keys.key('{meta}', 'epoch'), deps.keys.key('{meta}', 'healed')];
  await waitFor(
    async () => {
      const [now, done] = await deps.redis.mget(epoch, healed);
      return now !== null && now === done;
    },
    { what: "the worker's first self-heal", timeoutMs: 60_000 },
  );
}
