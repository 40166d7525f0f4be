import { seasonIdAt } from '../../src/lib/calendar.js';
import { recordAward } from '../../src/modules/points/index.js';
import { backpressureStats } from '../../src/http/socket-backpressure.js';
import type { BenchEnvironment } from './environment.js';
import { awardStream, ClientProcess, QUERY, sleep, waitUntil } from './fanout.js';

/**
 * `npm run bench -- fanout-10k` (by exact name only: it takes a few minutes).
 * The goal of the "10,000 live subscribers per instance" issue, measured on
 * one instance:
 * - 10,000 graphql-ws subscribers of one `leaderboardChanged` selection
 *   (goal: p99 ≤ 500 ms from award to delivery, server RSS ≤ 600 MB);
 * - 1,000 `myStanding` subscribers, each its own signed-in user, all of whose
 *   ranks change on every event (goal: p99 ≤ 1 s).
 * Clients run in PROCESSES child processes (fanout-clients.ts) and report
 * when each result arrived; latency is that time minus the moment the award
 * call returned (committed and published), on the same machine's clock. The
 * server runs in this (the bench) process, so RSS is this process's.
 * With `NODE_OPTIONS=--expose-gc`, heap readings follow a full collection.
 */
const PROCESSES = 4;
const LEADERBOARD_SUBSCRIBERS = 10_000;
const STANDING_SUBSCRIBERS = 1_000;
const WARMUP_EVENTS = 2;
const EVENTS = 10;
const MY_STANDING = 'subscription { myStanding { rank points } }';

const now = () => performance.timeOrigin + performance.now();
/** A full collection before a memory reading, when run with NODE_OPTIONS=--expose-gc: then heapUsed is what is retained. */
const collect = () => (globalThis as { gc?: () => void }).gc?.();
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

function percentile(sorted: number[], q: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! * 10) / 10;
}

/** Splits `count` subscribers over the client processes. */
function shares(count: number): number[] {
  return Array.from({ length: PROCESSES }, (_, index) => Math.floor(count / PROCESSES) + (index < count % PROCESSES ? 1 : 0));
}

async function openWs(env: BenchEnvironment): Promise<number> {
  return (await env.deps.metrics.openSubscriptions.get()).values.find((value) => value.labels.transport === 'ws')?.value ?? 0;
}

/**
 * Opens `count` subscribers over the client processes, waits until the
 * server has them all, then makes WARMUP_EVENTS + EVENTS awards, each past
 * the coalescing window and after the previous one was delivered to everyone,
 * and measures each delivery's latency, the server's CPU per event and RSS.
 */
async function run(
  env: BenchEnvironment,
  options: { count: number; query: string; tokens?: string[]; ready: () => boolean; award: () => Promise<unknown> },
) {
  collect();
  const idle = process.memoryUsage();
  const connectStarted = performance.now();
  let offset = 0;
  const processes = shares(options.count).map((size) => {
    const clients = ClientProcess.launch(env.app.url, size, { query: options.query, tokens: options.tokens?.slice(offset, offset + size) });
    offset += size;
    return clients;
  });
  await Promise.all(processes.map((clients, index) => clients.whenReady(shares(options.count)[index]!)));
  await waitUntil(async () => (await openWs(env)) === options.count, 'every subscription open on the server');
  await waitUntil(options.ready, 'the stream sources confirmed');
  const connectSeconds = Math.round((performance.now() - connectStarted) / 100) / 10;
  await sleep(1_000);
  collect();
  const connected = process.memoryUsage();

  let rssPeak = connected.rss;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  const total = () => processes.reduce((sum, clients) => sum + clients.received, 0);
  const latencies: number[] = [];
  const eventP99: number[] = [];
  const cpuMs: number[] = [];
  const systemCpuMs: number[] = [];
  for (let event = 0; event < WARMUP_EVENTS + EVENTS; event += 1) {
    await sleep(400);
    for (const clients of processes) clients.takeTimes();
    const target = total() + options.count;
    const cpu = process.cpuUsage();
    await options.award();
    const committed = now();
    await waitUntil(() => {
      const failed = processes.find((clients) => clients.failure);
      if (failed) throw new Error(`subscriber process: ${failed.failure}`);
      return total() >= target;
    }, `event ${event}: ${options.count} deliveries`);
    const used = process.cpuUsage(cpu);
    // Let the last batch of receive times arrive over IPC.
    await sleep(100);
    if (event < WARMUP_EVENTS) continue;
    const times = processes.flatMap((clients) => clients.takeTimes()).map((time) => time - committed);
    latencies.push(...times);
    eventP99.push(percentile(times.sort((a, b) => a - b), 0.99));
    cpuMs.push((used.user + used.system) / 1000);
    systemCpuMs.push(used.system / 1000);
  }
  clearInterval(sampler);
  await Promise.all(processes.map((clients) => clients.stop()));
  await waitUntil(async () => (await openWs(env)) === 0, 'subscriptions closed');
  await sleep(1_000);
  collect();
  const after = process.memoryUsage();
  const mean = (values: number[]) => Math.round((values.reduce((sum, value) => sum + value, 0) / values.length) * 10) / 10;

  latencies.sort((a, b) => a - b);
  return {
    subscribers: options.count,
    clientProcesses: PROCESSES,
    connectSeconds,
    deliveries: latencies.length,
    // min: the first delivery (notice, coalescer, read, one execution); the rest is writing to every socket.
    latencyMs: { min: percentile(latencies, 0), p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: percentile(latencies, 1) },
    p99PerEventMs: { min: Math.min(...eventP99), max: Math.max(...eventP99) },
    serverCpuMsPerEvent: { total: mean(cpuMs), system: mean(systemCpuMs) },
    benchProcessRssMb: { beforeClients: mb(idle.rss), connectedIdle: mb(connected.rss), peakDuringEvents: mb(rssPeak), afterClientsLeft: mb(after.rss) },
    heapUsedMb: { beforeClients: mb(idle.heapUsed), connectedIdle: mb(connected.heapUsed), afterClientsLeft: mb(after.heapUsed), collected: 'gc' in globalThis },
  };
}

export async function leaderboardFanout10k(env: BenchEnvironment) {
  const { deps } = env;
  const season = seasonIdAt(new Date(), deps.config.timeZone);
  const ref = `points/${season}`;

  // 1. 10,000 subscribers of one public top 10.
  const players = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      deps.db.user.create({ data: { handle: `bench_10k_${index}`, displayName: `Player ${index}`, passwordHash: 'x' } }),
    ),
  );
  const award = awardStream(deps, players.map((user) => user.id));
  await award();
  const leaderboard = await run(env, {
    count: LEADERBOARD_SUBSCRIBERS,
    query: QUERY,
    ready: () => deps.pubsub.localSubscribers('leaderboard:changed', ref) > 0,
    award,
  });

  // 2. 1,000 viewers of their own standing; each event is a newcomer jumping above all of them, so every rank changes.
  await deps.db.user.createMany({
    data: Array.from({ length: STANDING_SUBSCRIBERS }, (_, index) => ({ handle: `bench_std_${index}`, displayName: `Viewer ${index}`, passwordHash: 'x' })),
  });
  const viewers = await deps.db.user.findMany({ where: { handle: { startsWith: 'bench_std_' } }, select: { id: true }, orderBy: { id: 'asc' } });
  let keys = 0;
  const give = (userId: number, points: number) =>
    recordAward(deps, { userId, type: 'ADMIN_ADJUST', points, idempotencyKey: `bench-10k-${(keys += 1)}`, occurredAt: new Date() });
  for (let start = 0; start < viewers.length; start += 20) {
    await Promise.all(viewers.slice(start, start + 20).map((viewer, index) => give(viewer.id, 1 + start + index)));
  }
  const tokens = await Promise.all(viewers.map((viewer) => deps.tokens.issue(viewer.id)));
  let newcomers = 0;
  const overtake = async () => {
    const newcomer = await deps.db.user.create({ data: { handle: `bench_new_${(newcomers += 1)}`, displayName: 'Newcomer', passwordHash: 'x' } });
    await give(newcomer.id, 1_000_000);
  };
  const standings = await run(env, {
    count: STANDING_SUBSCRIBERS,
    query: MY_STANDING,
    tokens,
    ready: () => deps.standings.stats().listeners === STANDING_SUBSCRIBERS,
    award: overtake,
  });

  return {
    name: 'one instance: 10,000 leaderboardChanged subscribers; 1,000 myStanding subscribers (latency award → delivery, bench-process RSS)',
    leaderboardChanged: { selection: QUERY, goals: { p99Ms: 500, rssMb: 600 }, ...leaderboard },
    myStanding: { selection: MY_STANDING, goals: { p99Ms: 1_000 }, ...standings },
    // Fast local clients never fall behind, so nothing should have waited (socket-backpressure.ts).
    backpressure: (({ parked, replaced, stalledCloses }) => ({ parked, replaced, stalledCloses }))(backpressureStats()),
  };
}
