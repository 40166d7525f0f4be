import { builder } from '../../graphql/builder.js';
import type { HeatWeights } from './heat-formula.js';
import type { HotSettingsValues } from './hot-scoring.js';
import { hotSettingsHistory, readHotSettings, updateHotSettings, type HotSettingsRecord } from './hot-settings.js';

export const HeatAlgorithmEnum = builder.enumType('HeatAlgorithm', {
  description: 'How heat is computed (HOT_ALGORITHM).',
  values: {
    REDDIT: { value: 'reddit', description: 'sign(s)·log10(max(|s|,1)) + (publishedAt − 2024-01-01)/45000 s: does not decay.' },
    HACKERNEWS: { value: 'hackernews', description: 'max(s−1,0)/(ageHours+2)^gravity (1.8 by default): decays as time passes.' },
  } as const,
});

/** Most changes `HotSettings.history` returns. */
const MAX_HISTORY = 100;

export const HeatWeightsRef = builder.objectRef<HeatWeights>('HeatWeights').implement({
  description: 'Points per unit of each behaviour in the interaction points s.',
  fields: (t) => ({
    join: t.exposeFloat('join', { description: 'Points per participant.' }),
    favorite: t.exposeFloat('favorite', { description: 'Points per favorite.' }),
    view: t.exposeFloat('view', { description: 'Points per view.' }),
    checkIn: t.exposeFloat('checkIn', { description: 'Points per check-in.' }),
  }),
});

type HotSettingsChangeShape = HotSettingsValues & { changedAt: Date; changedBy: number | null };

const HotSettingsChangeRef = builder.objectRef<HotSettingsChangeShape>('HotSettingsChange').implement({
  description: 'One change of the hot settings: the values set, by whom and when.',
  fields: (t) => ({
    algorithm: t.expose('algorithm', { type: HeatAlgorithmEnum, description: 'The algorithm set.' }),
    gravity: t.exposeFloat('gravity', { description: 'The Hacker News gravity set.' }),
    windowDays: t.exposeInt('windowDays', { nullable: true, description: 'The age window set, in days; null = none.' }),
    weights: t.field({ type: HeatWeightsRef, description: 'The weights set.', resolve: (change) => change.weights }),
    changedAt: t.expose('changedAt', { type: 'DateTime', description: 'When the change was made.' }),
    changedById: t.exposeInt('changedBy', { nullable: true, description: 'Database id of the admin who made it.' }),
  }),
});

const HotSettingsRef = builder.objectRef<HotSettingsRecord>('HotSettings').implement({
  description:
    'The tunable part of the hot ranking. Changes apply to the next recompute (every minute) and to every incremental update after them.',
  fields: (t) => ({
    algorithm: t.expose('algorithm', { type: HeatAlgorithmEnum, description: 'How heat is computed.' }),
    gravity: t.exposeFloat('gravity', { description: 'Hacker News gravity: heat = max(s−1,0)/(ageHours+2)^gravity.' }),
    windowDays: t.exposeInt('windowDays', {
      nullable: true,
      description: 'Only activities published in the last windowDays days rank; null = no window.',
    }),
    weights: t.field({ type: HeatWeightsRef, description: 'Points per unit of each behaviour.', resolve: (settings) => settings.weights }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true, description: 'Last change; null while the HOT_* defaults apply.' }),
    updatedById: t.exposeInt('updatedBy', { nullable: true, description: 'Database id of the admin who changed them last.' }),
    history: t.field({
      type: [HotSettingsChangeRef],
      authScopes: { admin: true },
      description: '(admin) The latest changes, newest first.',
      args: { first: t.arg.int({ required: false, defaultValue: 20, description: `At most ${MAX_HISTORY}.` }) },
      resolve: (_settings, { first }, ctx) => hotSettingsHistory(ctx.deps, Math.min(Math.max(first ?? 20, 1), MAX_HISTORY)),
    }),
  }),
});

const HeatWeightsInput = builder.inputType('HeatWeightsInput', {
  description: 'Points per unit of each behaviour; each -1000 to 1000.',
  fields: (t) => ({
    join: t.float({ required: true, description: 'Points per participant.' }),
    favorite: t.float({ required: true, description: 'Points per favorite.' }),
    view: t.float({ required: true, description: 'Points per view.' }),
    checkIn: t.float({ required: true, description: 'Points per check-in.' }),
  }),
});

const UpdateHotSettingsInput = builder.inputType('UpdateHotSettingsInput', {
  description: 'New hot settings; every value is replaced.',
  fields: (t) => ({
    gravity: t.float({ required: true, description: 'Hacker News gravity, 0 to 5 (1.8 is Hacker News\'s own).' }),
    windowDays: t.int({ required: false, description: 'Age window in days, 0 to 3650; 0 or null = no window.' }),
    weights: t.field({ type: HeatWeightsInput, required: true, description: 'Points per unit of each behaviour.' }),
    algorithm: t.field({ type: HeatAlgorithmEnum, required: false, description: 'Switch algorithm; omitted keeps the current one.' }),
  }),
});

builder.queryField('hotSettings', (t) =>
  t.field({
    type: HotSettingsRef,
    description: 'The hot ranking settings in force: algorithm, gravity, age window and weights.',
    resolve: (_root, _args, ctx) => readHotSettings(ctx.deps),
  }),
);

builder.mutationField('updateHotSettings', (t) =>
  t.withAuth({ admin: true }).field({
    type: HotSettingsRef,
    description: '(admin) Changes the hot settings; recorded with who and when, applied by the next recompute. BAD_USER_INPUT when out of range.',
    args: { input: t.arg({ type: UpdateHotSettingsInput, required: true, description: 'The new settings.' }) },
    resolve: (_root, { input }, ctx) =>
      updateHotSettings(ctx.deps, {
        adminId: ctx.viewer.id,
        settings: { gravity: input.gravity, windowDays: input.windowDays ?? null, weights: input.weights, algorithm: input.algorithm ?? null },
      }),
  }),
);
