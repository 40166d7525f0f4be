import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../prisma/seed.js';
import { runDemoTraffic, trafficOptionsSchema } from '../../scripts/simulate/demo-traffic.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { seededRandom } from '../support/random.js';

let t: TestContext;
let url: string;
beforeAll(async () => {
  t = await createTestContext();
  expect(await seedDemoData(t.deps)).toBe(true);
  url = (await t.startServer()).url;
});
afterAll(async () => {
  await t?.cleanup();
});

const total = async () => {
  const answer = await t.gql('{ leaderboard(first: 20) { entries { score } } }');
  return (answer.data?.leaderboard.entries as Array<{ score: number }>).reduce((sum, entry) => sum + entry.score, 0);
};

describe('npm run simulate (demo traffic)', () => {
  it('makes the given number of actions through the API as the demo users, and the points board moves', async () => {
    const before = await total();
    const report = await runDemoTraffic(trafficOptionsSchema.parse({ url, rounds: 30, intervalMs: 0 }), seededRandom(7));
    expect(Object.values(report).reduce((sum, times) => sum + times, 0)).toBe(30);
    expect(report.award).toBeGreaterThan(5);
    expect(await total()).toBeGreaterThan(before);
    // Every action either worked or was refused with a code the API documents: never an unexpected error.
    expect(Object.keys(report).filter((what) => what.includes('INTERNAL') || what.includes('(error)'))).toEqual([]);
  });

  it('stops at its duration even when more rounds were asked for', async () => {
    const started = performance.now();
    const report = await runDemoTraffic(trafficOptionsSchema.parse({ url, rounds: 1000, intervalMs: 250, durationS: 2 }), seededRandom(8));
    const elapsed = performance.now() - started;
    const actions = Object.values(report).reduce((sum, times) => sum + times, 0);
    expect(actions).toBeLessThanOrEqual(8);
    // The last action and its pause may end after the deadline; nothing starts after it.
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    expect(elapsed).toBeLessThan(3_500);
  });

  it('refuses flags out of bounds', () => {
    for (const flags of [{ rounds: 1001 }, { rounds: 0 }, { intervalMs: -1 }, { durationS: 601 }, { rounds: 'many' }]) {
      expect(trafficOptionsSchema.safeParse({ url, ...flags }).success).toBe(false);
    }
    expect(trafficOptionsSchema.parse({ url })).toEqual({ url, rounds: 100, intervalMs: 400, durationS: 60 });
  });

  it('says the database needs the demo data when the demo users are missing', async () => {
    const empty = await createTestContext();
    try {
      const emptyUrl = (await empty.startServer()).url;
      await expect(runDemoTraffic(trafficOptionsSchema.parse({ url: emptyUrl, rounds: 1 }))).rejects.toThrow(/is the database seeded/);
    } finally {
      await empty.cleanup();
    }
  });
});
