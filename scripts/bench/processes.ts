import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LoadSpec } from './load-process.js';

const run = promisify(execFile);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
// /proc/<pid>/stat counts CPU in clock ticks; 100 per second on Linux.
const TICK_MICROS = 10_000;

export interface ServerProcess {
  url: string;
  pid: number;
  /** User + system CPU the process has used so far, in µs. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** utime + stime of a process, from /proc/<pid>/stat (fields 14 and 15; the name in brackets may hold spaces). */
export async function processCpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
}

/** Resident memory of a process in MB, from /proc/<pid>/status. */
export async function processRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** Peak resident memory of a process so far in MB (VmHWM), from /proc/<pid>/status. */
export async function processPeakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/**
 * A server in its own process: liveboard (`app`) or the bare yoga floor
 * (`bare`, or `bare-award` for awards), all forked from the same entry with the same flags and the
 * same environment, NODE_ENV=production included. `worker` is a liveboard
 * process running the jobs only (its URL is its health server).
 */
export async function startServer(
  kind: 'app' | 'bare' | 'bare-award' | 'worker',
  env: Record<string, string>,
  /** Another checkout of the repository to run the server from (an A/B of two versions of the code, awardAB). */
  options: { checkout?: string } = {},
): Promise<ServerProcess> {
  const entry = options.checkout ? `${options.checkout}/scripts/bench/server-process.ts` : here('./server-process.ts');
  const child: ChildProcess = fork(entry, [kind], {
    // BENCH_SERVER_FLAGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the servers under load.
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code} before listening`)));
  });
  const pid = child.pid as number;
  return {
    url,
    pid,
    cpuMicros: () => processCpuMicros(pid),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}

/**
 * A worker started as production starts it: `node dist/main.js --worker`
 * (the Dockerfile's image, docs/operations.md), the compiled code with no tsx
 * in the process. Needs `npm run build` first. It runs until SIGTERM, which it
 * answers with its graceful shutdown; its health server listens on
 * WORKER_HTTP_PORT (0 here: any free port), so callers wait for its work
 * (the first self-heal) rather than for a URL.
 */
export async function startBuiltWorker(env: Record<string, string>): Promise<ServerProcess> {
  const entry = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
  await readFile(entry).catch(() => {
    throw new Error(`${entry} is missing: run \`npm run build\` before this benchmark (it runs the built worker, as production does)`);
  });
  const flags = process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...flags, entry, '--worker'], {
    env: { ...process.env, ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pid = child.pid as number;
  return {
    url: '',
    pid,
    cpuMicros: () => processCpuMicros(pid),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** What one job run in its own process took (see job-process.ts). */
export interface JobProcessResult {
  ms: number;
  cpuMs: number;
  idleRssMb: number;
  peakRssMb: number;
  result: unknown;
}

/** Runs one job by name in a fresh process (same flags and environment as the servers) and returns what it took. */
export async function runJobProcess(name: string, env: Record<string, string>, data: unknown = {}): Promise<JobProcessResult> {
  const child = fork(here('./job-process.ts'), [name, JSON.stringify(data)], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const result = await new Promise<JobProcessResult>((resolve, reject) => {
    child.once('message', (message) => resolve(message as JobProcessResult));
    child.once('exit', (code) => reject(new Error(`job ${name} exited with ${code} before reporting`)));
  });
  await exited;
  return result;
}

/** HTTP load from an autocannon process of its own. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', here('./load-process.ts'), JSON.stringify(spec)], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as LoadResult;
}
