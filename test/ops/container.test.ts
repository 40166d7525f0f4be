import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, dropDatabase, uniqueName } from '../support/databases.js';

/**
 * What the container runs, run here the same way: `npm run build`, then
 * `node dist/main.js` and `node dist/scripts/healthcheck.js` as real
 * processes (no tsx), against the real PostgreSQL and Redis; and the compose
 * file checked by `docker-compose config`.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'dist/main.js');
const HEALTHCHECK = path.join(ROOT, 'dist/scripts/healthcheck.js');
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = promisify(execFile);
/**
 * A start here migrates and seeds a new database in a fresh process; on a
 * busy 2-core machine that has taken over 45 s, so wait longer than the
 * other process tests do.
 */
const START_WAIT_MS = 100_000;
const TEST_TIMEOUT_MS = 180_000;

const dbName = uniqueName('lb_container');
const prefix = `test:${randomBytes(5).toString('hex')}`;
const children = new Set<ChildProcess>();

interface Started {
  child: ChildProcess;
  /** The URL the process logged: the API's, or a worker's health and metrics. */
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Runs `node dist/main.js ...args` until it exits; for processes that should not start. */
function runMain(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

/** Starts `node dist/main.js ...args` and waits for the line saying where it listens. */
function startMain(args: string[], env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start within ${START_WAIT_MS} ms:\n${output}`)), START_WAIT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /(?:liveboard API|worker health) on (http:\/\/[^/"]+)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({ child, url, exited, output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** Runs the container's health check; resolves to its exit code and what it printed. */
async function healthcheck(args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [HEALTHCHECK, ...args], { env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env } });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

/** A port nothing listens on (taken from the OS, then released). */
async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const appEnv = () => ({
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(48).toString('base64'),
  DATABASE_URL: databaseUrl(dbName),
  DATABASE_POOL_SIZE: '5',
  REDIS_URL,
  REDIS_PREFIX: prefix,
  HOST: '127.0.0.1',
  PORT: '0',
  WORKER_HTTP_PORT: '0',
  LOG_LEVEL: 'info',
});

beforeAll(async () => {
  // The real build script, once: tsc to dist/ plus the migrations.
  await run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 10 * 1024 * 1024 });
}, 240_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await dropDatabase(dbName);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
});

describe('the built image command (node dist/main.js)', () => {
  it('refuses to start in production with the compose default or a documented example JWT_SECRET', async () => {
    for (const secret of ['change-me-to-a-long-random-secret-of-32+chars', 'liveboard-development-secret-change-me-0123456789']) {
      const { code, stderr } = await runMain(['--api'], { ...appEnv(), JWT_SECRET: secret });
      expect(code, stderr).toBe(78);
      expect(stderr).toMatch(/Invalid configuration:\n {2}- JWT_SECRET is a published example or development value/);
      expect(stderr).toMatch(/random string of 32\+ characters/);
      expect(stderr).not.toContain(secret);
    }
  }, TEST_TIMEOUT_MS);

  it('migrates and seeds a new database, serves, passes its health check, and stops gracefully on SIGTERM', async () => {
    const api = await startMain(['--api', '--migrate', '--seed'], appEnv());
    const port = new URL(api.url).port;
    expect(api.output()).toMatch(/"msg":"database migrated"/);
    expect(api.output()).toMatch(/"msg":"seeded demo data"/);

    const logIn = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { logIn(input: { handle: "admin", password: "liveboard-admin" }) { token } }' }),
    });
    expect(((await logIn.json()) as { data: { logIn: { token: string } } }).data.logIn.token).toMatch(/^ey/);

    const other = String(await unusedPort());
    expect(await healthcheck([], { PORT: port, WORKER_HTTP_PORT: other })).toEqual({ code: 0, stderr: '' });
    expect(await healthcheck(['--api', '--ready'], { PORT: port })).toEqual({ code: 0, stderr: '' });

    api.child.kill('SIGTERM');
    expect(await api.exited, api.output()).toEqual({ code: 0, signal: null });
    expect(api.output()).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
    expect(api.output()).toMatch(/"msg":"stopped"/);
    expect((await healthcheck([], { PORT: port, WORKER_HTTP_PORT: other })).code).toBe(1);
  }, TEST_TIMEOUT_MS);

  it("checks a worker's health on WORKER_HTTP_PORT, not the API port", async () => {
    const worker = await startMain(['--worker', '--migrate'], appEnv());
    const workerPort = new URL(worker.url).port;
    const apiPort = String(await unusedPort());

    expect(await healthcheck(['--worker'], { PORT: apiPort, WORKER_HTTP_PORT: workerPort })).toEqual({ code: 0, stderr: '' });
    // Without a role flag (the image's HEALTHCHECK) it finds the worker's port when nothing listens on PORT.
    expect(await healthcheck([], { PORT: apiPort, WORKER_HTTP_PORT: workerPort })).toEqual({ code: 0, stderr: '' });
    const asApi = await healthcheck(['--api'], { PORT: apiPort, WORKER_HTTP_PORT: workerPort });
    expect(asApi.code).toBe(1);
    expect(asApi.stderr).toContain(`unhealthy: /healthz on port ${apiPort}`);

    worker.child.kill('SIGTERM');
    expect(await worker.exited, worker.output()).toEqual({ code: 0, signal: null });
    expect(worker.output()).toMatch(/"msg":"stopped"/);
  }, TEST_TIMEOUT_MS);
});

describe('docker-compose.yml', () => {
  /** `docker-compose config` resolves and validates the file without a Docker engine. */
  async function composeConfig(env: Record<string, string>) {
    // An empty env file, so a developer's own .env cannot supply JWT_SECRET.
    const dir = mkdtempSync(path.join(tmpdir(), 'lb-compose-'));
    writeFileSync(path.join(dir, 'empty.env'), '');
    try {
      const { stdout } = await run('docker-compose', ['--env-file', path.join(dir, 'empty.env'), '-f', 'docker-compose.yml', 'config'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
      });
      return { code: 0, stdout, stderr: '' };
    } catch (error) {
      const failed = error as { code: number | string; stdout: string; stderr: string };
      if (failed.code === 'ENOENT') throw new Error('docker-compose is not installed: apt-get install -y docker-compose (.ci/run does it)');
      return { code: Number(failed.code), stdout: failed.stdout, stderr: failed.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('is valid with JWT_SECRET set and runs node directly, under an init, with role-specific health checks', async () => {
    const secret = randomBytes(48).toString('base64');
    const { code, stdout, stderr } = await composeConfig({ JWT_SECRET: secret });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`JWT_SECRET: ${secret}`);
    expect(stdout).not.toMatch(/npx|tsx|npm/);
    expect(stdout.match(/init: true/g)).toHaveLength(2);
    expect(stdout).toMatch(/- dist\/scripts\/healthcheck\.js\n\s+- --api/);
    expect(stdout).toMatch(/- dist\/scripts\/healthcheck\.js\n\s+- --worker/);
    expect(stdout).toMatch(/- --appendonly\n\s+- ["']?yes["']?\n/);
    expect(stdout).toMatch(/- --maxmemory-policy\n\s+- noeviction/);
    expect(stdout).toMatch(/redisdata:\/data/);
  });

  it('refuses to run without JWT_SECRET, saying how to set it', async () => {
    const { code, stderr } = await composeConfig({});
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/set JWT_SECRET to a random string of 32\+ characters/);
  });
});

describe('Node.js versions', () => {
  /** Whether `version` satisfies an npm engines range (the subset of semver ranges the lock file uses). */
  function satisfies(version: string, range: string): boolean {
    const parse = (text: string) => text.replace(/^v/, '').split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : undefined));
    const compare = (a: (number | undefined)[], b: (number | undefined)[]) => {
      for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
      return 0;
    };
    const v = parse(version);
    const test = (comparator: string): boolean => {
      const [, op = '', rest = ''] = /^(\^|~|>=|<=|>|<|=)?(.*)$/.exec(comparator)!;
      if (rest === '*' || rest === 'x' || rest === '') return true;
      const target = parse(rest);
      const fixed = target.findIndex((part) => part === undefined);
      const given = fixed === -1 ? 3 : fixed;
      switch (op) {
        case '>=': return compare(v, target) >= 0;
        case '>': return compare(v, target) > 0;
        case '<=': return compare(v, target) <= 0;
        case '<': return compare(v, target) < 0;
        case '^': {
          const lock = target.findIndex((part) => part !== 0);
          const keep = Math.min(lock === -1 ? given : lock + 1, given);
          return compare(v, target) >= 0 && target.slice(0, keep).every((part, i) => part === v[i]);
        }
        case '~': return compare(v, target) >= 0 && target.slice(0, Math.min(given, 2)).every((part, i) => part === v[i]);
        default: return target.slice(0, given).every((part, i) => part === v[i]);
      }
    };
    return range.split('||').some((alternative) =>
      alternative.trim().replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1').split(/\s+/).every(test),
    );
  }

  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean; engines?: { node?: string } | string[] }>;
  };
  const imageMajor = Number(/^ARG NODE_IMAGE=node:(\d+)-/m.exec(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))?.[1]);

  it('reads npm ranges like npm does', () => {
    expect(satisfies('20.20.2', '^20.19.0 || >=22.15.0')).toBe(true);
    expect(satisfies('22.14.0', '^20.19.0 || >=22.15.0')).toBe(false);
    expect(satisfies('21.7.0', '^20.19.0 || >=22.15.0')).toBe(false);
    expect(satisfies('24.0.0', '^20.19 || ^22.12 || >=24.0')).toBe(true);
    expect(satisfies('23.0.0', '^20.19 || ^22.12 || >=24.0')).toBe(false);
    expect(satisfies('24.0.0', '10.* || >= 12.*')).toBe(true);
    expect(satisfies('24.0.0', '^8.16.0 || ^10.6.0 || >=11.0.0')).toBe(true);
  });

  it('the image runs a Node that package.json and every runtime dependency accept, and so does this machine', () => {
    expect(imageMajor).toBeGreaterThanOrEqual(22);
    const runtime = Object.entries(lock.packages).filter(([name, entry]) => name !== '' && !entry.dev && !entry.devOptional && !entry.optional);
    const refusing = runtime
      .filter(([, entry]) => !Array.isArray(entry.engines) && entry.engines?.node && !satisfies(`${imageMajor}.0.0`, entry.engines.node))
      .map(([name, entry]) => `${name} ${(entry.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
    expect(satisfies(`${imageMajor}.0.0`, pkg.engines.node)).toBe(true);
    expect(satisfies(process.version, pkg.engines.node)).toBe(true);
  });
});
