import type { Season } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { SeasonRef } from './leaderboards.schema.js';
import { ROLLOVER_SCOPE } from './seasons.topics.js';

interface SeasonRollover {
  archived: Season;
  current: Season;
}

const SeasonRolloverRef = builder.objectRef<SeasonRollover>('SeasonRollover').implement({
  description: 'A season that was just archived, and the season that is current now.',
  fields: (t) => ({
    archived: t.field({
      type: SeasonRef,
      description: 'Now ARCHIVED: its board is served from PostgreSQL.',
      resolve: (event) => event.archived,
    }),
    current: t.field({ type: SeasonRef, resolve: (event) => event.current }),
  }),
});

builder.subscriptionField('seasonRolledOver', (t) =>
  t.field({
    type: SeasonRolloverRef,
    description: 'Each time a season is archived by the monthly rollover: the archived season and the current one.',
    subscribe: (_root, _args, ctx) => ctx.deps.pubsub.subscribe('season:rolledOver', ROLLOVER_SCOPE),
    resolve: async (payload, _args, ctx) => {
      const { archivedSeasonId, currentSeasonId } = payload;
      const seasons = await ctx.deps.db.season.findMany({ where: { id: { in: [archivedSeasonId, currentSeasonId] } } });
      const byId = new Map(seasons.map((season) => [season.id, season]));
      // The rollover publishes only after both seasons are stored, and seasons are never deleted.
      const season = (id: string): Season => {
        const found = byId.get(id);
        if (!found) throw new Error(`Season ${id} named by a season:rolledOver message is not stored.`);
        return found;
      };
      return { archived: season(archivedSeasonId), current: season(currentSeasonId) };
    },
  }),
);
