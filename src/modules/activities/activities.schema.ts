import type { Prisma } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { decodeId } from '../../graphql/ids.js';
import { resolveTotalCount } from '../../graphql/total-count.js';
import { type Actor, activityNotFound, visibleActivitiesWhere } from './access.js';
import { countByHeat, findByHeat } from './heat-order.js';
import { waitlistPosition } from './waitlist-position.js';
import { categorySchema, pageArgsSchema } from './activities.validation.js';
import './activities.topics.js';

export const ActivityStatusEnum = builder.enumType('ActivityStatus', {
  description: 'DRAFT → UPCOMING → SIGNUP_OPEN ⇄ FULL → SIGNUP_CLOSED → ONGOING → ENDED; CANCELLED from any state before ENDED.',
  values: {
    DRAFT: { description: 'Created, not published: only its organizer and admins see it.' },
    UPCOMING: { description: 'Published; sign-ups have not opened yet.' },
    SIGNUP_OPEN: { description: 'Sign-ups are open and seats are left.' },
    FULL: { description: 'Sign-ups are open but every seat is taken (joining may queue on the waitlist).' },
    SIGNUP_CLOSED: { description: 'Sign-ups have ended; the activity has not started.' },
    ONGOING: { description: 'Started, not ended: participants can check in.' },
    ENDED: { description: 'Over.' },
    CANCELLED: { description: 'Cancelled by its organizer or an admin before it ended.' },
  } as const,
});

const ORDERS = {
  START_TIME: { description: 'Soonest start first.' },
  CREATED: { description: 'Newest first.' },
  HEAT: { description: 'Hottest first, as the hot ranking orders them (visible, ranked activities only).' },
} as const;
export const ActivityOrderEnum = builder.enumType('ActivityOrder', {
  description: 'START_TIME: soonest first. CREATED: newest first. HEAT: as the hot ranking orders them (visible, ranked activities only).',
  values: ORDERS,
});

/**
 * Database order of each `ActivityOrder`, always ending in `id` so cursors are stable.
 * HEAT is not a column: it follows the hot board (see heat-order.ts).
 */
const ORDER_BY: Record<Exclude<keyof typeof ORDERS, 'HEAT'>, Prisma.ActivityOrderByWithRelationInput[]> = {
  START_TIME: [{ startsAt: 'asc' }, { id: 'asc' }],
  CREATED: [{ createdAt: 'desc' }, { id: 'desc' }],
};

/** The `Activity` GraphQL type, for fields elsewhere in this module whose nodes are activities. */
export const ActivityRef = builder.prismaNode('Activity', {
  description: 'Something to join: a time, a number of seats, sign-up windows, and the people taking part.',
  id: { field: 'id' },
  // `node(id:)` and fallback loads honour draft privacy too; a hidden or unknown activity is null there.
  nullable: true,
  findUnique: (id, ctx) => ({ id: /^\d{1,9}$/.test(id) ? Number(id) : -1, AND: [visibleActivitiesWhere(ctx.viewer)] }),
  fields: (t) => ({
    title: t.exposeString('title', { description: 'The title, 1–120 characters.' }),
    description: t.exposeString('description', { description: 'The description, up to 5000 characters; may be empty.' }),
    category: t.exposeString('category', { description: 'The category slug, e.g. `running`.' }),
    organizer: t.relation('organizer', { description: 'Who organizes it.' }),
    capacity: t.exposeInt('capacity', { nullable: true, description: 'Null means unlimited.' }),
    signupStartsAt: t.expose('signupStartsAt', { description: 'When sign-ups open.', type: 'DateTime' }),
    signupEndsAt: t.expose('signupEndsAt', { description: 'When sign-ups close.', type: 'DateTime' }),
    startsAt: t.expose('startsAt', { description: 'When it starts.', type: 'DateTime' }),
    endsAt: t.expose('endsAt', { description: 'When it ends.', type: 'DateTime' }),
    status: t.expose('status', { description: 'Where it is in its lifecycle, now.', type: ActivityStatusEnum }),
    participantCount: t.exposeInt('participantCount', { description: 'How many hold a seat (JOINED).' }),
    favoriteCount: t.exposeInt('favoriteCount', { description: 'How many users favorited it.' }),
    viewCount: t.exposeInt('viewCount', { description: 'Distinct viewers per local day, summed.' }),
    checkInCount: t.exposeInt('checkInCount', { description: 'How many participants checked in.' }),
    waitlistCount: t.exposeInt('waitlistCount', { description: 'How many wait for a seat (WAITLISTED participations); 0 once sign-ups end.' }),
    // Live updates run a selection with these once per viewer instead of once for everyone (as nobody).
    viewerHasJoined: t.boolean({ description: 'True when the viewer holds a seat or waits for one; false without a token.', extensions: { viewerDependent: true }, resolve: (activity, _args, ctx) => ctx.loaders.viewerFlags.joined(activity.id) }),
    viewerHasFavorited: t.boolean({
      description: 'True when the viewer favorited it; false without a token.',
      extensions: { viewerDependent: true },
      resolve: (activity, _args, ctx) => ctx.loaders.viewerFlags.favorited(activity.id),
    }),
    participants: t.relatedConnection('participations', {
      cursor: 'id',
      totalCount: true,
      validate: pageArgsSchema,
      description: 'Who has a seat (JOINED), in the order they joined; never those on the waitlist.',
      query: () => ({ where: { status: 'JOINED' }, orderBy: { id: 'asc' } }),
    }, ParticipationConnection),
    publishedAt: t.expose('publishedAt', { description: 'When it was published; null while a draft.', type: 'DateTime', nullable: true }),
    cancelledAt: t.expose('cancelledAt', { description: 'When it was cancelled; null unless CANCELLED.', type: 'DateTime', nullable: true }),
    cancelReason: t.exposeString('cancelReason', { description: 'The organizer\'s reason for cancelling, if given.', nullable: true }),
    version: t.exposeInt('version', { description: 'Pass it back to updateActivity; it changes with every change of the activity.' }),
    createdAt: t.expose('createdAt', { description: 'When it was created.', type: 'DateTime' }),
  }),
});

export const ParticipationStatusEnum = builder.enumType('ParticipationStatus', {
  description: 'JOINED: holds a seat. WAITLISTED: waits in line for one; promoted to JOINED when a seat frees up while sign-ups are open.',
  values: {
    JOINED: { description: 'Holds a seat.' },
    WAITLISTED: { description: 'Waits in line for a seat.' },
  } as const,
});

const ParticipationRef = builder.prismaNode('Participation', {
  id: { field: 'id' },
  description: "A user's seat in an activity, or their place in its waitlist.",
  fields: (t) => ({
    activity: t.relation('activity', { description: 'The activity.' }),
    user: t.relation('user', { description: 'Whose seat or place it is.' }),
    status: t.expose('status', { description: 'A seat, or a place in the waitlist.', type: ParticipationStatusEnum }),
    joinedAt: t.expose('joinedAt', {
      type: 'DateTime',
      description: 'When the seat was taken: the promotion time for someone promoted from the waitlist; while WAITLISTED, when they queued.',
    }),
    waitlistedAt: t.expose('waitlistedAt', { type: 'DateTime', nullable: true, description: 'When the user joined the waitlist; null if they never waited.' }),
    waitlistPosition: t.int({
      nullable: true,
      description: 'While WAITLISTED: 1 + how many wait ahead (1 = next in line), so it shrinks as people ahead leave or are promoted; otherwise null.',
      resolve: (participation, _args, ctx) => waitlistPosition(ctx.deps, participation),
    }),
    checkedInAt: t.expose('checkedInAt', { description: 'When they checked in; null until then.', type: 'DateTime', nullable: true }),
  }),
});

/**
 * Connection types shared by every list of activities (`activities`,
 * `User.hostedActivities`, `User.favorites`) and of participations
 * (`Activity.participants`, `User.participations`): one client type each,
 * instead of one per field.
 */
export const ActivityConnection = builder.connectionObject(
  {
    type: ActivityRef,
    name: 'ActivityConnection',
    description: 'A page of activities.',
    fields: (t) => ({
      totalCount: t.int({ description: 'How many activities the list holds in all pages.', resolve: resolveTotalCount }),
    }),
  },
  { name: 'ActivityEdge', description: 'An activity in a page, with its cursor.' },
);

export const ParticipationConnection = builder.connectionObject(
  {
    type: ParticipationRef,
    name: 'ParticipationConnection',
    description: 'A page of participations (seats and waiting-line places).',
    fields: (t) => ({
      totalCount: t.int({ description: 'How many participations the list holds in all pages.', resolve: resolveTotalCount }),
    }),
  },
  { name: 'ParticipationEdge', description: 'A participation in a page, with its cursor.' },
);

const ActivityFilter = builder.inputType('ActivityFilter', {
  description: 'Which activities to list; every given condition must hold.',
  fields: (t) => ({
    status: t.field({ description: 'Only activities in this status.', type: ActivityStatusEnum, required: false }),
    category: t.string({ description: 'Only activities of this category slug.', required: false, validate: categorySchema.nullish() }),
    organizerId: t.id({ description: 'Only activities this user (a User id) organizes.', required: false }),
    startsAfter: t.field({ type: 'DateTime', required: false, description: 'Only activities starting at or after this time.' }),
    startsBefore: t.field({ type: 'DateTime', required: false, description: 'Only activities starting before this time.' }),
  }),
});

/** The rows `activities(filter)` lists for this viewer; its pages and its totalCount both read this. */
function activitiesWhere(filter: typeof ActivityFilter.$inferInput | null | undefined, viewer: Actor | null): Prisma.ActivityWhereInput {
  return {
    AND: [
      {
        status: filter?.status ?? undefined,
        category: filter?.category ?? undefined,
        organizerId: filter?.organizerId ? decodeId('User', filter.organizerId) : undefined,
        startsAt: { gte: filter?.startsAfter ?? undefined, lt: filter?.startsBefore ?? undefined },
      },
      visibleActivitiesWhere(viewer),
    ],
  };
}

builder.queryFields((t) => ({
  activity: t.prismaField({
    type: 'Activity',
    nullable: true,
    description: 'One activity; NOT_FOUND for an unknown id or someone else’s draft.',
    args: { id: t.arg.id({ required: true, description: 'The activity (an Activity id).' }) },
    resolve: async (query, _root, { id }, ctx) => {
      const where = { AND: [{ id: decodeId('Activity', id) }, visibleActivitiesWhere(ctx.viewer)] };
      const activity = await ctx.deps.db.activity.findFirst({ ...query, where });
      if (!activity) throw activityNotFound();
      return activity;
    },
  }),
  activities: t.prismaConnection({
    type: 'Activity',
    cursor: 'id',
    description: `Published activities (and the viewer's own drafts), filtered and ordered; at most 100 per page.`,
    args: {
      filter: t.arg({ type: ActivityFilter, required: false, description: 'Which activities; all visible ones when absent.' }),
      orderBy: t.arg({ type: ActivityOrderEnum, required: false, defaultValue: 'START_TIME', description: 'The order.' }),
    },
    validate: pageArgsSchema,
    resolve: (query, _root, { filter, orderBy }, ctx) => {
      const where = activitiesWhere(filter, ctx.viewer);
      if (orderBy === 'HEAT') return findByHeat(ctx.deps, { query, where, category: filter?.category ?? null });
      return ctx.deps.db.activity.findMany({ ...query, where, orderBy: ORDER_BY[orderBy ?? 'START_TIME'] });
    },
    // Counts what the pages hold: the same filter and visibility, and for HEAT only ranked activities.
    totalCount: (_root, { filter, orderBy }, ctx) => {
      const where = activitiesWhere(filter, ctx.viewer);
      if (orderBy === 'HEAT') return countByHeat(ctx.deps, { where, category: filter?.category ?? null });
      return ctx.deps.db.activity.count({ where });
    },
  }, ActivityConnection),
}));

builder.subscriptionField('activityChanged', (t) =>
  t.prismaField({
    type: 'Activity',
    description: 'An activity each time its status, details or counts change (including cancellation).',
    args: { id: t.arg.id({ required: true, description: 'The activity (an Activity id).' }) },
    subscribe: async (_root, { id }, ctx) => {
      const activityId = decodeId('Activity', String(id));
      const where = { AND: [{ id: activityId }, visibleActivitiesWhere(ctx.viewer)] };
      if (!(await ctx.deps.db.activity.findFirst({ where, select: { id: true } }))) throw activityNotFound();
      return ctx.deps.pubsub.subscribe('activity:changed', activityId);
    },
    resolve: (query, payload, _args, ctx) =>
      ctx.deps.db.activity.findUniqueOrThrow({ ...query, where: { id: (payload as { activityId: number }).activityId } }),
  }),
);
