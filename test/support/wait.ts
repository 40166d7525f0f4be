import { setTimeout as sleep } from 'node:timers/promises';

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
