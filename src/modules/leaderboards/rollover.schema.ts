import { builder } from '../../graphql/builder.js';
import { parsePeriodRef, periodRef, POINTS_BOARD } from './board-definition.js';
import { SeasonRef } from './board-read-types.schema.js';
import { seasonOf, type SeasonShape } from './season-shape.js';
import { ROLLOVER_SCOPE } from './seasons.topics.js';

interface SeasonRollover {
  archived: SeasonShape;
  current: SeasonShape;
}

const SeasonRolloverRef = builder.objectRef<SeasonRollover>('SeasonRollover').implement({
  description: 'A season that was just archived, and the season that is current now.',
  fields: (t) => ({
    archived: t.field({
      type: SeasonRef,
      description: 'Now ARCHIVED: its board is served from PostgreSQL.',
      resolve: (event) => event.archived,
    }),
    current: t.field({ type: SeasonRef, description: 'The season current now.', resolve: (event) => event.current }),
  }),
});

builder.subscriptionField('seasonRolledOver', (t) =>
  t.field({
    type: SeasonRolloverRef,
    description: 'Each time a season (a period of the `points` board) is archived: the archived season and the current one.',
    subscribe: (_root, _args, ctx) => ctx.deps.pubsub.subscribe('season:rolledOver', ROLLOVER_SCOPE),
    resolve: async (payload, _args, ctx) => {
      const refs = [payload.archivedSeasonId, payload.currentSeasonId].map((id) => periodRef(POINTS_BOARD, id));
      const periods = await ctx.deps.db.boardPeriod.findMany({ where: { ref: { in: refs } } });
      const byRef = new Map(periods.map((period) => [period.ref, period]));
      // The rollover publishes only after both periods are stored, and periods are never deleted.
      const season = (ref: string): SeasonShape => {
        const found = byRef.get(ref);
        if (!found) throw new Error(`Board period ${ref} named by a season:rolledOver message is not stored.`);
        return seasonOf(found);
      };
      const [archived, current] = refs as [string, string];
      return { archived: season(archived), current: season(current) };
    },
  }),
);

interface BoardRollover {
  board: string;
  archivedPeriod: string;
  currentPeriod: string | null;
}

const BoardRolloverRef = builder.objectRef<BoardRollover>('BoardRollover').implement({
  description: 'A period of a leaderboard that was just archived, and the period that is current now.',
  fields: (t) => ({
    board: t.exposeString('board', { description: 'The leaderboard key.' }),
    archivedPeriod: t.exposeID('archivedPeriod', { description: 'The period id now ARCHIVED: its board is served from PostgreSQL.' }),
    currentPeriod: t.exposeID('currentPeriod', { nullable: true, description: 'The current period; null once the leaderboard is archived.' }),
  }),
});

builder.subscriptionField('boardRolledOver', (t) =>
  t.field({
    type: BoardRolloverRef,
    description: 'Each time a period of the leaderboard `board` is archived (at its end, or when the board is archived).',
    args: { board: t.arg.string({ required: true, description: 'The leaderboard key.' }) },
    subscribe: (_root, args, ctx) => ctx.deps.pubsub.subscribe('board:rolledOver', args.board),
    resolve: (payload) => ({
      board: parsePeriodRef(payload.ref).boardKey,
      archivedPeriod: parsePeriodRef(payload.ref).periodId,
      currentPeriod: payload.currentRef === null ? null : parsePeriodRef(payload.currentRef).periodId,
    }),
  }),
);
