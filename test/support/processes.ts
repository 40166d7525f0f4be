import { redisEnv } from './redis-target.js';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestContext } from './harness.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/worker-process.ts');

export interface FixtureProcess {
  child: ChildProcess;
  pid: number;
  /** Its HTTP server: the API, or a worker-only process's health and metrics. */
  url: string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed, for failure messages. */
  output(): string;
}

const running = new Set<FixtureProcess>();

/**
 * Tests that start processes get a generous limit: on a busy 2-core machine
 * loading the app in a fresh Node process can take many seconds.
 */
export const PROCESS_TEST_TIMEOUT_MS = 120_000;
/** How long such tests wait for a state another process brings about. */
export const PROCESS_WAIT_MS = 45_000;

/** The environment a fixture needs to share the test's database and Redis prefix. */
export function fixtureEnv(ctx: TestContext, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: ctx.databaseUrl,
    DATABASE_POOL_SIZE: '5',
    ...redisEnv(),
    REDIS_PREFIX: ctx.config.redis.prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    WORKER_HTTP_PORT: '0',
    SEED_DEMO_DATA: 'false',
    ...extra,
  };
}

/**
 * Starts test/fixtures/worker-process.ts as a real Node process (no tsx
 * wrapper process in between, so a signal reaches the process itself) and
 * waits until it reports ready.
 */
export function startFixture(env: Record<string, string>, timeoutMs = 60_000): Promise<FixtureProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = output.split('\n').find((line) => line.startsWith('{"fixtureReady":true'));
      if (!ready) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.on('data', (more: Buffer) => (output += more.toString()));
      const { pid, url } = JSON.parse(ready) as { pid: number; url: string };
      const fixture: FixtureProcess = { child, pid, url, exited, output: () => output };
      running.add(fixture);
      void exited.then(() => running.delete(fixture));
      resolve(fixture);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`fixture exited (code ${code}, signal ${signal}) before it was ready:\n${output}`));
    });
  });
}

/** Kills every fixture this test file started that is still alive (by its own pid). */
export async function killFixtures(): Promise<void> {
  const alive = [...running];
  for (const fixture of alive) fixture.child.kill('SIGKILL');
  await Promise.all(alive.map((fixture) => fixture.exited));
}
