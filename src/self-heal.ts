import { randomUUID } from 'node:crypto';
import { slotOwners } from './infra/redis.js';
import type { Deps } from './lib/app-deps.js';
import { defineLuaScript, runScript } from './lib/lua-script.js';
import { replanAllTransitions } from './modules/activities/index.js';
import { recomputeHotBoards } from './modules/hot/index.js';
import { syncSchedules } from './modules/jobs/index.js';
import { requeueCancellationFanOuts } from './modules/notifications/index.js';
import { invalidateLiveBoards, requeueClosingRollovers, syncPendingStandings } from './modules/leaderboards/index.js';

/**
 * Self-healing after Redis lost its data (a restart without persistence, a
 * FLUSHALL, a failover to an empty replica): see docs/operations.md.
 *
 * Detection: `<prefix>:{meta}:epoch` holds a random value, written by the
 * first process that finds it missing. Every process remembers the value it
 * saw and compares it on every reconnect (`ready`) and every
 * REDIS_STATE_CHECK_MS; a missing or different value means Redis lost its
 * state since, whether or not it restarted.
 *
 * Then every process re-registers what it owns (a worker: the job schedulers,
 * paused flags respected; every process drops its local copy of the hot
 * boards), and ONE worker process, holding `<prefix>:{meta}:heal-lock`,
 * rebuilds from PostgreSQL what the deployment shares: the per-activity
 * transition jobs, every board's periods and the hot boards. It records the
 * epoch it healed in `<prefix>:{meta}:healed`; a worker that finds that
 * behind the epoch (the healer died, or Redis was lost again) takes over.
 *
 * On a Redis Cluster, a failover loses no key but may lose the last writes
 * the failed master acknowledged (replication is asynchronous). Every check
 * also compares the masters serving the slots with those recorded in
 * `<prefix>:{meta}:slot-owners`; the first process to see them change starts
 * a new epoch, so the same rebuild runs, beginning by marking every live
 * board not whole (reads say `stale` and come from PostgreSQL) until its
 * standings were pushed again.
 */

/** One piece of shared Redis state rebuilt from PostgreSQL, in this order (the time-critical first). */
export interface Rebuilder {
  name: string;
  run(deps: Deps): Promise<unknown>;
}

export const rebuilders: readonly Rebuilder[] = [
  // First, so reads stop trusting a board that may lack writes (a failover) until it is pushed again.
  { name: 'leaderboards.invalidate', run: (deps) => invalidateLiveBoards(deps) },
  // Delayed jobs of activities still moving: a sign-up opening must not wait for the minute sweep.
  { name: 'activities.transitions', run: (deps) => replanAllTransitions(deps) },
  // Requeues every standing of a lost board, pushes them all and sets the board's ready marker.
  { name: 'leaderboards.boards', run: (deps) => syncPendingStandings(deps, { batchSize: 5_000, maxBatches: Infinity }) },
  // A closing period's queued rollover lived only in Redis; the tick looks for CURRENT periods only.
  { name: 'leaderboards.closing', run: (deps) => requeueClosingRollovers(deps) },
  { name: 'hot.boards', run: (deps) => recomputeHotBoards(deps) },
  // A cancellation's queued fan-out lived only in Redis; PostgreSQL knows which ones finished.
  { name: 'notifications.fan-outs', run: (deps) => requeueCancellationFanOuts(deps) },
];

/** The healer's lock outlives a stuck or dead healer by this long; a live one renews it. */
const LOCK_TTL_MS = 60_000;

/** KEYS = [lock]; ARGV = [owner, ttl ms]. Renews the lock only while this process holds it. */
const RENEW_LOCK = defineLuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
  1,
);

/** KEYS = [lock]; ARGV = [owner]. Releases the lock only if this process holds it. */
const RELEASE_LOCK = defineLuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  1,
);

/** KEYS = [epoch, healed]; ARGV = [epoch healed]. Records the heal only if Redis was not lost again meanwhile. */
const MARK_HEALED = defineLuaScript(
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[1])
return 1`,
  2,
);

/**
 * KEYS = [slot owners, epoch]; ARGV = [owners now, new epoch]. Records the
 * masters serving the slots; when they changed from a recorded set, starts a
 * new epoch. Returns 1 only to the one process that saw the change first.
 */
const NOTE_SLOT_OWNERS = defineLuaScript(
  `local before = redis.call('GET', KEYS[1])
if before == ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if not before then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1`,
  2,
);

export interface SelfHeal {
  /** Runs one check now (tests; the process runs them on its own). Resolves when it and any rebuild it started are done. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts watching Redis for lost state. `worker`: this process runs
 * workers, so it owns the job schedulers and may be the one that rebuilds.
 */
export function startSelfHeal(deps: Deps, options: { worker: boolean; rebuilders?: readonly Rebuilder[] }): SelfHeal {
  const { redis, logger } = deps;
  const log = logger.child({ component: 'self-heal' });
  const keys = {
    epoch: deps.keys.key('{meta}', 'epoch'),
    healed: deps.keys.key('{meta}', 'healed'),
    lock: deps.keys.key('{meta}', 'heal-lock'),
    slotOwners: deps.keys.key('{meta}', 'slot-owners'),
  };
  const owner = `${process.pid}:${randomUUID()}`;
  const steps = options.rebuilders ?? rebuilders;
  let known: string | null = null;
  /** Redis lost the job schedulers and this worker has not put them back yet. */
  let schedulesLost = false;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function rebuild(epoch: string): Promise<void> {
    if ((await redis.set(keys.lock, owner, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') return;
    const renew = setInterval(() => {
      runScript(redis, RENEW_LOCK, [{ keys: [keys.lock], args: [owner, LOCK_TTL_MS] }]).catch(() => {});
    }, LOCK_TTL_MS / 3);
    renew.unref();
    const startedAt = performance.now();
    try {
      log.warn({ epoch }, 'Redis lost its state: rebuilding it from PostgreSQL');
      for (const step of steps) {
        const stepStarted = performance.now();
        const result = await step.run(deps);
        log.info({ step: step.name, ms: performance.now() - stepStarted, result }, 'rebuilt from PostgreSQL');
      }
      const [marked] = await runScript(redis, MARK_HEALED, [{ keys: [keys.epoch, keys.healed], args: [epoch] }]);
      if (marked === 1) log.warn({ epoch, ms: performance.now() - startedAt }, 'Redis state rebuilt from PostgreSQL');
    } finally {
      clearInterval(renew);
      await runScript(redis, RELEASE_LOCK, [{ keys: [keys.lock], args: [owner] }]).catch(() => {});
    }
  }

  async function checkOnce(): Promise<void> {
    const owners = await slotOwners(redis);
    if (owners !== null) {
      const [failedOver] = await runScript(redis, NOTE_SLOT_OWNERS, [{ keys: [keys.slotOwners, keys.epoch], args: [owners, randomUUID()] }]);
      if (failedOver === 1) log.warn({ owners }, 'Redis Cluster failed over: the last writes may be lost; rebuilding from PostgreSQL');
    }
    let [epoch, healed] = await redis.mget(keys.epoch, keys.healed);
    if (epoch === null) {
      await redis.set(keys.epoch, randomUUID(), 'NX');
      [epoch, healed] = await redis.mget(keys.epoch, keys.healed);
    }
    if (!epoch) return;
    if (known !== null && epoch !== known) {
      log.warn({ epoch }, 'Redis lost its state; re-registering what this process owns');
      deps.hotCache.invalidate();
      schedulesLost = options.worker;
    }
    known = epoch;
    const work: Array<Promise<void>> = [];
    if (schedulesLost) {
      // Cheap and idempotent (locked per job in PostgreSQL): every worker process puts back its own schedulers.
      const startedAt = performance.now();
      work.push(
        syncSchedules(deps).then(() => {
          schedulesLost = false;
          log.info({ ms: performance.now() - startedAt }, 'job schedulers re-created');
        }),
      );
    }
    if (options.worker && healed !== epoch) work.push(rebuild(epoch));
    // Both run even if one fails; the first failure is reported and the next check tries again.
    const failed = (await Promise.allSettled(work)).find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async function check(): Promise<void> {
    if (stopped) return;
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await checkOnce();
        } catch (error) {
          log.warn({ err: error }, 'Redis state check failed; retrying on the next tick');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  const onReady = () => void check();
  redis.on('ready', onReady);
  const timer = setInterval(onReady, deps.config.selfHeal.checkIntervalMs);
  timer.unref();
  void check();

  return {
    check,
    async stop() {
      stopped = true;
      clearInterval(timer);
      redis.off('ready', onReady);
      await running;
    },
  };
}
