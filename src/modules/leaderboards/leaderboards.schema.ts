import { z } from 'zod';
import { builder } from '../../graphql/builder.js';
import { badInput, unauthenticated } from '../../lib/app-error.js';
import { decodeId } from '../../graphql/ids.js';
import { dependsOnBoard } from './board-answer-cache.js';
import { boardArgDescription, periodArgDescription, resolveBoardArgs, seasonArgDescription } from './board-args.js';
import { windowOf } from './board-node-ids.js';
import { pageRequest, userIdsOf } from './board-nodes.js';
import { getBoard, getCurrentPeriod } from './board-periods.service.js';
import {
  getLeaderboard,
  getLeaderboardAround,
  getStandings,
  MAX_AROUND_RADIUS,
  MAX_BOARD_USERS,
  MAX_LEADERBOARD_PAGE } from './leaderboards.service.js';
import { seasonOf } from './season-shape.js';
import { LeaderboardAroundRef, LeaderboardRef, RankModeEnum, SeasonRef, StandingsRef } from './board-read-types.schema.js';

export type { LeaderboardShape } from './board-nodes.js';

builder.queryFields((t) => ({
  seasons: t.field({
    type: [SeasonRef],
    description: 'Every season of the `points` board, newest first.',
    resolve: async (_root, _args, ctx) => {
      const board = await getBoard(ctx.deps, 'points');
      await getCurrentPeriod(ctx.deps, board);
      const periods = await ctx.deps.db.boardPeriod.findMany({ where: { boardId: board.id }, orderBy: { periodId: 'desc' } });
      return periods.map(seasonOf);
    },
  }),
  currentSeason: t.field({
    type: SeasonRef,
    description: 'The current season of the `points` board.',
    resolve: async (_root, _args, ctx) => seasonOf(await getCurrentPeriod(ctx.deps, await getBoard(ctx.deps, 'points'))),
  }),
  leaderboard: t.field({
    type: LeaderboardRef,
    description:
      'A page of a leaderboard period: from the top, after a cursor (`after`), at an `offset`, or the board among up to ' +
      `${MAX_BOARD_USERS} users (\`userIds\`: friends, a club), each with their rank in that set and on the whole board.`,
    extensions: { ownCursors: true },
    args: {
      board: t.arg.string({ required: false, defaultValue: 'points', description: boardArgDescription }),
      period: t.arg.id({ required: false, description: periodArgDescription }),
      season: t.arg.id({ required: false, description: seasonArgDescription, deprecationReason: 'Use `period`.' }),
      first: t.arg.int({
        required: false,
        defaultValue: 20,
        description: `How many entries, at most ${MAX_LEADERBOARD_PAGE}.`,
        validate: z.number().int().min(0, 'first must be 0 or more.').max(MAX_LEADERBOARD_PAGE, `first must be at most ${MAX_LEADERBOARD_PAGE}.`).nullish(),
      }),
      after: t.arg.string({ required: false, description: 'A cursor from `entries.cursor` or `pageInfo.endCursor`.' }),
      offset: t.arg.int({ required: false, defaultValue: 0, description: 'How many entries from the top to skip.', validate: z.number().int().min(0, 'offset must be 0 or more.').nullish() }),
      rankMode: t.arg({ type: RankModeEnum, required: false, defaultValue: 'ORDINAL', description: 'How equal scores are ranked.' }),
      userIds: t.arg.idList({
        required: false,
        description: `Up to ${MAX_BOARD_USERS} users: the board among them (those on it), in board order.`,
        validate: z.array(z.unknown()).max(MAX_BOARD_USERS, `At most ${MAX_BOARD_USERS} userIds at once.`).nullish(),
      }),
    },
    resolve: async (_root, args, ctx) => {
      const given = [args.after !== null && args.after !== undefined, (args.offset ?? 0) > 0, args.userIds !== null && args.userIds !== undefined];
      if (given.filter(Boolean).length > 1) throw badInput('Use one of after, offset and userIds per call.', { field: 'after' });
      const window = {
        first: args.first ?? 20,
        offset: args.offset ?? 0,
        after: args.after ?? undefined,
        userIds: args.userIds ? userIdsOf(args.userIds) : undefined,
      };
      const resolved = await resolveBoardArgs(ctx.deps, args);
      dependsOnBoard(ctx, resolved);
      const read = await getLeaderboard(ctx.deps, {
        resolved,
        request: pageRequest(resolved, window),
        rankMode: (args.rankMode ?? 'ORDINAL'),
        viewerId: ctx.viewer?.id ?? null,
      });
      return { ...read, window: windowOf(window) };
    },
  }),
  leaderboardAround: t.field({
    type: LeaderboardAroundRef,
    description: "A user's standing with the entries around it; the viewer's when userId is absent.",
    args: {
      userId: t.arg.id({ required: false, description: 'The user to centre on (a User id); the viewer when absent.' }),
      board: t.arg.string({ required: false, defaultValue: 'points', description: boardArgDescription }),
      period: t.arg.id({ required: false, description: periodArgDescription }),
      season: t.arg.id({ required: false, description: seasonArgDescription, deprecationReason: 'Use `period`.' }),
      rankMode: t.arg({ type: RankModeEnum, required: false, defaultValue: 'ORDINAL', description: 'How equal scores are ranked.' }),
      radius: t.arg.int({
        required: false,
        defaultValue: 5,
        description: `How many entries above and below, at most ${MAX_AROUND_RADIUS}.`,
        validate: z.number().int().min(0, 'radius must be 0 or more.').max(MAX_AROUND_RADIUS, `radius must be at most ${MAX_AROUND_RADIUS}.`).nullish(),
      }),
    },
    resolve: async (_root, args, ctx) => {
      const userId = args.userId ? decodeId('User', String(args.userId)) : ctx.viewer?.id;
      if (userId === undefined) throw unauthenticated('Log in, or give the userId whose standing to show.');
      const resolved = await resolveBoardArgs(ctx.deps, args);
      dependsOnBoard(ctx, resolved);
      return getLeaderboardAround(ctx.deps, { resolved, userId, radius: args.radius ?? 5, rankMode: (args.rankMode ?? 'ORDINAL') });
    },
  }),
  standings: t.field({
    type: StandingsRef,
    description: `Standings of up to ${MAX_BOARD_USERS} users at once.`,
    args: {
      userIds: t.arg.idList({
        required: true,
        description: `Up to ${MAX_BOARD_USERS} users (User ids).`,
        validate: z.array(z.unknown()).max(MAX_BOARD_USERS, `At most ${MAX_BOARD_USERS} userIds at once.`),
      }),
      board: t.arg.string({ required: false, defaultValue: 'points', description: boardArgDescription }),
      period: t.arg.id({ required: false, description: periodArgDescription }),
      season: t.arg.id({ required: false, description: seasonArgDescription, deprecationReason: 'Use `period`.' }),
      rankMode: t.arg({ type: RankModeEnum, required: false, defaultValue: 'ORDINAL', description: 'How equal scores are ranked.' }),
    },
    resolve: async (_root, args, ctx) => {
      const resolved = await resolveBoardArgs(ctx.deps, args);
      dependsOnBoard(ctx, resolved);
      return getStandings(ctx.deps, { resolved, userIds: userIdsOf(args.userIds), rankMode: (args.rankMode ?? 'ORDINAL') });
    },
  }),
}));
