import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createDeps, type Deps } from '../src/deps.js';
import { createLogger } from '../src/infra/logger.js';
import { hashPassword, createOrPromoteAdmin } from '../src/modules/users/index.js';
import { seedDemoActivities } from './demo-activities.js';
import type { Prisma } from '../src/generated/prisma/client.js';

/** Credentials of the demo data, printed in the README; for local use only. */
export const DEMO_ADMIN = { handle: 'admin', password: 'liveboard-admin', displayName: 'Demo Admin' };
export const DEMO_PASSWORD = 'liveboard-demo';
const DEMO_USERS = [
  ['ada', 'Ada Lovelace'],
  ['grace', 'Grace Hopper'],
  ['linus', 'Linus Torvalds'],
  ['margaret', 'Margaret Hamilton'],
  ['alan', 'Alan Turing'],
  ['barbara', 'Barbara Liskov'],
] as const;

/**
 * Demo leaderboards: a weekly check-in board, an all-time points board and a
 * submitted race-time board. Every row names every column createMany sends
 * (an empty `pointTypes` is "every type").
 */
const DEMO_BOARDS = [
  { key: 'weekly-checkins', title: 'Weekly check-ins', description: 'Check-in points, Monday to Sunday.', period: 'WEEKLY', source: 'POINTS', pointTypes: ['CHECK_IN'] },
  { key: 'all-time', title: 'All time', description: 'Every point ever earned.', period: 'ALL_TIME', source: 'POINTS', pointTypes: [] },
  { key: '5k-run', title: '5 km run', description: 'Best 5 km time in seconds this month: lower is better.', period: 'MONTHLY', source: 'SUBMITTED', operator: 'BEST', order: 'ASC', pointTypes: [] },
] satisfies Prisma.LeaderboardCreateManyInput[];

/**
 * Fills an empty database with a demo admin, a few users, activities in
 * every status and a few leaderboards. Does nothing when users exist, so it is safe on every start.
 */
export async function seedDemoData(deps: Pick<Deps, 'db' | 'logger' | 'events' | 'config' | 'now'>): Promise<boolean> {
  if ((await deps.db.user.count()) > 0) return false;
  await createOrPromoteAdmin(deps, DEMO_ADMIN);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await deps.db.user.createMany({
    data: DEMO_USERS.map(([handle, displayName]) => ({ handle, displayName, passwordHash })),
    skipDuplicates: true,
  });
  const activities = await seedDemoActivities(deps);
  // Beside the built-in monthly `points` board: boards of each kind, to read and subscribe to.
  const { count: boards } = await deps.db.leaderboard.createMany({ data: DEMO_BOARDS, skipDuplicates: true });
  deps.logger.info({ admin: DEMO_ADMIN.handle, users: DEMO_USERS.length, activities, boards }, 'seeded demo data');
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = loadConfig();
  const deps = await createDeps(config, createLogger(config.logLevel));
  try {
    const seeded = await seedDemoData(deps);
    if (!seeded) deps.logger.info('database already has users; nothing seeded');
  } finally {
    await deps.close();
  }
}
