import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createDeps, type Deps } from '../src/deps.js';
import { createLogger } from '../src/infra/logger.js';
import { hashPassword, createOrPromoteAdmin } from '../src/modules/users/index.js';
import { seedDemoActivities } from './demo-activities.js';

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
 * Fills an empty database with a demo admin, a few users and activities in
 * every status. Does nothing when users exist, so it is safe on every start.
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
  deps.logger.info({ admin: DEMO_ADMIN.handle, users: DEMO_USERS.length, activities }, 'seeded demo data');
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
