import { z } from 'zod';
import type { Season } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { unauthenticated } from '../../lib/app-error.js';
import { decodeId } from '../../graphql/ids.js';
import { loadReferencedUser, UserRef } from '../users/index.js';
import type { RankedStanding } from './board-source.js';
import { getLeaderboard, getLeaderboardAround, getStandings, MAX_AROUND_RADIUS, MAX_LEADERBOARD_PAGE } from './leaderboards.service.js';
import { getCurrentSeason, listSeasons, nextResetAt } from './seasons.service.js';

const SeasonStateEnum = builder.enumType('SeasonState', {
  values: ['CURRENT', 'CLOSING', 'ARCHIVED'] as const,
  description: 'CURRENT: its board is live. CLOSING: over, being archived (its board is still served). ARCHIVED: served from PostgreSQL.',
});

/** The GraphQL `Season`; other modules' types (e.g. `MyPoints`) embed it. */
export const SeasonRef = builder.objectRef<Season>('Season').implement({
  description: 'A points season: one calendar month in the server time zone (APP_TIMEZONE).',
  fields: (t) => ({
    id: t.exposeID('id', { description: '`YYYY-MM`.' }),
    name: t.exposeString('name'),
    startsAt: t.expose('startsAt', { type: 'DateTime' }),
    endsAt: t.expose('endsAt', { type: 'DateTime', description: 'Exclusive: the start of the next season.' }),
    state: t.expose('state', { type: SeasonStateEnum }),
    nextResetAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When this board resets (the season ends), while the season is current.',
      resolve: (season) => nextResetAt(season),
    }),
  }),
});

/** The GraphQL `Standing`, also pushed by `myStanding` and `standingChanged`. */
export const StandingRef = builder.objectRef<Pick<RankedStanding, 'rank' | 'points'>>('Standing').implement({
  description: 'A place on a season board. Only users with a non-zero total have one.',
  fields: (t) => ({
    rank: t.exposeInt('rank', { description: 'From 1.' }),
    points: t.exposeInt('points'),
  }),
});

const LeaderboardEntryRef = builder.objectRef<RankedStanding>('LeaderboardEntry').implement({
  description: 'Order: points descending, then who reached that total first, then user id.',
  fields: (t) => ({
    rank: t.exposeInt('rank'),
    points: t.exposeInt('points'),
    user: t.field({ type: UserRef, resolve: (entry, _args, ctx) => loadReferencedUser(ctx.loaders.users, entry.userId) }),
  }),
});

const staleDescription =
  'True when Redis could not be read, or its board was still being rebuilt after Redis lost its data, ' +
  'and the board was computed from PostgreSQL instead: exact as of the last award, but live updates may lag.';

interface LeaderboardShape {
  season: Season;
  entries: RankedStanding[];
  totalParticipants: number;
  stale: boolean;
}

/** The GraphQL `Leaderboard`, also pushed by `leaderboardChanged`. */
export const LeaderboardRef = builder.objectRef<LeaderboardShape & { viewer: RankedStanding | null }>('Leaderboard').implement({
  fields: (t) => ({
    season: t.field({ type: SeasonRef, resolve: (board) => board.season }),
    entries: t.field({ type: [LeaderboardEntryRef], resolve: (board) => board.entries }),
    totalParticipants: t.exposeInt('totalParticipants', { description: 'Users with a non-zero total this season.' }),
    viewer: t.field({
      type: StandingRef,
      nullable: true,
      description: 'Null without a token or without points.',
      // Live updates execute this per viewer; the check makes a board read for someone else show nothing.
      extensions: { viewerDependent: true },
      resolve: (board, _args, ctx) => (board.viewer && board.viewer.userId === ctx.viewer?.id ? board.viewer : null),
    }),
    stale: t.exposeBoolean('stale', { description: staleDescription }),
  }),
});

const LeaderboardAroundRef = builder.objectRef<LeaderboardShape & { standing: RankedStanding | null }>('LeaderboardAround').implement({
  fields: (t) => ({
    season: t.field({ type: SeasonRef, resolve: (board) => board.season }),
    entries: t.field({
      type: [LeaderboardEntryRef],
      description: 'The user and up to `radius` entries above and below; empty when the user has no points.',
      resolve: (board) => board.entries,
    }),
    totalParticipants: t.exposeInt('totalParticipants'),
    standing: t.field({ type: StandingRef, nullable: true, resolve: (board) => board.standing }),
    stale: t.exposeBoolean('stale', { description: staleDescription }),
  }),
});

const UserStandingRef = builder.objectRef<{ userId: number; rank: number | null; points: number }>('UserStanding').implement({
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (row, _args, ctx) => loadReferencedUser(ctx.loaders.users, row.userId) }),
    rank: t.exposeInt('rank', { nullable: true, description: 'Null when the user has no points this season.' }),
    points: t.exposeInt('points'),
  }),
});

const StandingsRef = builder
  .objectRef<{ season: Season; standings: Array<{ userId: number; rank: number | null; points: number }>; stale: boolean }>('Standings')
  .implement({
    fields: (t) => ({
      season: t.field({ type: SeasonRef, resolve: (result) => result.season }),
      standings: t.field({
        type: [UserStandingRef],
        description: 'In the order asked; unknown users are left out.',
        resolve: (result) => result.standings,
      }),
      stale: t.exposeBoolean('stale', { description: staleDescription }),
    }),
  });

/** A `season: ID` argument as the services take it. */
export const seasonOf = (season: string | number | null | undefined) => (season === null || season === undefined ? null : String(season));

/** How every `season: ID` argument is described. */
export const seasonArgDescription = 'A season id (`YYYY-MM`); the current season when absent.';

builder.queryFields((t) => ({
  seasons: t.field({
    type: [SeasonRef],
    description: 'Every season, newest first.',
    resolve: (_root, _args, ctx) => listSeasons(ctx.deps),
  }),
  currentSeason: t.field({
    type: SeasonRef,
    resolve: (_root, _args, ctx) => getCurrentSeason(ctx.deps),
  }),
  leaderboard: t.field({
    type: LeaderboardRef,
    args: {
      season: t.arg.id({ required: false, description: seasonArgDescription }),
      first: t.arg.int({
        required: false,
        defaultValue: 20,
        validate: z
          .number()
          .int()
          .min(0, 'first must be 0 or more.')
          .max(MAX_LEADERBOARD_PAGE, `first must be at most ${MAX_LEADERBOARD_PAGE}.`)
          .nullish(),
      }),
      offset: t.arg.int({ required: false, defaultValue: 0, validate: z.number().int().min(0, 'offset must be 0 or more.').nullish() }),
    },
    resolve: (_root, args, ctx) =>
      getLeaderboard(ctx.deps, {
        seasonId: seasonOf(args.season),
        first: args.first ?? 20,
        offset: args.offset ?? 0,
        viewerId: ctx.viewer?.id ?? null,
      }),
  }),
  leaderboardAround: t.field({
    type: LeaderboardAroundRef,
    description: "A user's standing with the entries around it; the viewer's when userId is absent.",
    args: {
      userId: t.arg.id({ required: false }),
      season: t.arg.id({ required: false, description: seasonArgDescription }),
      radius: t.arg.int({
        required: false,
        defaultValue: 5,
        validate: z
          .number()
          .int()
          .min(0, 'radius must be 0 or more.')
          .max(MAX_AROUND_RADIUS, `radius must be at most ${MAX_AROUND_RADIUS}.`)
          .nullish(),
      }),
    },
    resolve: (_root, args, ctx) => {
      const userId = args.userId ? decodeId('User', String(args.userId)) : ctx.viewer?.id;
      if (userId === undefined) throw unauthenticated('Log in, or give the userId whose standing to show.');
      return getLeaderboardAround(ctx.deps, { seasonId: seasonOf(args.season), userId, radius: args.radius ?? 5 });
    },
  }),
  standings: t.field({
    type: StandingsRef,
    description: `Standings of up to ${MAX_LEADERBOARD_PAGE} users at once.`,
    args: {
      userIds: t.arg.idList({
        required: true,
        validate: z.array(z.unknown()).max(MAX_LEADERBOARD_PAGE, `At most ${MAX_LEADERBOARD_PAGE} userIds at once.`),
      }),
      season: t.arg.id({ required: false, description: seasonArgDescription }),
    },
    resolve: async (_root, args, ctx) => {
      const userIds = args.userIds.map((id) => decodeId('User', String(id)));
      const result = await getStandings(ctx.deps, { seasonId: seasonOf(args.season), userIds });
      const users = await ctx.loaders.users.loadMany(result.standings.map((row) => row.userId));
      return { ...result, standings: result.standings.filter((_row, index) => users[index] && !(users[index] instanceof Error)) };
    },
  }),
}));
