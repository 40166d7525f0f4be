import { z } from 'zod';
import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import { notFound } from '../../lib/app-error.js';
import { decodeId } from '../../graphql/ids.js';
import { changedStates } from '../../graphql/live/changed-states.js';
import { mapStream } from '../../graphql/live/map-stream.js';
import { boardArgDescription, periodArgDescription, resolveBoardArgs, seasonArgDescription } from './board-args.js';
import { LeaderboardRef, RankModeEnum, StandingRef, type StandingShape } from './board-read-types.schema.js';
import { getLeaderboard, MAX_LEADERBOARD_PAGE } from './leaderboards.service.js';
import './leaderboards.topics.js';
import { lookupStandings, type LiveStanding } from './standing-lookup.js';
import { windowOf } from './board-node-ids.js';
import { viewOf } from './board-nodes.js';

/** Default size of the top `leaderboardChanged` pushes. */
const DEFAULT_LIVE_FIRST = 10;

type BoardArgs = { board?: string | null; period?: string | number | null; season?: string | number | null };

/**
 * A user's standing in a board period as it changes, from this instance's
 * StandingWatcher: one batched lookup per window per period covers every
 * user watched here, so being overtaken is noticed without any event about
 * the user, and a write costs the same whatever the number of subscribers.
 * The standing now is read first and passed as the one the client knows, so
 * only changes are sent.
 */
async function watchStanding(ctx: Context, args: BoardArgs, userId: number) {
  const resolved = await resolveBoardArgs(ctx.deps, args);
  const { target } = resolved;
  const [current] = await lookupStandings(ctx.deps, target.ref, [userId]);
  // The watcher ranks ORDINAL; the view and user give each pushed Standing the id a query's standing has.
  const view = viewOf({ resolved, rankMode: 'ORDINAL' });
  return mapStream(
    ctx.deps.standings.stream(target.ref, userId, { initial: current ?? null }),
    (standing: LiveStanding | null): StandingShape | null => (standing ? { ...standing, view, userId } : null),
  );
}

const boardArgs = (t: Parameters<Parameters<typeof builder.subscriptionFields>[0]>[0]) => ({
  board: t.arg.string({ required: false, defaultValue: 'points', description: boardArgDescription }),
  period: t.arg.id({ required: false, description: periodArgDescription }),
  season: t.arg.id({ required: false, description: seasonArgDescription, deprecationReason: 'Use `period`.' }),
});

builder.subscriptionFields((t) => ({
  leaderboardChanged: t.field({
    type: LeaderboardRef,
    description:
      'The top `first` of a board period each time it changes (who is in it, their order or their scores); nothing while ' +
      'it does not. The period is fixed when subscribing (the current one when absent). Fetch the board with `leaderboard` first.',
    args: {
      ...boardArgs(t),
      rankMode: t.arg({ type: RankModeEnum, required: false, defaultValue: 'ORDINAL', description: 'How equal scores are ranked.' }),
      first: t.arg.int({
        required: false,
        defaultValue: DEFAULT_LIVE_FIRST,
        description: 'How many from the top to watch and send; the same `first` as a `leaderboard` query updates that query in a normalized cache.',
        validate: z.number().int().min(1, 'first must be at least 1.').max(MAX_LEADERBOARD_PAGE, `first must be at most ${MAX_LEADERBOARD_PAGE}.`).nullish(),
      }),
    },
    subscribe: async (_root, args, ctx) => {
      const resolved = await resolveBoardArgs(ctx.deps, args);
      const first = args.first ?? DEFAULT_LIVE_FIRST;
      const rankMode = (args.rankMode ?? 'ORDINAL');
      const viewerId = ctx.viewer?.id ?? null;
      // The source of one shared stream per (selection, period, first): the board is read and compared
      // with the last top N sent once per event for all of its subscribers.
      return changedStates(ctx.deps.pubsub.subscribe('leaderboard:changed', resolved.target.ref), {
        read: () => getLeaderboard(ctx.deps, { resolved, request: { kind: 'cursor', after: null, first }, rankMode, viewerId }),
        key: (read) => JSON.stringify(read.entries.map((entry) => [entry.userId, entry.score])),
        logger: ctx.deps.logger,
      });
    },
    resolve: (read, args) => ({ ...read, window: windowOf({ first: args.first ?? DEFAULT_LIVE_FIRST }) }),
  }),
  myStanding: t.withAuth({ user: true }).field({
    type: StandingRef,
    nullable: true,
    // Its topic is the viewer's own standing: never shared between viewers.
    extensions: { viewerDependent: true },
    description:
      "The viewer's rank and score on a board period each time they change, including when someone else overtakes them " +
      '(null while they are not on the board). Requires a token.',
    args: boardArgs(t),
    subscribe: (_root, args, ctx) => watchStanding(ctx, args, ctx.viewer.id),
    resolve: (standing) => standing,
  }),
  standingChanged: t.field({
    type: StandingRef,
    nullable: true,
    description: "A user's rank and score on a board period each time they change, including when others overtake them (null while not on it).",
    args: { userId: t.arg.id({ required: true, description: 'The user to watch (a User id).' }), ...boardArgs(t) },
    subscribe: async (_root, args, ctx) => {
      const userId = decodeId('User', String(args.userId));
      if (!(await ctx.loaders.users.load(userId))) throw notFound('There is no such user.');
      return watchStanding(ctx, args, userId);
    },
    resolve: (standing) => standing,
  }),
}));
