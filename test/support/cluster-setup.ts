import { execFileSync } from 'node:child_process';

/**
 * Global setup of the cluster projects: starts the local Redis Cluster of
 * scripts/redis-cluster.sh unless it is already up (or TEST_REDIS_CLUSTER_NODES
 * names another one), so `npm test` needs nothing but redis-server installed.
 * The cluster is left running for the next run; `bash scripts/redis-cluster.sh stop` ends it.
 */
export default function setup() {
  if (process.env.TEST_REDIS_CLUSTER_NODES) return;
  execFileSync('bash', ['scripts/redis-cluster.sh'], { stdio: 'inherit' });
}
