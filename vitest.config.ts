import { defineConfig } from 'vitest/config';

/**
 * Files that start processes of their own (workers, CLIs, Redis, compose), run
 * the largest workloads, or check timings of live delivery. On a 2-core CI
 * machine they starve each other when run beside the rest, so they run one at
 * a time after the parallel batch has finished.
 */
const ALONE = [
  // Headless Chromium against a real server: heavy, and they time live delivery.
  'test/browser/**/*.test.ts',
  'test/jobs/graceful-shutdown.test.ts',
  'test/jobs/rollover-cancel.test.ts',
  'test/jobs/schedule-changes.test.ts',
  'test/jobs/worker-processes.test.ts',
  'test/leaderboards/random-workload.test.ts',
  'test/leaderboards/rollover-200k.test.ts',
  'test/hot/hot-postgres-outage.test.ts',
  'test/live/burst.test.ts',
  'test/live/slow-socket.test.ts',
  'test/live/subscription-cleanup.test.ts',
  'test/ops/admin-board-browser.test.ts',
  'test/ops/container.test.ts',
  'test/ops/redis-restart.test.ts',
  'test/users/user-create.test.ts',
];

/**
 * The files that run a second time against a local Redis Cluster
 * (`bash scripts/redis-cluster.sh`): every Lua script, queue, topic and cache
 * goes through them. Left out: tests that cut a single server's connection
 * through a TCP proxy or read one server's PUBSUB CHANNELS (fault injection
 * of one server), and the two largest workloads, which the single run covers.
 */
const ON_CLUSTER = [
  ...['leaderboards', 'boards', 'hot', 'points', 'jobs', 'live', 'notifications'].map((dir) => `test/${dir}/**/*.test.ts`),
  // Rate limits and log-in limits keep their counters in Redis.
  'test/foundation/rate-limit.test.ts',
  'test/foundation/abuse-limits.test.ts',
];
const NOT_ON_CLUSTER = [
  'test/leaderboards/redis-outage.test.ts',
  'test/leaderboards/live-standings.test.ts',
  'test/hot/hot-outage.test.ts',
  'test/live/subscription-cleanup.test.ts',
  'test/leaderboards/random-workload.test.ts',
  'test/leaderboards/rollover-200k.test.ts',
];
const CLUSTER_ENV = { LIVEBOARD_TEST_REDIS: 'cluster' };
const CLUSTER_SETUP = ['test/support/global-setup.ts', 'test/support/cluster-setup.ts'];

export default defineConfig({
  resolve: {
    // graphql 16 ships both index.mjs and index.js; Node resolves the CommonJS
    // one for every package, so make Vite do the same, or schema objects built
    // by Pothos would come from "another realm".
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['test/**/*.test.ts'],
          exclude: [...ALONE, 'test/cluster/**'],
          // Files are isolated by database and Redis prefix, so they can run in parallel.
          fileParallelism: true,
          maxWorkers: 3,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: ON_CLUSTER,
          exclude: [...ALONE, ...NOT_ON_CLUSTER],
          env: CLUSTER_ENV,
          globalSetup: CLUSTER_SETUP,
          fileParallelism: true,
          maxWorkers: 3,
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster-alone',
          // The failover test crashes a master and ends once the node has rejoined as a replica.
          include: [
            ...ALONE.filter((file) => ON_CLUSTER.some((glob) => file.startsWith(glob.split('**')[0]!)) && !NOT_ON_CLUSTER.includes(file)),
            'test/cluster/**/*.test.ts',
          ],
          env: CLUSTER_ENV,
          globalSetup: CLUSTER_SETUP,
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
