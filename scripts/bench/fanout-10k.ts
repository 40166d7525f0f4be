import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { recordAward } from '../../src/modules/points/index.js';
import type { BenchEnvironment } from './environment.js';
import { awardStream, ClientProcess, QUERY, sleep, waitUntil } from './fanout.js';
import { ServerProcess } from './fanout-server-process.js';
import { processCpuMicros } from './processes.js';

/**
 * The goals of the "10,000 live subscribers per instance" issues, each
 * scenario by exact name (they take minutes):
 * - `fanout-10k`: 10,000 graphql-ws subscribers of one `leaderboardChanged`
 *   selection (goal: p99 ≤ 500 ms from award to delivery, server RSS ≤ 600 MB);
 * - `standings-10k` / `standings-1k`: that many `myStanding` subscribers, each
 *   its own signed-in user, all of whose ranks change on every event (goal:
 *   p99 ≤ 1 s; RSS ≤ 800 MB at 10,000).
 * The server is its own process (fanout-server-process.ts), as deployed; the
 * subscribers run in PROCESSES more (fanout-clients.ts) and report when each
 * result arrived; latency is that time minus the moment the award call in
 * this process returned (committed and published), on the same machine's
 * clock. Memory and CPU are the server process's, read from /proc.
 */
const PROCESSES = 2;
const WARMUP_EVENTS = 2;
/** Knobs for short runs while profiling; the recorded runs use the defaults. */
const EVENTS = Number(process.env.BENCH_FANOUT_EVENTS ?? 10);
const subscribers = (goal: number) => Number(process.env.BENCH_FANOUT_SUBSCRIBERS ?? goal);
/**
 * BENCH_SNAPSHOT_EVENT=n sends the server SIGUSR2 BENCH_SNAPSHOT_DELAY_MS (default 200) after event n's
 * award (warm-ups count): with BENCH_SERVER_FLAGS=--heapsnapshot-signal=SIGUSR2 it writes a heap
 * snapshot while that event is being delivered.
 */
const SNAPSHOT_EVENT = process.env.BENCH_SNAPSHOT_EVENT === undefined ? -1 : Number(process.env.BENCH_SNAPSHOT_EVENT);
const SNAPSHOT_DELAY_MS = Number(process.env.BENCH_SNAPSHOT_DELAY_MS ?? 200);
const MY_STANDING = 'subscription { myStanding { rank points } }';

const now = () => performance.timeOrigin + performance.now();
const round = (value: number) => Math.round(value * 10) / 10;
const ratio = (of: number, to: number) => Math.round((of / to) * 100) / 100;

function percentile(sorted: number[], q: number): number {
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!);
}

/** Splits `count` subscribers over the client processes. */
function shares(count: number): number[] {
  return Array.from({ length: PROCESSES }, (_, index) => Math.floor(count / PROCESSES) + (index < count % PROCESSES ? 1 : 0));
}

/** The Redis server's pid when it runs on this machine (its CPU is then read from /proc); null otherwise. */
async function localRedisPid(env: BenchEnvironment): Promise<number | null> {
  const info = await env.deps.redis.info('server');
  const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
  return Number.isInteger(pid) && existsSync(`/proc/${pid}/stat`) ? pid : null;
}

/**
 * CPU used so far, in ms, by everything else an event makes work for on this machine: the subscriber processes
 * (receiving and timing every delivery), Redis, and this process (the award, the receive times over IPC).
 */
async function otherCpuMs(processes: ClientProcess[], redisPid: number | null) {
  const ms = async (pid: number) => (await processCpuMicros(pid)) / 1000;
  const own = process.cpuUsage();
  return {
    clients: (await Promise.all(processes.map((clients) => ms(clients.pid)))).reduce((sum, used) => sum + used, 0),
    redis: redisPid === null ? null : await ms(redisPid),
    bench: (own.user + own.system) / 1000,
  };
}

/**
 * Starts the server process, opens `count` subscribers over the client
 * processes, waits until the server has them all, then makes WARMUP_EVENTS +
 * EVENTS awards, each past the coalescing window and after the previous one
 * was delivered to everyone, and measures each delivery's latency, the
 * server's CPU per event and its RSS.
 */
async function run(
  env: BenchEnvironment,
  options: { count: number; query: string; tokens?: string[]; award: (server: ServerProcess) => Promise<unknown>; server?: () => Promise<ServerProcess> },
) {
  const server = await (options.server ?? (() => ServerProcess.start(env.deps)))();
  const redisPid = await localRedisPid(env);
  let sampler: NodeJS.Timeout | undefined;
  try {
    await sleep(1_000);
    const started = server.memory();
    const loadAtStart = loadavg()[0]!;
    const connectStarted = performance.now();
    let offset = 0;
    const processes = shares(options.count).map((size) => {
      const clients = ClientProcess.launch(server.url, size, { query: options.query, tokens: options.tokens?.slice(offset, offset + size) });
      offset += size;
      return clients;
    });
    await Promise.all(processes.map((clients, index) => clients.whenReady(shares(options.count)[index]!)));
    await waitUntil(async () => (await server.openWsSubscriptions()) === options.count, 'every subscription open on the server');
    const connectSeconds = round((performance.now() - connectStarted) / 1000);
    // Past the server's own settling (Redis confirmations, first collections), then idle.
    await sleep(3_000);
    const connected = server.memory();

    let rssPeak = connected.rssMb;
    sampler = setInterval(() => {
      // The server may be gone when a failure stops the run; the failure, not this, is the report.
      if (server.running) rssPeak = Math.max(rssPeak, server.memory().rssMb);
    }, 50);
    const total = () => processes.reduce((sum, clients) => sum + clients.received, 0);
    const latencies: number[] = [];
    const eventP99: number[] = [];
    const cpuMs: number[] = [];
    const systemCpuMs: number[] = [];
    const others: Array<Awaited<ReturnType<typeof otherCpuMs>>> = [];
    for (let event = 0; event < WARMUP_EVENTS + EVENTS; event += 1) {
      await sleep(400);
      for (const clients of processes) clients.takeTimes();
      const target = total() + options.count;
      const cpu = server.cpuMs();
      const otherBefore = await otherCpuMs(processes, redisPid);
      await options.award(server);
      const committed = now();
      if (event === SNAPSHOT_EVENT) setTimeout(() => process.kill(server.pid, 'SIGUSR2'), SNAPSHOT_DELAY_MS);
      await waitUntil(() => {
        const failed = processes.find((clients) => clients.failure);
        if (failed) throw new Error(`subscriber process: ${failed.failure}`);
        return total() >= target;
      }, `event ${event}: ${options.count} deliveries`).catch((error: unknown) => {
        throw new Error(`${String(error)} (${total() - target + options.count} of ${options.count} arrived)`);
      });
      // Let the last batch of receive times arrive over IPC, and the server finish its writes.
      await sleep(100);
      const used = server.cpuMs();
      const otherAfter = await otherCpuMs(processes, redisPid);
      if (event < WARMUP_EVENTS) continue;
      others.push({
        clients: otherAfter.clients - otherBefore.clients,
        redis: otherAfter.redis === null || otherBefore.redis === null ? null : otherAfter.redis - otherBefore.redis,
        bench: otherAfter.bench - otherBefore.bench,
      });
      const times = processes.flatMap((clients) => clients.takeTimes()).map((time) => time - committed);
      latencies.push(...times);
      eventP99.push(percentile(times.sort((a, b) => a - b), 0.99));
      cpuMs.push(used.user + used.system - cpu.user - cpu.system);
      systemCpuMs.push(used.system - cpu.system);
    }
    clearInterval(sampler);
    const afterEvents = server.memory();
    await Promise.all(processes.map((clients) => clients.stop()));
    await waitUntil(async () => (await server.openWsSubscriptions()) === 0, 'subscriptions closed');
    await sleep(2_000);
    const after = server.memory();
    const mean = (values: number[]) => round(values.reduce((sum, value) => sum + value, 0) / values.length);

    latencies.sort((a, b) => a - b);
    return {
      // The machine's 1-minute load (2 cores shared with other work): latency depends on it, CPU per event far less.
      loadAverage: { atStart: round(loadAtStart), atEnd: round(loadavg()[0]!) },
      subscribers: options.count,
      clientProcesses: PROCESSES,
      connectSeconds,
      deliveries: latencies.length,
      // min: the first delivery (notice, coalescer, read, one execution); the rest is writing to every socket.
      latencyMs: { min: percentile(latencies, 0), p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: percentile(latencies, 1) },
      p99PerEventMs: { min: Math.min(...eventP99), max: Math.max(...eventP99), each: eventP99 },
      // /proc counts in 10 ms ticks.
      serverCpuMsPerEvent: { total: mean(cpuMs), system: mean(systemCpuMs) },
      // The rest of the machine's work per event (2 cores, shared with the server): what the server's CPU competes with.
      otherCpuMsPerEvent: {
        subscriberProcesses: mean(others.map((other) => other.clients)),
        redis: redisPid === null ? null : mean(others.map((other) => other.redis ?? 0)),
        benchProcess: mean(others.map((other) => other.bench)),
      },
      serverRssMb: {
        beforeClients: started.rssMb,
        connectedIdle: connected.rssMb,
        peakDuringEvents: rssPeak,
        afterEvents: afterEvents.rssMb,
        afterClientsLeft: after.rssMb,
        // VmHWM: the highest RSS of the process's life, connecting included.
        lifetimePeak: after.peakMb,
      },
      kbPerConnectionIdle: Math.round(((connected.rssMb - started.rssMb) * 1024) / options.count),
    };
  } finally {
    clearInterval(sampler);
    await server.stop();
  }
}

/** `fanout-10k`: 10,000 subscribers of one public top 10. */
export async function leaderboardFanout10k(env: BenchEnvironment) {
  const { deps } = env;
  const players = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      deps.db.user.create({ data: { handle: `bench_10k_${index}`, displayName: `Player ${index}`, passwordHash: 'x' } }),
    ),
  );
  const award = awardStream(deps, players.map((user) => user.id));
  await award();
  const leaderboard = await run(env, { count: subscribers(10_000), query: QUERY, award });
  return {
    name: 'one instance (own process): 10,000 leaderboardChanged subscribers of one selection (latency award → delivery, server RSS)',
    selection: QUERY,
    goals: { p99Ms: 500, rssMb: 600 },
    ...leaderboard,
  };
}

/**
 * `standings-10k` / `standings-1k`: `count` viewers of their own standing;
 * each event is a newcomer jumping above all of them, so every rank changes
 * and every subscriber gets its own result.
 */
async function standings(env: BenchEnvironment, goalCount: number) {
  const { deps } = env;
  const count = subscribers(goalCount);
  const prefix = `bench_std_${count}_`;
  await deps.db.user.createMany({
    data: Array.from({ length: count }, (_, index) => ({ handle: `${prefix}${index}`, displayName: `Viewer ${index}`, passwordHash: 'x' })),
  });
  const viewers = await deps.db.user.findMany({ where: { handle: { startsWith: prefix } }, select: { id: true }, orderBy: { id: 'asc' } });
  let keys = 0;
  const give = (userId: number, points: number) =>
    recordAward(deps, { userId, type: 'ADMIN_ADJUST', points, idempotencyKey: `bench-std-${(keys += 1)}`, occurredAt: new Date() });
  for (let start = 0; start < viewers.length; start += 50) {
    await Promise.all(viewers.slice(start, start + 50).map((viewer, index) => give(viewer.id, 1 + start + index)));
  }
  const tokens = await Promise.all(viewers.map((viewer) => deps.tokens.issue(viewer.id)));
  let newcomers = 0;
  const overtake = async () => {
    const newcomer = await deps.db.user.create({ data: { handle: `bench_new_${(newcomers += 1)}`, displayName: 'Newcomer', passwordHash: 'x' } });
    await give(newcomer.id, 1_000_000);
  };
  const scenario = {
    name: `one instance (own process): ${count.toLocaleString('en')} distinct myStanding subscribers, every rank changing per event`,
    selection: MY_STANDING,
    goals: goalCount >= 10_000 ? { p99Ms: 1_000, rssMb: 800 } : { p99Ms: 1_000 },
  };
  const liveboard = await run(env, { count, query: MY_STANDING, tokens, award: overtake });
  // The floor, in the same run: stock yoga + graphql-ws pushing each of as many subscribers a standing of its own.
  // BENCH_STANDINGS_FLOOR=0 leaves it out (short runs while trying settings).
  if (process.env.BENCH_STANDINGS_FLOOR === '0') return { ...scenario, ...liveboard };
  const floor = await run(env, {
    count,
    query: MY_STANDING,
    tokens: Array.from({ length: count }, (_, index) => `viewer-${index}`),
    award: async (server) => {
      const response = await fetch(`${server.url}/bump`, { method: 'POST' });
      if (!response.ok) throw new Error(`bump: ${response.status}`);
    },
    server: () => ServerProcess.startBareStandings(),
  });
  return {
    ...scenario,
    ...liveboard,
    floor: {
      name: 'bare yoga + graphql-ws (bare-standings-server.ts): the same subscribers, each a standing of its own per event, no lookup',
      ...floor,
    },
    ratiosToFloor: {
      p99: ratio(liveboard.latencyMs.p99, floor.latencyMs.p99),
      serverCpuPerEvent: ratio(liveboard.serverCpuMsPerEvent.total, floor.serverCpuMsPerEvent.total),
    },
  };
}

export const standings10k = (env: BenchEnvironment) => standings(env, 10_000);
export const standings1k = (env: BenchEnvironment) => standings(env, 1_000);
