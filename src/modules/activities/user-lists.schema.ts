/**
 * "My lists" on `User` (and so on `viewer`): the activities a user joined,
 * favorited and organizes. They live here, not in the users module, because
 * they are about activities: this module may import the users module's
 * index, never the other way round.
 *
 * Every list applies the draft rule of access.ts (`visibleActivitiesWhere`)
 * for the *caller*, not for the user whose list it is: a draft is listed to
 * its organizer and to admins only. All three fields are therefore marked
 * `viewerDependent`, so shared live executions (e.g. `userChanged`) run them
 * per viewer.
 */
import type { Prisma } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { UserRef } from '../users/index.js';
import { type Actor, visibleActivitiesWhere } from './access.js';
import { ActivityConnection, ActivityRef, ParticipationConnection, ParticipationStatusEnum } from './activities.schema.js';
import { pageArgsSchema } from './activities.validation.js';

/** Whether the caller may read `user`'s private lists (favorites): the user themself or an admin. */
function canReadPrivateLists(user: { id: number }, viewer: Actor | null): boolean {
  return viewer !== null && (viewer.role === 'ADMIN' || viewer.id === user.id);
}

/** The user's favorites the caller may see: a favorited activity stays listed as long as the caller may see it. */
function favoritesWhere(userId: number, viewer: Actor | null): Prisma.FavoriteWhereInput {
  return { userId, activity: visibleActivitiesWhere(viewer) };
}

/** Newest joined first; `id` breaks ties so cursors stay stable. */
const PARTICIPATIONS_ORDER: Prisma.ParticipationOrderByWithRelationInput[] = [{ joinedAt: 'desc' }, { id: 'desc' }];
/** Most recently favorited first; `id` breaks ties. */
const FAVORITES_ORDER: Prisma.FavoriteOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];
/** Soonest start first, as `activities(orderBy: START_TIME)`. */
const HOSTED_ORDER: Prisma.ActivityOrderByWithRelationInput[] = [{ startsAt: 'asc' }, { id: 'asc' }];

builder.prismaObjectFields(UserRef, (t) => ({
  participations: t.relatedConnection('participations', {
    cursor: 'id',
    totalCount: true,
    args: {
      status: t.arg({ type: ParticipationStatusEnum, required: false, description: 'JOINED: seats only; WAITLISTED: places in waiting lines only; both when absent.' }),
      checkedIn: t.arg.boolean({ required: false, description: 'true: only checked-in seats; false: only not (yet) checked in.' }),
    },
    validate: pageArgsSchema,
    extensions: { viewerDependent: true },
    description:
      "The user's seats and waiting-line places, newest first, each with its activity; public like participant lists, except in drafts the caller may not see.",
    query: ({ checkedIn, status }, ctx) => {
      const checkIn: Prisma.ParticipationWhereInput =
        checkedIn === true ? { checkedInAt: { not: null } } : checkedIn === false ? { checkedInAt: null } : {};
      const byStatus: Prisma.ParticipationWhereInput = status ? { status } : {};
      return { where: { AND: [checkIn, byStatus, { activity: visibleActivitiesWhere(ctx.viewer) }] }, orderBy: PARTICIPATIONS_ORDER };
    },
  }, ParticipationConnection),
  hostedActivities: t.relatedConnection('organizedActivities', {
    cursor: 'id',
    totalCount: true,
    validate: pageArgsSchema,
    extensions: { viewerDependent: true },
    description: 'Activities the user organizes, soonest start first; drafts only to the user themself and admins.',
    query: (_args, ctx) => ({ where: visibleActivitiesWhere(ctx.viewer), orderBy: HOSTED_ORDER }),
  }, ActivityConnection),
}));

builder.prismaObjectField(UserRef, 'favorites', (t) =>
  t.prismaConnection({
    type: ActivityRef,
    cursor: 'id',
    // Null with FORBIDDEN (UNAUTHENTICATED without a token) for anyone but the user and admins, so the
    // rest of a user fetched by someone else still resolves. The scope runs before the resolver: nothing is read.
    nullable: true,
    authScopes: (user, _args, ctx) => canReadPrivateLists(user, ctx.viewer),
    validate: pageArgsSchema,
    extensions: { viewerDependent: true },
    description: 'Activities the user favorited, most recently favorited first. Only the user themself and admins; FORBIDDEN for others.',
    resolve: async (query, user, _args, ctx) => {
      // Pothos pages by the activity's id; the order is the favorite's, so its cursor becomes that favorite row.
      // `selection` is typed as `{ include }` but is `{ select }` (the cursor column) when no activity field is asked
      // for: passed on whole, either way, as the nested query of the activity.
      const { cursor, take, skip, ...selection } = query;
      const favorites = await ctx.deps.db.favorite.findMany({
        where: favoritesWhere(user.id, ctx.viewer),
        cursor: cursor?.id !== undefined ? { activityId_userId: { activityId: cursor.id, userId: user.id } } : undefined,
        take,
        skip,
        orderBy: FAVORITES_ORDER,
        select: { activity: { ...selection } },
      });
      return favorites.map((favorite) => favorite.activity);
    },
    totalCount: (user, _args, ctx) => ctx.deps.db.favorite.count({ where: favoritesWhere(user.id, ctx.viewer) }),
  }, ActivityConnection),
);
