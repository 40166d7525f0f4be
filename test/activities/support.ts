import type { ActivityStatus, Prisma } from '../../src/generated/prisma/client.js';
import { encodeId } from '../../src/graphql/ids.js';
import type { TestContext } from '../support/harness.js';

export const HOUR = 3600_000;

/** Times around now: sign-ups open an hour ago and close in a day; the activity starts in two. */
export function openTimes(now = Date.now()) {
  return {
    signupStartsAt: new Date(now - HOUR),
    signupEndsAt: new Date(now + 24 * HOUR),
    startsAt: new Date(now + 48 * HOUR),
    endsAt: new Date(now + 50 * HOUR),
  };
}

/**
 * An activity straight in the database, in any status, for tests about what
 * happens next. Lifecycle tests go through publishActivity instead.
 */
export async function seedActivity(
  t: TestContext,
  options: { organizerId: number; status?: ActivityStatus; capacity?: number | null } & Partial<Prisma.ActivityUncheckedCreateInput>,
) {
  const { status = 'SIGNUP_OPEN', capacity = null, ...rest } = options;
  const activity = await t.deps.db.activity.create({
    data: {
      title: 'Morning run',
      category: 'running',
      ...openTimes(),
      ...rest,
      status,
      capacity,
      publishedAt: status === 'DRAFT' ? null : new Date(),
    },
  });
  return { ...activity, gid: encodeId('Activity', activity.id) };
}

/** Many users without hashing a password each: one createMany, then a token per user. */
export async function createUsers(t: TestContext, count: number, label: string) {
  const handles = Array.from({ length: count }, (_, i) => `${label}_${process.pid}_${i}`);
  await t.deps.db.user.createMany({ data: handles.map((handle) => ({ handle, displayName: handle, passwordHash: 'x' })) });
  const users = await t.deps.db.user.findMany({ where: { handle: { in: handles } }, orderBy: { id: 'asc' } });
  return Promise.all(users.map(async (user) => ({ user, token: await t.deps.tokens.issue(user.id) })));
}

/** The error code of the first error, or 'OK'. */
export function outcome(result: { errors?: Array<{ extensions?: { code?: string } }> }): string {
  return result.errors?.[0]?.extensions?.code ?? (result.errors ? 'UNKNOWN' : 'OK');
}

export function tally(codes: string[]): Record<string, number> {
  return codes.reduce<Record<string, number>>((counts, code) => ({ ...counts, [code]: (counts[code] ?? 0) + 1 }), {});
}

/** participantCount and status in the database against the rows they summarise. */
export async function seatState(t: TestContext, activityId: number) {
  const activity = await t.deps.db.activity.findUniqueOrThrow({ where: { id: activityId } });
  const rows = await t.deps.db.participation.count({ where: { activityId } });
  return { participantCount: activity.participantCount, rows, status: activity.status, capacity: activity.capacity };
}

export const JOIN = 'mutation ($id: ID!) { joinActivity(id: $id) { id joinedAt user { id } activity { participantCount status viewerHasJoined } } }';
export const QUIT = 'mutation ($id: ID!) { quitActivity(id: $id) { participantCount status viewerHasJoined } }';
