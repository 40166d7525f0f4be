import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemoData } from '../../prisma/seed.js';
import { createTestContext, type TestContext } from '../support/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.cleanup();
});

it('seeds demo activities in every status, with counters that match their rows', async () => {
  expect(await seedDemoData(t.deps)).toBe(true);
  const activities = await t.deps.db.activity.findMany({ include: { _count: { select: { participations: true, favorites: true } } } });
  expect(new Set(activities.map((a) => a.status))).toEqual(new Set(['SIGNUP_OPEN', 'FULL', 'UPCOMING', 'ONGOING', 'ENDED', 'CANCELLED', 'DRAFT']));
  for (const activity of activities) {
    expect(activity.participantCount).toBe(activity._count.participations);
    expect(activity.favoriteCount).toBe(activity._count.favorites);
  }
  // A second start seeds nothing.
  expect(await seedDemoData(t.deps)).toBe(false);
});
