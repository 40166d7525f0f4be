import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_API_V8_FLAGS, DEFAULT_WORKER_V8_FLAGS, loadConfig } from '../../src/config.js';
import { problemsOf } from '../support/config.js';
import { PROCESS_TEST_TIMEOUT_MS } from '../support/processes.js';

const run = promisify(execFile);
const CHURN = path.resolve(import.meta.dirname, '../fixtures/heap-churn.ts');

/** Runs test/fixtures/heap-churn.ts in a fresh process with WORKER_V8_FLAGS = `flags` and returns what it measured. */
async function churn(flags: string): Promise<{ peakHeapMb: number; liveMb: number }> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', CHURN], {
    env: { ...process.env, NODE_ENV: 'test', WORKER_V8_FLAGS: flags },
  });
  return JSON.parse(stdout) as { peakHeapMb: number; liveMb: number };
}

describe('WORKER_V8_FLAGS and API_V8_FLAGS', () => {
  it('defaults to no wasm tier-up and a heap that grows 1.3x its live set; `none` keeps V8 defaults; anything else is refused', () => {
    expect(loadConfig({}).jobs.v8Flags).toEqual(['--liftoff-only', '--heap-growing-percent=30']);
    expect(DEFAULT_WORKER_V8_FLAGS.split(' ')).toEqual(loadConfig({}).jobs.v8Flags);
    expect(loadConfig({ WORKER_V8_FLAGS: 'none' }).jobs.v8Flags).toEqual([]);
    expect(loadConfig({ WORKER_V8_FLAGS: '--heap-growing-percent=50  --no-liftoff-only' }).jobs.v8Flags).toEqual([
      '--heap-growing-percent=50',
      '--no-liftoff-only',
    ]);
    for (const bad of ['heap-growing-percent=30', '--heap-growing-percent=30; rm -rf /', '--x=$(id)', ' --liftoff-only']) {
      expect(problemsOf({ WORKER_V8_FLAGS: bad })[0]).toMatch(/^WORKER_V8_FLAGS must be `none` or V8 flags/);
    }
  });

  it('API_V8_FLAGS: the same heap policy without the wasm baseline; `none` keeps V8 defaults; anything else is refused', () => {
    expect(loadConfig({}).http.v8Flags).toEqual(['--heap-growing-percent=30']);
    expect(DEFAULT_API_V8_FLAGS.split(' ')).toEqual(loadConfig({}).http.v8Flags);
    expect(loadConfig({ API_V8_FLAGS: 'none' }).http.v8Flags).toEqual([]);
    // Each setting is its own: a worker's flags are not the API's.
    expect(loadConfig({ API_V8_FLAGS: '--heap-growing-percent=50' }).jobs.v8Flags).toEqual(['--liftoff-only', '--heap-growing-percent=30']);
    for (const bad of ['heap-growing-percent=30', '--heap-growing-percent=30 && reboot', '--x=`id`']) {
      expect(problemsOf({ API_V8_FLAGS: bad })[0]).toMatch(/^API_V8_FLAGS must be `none` or V8 flags/);
    }
  });

  it(
    'keep the heap of a job that streams pages past a large live set within 2.5x that live set (V8 defaults let it reach ~5x)',
    async () => {
      // The same churn in two processes, one after the other: only the flags differ.
      const tuned = await churn(DEFAULT_WORKER_V8_FLAGS);
      const defaults = await churn('none');
      expect(tuned.liveMb).toBeGreaterThan(60);
      expect(tuned.peakHeapMb).toBeLessThan(2.5 * tuned.liveMb);
      // Without the flags the same job's heap grows well past that bound: the bound is the flags' doing.
      expect(defaults.peakHeapMb).toBeGreaterThan(3.5 * defaults.liveMb);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
