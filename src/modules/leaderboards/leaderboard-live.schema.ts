import { z } from 'zod';
import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import { notFound } from '../../lib/app-error.js';
import { decodeId } from '../../graphql/ids.js';
import { changedStates } from '../../graphql/live/changed-states.js';
import { userLoader } from '../users/index.js';
import { LeaderboardRef, seasonArgDescription, seasonOf, StandingRef } from './leaderboards.schema.js';
import { getLeaderboard, MAX_LEADERBOARD_PAGE } from './leaderboards.service.js';
import './leaderboards.topics.js';
import { resolveSeason } from './seasons.service.js';
import { lookupStandings } from './standing-lookup.js';

/** Default size of the top `leaderboardChanged` pushes. */
const DEFAULT_LIVE_FIRST = 10;

/**
 * A user's standing in a season as it changes, from this instance's
 * StandingWatcher: one batched lookup per window per season covers every
 * user watched here, so being overtaken is noticed without any event about
 * the user, and an award costs the same whatever the number of subscribers.
 * The standing now is read first and passed as the one the client knows, so
 * only changes are sent.
 */
async function watchStanding(ctx: Context, seasonArg: string | number | null | undefined, userId: number) {
  const season = await resolveSeason(ctx.deps, seasonOf(seasonArg));
  const [current] = await lookupStandings(ctx.deps, season.id, [userId]);
  return ctx.deps.standings.stream(season.id, userId, { initial: current ?? null });
}

builder.subscriptionFields((t) => ({
  leaderboardChanged: t.field({
    type: LeaderboardRef,
    description:
      'The top `first` of a season board each time it changes (who is in it, their order or their points); nothing while ' +
      'it does not. The season is fixed when subscribing (the current one when absent). Fetch the board with `leaderboard` first.',
    args: {
      season: t.arg.id({ required: false, description: seasonArgDescription }),
      first: t.arg.int({
        required: false,
        defaultValue: DEFAULT_LIVE_FIRST,
        validate: z
          .number()
          .int()
          .min(1, 'first must be at least 1.')
          .max(MAX_LEADERBOARD_PAGE, `first must be at most ${MAX_LEADERBOARD_PAGE}.`)
          .nullish(),
      }),
    },
    subscribe: async (_root, args, ctx) => {
      const season = await resolveSeason(ctx.deps, seasonOf(args.season));
      const first = args.first ?? DEFAULT_LIVE_FIRST;
      const viewerId = ctx.viewer?.id ?? null;
      // The source of one shared stream per (selection, season, first): the board is read and compared
      // with the last top N sent once per event for all of its subscribers.
      return changedStates(ctx.deps.pubsub.subscribe('leaderboard:changed', season.id), {
        read: () => getLeaderboard(ctx.deps, { seasonId: season.id, first, offset: 0, viewerId }),
        key: (board) => JSON.stringify(board.entries.map((entry) => [entry.userId, entry.points])),
        logger: ctx.deps.logger,
      });
    },
    resolve: (board) => board,
  }),
  myStanding: t.field({
    type: StandingRef,
    nullable: true,
    authScopes: { user: true },
    // Its topic is the viewer's own standing: never shared between viewers.
    extensions: { viewerDependent: true },
    description:
      "The viewer's rank and points in a season each time they change, including when someone else overtakes them " +
      '(null once they have no points). Requires a token.',
    args: { season: t.arg.id({ required: false, description: seasonArgDescription }) },
    subscribe: (_root, args, ctx) => watchStanding(ctx, args.season, ctx.viewer!.id),
    resolve: (standing) => standing,
  }),
  standingChanged: t.field({
    type: StandingRef,
    nullable: true,
    description: "A user's rank and points in a season each time they change, including when others overtake them (null without points).",
    args: {
      userId: t.arg.id({ required: true }),
      season: t.arg.id({ required: false, description: seasonArgDescription }),
    },
    subscribe: async (_root, args, ctx) => {
      const userId = decodeId('User', String(args.userId));
      if (!(await userLoader(ctx).load(userId))) throw notFound('There is no such user.');
      return watchStanding(ctx, args.season, userId);
    },
    resolve: (standing) => standing,
  }),
}));
