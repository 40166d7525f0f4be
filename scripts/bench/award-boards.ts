import { recordAward } from '../../src/modules/points/index.js';
import type { BenchEnvironment } from './environment.js';

const USERS = 500;
const SECONDS = 5;
const CONCURRENCY = 20;

/** Awards as fast as `CONCURRENCY` callers can, and the Node CPU each one cost (this process runs the award path). */
async function awardLoop(env: BenchEnvironment, userIds: readonly number[], tag: string) {
  let count = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (Date.now() < deadline) {
        const userId = userIds[(count * CONCURRENCY + worker) % userIds.length] as number;
        count += 1;
        await recordAward(env.deps, { userId, type: 'ADMIN_ADJUST', points: 1 + (count % 7), idempotencyKey: `bench:${tag}:${count}:${worker}`, occurredAt: new Date() });
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return { awardsPerSecond: Math.round(count / SECONDS), cpuMicrosPerAward: Math.round((used.user + used.system) / count) };
}

/**
 * One award feeding the `points` board only, then the same award feeding 4
 * boards (points + a daily, a weekly and an all-time POINTS board): the
 * extra boards cost one more standing row each in the same SQL statement and
 * one more script call in the same Redis round trip. Goal: 4 boards ≤ 1.5×
 * the CPU of 1.
 */
export async function awardBoards(env: BenchEnvironment) {
  const { db } = env.deps;
  const handles = Array.from({ length: USERS }, (_, i) => `award_${i}`);
  await db.user.createMany({ data: handles.map((handle) => ({ handle, displayName: handle, passwordHash: 'x' })) });
  const userIds = (await db.user.findMany({ where: { handle: { in: handles } }, select: { id: true } })).map((user) => user.id);
  await awardLoop(env, userIds, 'warm');
  const one = await awardLoop(env, userIds, 'one');
  await db.leaderboard.createMany({
    data: [
      { key: 'bench-daily', title: 'Daily', period: 'DAILY', source: 'POINTS' },
      { key: 'bench-weekly', title: 'Weekly', period: 'WEEKLY', source: 'POINTS' },
      { key: 'bench-all', title: 'All time', period: 'ALL_TIME', source: 'POINTS' },
    ],
  });
  await awardLoop(env, userIds, 'warm4');
  const four = await awardLoop(env, userIds, 'four');
  return {
    name: `award feeding 1 board vs 4 boards (${CONCURRENCY} concurrent callers, ${USERS} users)`,
    baseline: { label: 'recordAward → the points board only', ...one },
    subject: { label: 'recordAward → points + daily + weekly + all-time boards', ...four },
    cpuRatio: four.cpuMicrosPerAward / one.cpuMicrosPerAward,
    throughputRatio: four.awardsPerSecond / one.awardsPerSecond,
  };
}
