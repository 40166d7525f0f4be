import { Cluster, Redis as SingleRedis, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * A connection to the deployment's Redis: one server, or a Redis Cluster
 * (`REDIS_CLUSTER_NODES`). Both speak the same commands; what differs is
 * kept in infra/ (this file, pubsub.ts) and lib/lua-script.ts, so modules
 * never ask which one they have. Every key a module builds carries a hash
 * tag (`{…}`) so that the keys one script or pipeline touches share a slot.
 */
export type Redis = SingleRedis | Cluster;

/** Where Redis is: one server by URL, or the seed nodes of a cluster. */
export interface RedisTarget {
  url: string;
  /** `host:port` seed nodes; when set, `url` is not used. */
  clusterNodes: ReadonlyArray<{ host: string; port: number }> | null;
}

/** Builds Redis keys under the deployment's prefix, so several deployments or test files can share a Redis. */
export interface KeySpace {
  readonly prefix: string;
  /** `<prefix>:<parts…>`; the first part should be a hash tag (`{hot:dynamic}`) for keys a script or pipeline combines. */
  key(...parts: Array<string | number>): string;
}

export function createKeySpace(prefix: string): KeySpace {
  return { prefix, key: (...parts) => [prefix, ...parts].join(':') };
}

/** Whether `redis` is a cluster client (for the few infrastructure helpers that route by slot). */
export function isCluster(redis: Redis): redis is Cluster {
  return redis instanceof Cluster;
}

const RETRY = (attempt: number) => Math.min(attempt * 200, 2_000);

function cluster(target: RedisTarget, nodeOptions: RedisOptions, clusterOptions: ClusterOptions = {}): Cluster {
  return new Cluster([...(target.clusterNodes ?? [])], {
    clusterRetryStrategy: RETRY,
    // A failover moves slots: follow MOVED/ASK and retry while a replica is promoted.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: 2_000,
    // Commands for one node issued in the same tick go out in one write, as a pipeline would on one server.
    enableAutoPipelining: true,
    ...clusterOptions,
    redisOptions: { connectTimeout: 2_000, ...nodeOptions },
  });
}

/**
 * Request-path connections fail fast: a command issued while Redis is down
 * errors at once instead of queueing, so callers can fall back (stale cache,
 * outbox) rather than hang. A cluster client queues only until it knows the
 * slot map at start, then fails fast the same way.
 */
export function createRedis(target: RedisTarget | string, options: RedisOptions = {}): Redis {
  const resolved = typeof target === 'string' ? { url: target, clusterNodes: null } : target;
  if (resolved.clusterNodes) return cluster(resolved, { maxRetriesPerRequest: 1, ...options }, { enableOfflineQueue: true });
  return new SingleRedis(resolved.url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    lazyConnect: false,
    retryStrategy: RETRY,
    ...options,
  });
}

/** Connections for BullMQ workers and blocking commands must wait for Redis instead of failing. */
export function createBlockingRedis(target: RedisTarget | string, options: RedisOptions = {}): Redis {
  const resolved = typeof target === 'string' ? { url: target, clusterNodes: null } : target;
  if (resolved.clusterNodes) return cluster(resolved, { maxRetriesPerRequest: null, ...options }, { enableOfflineQueue: true });
  return new SingleRedis(resolved.url, { maxRetriesPerRequest: null, enableOfflineQueue: true, ...options });
}

/**
 * The connection live events arrive on. In a cluster it subscribes with
 * Redis 7 sharded pub/sub (SSUBSCRIBE on the node that owns each channel's
 * slot), so an event crosses only its shard instead of every node.
 */
export function createSubscriberRedis(target: RedisTarget): Redis {
  if (target.clusterNodes) return cluster(target, { maxRetriesPerRequest: null }, { enableOfflineQueue: true, shardedSubscribers: true });
  return createBlockingRedis(target);
}

const SLOT_OWNERS_TIMEOUT_MS = 2_000;

/**
 * Which nodes serve the cluster's slots, as one comparable string (node ids
 * of the masters that own slots), or null on a single server. A change means
 * a failover: a replica now serves slots, and may lack the last writes its
 * master acknowledged (replication is asynchronous).
 */
export async function slotOwners(redis: Redis): Promise<string | null> {
  if (!isCluster(redis)) return null;
  // Keyless, so the client may send it to any node, also one that just died and whose connection
  // waits for it forever: a check that hangs would hold back every later one. Fail it instead.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`CLUSTER NODES got no answer within ${SLOT_OWNERS_TIMEOUT_MS} ms`)), SLOT_OWNERS_TIMEOUT_MS);
  });
  const nodes = String(await Promise.race([redis.cluster('NODES'), timeout]).finally(() => clearTimeout(timer)));
  return nodes
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter((fields) => fields.length > 8 && /(^|,)master(,|$)/.test(fields[2] ?? '') && !/(^|,)fail(,|$)/.test(fields[2] ?? ''))
    .map((fields) => fields[0])
    .sort()
    .join(',');
}
