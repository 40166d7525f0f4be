import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Deps } from '../../src/deps.js';
import { sleep, waitUntil } from './fanout.js';

/** Linux reports CPU time in /proc/<pid>/stat in clock ticks of 1/100 s (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let built: Promise<unknown> | undefined;
/**
 * `npm run build`, once per bench run: the server runs the compiled
 * `dist/main.js`, as the Dockerfile does. Under tsx the same process holds
 * about 130 MB more (transpiled sources and their source maps), which no
 * deployment pays.
 */
const build = () => (built ??= promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: ROOT }));

/** A free TCP port on 127.0.0.1 (the server is told its port; silent logging would hide a PORT=0 pick). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const mb = (kb: number) => Math.round(kb / 1024);

/**
 * The API as its own Node process, started as deployed (`node dist/main.js
 * --api`, freshly built) with NODE_ENV=production, silent
 * logging and no mutation rate limit, on the bench's database and Redis
 * prefix. Its memory and CPU are read from /proc/<pid>, so they are the
 * server's alone: the bench process (data setup, awards) and the subscriber
 * processes are not in them. `startBareStandings` starts the floor of
 * `standings-10k` (bare-standings-server.ts) the same way, with NODE_ENV=production,
 * its one small file under tsx (no build of its own).
 */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly kind: 'liveboard' | 'bare',
  ) {}

  static async start(deps: Deps): Promise<ServerProcess> {
    const { config } = deps;
    await build();
    return ServerProcess.spawn(['dist/main.js', '--api'], 'liveboard', {
      LOG_LEVEL: 'silent',
      DATABASE_URL: config.database.url,
      REDIS_URL: config.redis.url,
      REDIS_PREFIX: config.redis.prefix,
      JWT_SECRET: config.auth.jwtSecret,
      APP_TIMEZONE: config.timeZone,
      SEED_DEMO_DATA: 'false',
      RATE_LIMIT_MUTATIONS_PER_MINUTE: '0',
      // Every subscriber connects from one loopback address.
      MAX_CONNECTIONS_PER_CLIENT: '1000000',
      // The API's heap policy (config.ts) can be tried from the command line, e.g. API_V8_FLAGS=none.
      ...(process.env.API_V8_FLAGS === undefined ? {} : { API_V8_FLAGS: process.env.API_V8_FLAGS }),
    });
  }

  /** The floor of `standings-10k` (bare-standings-server.ts), started the same way; its `/bump` is the event. */
  static startBareStandings(): Promise<ServerProcess> {
    return ServerProcess.spawn(['--import', 'tsx', 'scripts/bench/bare-standings-server.ts'], 'bare', {});
  }

  private static async spawn(args: string[], kind: 'liveboard' | 'bare', env: NodeJS.ProcessEnv): Promise<ServerProcess> {
    const port = await freePort();
    // BENCH_SERVER_FLAGS (Node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` or `--heapsnapshot-signal=SIGUSR2`) profile it.
    const flags = process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...flags, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { PATH: process.env.PATH, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...env },
    });
    const server = new ServerProcess(child, `http://127.0.0.1:${port}`, kind);
    let exited: number | null = null;
    child.once('exit', (code) => (exited = code ?? -1));
    await waitUntil(async () => {
      if (exited !== null) throw new Error(`the server process exited (${exited}) before it answered`);
      return fetch(`${server.url}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
    }, 'the server process to answer /healthz');
    return server;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resident memory now and its peak since the process started (VmHWM), in MB. */
  memory(): { rssMb: number; peakMb: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: mb(field('VmRSS')), peakMb: mb(field('VmHWM')) };
  }

  /** User and system CPU the server process has used so far, in ms. */
  cpuMs(): { user: number; system: number } {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the whole line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const toMs = (ticks: string) => (Number(ticks) * 1000) / TICKS_PER_SECOND;
    return { user: toMs(fields[11]!), system: toMs(fields[12]!) };
  }

  /** Open graphql-ws subscriptions, from the server's own /metrics (the bare server's /subscriptions). */
  async openWsSubscriptions(): Promise<number> {
    if (this.kind === 'bare') return Number(await (await fetch(`${this.url}/subscriptions`)).text());
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const line = /^liveboard_open_subscriptions\{transport="ws"\} (\d+)/m.exec(text);
    return Number(line?.[1] ?? 0);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000).then(() => this.child.kill('SIGKILL'))]);
  }
}
