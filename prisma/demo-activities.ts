import type { Deps } from '../src/deps.js';
import { createActivity, favoriteActivity, cancelActivity, publishActivity, joinActivity } from '../src/modules/activities/index.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface DemoActivity {
  title: string;
  description: string;
  category: string;
  capacity: number | null;
  organizer: string;
  /** Boundaries relative to seeding time, in ms: signupStartsAt, signupEndsAt, startsAt, endsAt. */
  at: [number, number, number, number];
  publish: boolean;
  joiners?: string[];
  fans?: string[];
  cancelReason?: string;
}

/** One activity in each interesting status, so GraphiQL has something to show. */
const DEMO_ACTIVITIES: DemoActivity[] = [
  { title: 'Sunrise 5K by the river', description: 'An easy social run; coffee afterwards.', category: 'running', capacity: 20, organizer: 'ada', at: [-DAY, 2 * DAY, 3 * DAY, 3 * DAY + 2 * HOUR], publish: true, joiners: ['grace', 'linus', 'alan'], fans: ['margaret', 'barbara', 'grace'] },
  { title: 'Blitz chess night', description: 'Five-minute games, three boards.', category: 'chess', capacity: 3, organizer: 'alan', at: [-2 * DAY, DAY, 2 * DAY, 2 * DAY + 3 * HOUR], publish: true, joiners: ['ada', 'grace', 'barbara'], fans: ['linus'] },
  { title: 'Intro to pottery', description: 'Wheel throwing for beginners. Aprons provided.', category: 'crafts', capacity: null, organizer: 'margaret', at: [2 * DAY, 5 * DAY, 6 * DAY, 6 * DAY + 3 * HOUR], publish: true, fans: ['ada'] },
  { title: 'Board games marathon', description: 'From Catan to Twilight Imperium.', category: 'board-games', capacity: 12, organizer: 'barbara', at: [-3 * DAY, -DAY, -HOUR, 5 * HOUR], publish: true, fans: ['alan', 'ada'] },
  { title: 'Autumn hackathon', description: 'Build something in 24 hours.', category: 'tech', capacity: 50, organizer: 'linus', at: [-20 * DAY, -10 * DAY, -9 * DAY, -8 * DAY], publish: true, fans: ['grace'] },
  { title: 'Harbour kayak tour', description: 'Two hours along the harbour.', category: 'outdoors', capacity: 8, organizer: 'grace', at: [-DAY, 3 * DAY, 4 * DAY, 4 * DAY + 2 * HOUR], publish: true, cancelReason: 'Storm warning for the weekend.' },
  { title: 'Winter retreat (planning)', description: 'Not announced yet.', category: 'outdoors', capacity: 30, organizer: 'admin', at: [10 * DAY, 20 * DAY, 30 * DAY, 32 * DAY], publish: false },
];

/**
 * Creates the demo activities through the services, so counters, status
 * history, events and transition jobs are exactly what real use produces.
 */
export async function seedDemoActivities(deps: Pick<Deps, 'db' | 'events' | 'config' | 'now'>): Promise<number> {
  const users = new Map((await deps.db.user.findMany({ select: { id: true, handle: true, role: true } })).map((user) => [user.handle, user]));
  const userId = (handle: string) => users.get(handle)!.id;
  const now = deps.now().getTime();
  for (const demo of DEMO_ACTIVITIES) {
    const [signupStartsAt, signupEndsAt, startsAt, endsAt] = demo.at.map((offset) => new Date(now + offset)) as [Date, Date, Date, Date];
    const organizer = users.get(demo.organizer)!;
    const activity = await createActivity(deps, {
      title: demo.title,
      description: demo.description,
      category: demo.category,
      capacity: demo.capacity,
      organizerId: organizer.id,
      signupStartsAt,
      signupEndsAt,
      startsAt,
      endsAt,
    });
    if (!demo.publish) continue;
    await publishActivity(deps, { activityId: activity.id, actor: organizer });
    for (const handle of demo.joiners ?? []) await joinActivity(deps, { activityId: activity.id, userId: userId(handle) });
    for (const handle of demo.fans ?? []) await favoriteActivity(deps, { activityId: activity.id, userId: userId(handle) });
    if (demo.cancelReason) await cancelActivity(deps, { activityId: activity.id, actor: organizer, reason: demo.cancelReason });
  }
  return DEMO_ACTIVITIES.length;
}
