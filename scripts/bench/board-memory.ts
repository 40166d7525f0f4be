import type { BoardTarget } from '../../src/modules/leaderboards/board-definition.js';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { writeStandings, type StandingWrite } from '../../src/modules/leaderboards/board-script.js';
import { redisBoard } from '../../src/modules/leaderboards/board-store.js';
import type { BenchEnvironment } from './environment.js';
import { latency } from './latency.js';

const SIZES = [100_000, 1_000_000];
const WRITE_BATCH = 2_000;
const READS = 300;
/** Distinct scores on the board: most members share theirs, as on a real points board. */
const DISTINCT_SCORES = 50_000;

/**
 * Memory per member of one board period in Redis (its sorted set and the
 * member, version and score-count structures the scripts keep beside it),
 * and the latency of the three board reads at that size, through the app's
 * own scripts: a top-100 page, one user's rank, and the 10 around a user.
 * The per-member cost times 100,000,000 is the projection in docs/scaling.md.
 */
export async function boardMemory(env: BenchEnvironment) {
  const { redis, keys: keySpace } = env.deps;
  const rows = [];
  for (const size of SIZES) {
    const target: BoardTarget = { ref: `bench-memory-${size}/all`, order: 'DESC', archiveMonth: '2099-01', layout: null };
    const keys = boardKeys(keySpace, target.ref);
    const loadStarted = performance.now();
    for (let start = 0; start < size; start += WRITE_BATCH) {
      const writes: StandingWrite[] = [];
      for (let index = start; index < Math.min(start + WRITE_BATCH, size); index += 1) {
        writes.push({ userId: index + 1, version: 1, score: 1 + ((index * 7_919) % DISTINCT_SCORES), seq: String(index + 1), ranked: true });
      }
      await writeStandings(redis, keySpace, target, writes);
    }
    const loadMs = Math.round(performance.now() - loadStarted);
    await redis.set(keys.ready, '1');
    const usage: Record<string, number> = {};
    let total = 0;
    for (const [name, key] of Object.entries(keys)) {
      const bytes = Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
      if (bytes > 0) usage[name] = bytes;
      total += bytes;
    }
    const board = redisBoard(env.deps);
    const user = (index: number) => 1 + ((index * 104_729) % size);
    const reads = {
      top100: await latency(READS, () => board.page(target, { offset: 0, limit: 100, viewerId: null, rankMode: 'ORDINAL' })),
      rankOfMember: await latency(READS, (index) => board.standings(target, [user(index)], 'ORDINAL')),
      aroundMe: await latency(READS, (index) => board.around(target, user(index), 5, 'ORDINAL')),
      rankOfMemberCompetition: await latency(READS, (index) => board.standings(target, [user(index)], 'COMPETITION')),
    };
    rows.push({ members: size, loadMs, bytesPerMember: Math.round(total / size), bytesByKey: usage, reads });
    await Promise.all(Object.values(keys).map((key) => redis.unlink(key)));
  }
  const perMember = rows.at(-1)!.bytesPerMember;
  return {
    name: 'board period memory and read latency by size (one sorted set; writes through the app script)',
    rows,
    projectedGbAt100M: Math.round((perMember * 100_000_000) / 1e8) / 10,
  };
}
