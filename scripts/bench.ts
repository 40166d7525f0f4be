import { createBenchEnvironment } from './bench/environment.js';
import { hotRead, leaderboardRead } from './bench/board-reads.js';
import { graphqlOverhead } from './bench/graphql-overhead.js';

/**
 * `npm run bench`: each scenario measures liveboard against a baseline taken
 * in the same run on the same machine (a bare yoga server, raw Redis), and
 * reports the ratio, so numbers compare across machines. Results are written
 * down in docs/benchmarks.md.
 */
const scenarios = [graphqlOverhead, leaderboardRead, hotRead];

const env = await createBenchEnvironment();
try {
  for (const scenario of scenarios) {
    const result = await scenario(env);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
} finally {
  await env.close();
}
