import { createBenchEnvironment, type BenchEnvironment } from './bench/environment.js';
import { readScenarios } from './bench/read-scenarios.js';
import { awardFloorScenarios, awardScenarios } from './bench/award-scenario.js';
import { leaderboardFanout } from './bench/fanout.js';
import { leaderboardFanout10k, standings10k, standings1k } from './bench/fanout-10k.js';
import { awardBoards } from './bench/award-boards.js';
import { boardMemory } from './bench/board-memory.js';
import { bucketedBoard10m } from './bench/bucketed-board.js';
import { graphqlOverhead } from './bench/graphql-overhead.js';
import { rollover1m } from './bench/rollover-1m.js';
import { hot1m } from './bench/hot-1m.js';

/**
 * `npm run bench`: each scenario measures liveboard against a baseline taken
 * in the same run on the same machine and reports the ratio, so numbers
 * compare across machines. Results are written down in docs/benchmarks.md.
 * `npm run bench -- <name> [<name> …]` runs the scenarios with exactly those
 * names; the ones in `onlyByName` take minutes and run only when named.
 */
type Scenario = (env: BenchEnvironment) => Promise<unknown>;
const defaults: Record<string, Scenario> = { ...readScenarios, ...awardScenarios };
const onlyByName: Record<string, Scenario> = {
  ...awardFloorScenarios,
  graphqlOverhead,
  leaderboardFanout,
  awardBoards,
  'fanout-10k': leaderboardFanout10k,
  'standings-10k': standings10k,
  'standings-1k': standings1k,
  boardmemory: boardMemory,
  'bucketed-10m': bucketedBoard10m,
  'rollover-1m': rollover1m,
  'hot-1m': hot1m,
};
const all: Record<string, Scenario> = { ...defaults, ...onlyByName };
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in all));
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario ${unknown.join(', ')}; known: ${Object.keys(all).join(', ')}\n`);
  process.exit(2);
}
const names = asked.length > 0 ? asked : Object.keys(defaults);

// Each scenario gets a fresh database and Redis prefix, so one's data never shapes another's numbers.
for (const name of names) {
  const env = await createBenchEnvironment();
  try {
    const result = await (all[name] as Scenario)(env);
    process.stdout.write(`${JSON.stringify({ scenario: name, ...(result as object) }, null, 2)}\n`);
  } finally {
    await env.close();
  }
}
// Servers and load generators are child processes that end with this one; nothing else keeps it alive.
process.exit(0);
