import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Deps } from '../../src/deps.js';
import { seasonIdAt } from '../../src/lib/calendar.js';
import { recordAward } from '../../src/modules/points/index.js';
import type { BenchEnvironment, BenchInstance } from './environment.js';

/** One shared selection: what every subscriber of a public top-10 widget sends. */
export const QUERY = 'subscription { leaderboardChanged(first: 10) { entries { rank points user { id handle displayName } } } }';
const SUBSCRIBERS = [1, 200, 1_000];
const WARMUP_EVENTS = 2;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The subscribers, in a child process (fanout-clients.ts) so their CPU is not the server's. */
export class ClientProcess {
  received = 0;
  /** Receive times (epoch ms) reported since the last takeTimes(). */
  private times: number[] = [];
  private ready = 0;
  failure: string | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: { received?: number; times?: number[]; ready?: number; error?: string }) => {
      if (message.received !== undefined) this.received = message.received;
      if (message.times) for (const time of message.times) this.times.push(time);
      if (message.ready !== undefined) this.ready = message.ready;
      if (message.error) this.failure = message.error;
    });
  }

  /** Starts the process without waiting for its subscriptions (see whenReady), so several can connect at once. */
  static launch(url: string, count: number, options: { query?: string; tokens?: string[] } = {}): ClientProcess {
    const child = fork(fileURLToPath(new URL('./fanout-clients.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
    const clients = new ClientProcess(child);
    child.send({ url: `${url.replace(/^http/, 'ws')}/graphql`, count, query: options.query ?? QUERY, tokens: options.tokens });
    return clients;
  }

  static async start(url: string, count: number): Promise<ClientProcess> {
    const clients = ClientProcess.launch(url, count);
    await clients.whenReady(count);
    return clients;
  }

  /** Connecting is slow on a loaded machine (each signed-in subscriber's token is verified and its user read): 10 minutes at most. */
  whenReady(count: number): Promise<void> {
    return this.until(() => this.ready === count, `${count} subscriptions`, 600_000);
  }

  get pid(): number {
    return this.child.pid!;
  }

  takeTimes(): number[] {
    const times = this.times;
    this.times = [];
    return times;
  }

  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void> {
    return waitUntil(
      () => {
        if (this.failure) throw new Error(`subscriber process: ${this.failure}`);
        return check();
      },
      what,
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ stop: true });
    await exited;
  }
}

/** Awards that always change the top 10: the next player overtakes the leader by one point. */
export function awardStream(deps: Deps, userIds: number[]) {
  const totals = new Map(userIds.map((id) => [id, 0]));
  let count = 0;
  return async () => {
    const userId = userIds[count % userIds.length]!;
    const points = Math.max(...totals.values()) - totals.get(userId)! + 1;
    totals.set(userId, totals.get(userId)! + points);
    count += 1;
    await recordAward(deps, { userId, type: 'ADMIN_ADJUST', points, idempotencyKey: `bench-fanout-${count}`, occurredAt: new Date() });
  };
}

/** Server CPU (user + system, this process) and wall time per event, until every subscriber got it. */
async function measure(instance: BenchInstance, award: () => Promise<void>, subscribers: number, events: number) {
  const openSubscriptions = async () =>
    (await instance.deps.metrics.openSubscriptions.get()).values.find((value) => value.labels.transport === 'ws')?.value ?? 0;
  const clients = await ClientProcess.start(instance.app.url, subscribers);
  await waitUntil(async () => (await openSubscriptions()) === subscribers, 'open subscriptions');
  const season = seasonIdAt(new Date(), instance.deps.config.timeZone);
  await waitUntil(() => instance.deps.pubsub.localSubscribers('leaderboard:changed', `points/${season}`) > 0, 'a confirmed topic subscription');
  await sleep(500);
  const cpuMs: number[] = [];
  const wallMs: number[] = [];
  for (let event = 0; event < WARMUP_EVENTS + events; event += 1) {
    // Past the coalescing window, so every event is delivered on its own.
    await sleep(300);
    const target = clients.received + subscribers;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await award();
    await clients.until(() => clients.received >= target, `event ${event} at ${subscribers} subscribers`);
    const used = process.cpuUsage(cpu);
    if (event < WARMUP_EVENTS) continue;
    cpuMs.push((used.user + used.system) / 1000);
    wallMs.push(performance.now() - started);
  }
  await clients.stop();
  await waitUntil(async () => (await openSubscriptions()) === 0, 'subscriptions closed');
  const mean = (values: number[]) => Math.round((values.reduce((sum, value) => sum + value, 0) / values.length) * 100) / 100;
  return { cpuMsPerEvent: mean(cpuMs), wallMsPerEvent: mean(wallMs) };
}

/**
 * Fan-out: server CPU per event for N subscribers of one `leaderboardChanged`
 * selection, shared (one read, execution and serialization per event) against
 * the same N with sharing off (LIVE_SHARED_SUBSCRIPTIONS=false: one per
 * subscriber), N = 1, 200, 1000. Clients run in a child process.
 */
export async function leaderboardFanout(env: BenchEnvironment) {
  const unshared = await env.startInstance({ LIVE_SHARED_SUBSCRIPTIONS: 'false' });
  const users = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      env.deps.db.user.create({ data: { handle: `bench_fan_${index}`, displayName: `Player ${index}`, passwordHash: 'x' } }),
    ),
  );
  const award = awardStream(env.deps, users.map((user) => user.id));
  await award();
  const rows = [];
  for (const subscribers of SUBSCRIBERS) {
    const events = subscribers >= 1_000 ? 5 : 10;
    const shared = await measure(env, award, subscribers, events);
    const baseline = await measure(unshared, award, subscribers, events);
    rows.push({
      subscribers,
      shared,
      unshared: baseline,
      cpuRatio: Math.round((baseline.cpuMsPerEvent / shared.cpuMsPerEvent) * 10) / 10,
      sharedCpuUsPerSubscriber: Math.round((shared.cpuMsPerEvent * 1000) / subscribers),
      unsharedCpuUsPerSubscriber: Math.round((baseline.cpuMsPerEvent * 1000) / subscribers),
    });
  }
  return {
    name: 'leaderboardChanged fan-out: server CPU per event, shared vs unshared execution',
    selection: QUERY,
    rows,
  };
}
