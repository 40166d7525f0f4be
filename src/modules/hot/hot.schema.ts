import { z } from 'zod';
import { builder } from '../../graphql/builder.js';
import { dependsOn } from '../../graphql/response-cache.js';
import { hotBoardScope } from './hot.topics.js';
import type { Activity } from '../../generated/prisma/client.js';
import { heatBreakdown, type HeatBreakdown } from './heat-formula.js';
import { HOT_CACHE_DEPTH, type HotList, type HotListEntry } from './hot-cache.js';
import { hotRankOf, readHotActivities } from './hot-reader.js';
import { countsOf, HEAT_ROW_SELECT, insideWindow, isVisibleStatus, publicationTime, toHotEntry, type HeatRow, type HeatSettings, type HotSettingsValues } from './hot-scoring.js';
import { currentHotSettings } from './hot-settings.js';
import { HeatAlgorithmEnum, HeatWeightsRef } from './hot-settings.schema.js';
import { readHotSnapshot } from './hot-snapshot.js';

/** Most entries one `hotActivities` call returns. */
export const MAX_HOT_FIRST = HOT_CACHE_DEPTH;

/** The `first` argument of hot lists (the query's and the subscription's). */
export const hotFirstSchema = z
  .number()
  .int()
  .min(1, '`first` must be at least 1.')
  .max(MAX_HOT_FIRST, `\`first\` must be at most ${MAX_HOT_FIRST}.`)
  .nullish();

/** The `category` argument of hot lists. */
export const hotCategorySchema = z.string().min(1, '`category` cannot be empty.').max(32, '`category` has at most 32 characters.').nullish();


const HeatBehaviourEnum = builder.enumType('HeatBehaviour', {
  description: 'A behaviour that counts towards heat.',
  values: {
    JOIN: { description: 'Participants (seats taken).' },
    FAVORITE: { description: 'Favorites.' },
    VIEW: { description: 'Distinct viewers per day.' },
    CHECK_IN: { description: 'Check-ins.' },
  } as const,
});

const HeatBreakdownItemRef = builder.objectRef<HeatBreakdown['items'][number]>('HeatBreakdownItem').implement({
  description: "One behaviour's part of a heat score.",
  fields: (t) => ({
    behaviour: t.expose('behaviour', { description: 'The behaviour.', type: HeatBehaviourEnum }),
    count: t.exposeInt('count', { description: 'How many times it happened.' }),
    weight: t.exposeFloat('weight', { description: 'Points per unit (HOT_WEIGHT_*).' }),
    points: t.exposeFloat('points', { description: 'weight × count: its share of the interaction points s.' }),
    contribution: t.exposeFloat('contribution', { description: 'Its share of the score.' }),
  }),
});

const HeatBreakdownRef = builder.objectRef<HeatBreakdown & { computedAt: Date; settings: HotSettingsValues }>('HeatBreakdown').implement({
  description:
    'Why an activity has its heat: Σ items.contribution + timeTerm = score. reddit splits the log term by points and ' +
    'timeTerm is the publication term; hackernews folds the decay D=(ageHours+2)^gravity into each part (points/D) and timeTerm is −1/D.',
  fields: (t) => ({
    algorithm: t.expose('algorithm', { description: 'The algorithm the score was computed with.', type: HeatAlgorithmEnum }),
    interactionPoints: t.exposeFloat('interactionPoints', { description: 's = Σ weight × count.' }),
    items: t.field({ description: 'Each behaviour\'s part.', type: [HeatBreakdownItemRef], resolve: (breakdown) => breakdown.items }),
    timeTerm: t.exposeFloat('timeTerm', { description: 'The time term (see the type description).' }),
    score: t.exposeFloat('score', { description: 'The heat: Σ items.contribution + timeTerm.' }),
    computedAt: t.expose('computedAt', { type: 'DateTime', description: 'The time the score was computed for (hackernews decays).' }),
    gravity: t.float({ description: 'The Hacker News gravity used (hotSettings).', resolve: (breakdown) => breakdown.settings.gravity }),
    windowDays: t.int({
      nullable: true,
      description: 'The age window used, in days (hotSettings); null = none.',
      resolve: (breakdown) => breakdown.settings.windowDays,
    }),
    weights: t.field({
      type: HeatWeightsRef,
      description: 'The weights used (hotSettings).',
      resolve: (breakdown) => breakdown.settings.weights,
    }),
  }),
});

const HotEntryRef = builder.objectRef<HotListEntry>('HotEntry').implement({
  description: 'An activity on a hot list, with its rank and heat.',
  fields: (t) => ({
    rank: t.exposeInt('rank', { description: '1 = hottest.' }),
    score: t.exposeFloat('score', { description: 'Heat when the list was computed (see computedAt).' }),
    activity: t.prismaField({
      description: 'The activity.',
      type: 'Activity',
      resolve: (query, entry, _args, ctx) => ctx.loaders.hotActivities.load(query, entry.activityId) as Promise<Activity>,
    }),
  }),
});

/** A hot list as the `HotActivities` type shows it. */
export interface HotActivitiesResult extends HotList {
  date: string | null;
  category: string | null;
}

/** The GraphQL `HotActivities`, also pushed by `hotActivitiesChanged`. */
export const HotActivitiesRef = builder.objectRef<HotActivitiesResult>('HotActivities').implement({
  description: 'A hot list: live (from the hot boards) or, with `date`, that day\'s snapshot.',
  fields: (t) => ({
    entries: t.field({ description: 'The hottest first.', type: [HotEntryRef], resolve: (list) => list.entries }),
    computedAt: t.expose('computedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the scores were computed. Null only for a `date` with no snapshot (entries is then empty).',
    }),
    algorithm: t.expose('algorithm', { description: 'The algorithm the list was computed with.', type: HeatAlgorithmEnum }),
    stale: t.boolean({
      description:
        'True when the list or its activities could not be confirmed: Redis unreachable (an older local copy of the list is ' +
        'served) or PostgreSQL unreachable (the activities last read are shown).',
      resolve: async (list, _args, ctx) => list.stale || (list.date === null && (await ctx.loaders.hotActivities.wereStale())),
    }),
    date: t.expose('date', { type: 'Date', nullable: true, description: 'The snapshot day asked for; null for the live list.' }),
    category: t.exposeString('category', { nullable: true, description: 'The category board; null for all categories.' }),
  }),
});

builder.queryField('hotActivities', (t) =>
  t.field({
    type: HotActivitiesRef,
    description: 'The hottest visible activities (all, or one category), or with `date` that day\'s snapshot taken at 00:00 APP_TIMEZONE.',
    args: {
      first: t.arg.int({
        description: 'How many, at most 100.',
        required: false,
        defaultValue: 50,
        validate: hotFirstSchema,
      }),
      category: t.arg.string({ required: false, description: 'A category slug: its board; all categories when absent.', validate: hotCategorySchema }),
      date: t.arg({ type: 'Date', required: false, description: 'A past day: its snapshot, taken at 00:00 APP_TIMEZONE; the live list when absent.' }),
    },
    resolve: async (_root, args, ctx) => {
      const first = args.first ?? 50;
      const category = args.category ?? null;
      if (args.date) {
        const snapshot = await readHotSnapshot(ctx.deps, { day: args.date, category, first });
        return { ...snapshot, date: args.date, category };
      }
      // The list's activity rows are themselves kept HOT_CACHE_TTL_MS (hot-cache.ts), so a cached answer is no older.
      dependsOn(ctx, 'hot:changed', hotBoardScope(category), ctx.deps.config.hot.cacheTtlMs);
      return { ...(await readHotActivities(ctx.deps, { category, first })), date: null, category };
    },
  }),
);

/** Whether the boards rank the activity: visible, and published inside the age window. */
function rankable(activity: HeatRow, settings: HeatSettings): boolean {
  return isVisibleStatus(activity.status) && insideWindow(publicationTime(activity), settings);
}

builder.prismaObjectFields('Activity', (t) => ({
  heat: t.float({
    nullable: true,
    select: HEAT_ROW_SELECT,
    description: 'Heat now (hotSettings); null unless the activity is ranked on the hot boards (published, not ended or cancelled, inside the age window).',
    resolve: async (activity, _args, ctx) => {
      const settings = { ...(await currentHotSettings(ctx.deps)), now: ctx.deps.now() };
      return rankable(activity, settings) ? toHotEntry(activity, settings).score : null;
    },
  }),
  heatRank: t.int({
    nullable: true,
    select: { id: true, status: true },
    description: 'Rank on the global hot board (1 = hottest); null when not on it (not visible, or below HOT_BOARD_SIZE).',
    resolve: (activity, _args, ctx) => (isVisibleStatus(activity.status) ? hotRankOf(ctx.deps, activity.id) : null),
  }),
  heatBreakdown: t.field({
    type: HeatBreakdownRef,
    nullable: true,
    select: HEAT_ROW_SELECT,
    description: 'How `heat` is made up: each behaviour\'s count, weight and contribution, and the time term. Null when `heat` is.',
    resolve: async (activity, _args, ctx) => {
      const settings = await currentHotSettings(ctx.deps);
      const now = ctx.deps.now();
      if (!rankable(activity, { ...settings, now })) return null;
      const { algorithm, weights, gravity } = settings;
      return { ...heatBreakdown(algorithm, countsOf(activity), weights, publicationTime(activity), now, gravity), computedAt: now, settings };
    },
  }),
}));
