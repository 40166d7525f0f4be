import { createBenchEnvironment } from './bench/environment.js';
import { hotRead, leaderboardRead } from './bench/board-reads.js';
import { leaderboardFanout } from './bench/fanout.js';
import { leaderboardFanout10k, standings10k, standings1k } from './bench/fanout-10k.js';
import { awardBoards } from './bench/award-boards.js';
import { boardMemory } from './bench/board-memory.js';
import { bucketedBoard10m } from './bench/bucketed-board.js';
import { graphqlOverhead } from './bench/graphql-overhead.js';

/**
 * `npm run bench`: each scenario measures liveboard against a baseline taken
 * in the same run on the same machine (a bare yoga server, raw Redis,
 * subscriptions without sharing), and reports the ratio, so numbers compare
 * across machines. Results are written down in docs/benchmarks.md.
 * `npm run bench -- fanout` runs only the scenarios whose name contains "fanout".
 * `npm run bench -- fanout-10k` (10,000 subscribers of one selection),
 * `standings-10k` / `standings-1k` (that many distinct `myStanding`
 * subscribers; each with the server in its own process) and `npm run bench --
 * boardmemory` (a 1,000,000-member board) and `npm run bench -- bucketed-10m`
 * (a 10,000,000-member bucketed board) take minutes and run only when named exactly.
 */
const all = { graphqlOverhead, leaderboardRead, hotRead, leaderboardFanout, awardBoards };
const byExactName = { 'fanout-10k': leaderboardFanout10k, 'standings-10k': standings10k, 'standings-1k': standings1k, boardmemory: boardMemory, 'bucketed-10m': bucketedBoard10m };
const only = process.argv[2]?.toLowerCase();
const scenarios =
  only && only in byExactName
    ? [byExactName[only as keyof typeof byExactName]]
    : Object.entries(all)
        .filter(([name]) => !only || name.toLowerCase().includes(only))
        .map(([, scenario]) => scenario);

// Each scenario gets a fresh database and Redis prefix, so one's data never shapes another's numbers.
for (const scenario of scenarios) {
  const env = await createBenchEnvironment();
  try {
    const result = await scenario(env);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await env.close();
  }
}
