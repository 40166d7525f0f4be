import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import { appError, ErrorCode } from '../../lib/app-error.js';
import { decodeId } from '../../graphql/ids.js';
import { activityNotFound, visibleActivitiesWhere } from './access.js';
import { createActivity, updateActivity } from './activities.service.js';
import {
  cancelReasonSchema,
  capacitySchema,
  categorySchema,
  descriptionSchema,
  timeOrderSchema,
  titleSchema,
  versionSchema,
} from './activities.validation.js';
import { favoriteActivity, recordView, unfavoriteActivity } from './engagement.service.js';
import { cancelActivity, publishActivity } from './lifecycle.service.js';
import { checkIn, joinActivity, leaveWaitlist, quitActivity } from './signups.service.js';

const CreateActivityInput = builder.inputType('CreateActivityInput', {
  description: 'A new activity. Times must follow one another: signupStartsAt ≤ signupEndsAt ≤ startsAt < endsAt.',
  validate: timeOrderSchema,
  fields: (t) => ({
    title: t.string({ validate: titleSchema, description: '1–120 characters.' }),
    description: t.string({ required: false, validate: descriptionSchema.nullish(), description: 'At most 5000 characters.' }),
    category: t.string({ validate: categorySchema, description: 'A short slug, such as "running" or "board-games".' }),
    capacity: t.int({ required: false, validate: capacitySchema, description: '1–100000 seats; null or absent for unlimited.' }),
    signupStartsAt: t.field({ description: 'When sign-ups open.', type: 'DateTime' }),
    signupEndsAt: t.field({ description: 'When sign-ups close; at or before startsAt.', type: 'DateTime' }),
    startsAt: t.field({ description: 'When it starts.', type: 'DateTime' }),
    endsAt: t.field({ description: 'When it ends; after startsAt.', type: 'DateTime' }),
  }),
});

const UpdateActivityInput = builder.inputType('UpdateActivityInput', {
  description: 'Absent fields stay as they are. `capacity: null` makes the activity unlimited.',
  validate: timeOrderSchema,
  fields: (t) => ({
    id: t.id({ description: 'The activity (an Activity id).' }),
    version: t.int({ validate: versionSchema, description: 'The version you last read; VERSION_CONFLICT if it changed since.' }),
    title: t.string({ description: 'New title, 1–120 characters.', required: false, validate: titleSchema.nullish() }),
    description: t.string({ description: 'New description, up to 5000 characters.', required: false, validate: descriptionSchema.nullish() }),
    category: t.string({ description: 'New category slug.', required: false, validate: categorySchema.nullish() }),
    capacity: t.int({ description: 'New number of seats (1–100000); null for unlimited.', required: false, validate: capacitySchema }),
    signupStartsAt: t.field({ description: 'New sign-up opening time.', type: 'DateTime', required: false }),
    signupEndsAt: t.field({ description: 'New sign-up closing time.', type: 'DateTime', required: false }),
    startsAt: t.field({ description: 'New start time.', type: 'DateTime', required: false }),
    endsAt: t.field({ description: 'New end time.', type: 'DateTime', required: false }),
  }),
});

/**
 * Reads an activity back after a write, with the selections the client asked
 * for, as the caller may see it: never someone else's draft.
 */
async function reload<Q extends object>(ctx: Context, query: Q, id: number) {
  const activity = await ctx.deps.db.activity.findFirst({ ...query, where: { AND: [{ id }, visibleActivitiesWhere(ctx.viewer)] } });
  if (!activity) throw activityNotFound();
  return activity;
}

/**
 * Decodes the id of an activity the caller may see. Someone else's draft is
 * NOT_FOUND with the message of an unknown id, before any service runs, so no
 * error of join, quit, check-in or favorite can tell that a draft exists. A
 * published activity never becomes a draft again, so checking before the
 * service's transaction cannot race.
 */
async function visibleActivityId(ctx: Context, globalId: string): Promise<number> {
  const id = decodeId('Activity', globalId);
  const where = { AND: [{ id }, visibleActivitiesWhere(ctx.viewer)] };
  if (!(await ctx.deps.db.activity.findFirst({ where, select: { id: true } }))) throw activityNotFound();
  return id;
}

/**
 * Reads a participation back after a write. It is gone only if the same user
 * quit concurrently, after this write committed; say so rather than fail.
 */
async function reloadParticipation<Q extends object>(ctx: Context, query: Q, id: number) {
  const participation = await ctx.deps.db.participation.findUnique({ ...query, where: { id } });
  if (!participation) {
    throw appError(ErrorCode.INVALID_STATE, 'You quit this activity while this request was in flight; join again to take a seat.');
  }
  return participation;
}

builder.mutationFields((t) => ({
  createActivity: t.withAuth({ user: true }).prismaField({
    type: 'Activity',
    description: 'Creates a DRAFT organized by the caller; publish it to open it to others.',
    args: { input: t.arg({ type: CreateActivityInput, required: true, description: 'The new activity.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const activity = await createActivity(ctx.deps, {
        ...input,
        description: input.description ?? '',
        capacity: input.capacity ?? null,
        organizerId: ctx.viewer.id,
      });
      return reload(ctx, query, activity.id);
    },
  }),
  updateActivity: t.withAuth({ user: true }).prismaField({
    type: 'Activity',
    description: '(organizer or admin) Edits an activity; times that already passed cannot change.',
    args: { input: t.arg({ type: UpdateActivityInput, required: true, description: 'The activity, its version, and what changes.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const activityId = decodeId('Activity', input.id);
      const { id: _id, version, ...fields } = input;
      const changes = Object.fromEntries(
        Object.entries(fields).filter(([name, value]) => value !== undefined && (value !== null || name === 'capacity')),
      );
      await updateActivity(ctx.deps, { activityId, actor: ctx.viewer, version, changes });
      return reload(ctx, query, activityId);
    },
  }),
  publishActivity: t.withAuth({ user: true }).prismaField({
    type: 'Activity',
    description: '(organizer or admin) DRAFT → UPCOMING, then on to whatever status the clock says.',
    args: { id: t.arg.id({ required: true, description: 'The activity (an Activity id).' }) },
    resolve: async (query, _root, { id }, ctx) => {
      const activityId = decodeId('Activity', id);
      await publishActivity(ctx.deps, { activityId, actor: ctx.viewer });
      return reload(ctx, query, activityId);
    },
  }),
  cancelActivity: t.withAuth({ user: true }).prismaField({
    type: 'Activity',
    description: '(organizer or admin) Cancels from any status before ENDED; participants are notified.',
    args: { id: t.arg.id({ required: true, description: 'The activity (an Activity id).' }), reason: t.arg.string({ required: false, description: 'Why, shown to participants; up to 500 characters.', validate: cancelReasonSchema }) },
    resolve: async (query, _root, { id, reason }, ctx) => {
      const activityId = decodeId('Activity', id);
      await cancelActivity(ctx.deps, { activityId, actor: ctx.viewer, reason: reason || null });
      return reload(ctx, query, activityId);
    },
  }),
  joinActivity: t.withAuth({ user: true }).prismaField({
    type: 'Participation',
    description:
      'Takes a seat while SIGNUP_OPEN; ACTIVITY_FULL when none is left (or people are waiting for one), unless `waitlist` is true: then a WAITLISTED participation with its `waitlistPosition`. A free seat is taken even with `waitlist: true`. Joining again returns the same participation.',
    args: {
      id: t.arg.id({ required: true, description: 'The activity (an Activity id).' }),
      waitlist: t.arg.boolean({
        required: false,
        defaultValue: false,
        description: 'Queue for a seat if the activity is full; INVALID_STATE when sign-ups are not open.',
      }),
    },
    resolve: async (query, _root, { id, waitlist }, ctx) => {
      const activityId = await visibleActivityId(ctx, id);
      const participation = await joinActivity(ctx.deps, { activityId, userId: ctx.viewer.id, waitlist: waitlist ?? false });
      return reloadParticipation(ctx, query, participation.id);
    },
  }),
  quitActivity: t.withAuth({ user: true }).prismaField({
    type: 'Activity',
    description:
      'Gives the seat back; allowed until the activity starts. While sign-ups are open the seat goes to the first in the waitlist. On the waitlist, leaves it (as leaveWaitlist).',
    args: { id: t.arg.id({ required: true, description: 'The activity (an Activity id).' }) },
    resolve: async (query, _root, { id }, ctx) => {
      const activityId = await visibleActivityId(ctx, id);
      await quitActivity(ctx.deps, { activityId, userId: ctx.viewer.id });
      return reload(ctx, query, activityId);
    },
  }),
  leaveWaitlist: t.withAuth({ user: true }).prismaField({
    type: 'Activity',
    description: 'Leaves the waitlist; everyone behind moves up. NOT_FOUND when not on it; INVALID_STATE when holding a seat (use quitActivity).',
    args: { activityId: t.arg.id({ required: true, description: 'The activity (an Activity id).' }) },
    resolve: async (query, _root, { activityId }, ctx) => {
      const id = await visibleActivityId(ctx, activityId);
      await leaveWaitlist(ctx.deps, { activityId: id, userId: ctx.viewer.id });
      return reload(ctx, query, id);
    },
  }),
  checkIn: t.withAuth({ user: true }).prismaField({
    type: 'Participation',
    description: 'Marks a participant (JOINED) present while the activity is ONGOING; once. FORBIDDEN without a seat.',
    args: { activityId: t.arg.id({ required: true, description: 'The activity (an Activity id).' }) },
    resolve: async (query, _root, { activityId }, ctx) => {
      const participation = await checkIn(ctx.deps, { activityId: await visibleActivityId(ctx, activityId), userId: ctx.viewer.id });
      return reloadParticipation(ctx, query, participation.id);
    },
  }),
  favoriteActivity: t.withAuth({ user: true }).prismaField({
    type: 'Activity',
    description: "Adds the activity to the viewer's favorites; favoriting again changes nothing.",
    args: { id: t.arg.id({ required: true, description: 'The activity (an Activity id).' }) },
    resolve: async (query, _root, { id }, ctx) => {
      const activityId = await visibleActivityId(ctx, id);
      await favoriteActivity(ctx.deps, { activityId, userId: ctx.viewer.id });
      return reload(ctx, query, activityId);
    },
  }),
  unfavoriteActivity: t.withAuth({ user: true }).prismaField({
    type: 'Activity',
    description: "Removes the activity from the viewer's favorites; nothing when it was not one.",
    args: { id: t.arg.id({ required: true, description: 'The activity (an Activity id).' }) },
    resolve: async (query, _root, { id }, ctx) => {
      const activityId = await visibleActivityId(ctx, id);
      await unfavoriteActivity(ctx.deps, { activityId, userId: ctx.viewer.id });
      return reload(ctx, query, activityId);
    },
  }),
  recordView: t.prismaField({
    type: 'Activity',
    description:
      'Counts a view: at most once per viewer, activity and day. The viewer is the signed-in user, else the `x-client-id` header; requests with neither are not counted.',
    args: { activityId: t.arg.id({ required: true, description: 'The activity (an Activity id).' }) },
    resolve: async (query, _root, { activityId }, ctx) => {
      const id = decodeId('Activity', activityId);
      await recordView(ctx.deps, { activityId: id, viewer: { userId: ctx.viewer?.id ?? null, clientId: ctx.clientId } });
      const activity = await ctx.deps.db.activity.findFirst({ ...query, where: { AND: [{ id }, visibleActivitiesWhere(ctx.viewer)] } });
      if (!activity) throw activityNotFound();
      return activity;
    },
  }),
}));
