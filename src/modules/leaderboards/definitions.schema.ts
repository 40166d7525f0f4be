import type { EnumRef } from '@pothos/core';
import { z } from 'zod';
import type { PointsType } from '../../generated/prisma/client.js';
import { builder, MAX_PAGE_SIZE } from '../../graphql/builder.js';
import { decodeId } from '../../graphql/ids.js';
import { archiveLeaderboard } from './archive-leaderboard.js';
import { createDefinition, currentPeriodIdOf, definitionsWhere, getDefinition, nextResetOf, updateDefinition } from './definitions.service.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/**
 * The points module's `PointsType` enum, referenced by name: importing its ref
 * would make points ⇄ leaderboards an import cycle (points imports this
 * module's index). Pothos resolves the name when the schema is built.
 */
const PointsTypeByName = 'PointsType' as unknown as EnumRef<Types, PointsType, PointsType>;

export const LeaderboardPeriodEnum = builder.enumType('LeaderboardPeriod', {
  description: 'How often a leaderboard resets, at local midnight in the server\'s APP_TIMEZONE.',
  values: {
    DAILY: { description: 'Every day; periods are written `2026-11-30`.' },
    WEEKLY: { description: 'Every ISO week, Monday to Sunday; periods are written `2026-W49`.' },
    MONTHLY: { description: 'Every calendar month; periods are written `2026-11`.' },
    ALL_TIME: { description: 'Never; its one period is `all`.' },
  } as const,
});

export const LeaderboardScopeEnum = builder.enumType('LeaderboardScope', {
  description: 'What a leaderboard covers.',
  values: {
    GLOBAL: { description: 'Everyone and everything.' },
    CATEGORY: { description: 'Activities of one category (`category`).' },
    ACTIVITY: { description: 'One activity (`activity`), e.g. a tournament; frozen when the activity ends or is cancelled.' },
  } as const,
});

export const LeaderboardSourceEnum = builder.enumType('LeaderboardSource', {
  description: 'Where a leaderboard\'s scores come from.',
  values: {
    POINTS: { description: 'Points awarded (of `pointTypes`, or all), added up per period.' },
    SUBMITTED: { description: 'Scores sent by a trusted service with `submitScore`, combined by `operator`.' },
  } as const,
});

export const ScoreOperatorEnum = builder.enumType('ScoreOperator', {
  description: 'How a SUBMITTED board combines a user\'s scores within a period. POINTS boards always SUM.',
  values: {
    BEST: { description: 'Keeps the best score: the highest on a DESC board, the lowest on an ASC one.' },
    LATEST: { description: 'Keeps the latest score.' },
    SUM: { description: 'Adds the scores up.' },
  } as const,
});

export const BoardOrderEnum = builder.enumType('BoardOrder', {
  description: 'Which scores rank first. Equal scores rank in the order they were reached.',
  values: {
    DESC: { description: 'Highest first (points, high scores).' },
    ASC: { description: 'Lowest first (times, strokes).' },
  } as const,
});

export const LeaderboardStateEnum = builder.enumType('LeaderboardState', {
  description: 'Whether a leaderboard still changes.',
  values: {
    ACTIVE: { description: 'Takes scores and resets with its period.' },
    ARCHIVED: { description: 'Frozen in the period it was archived in; its history stays readable.' },
  } as const,
});

const BucketLayoutRef = builder.objectRef<{ bounds: number[]; userShards: number }>('BucketLayout').implement({
  description:
    'How a bucketed board stores each period in Redis: split by score into `bounds` + 1 sorted sets (docs/scaling.md). Fixed at creation.',
  fields: (t) => ({
    bounds: t.expose('bounds', {
      type: ['SafeInt'],
      description: 'Score bounds from the best score to the worst; a bound\'s own score falls in the bucket that starts at it.',
    }),
    userShards: t.exposeInt('userShards', { description: 'How many hash tags the per-user state is spread over.' }),
  }),
});

/** The GraphQL `LeaderboardDefinition`: a board's definition (the `Leaderboard` type is a page of its entries). */
export const LeaderboardDefinitionRef = builder.prismaObject('Leaderboard', {
  name: 'LeaderboardDefinition',
  description: 'How a leaderboard is defined: its key, period, scope, score source, operator, order and state.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The board\'s slug, e.g. `weekly-checkins`; what `leaderboard(board:)` takes. Never changes.' }),
    title: t.exposeString('title', { description: 'Display title, 1–100 characters.' }),
    description: t.exposeString('description', { description: 'Display description, up to 1000 characters; may be empty.' }),
    period: t.expose('period', { type: LeaderboardPeriodEnum, description: 'How often it resets.' }),
    scope: t.expose('scope', { type: LeaderboardScopeEnum, description: 'What it covers.' }),
    category: t.exposeString('category', { nullable: true, description: 'The category of a CATEGORY board; null otherwise.' }),
    activity: t.prismaField({
      type: 'Activity',
      nullable: true,
      description: 'The activity of an ACTIVITY board; null otherwise, and for an activity still in draft unless you organize it (or are an admin).',
      resolve: (query, board, _args, ctx) => {
        if (board.activityId === null) return null;
        const viewer = ctx.viewer;
        // Drafts are private to their organizer and admins, as in the activities module.
        const visible = viewer?.role === 'ADMIN' ? {} : { OR: [{ status: { not: 'DRAFT' as const } }, ...(viewer ? [{ organizerId: viewer.id }] : [])] };
        return ctx.deps.db.activity.findFirst({ ...query, where: { id: board.activityId, ...visible } });
      },
    }),
    source: t.expose('source', { type: LeaderboardSourceEnum, description: 'Where its scores come from.' }),
    pointTypes: t.field({
      type: [PointsTypeByName],
      nullable: true,
      description: 'The point types that feed a POINTS board; null for every type, and for SUBMITTED boards.',
      resolve: (board) => (board.source === 'POINTS' && board.pointTypes.length > 0 ? board.pointTypes : null),
    }),
    operator: t.expose('operator', { type: ScoreOperatorEnum, description: 'How a user\'s scores combine within a period (SUM for POINTS boards).' }),
    order: t.expose('order', { type: BoardOrderEnum, description: 'Which scores rank first.' }),
    state: t.expose('state', { type: LeaderboardStateEnum, description: 'ACTIVE, or ARCHIVED (frozen).' }),
    buckets: t.field({
      type: BucketLayoutRef,
      nullable: true,
      description: 'The bucket layout of a bucketed board; null for a board stored as one sorted set.',
      resolve: (board) =>
        board.userShards === null || board.bucketBounds.length === 0 ? null : { bounds: board.bucketBounds.map(Number), userShards: board.userShards },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    archivedAt: t.expose('archivedAt', { type: 'DateTime', nullable: true, description: 'When it was archived; null while ACTIVE.' }),
    currentPeriod: t.string({
      description: 'The id of the period now falls in (`2026-11-30`, `2026-W49`, `2026-11` or `all`), in APP_TIMEZONE; for an archived board, the period it froze in.',
      resolve: (board, _args, ctx) => currentPeriodIdOf(ctx.deps, board),
    }),
    nextResetAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the current period ends and the board starts over (local midnight in APP_TIMEZONE); null for ALL_TIME and archived boards.',
      resolve: (board, _args, ctx) => nextResetOf(ctx.deps, board),
    }),
  }),
});

const BucketLayoutInput = builder.inputType('BucketLayoutInput', {
  description:
    'Bucketed storage for a very large board (docs/scaling.md): each period\'s Redis board is split by score into bounds + 1 sorted sets, ' +
    'spread over a cluster. Costs more memory per member and more round trips per read; fixed once the board exists.',
  fields: (t) => ({
    bounds: t.field({
      type: ['SafeInt'],
      required: true,
      description: `1–255 score bounds from the best score to the worst: strictly descending on a DESC board, strictly ascending on an ASC one.`,
    }),
    userShards: t.int({ required: false, description: 'Hash tags the per-user state is spread over, 1–1024; 16 by default.' }),
  }),
});

const CreateLeaderboardInput = builder.inputType('CreateLeaderboardInput', {
  description: 'A new leaderboard. Admins create any; organizers ACTIVITY boards for their own activities.',
  fields: (t) => ({
    key: t.string({ description: 'A slug: lower-case letters, digits and single hyphens, 2–40 characters; unique.' }),
    title: t.string({ description: '1–100 characters.' }),
    description: t.string({ required: false, description: 'Up to 1000 characters.' }),
    period: t.field({ type: LeaderboardPeriodEnum, required: false, description: 'Required, except for ACTIVITY boards, which are ALL_TIME (the default and the only period they take).' }),
    scope: t.field({ type: LeaderboardScopeEnum, required: false, description: 'GLOBAL by default.' }),
    category: t.string({ required: false, description: 'The category slug; exactly for CATEGORY boards.' }),
    activityId: t.id({ required: false, description: 'The activity; exactly for ACTIVITY boards.' }),
    source: t.field({ type: LeaderboardSourceEnum, description: 'POINTS or SUBMITTED.' }),
    pointTypes: t.field({ type: [PointsTypeByName], required: false, description: 'POINTS boards only: the types that feed it; omit (or null) for every type.' }),
    operator: t.field({ type: ScoreOperatorEnum, required: false, description: 'SUBMITTED boards: BEST (default), LATEST or SUM. POINTS boards: SUM only.' }),
    order: t.field({ type: BoardOrderEnum, required: false, description: 'DESC (default) or ASC; POINTS boards are DESC only.' }),
    buckets: t.field({ type: BucketLayoutInput, required: false, description: 'Bucketed storage; omit for one sorted set (right up to millions of members).' }),
  }),
});

const UpdateLeaderboardInput = builder.inputType('UpdateLeaderboardInput', {
  description: 'New display texts of a leaderboard; omitted fields stay as they are.',
  fields: (t) => ({
    key: t.string({ description: 'The board to change.' }),
    title: t.string({ required: false, description: '1–100 characters.' }),
    description: t.string({ required: false, description: 'Up to 1000 characters.' }),
  }),
});

/** Relay page arguments: a page above the maximum is an error, never silently clamped. */
const pageArgs = z.looseObject({
  first: z.number().int().min(0, 'first cannot be negative.').max(MAX_PAGE_SIZE, `first can be at most ${MAX_PAGE_SIZE}.`).nullish(),
  last: z.number().int().min(0, 'last cannot be negative.').max(MAX_PAGE_SIZE, `last can be at most ${MAX_PAGE_SIZE}.`).nullish(),
});

builder.queryFields((t) => ({
  leaderboards: t.prismaConnection({
    type: LeaderboardDefinitionRef,
    cursor: 'id',
    description: `Leaderboard definitions, oldest first (the built-in \`points\` board first); at most ${MAX_PAGE_SIZE} a page.`,
    args: { state: t.arg({ type: LeaderboardStateEnum, required: false, description: 'Only boards in this state; every board when omitted.' }) },
    validate: pageArgs,
    resolve: (query, _root, { state }, ctx) => ctx.deps.db.leaderboard.findMany({ ...query, where: definitionsWhere(state), orderBy: { id: 'asc' } }),
  }, { name: 'LeaderboardDefinitionConnection', description: 'A page of leaderboard definitions.' }, { name: 'LeaderboardDefinitionEdge', description: 'A leaderboard definition in a page, with its cursor.' }),
  leaderboardDefinition: t.field({
    type: LeaderboardDefinitionRef,
    description: 'The definition of board `key`. NOT_FOUND for an unknown key, BAD_USER_INPUT for a malformed one.',
    args: { key: t.arg.string({ required: true, description: 'The board key, e.g. `points`.' }) },
    resolve: (_root, { key }, ctx) => getDefinition(ctx.deps, key),
  }),
}));

builder.mutationFields((t) => ({
  createLeaderboard: t.withAuth({ user: true }).field({
    type: LeaderboardDefinitionRef,
    description:
      'Creates a leaderboard. Admins: any board. Organizers: ACTIVITY boards for their own activities (FORBIDDEN otherwise). ' +
      'BAD_USER_INPUT for a malformed or taken key or an inconsistent definition; NOT_FOUND for an unknown activity; ' +
      'INVALID_STATE for an activity that has ended or was cancelled.',
    args: { input: t.arg({ type: CreateLeaderboardInput, required: true, description: 'The definition.' }) },
    resolve: (_root, { input }, ctx) =>
      createDefinition(ctx.deps, ctx.viewer, {
        ...input,
        activityId: input.activityId === null || input.activityId === undefined ? null : decodeId('Activity', String(input.activityId)),
      }),
  }),
  updateLeaderboard: t.withAuth({ user: true }).field({
    type: LeaderboardDefinitionRef,
    description: 'Changes a leaderboard\'s title and/or description (admins; organizers for their activity\'s boards). The rest of a definition never changes.',
    args: { input: t.arg({ type: UpdateLeaderboardInput, required: true, description: 'The board and its new texts.' }) },
    resolve: (_root, { input }, ctx) => updateDefinition(ctx.deps, ctx.viewer, input),
  }),
  archiveLeaderboard: t.withAuth({ user: true }).field({
    type: LeaderboardDefinitionRef,
    description:
      'Freezes a leaderboard (admins; organizers for their activity\'s boards): no more scores, no more resets; its current period is ' +
      'closed and archived at once and stays readable. Idempotent. The built-in `points` board cannot be archived (BAD_USER_INPUT).',
    args: { key: t.arg.string({ required: true, description: 'The board to archive.' }) },
    resolve: (_root, { key }, ctx) => archiveLeaderboard(ctx.deps, ctx.viewer, key),
  }),
}));
