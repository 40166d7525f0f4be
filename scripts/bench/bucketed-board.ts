import type { BoardTarget } from '../../src/modules/leaderboards/board-definition.js';
import type { RankMode } from '../../src/modules/leaderboards/board-source.js';
import { allBucketedKeys, bucketedBoard, checkLayout, deleteBucketedBoard, evenBounds, loadBucketedBoard, type LoadedStanding } from '../../src/modules/leaderboards/bucketed/index.js';
import type { BenchEnvironment } from './environment.js';
import { latency } from './latency.js';

/** 10,000,000 unless BENCH_BUCKETED_MEMBERS says otherwise (a quick run on a smaller board). */
const MEMBERS = Number(process.env.BENCH_BUCKETED_MEMBERS ?? 10_000_000);
const BUCKETS = 64;
const USER_SHARDS = 64;
/** Distinct scores: most members share theirs, as on a real points board (200 members per score here). */
const DISTINCT_SCORES = 50_000;
const READS = 300;
const SAMPLE = 20;

/** The score of member i (0-based); its user id is i + 1 and its seq i + 1, so ties go to the lower user id. */
const scoreOf = (index: number) => 1 + ((index * 7_919) % DISTINCT_SCORES);

function* standings(): Generator<LoadedStanding> {
  for (let index = 0; index < MEMBERS; index += 1) yield { userId: index + 1, version: 1, score: scoreOf(index), seq: String(index + 1) };
}

/** Enough of the best scores to hold the top 100 (each score is held by MEMBERS / DISTINCT_SCORES members). */
const TOP_SCORES = Math.ceil((100 * DISTINCT_SCORES) / MEMBERS) + 1;

/** Brute force over all members: position, COMPETITION and DENSE rank of each sampled user, and the top 100. */
function bruteForce(sample: readonly number[]) {
  const better = sample.map(() => ({ position: 1, competition: 1 }));
  const top: Array<[number, number]> = [];
  const held = new Uint8Array(DISTINCT_SCORES + 1);
  for (let index = 0; index < MEMBERS; index += 1) {
    const score = scoreOf(index);
    held[score] = 1;
    if (score >= DISTINCT_SCORES - TOP_SCORES) top.push([score, index + 1]);
    sample.forEach((userId, at) => {
      const own = scoreOf(userId - 1);
      if (score > own) {
        better[at]!.position += 1;
        better[at]!.competition += 1;
      } else if (score === own && index + 1 < userId) better[at]!.position += 1;
    });
  }
  top.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  // Counted, not derived: a board smaller than DISTINCT_SCORES (BENCH_BUCKETED_MEMBERS) does not hold every score.
  const dense = sample.map((userId) => 1 + held.subarray(scoreOf(userId - 1) + 1).reduce((sum, one) => sum + one, 0));
  return { better, dense, top: top.slice(0, 100).map(([, userId]) => userId) };
}

/**
 * A 10,000,000-member bucketed board (64 buckets by score range, 64 user
 * shards), bulk-loaded with the app's loader, then the latency of top-100,
 * rank-of-member and around-me through the app's bucketed reads, its Redis
 * memory (MEMORY USAGE of every key), and a spot check of a sample against a
 * brute-force order of all members. Keys are deleted afterwards. Run only
 * when named: `npm run bench -- bucketed-10m`.
 */
export async function bucketedBoard10m(env: BenchEnvironment) {
  const { redis, keys } = env.deps;
  const layout = checkLayout({ bounds: evenBounds(-DISTINCT_SCORES - 1, 0, BUCKETS), userShards: USER_SHARDS });
  const target: BoardTarget = { ref: 'bench-bucketed-10m/all', order: 'DESC', archiveMonth: '2099-01', layout };
  try {
    const loadStarted = performance.now();
    const loaded = await loadBucketedBoard(env.deps, target, layout, standings());
    const loadMs = Math.round(performance.now() - loadStarted);

    let bytes = 0;
    let biggestKey = 0;
    for (const key of allBucketedKeys(keys, target.ref, layout.bounds.length + 1, layout.userShards)) {
      const usage = Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
      bytes += usage;
      biggestKey = Math.max(biggestKey, usage);
    }

    const board = bucketedBoard(env.deps, layout);
    const user = (index: number) => 1 + ((index * 104_729) % MEMBERS);
    const reads: Record<string, { p50Ms: number; p99Ms: number }> = {};
    for (const mode of ['COMPETITION', 'DENSE'] as RankMode[]) {
      reads[`top100${mode}`] = await latency(READS, () => board.page(target, { offset: 0, limit: 100, viewerId: null, rankMode: mode }));
      reads[`rankOfMember${mode}`] = await latency(READS, (index) => board.standings(target, [user(index)], mode));
      reads[`aroundMe${mode}`] = await latency(READS, (index) => board.around(target, user(index), 5, mode));
    }

    const sample = Array.from({ length: SAMPLE }, (_unused, index) => user(index * 7 + 3));
    const truth = bruteForce(sample);
    const mismatches: string[] = [];
    const top = await board.page(target, { offset: 0, limit: 100, viewerId: null, rankMode: 'COMPETITION' });
    if (top.entries.map((entry) => entry.userId).join() !== truth.top.join()) mismatches.push('top-100');
    if (top.total !== MEMBERS) mismatches.push(`total ${top.total}`);
    for (const [at, userId] of sample.entries()) {
      const competition = (await board.standings(target, [userId], 'COMPETITION')).byUser.get(userId);
      const dense = (await board.standings(target, [userId], 'DENSE')).byUser.get(userId);
      const window = await board.around(target, userId, 5, 'COMPETITION');
      const expected = truth.better[at]!;
      if (competition?.position !== expected.position || competition.rank !== expected.competition) mismatches.push(`rank of ${userId}`);
      if (dense?.rank !== truth.dense[at]) mismatches.push(`dense rank of ${userId}`);
      const positions = window.entries.map((entry) => entry.position);
      const from = Math.max(expected.position - 5, 1);
      if (positions.join() !== Array.from({ length: positions.length }, (_unused, index) => from + index).join() || !window.entries.some((entry) => entry.userId === userId)) {
        mismatches.push(`around ${userId}`);
      }
    }
    return {
      name: 'bucketed board: 10,000,000 members, 64 score buckets, 64 user shards (single Redis, shared machine)',
      members: loaded,
      loadMs,
      bytesPerMember: Math.round(bytes / MEMBERS),
      totalMb: Math.round(bytes / 1e6),
      biggestKeyMb: Math.round(biggestKey / 1e6),
      projectedGbAt100M: Math.round((bytes / MEMBERS) * 100_000_000 / 1e8) / 10,
      reads,
      spotCheck: { sampled: SAMPLE, mismatches },
    };
  } finally {
    await deleteBucketedBoard(env.deps, target.ref, layout);
  }
}
