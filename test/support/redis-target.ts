import { Cluster, Redis } from 'ioredis';

type AnyRedis = Redis | Cluster;

/**
 * Which Redis the tests of this run use. The `cluster` vitest project sets
 * LIVEBOARD_TEST_REDIS=cluster and runs its files against a local Redis
 * Cluster (`bash scripts/redis-cluster.sh`); every other run uses one server.
 */
export const IN_CLUSTER = process.env.LIVEBOARD_TEST_REDIS === 'cluster';

const CLUSTER_NODES = process.env.TEST_REDIS_CLUSTER_NODES ?? '127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103';
const SINGLE_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The environment that points a liveboard process at this run's Redis. */
export function redisEnv(): Record<string, string> {
  return IN_CLUSTER ? { REDIS_URL: SINGLE_URL, REDIS_CLUSTER_NODES: CLUSTER_NODES } : { REDIS_URL: SINGLE_URL };
}

/** Deletes every key matching `pattern`, on every master of a cluster. */
export async function deleteKeys(pattern: string): Promise<void> {
  if (!IN_CLUSTER) return deleteOn(new Redis(SINGLE_URL, { maxRetriesPerRequest: 1 }), pattern);
  const cluster = new Cluster(CLUSTER_NODES.split(',').map((node) => ({ host: node.split(':')[0], port: Number(node.split(':')[1]) })));
  try {
    await new Promise<void>((resolve, reject) => {
      cluster.once('ready', resolve);
      cluster.once('error', reject);
    });
    for (const master of cluster.nodes('master')) await deleteOn(master, pattern, false);
  } finally {
    cluster.disconnect();
  }
}

async function deleteOn(redis: Redis, pattern: string, disconnect = true): Promise<void> {
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      // One key at a time: keys of different hash tags may not be deleted together on a cluster node.
      await Promise.all(keys.map((key) => redis.unlink(key)));
    } while (cursor !== '0');
  } finally {
    if (disconnect) redis.disconnect();
  }
}

/** Every key matching `pattern`, on every master of a cluster (SCAN walks one server). */
export async function keysMatching(redis: AnyRedis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/**
 * How many connections are subscribed to `channel`: PUBSUB NUMSUB on one
 * server; on a cluster, SHARDNUMSUB on every master (only the owner of the
 * channel's slot has any).
 */
export async function numsub(redis: AnyRedis, channel: string): Promise<number> {
  if (!(redis instanceof Cluster)) return Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]);
  const counts = await Promise.all(redis.nodes('master').map(async (node) => Number(((await node.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number])[1])));
  return counts.reduce((sum, count) => sum + count, 0);
}
