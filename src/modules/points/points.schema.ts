import { resolveCursorConnection } from '@pothos/plugin-relay';
import { z } from 'zod';
import { builder, MAX_PAGE_SIZE } from '../../graphql/builder.js';
import { forbidden, unauthenticated } from '../../lib/app-error.js';
import { decodeId } from '../../graphql/ids.js';
import { boardArgDescription, periodArgDescription, pointsBoardRef, SeasonRef, seasonIdArg } from '../leaderboards/index.js';
import { loadReferencedUser, UserRef } from '../users/index.js';
import { adjustPoints, MAX_ADJUSTMENT } from './admin-adjust.js';
import { voidUserPoints, type VoidOutcome } from './void-points.js';
import { findPointsRecord, listPointsRecords, recordCursor } from './points-history.js';
import { myPoints, type TodayPoints } from './my-points.js';
import { cacheMyPoints } from './my-points-cache.js';
import { POINTS_RULES, POINTS_TYPES } from './points-rules.js';
import type { AwardOutcome } from './points.service.js';
import { dailySignIn, type SignInOutcome } from './sign-in.js';

const PointsTypeEnum = builder.enumType('PointsType', {
  description: 'What points were awarded for.',
  values: Object.fromEntries(POINTS_TYPES.map((type) => [type, { description: POINTS_RULES[type].description }])) as Record<
    (typeof POINTS_TYPES)[number],
    { description: string }
  >,
});

/** The user's total in the record's season of the `points` board, read from PostgreSQL (the source of truth). */
async function seasonTotal(db: Parameters<typeof adjustPoints>[0]['db'], outcome: AwardOutcome): Promise<number> {
  const ref = pointsBoardRef(outcome.seasonId);
  const change = outcome.changes.find((candidate) => candidate.ref === ref);
  if (change) return change.score;
  const standing = await db.boardStanding.findUnique({ where: { periodRef_userId: { periodRef: ref, userId: outcome.userId } }, select: { score: true } });
  return Number(standing?.score ?? 0);
}

const PointsRecordRef = builder.objectRef<AwardOutcome>('PointsRecord');

builder.node(PointsRecordRef, {
  description:
    'One award or reversal of points. Its `id` is a global id; `recordId` is the database id that `id` was before. ' +
    'Only its user and admins can see it: `node(id:)` gives anyone else NOT_FOUND.',
  id: { resolve: (record) => String(record.recordId) },
  loadOne: (id, ctx) => findPointsRecord(ctx.deps, { recordId: id, viewer: ctx.viewer }),
  fields: (t) => ({
    recordId: t.id({ description: 'The database id (a decimal number), as `id` was before it became a global id.', resolve: (record) => String(record.recordId) }),
    user: t.field({ type: UserRef, description: 'Whose points these are.', resolve: (record, _args, ctx) => loadReferencedUser(ctx.loaders.users, record.userId) }),
    type: t.field({ type: PointsTypeEnum, description: 'The rule that granted (or took back) the points.', resolve: (record) => record.type }),
    requested: t.exposeInt('requested', { description: 'What the rule asked for, before the daily cap.' }),
    points: t.exposeInt('granted', { description: 'What was granted: the part that fitted under the daily cap, or a negative reversal.' }),
    season: t.exposeString('seasonId', { description: 'Season id (`YYYY-MM`) of the event time.' }),
    day: t.exposeString('day', { description: 'Local day (`YYYY-MM-DD`, APP_TIMEZONE) of the event time.', deprecationReason: 'Use `date`: the same value, typed Date.' }),
    date: t.field({ type: 'Date', description: 'Local day (APP_TIMEZONE) of the event time.', resolve: (record) => record.day }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When the event that earned (or cost) the points happened.' }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why, in words: the admin’s reason of an adjustment or void; null for automatic awards.' }),
    activity: t.prismaField({
      type: 'Activity',
      nullable: true,
      description: 'The activity the points came from; null for sign-ins and adjustments.',
      // Points come only from activities one could join, check in at or host: never a draft.
      resolve: (query, record, _args, ctx) =>
        record.activityId === null ? null : ctx.deps.db.activity.findUnique({ ...query, where: { id: record.activityId } }),
    }),
    adjustedBy: t.field({
      type: UserRef,
      nullable: true,
      description: 'The admin behind an ADMIN_ADJUST record or a void correction; null for automatic awards.',
      resolve: (record, _args, ctx) => (record.createdBy === null ? null : loadReferencedUser(ctx.loaders.users, record.createdBy)),
    }),
    seasonTotal: t.int({
      description: "The user's total in that season now.",
      resolve: (record, _args, ctx) => seasonTotal(ctx.deps.db, record),
    }),
  }),
});

const VoidResultRef = builder.objectRef<VoidOutcome>('PointsVoid').implement({
  description: "What `voidUserPoints` did.",
  fields: (t) => ({
    user: t.field({ type: UserRef, description: 'Whose points were voided.', resolve: (outcome, _args, ctx) => loadReferencedUser(ctx.loaders.users, outcome.userId) }),
    season: t.exposeString('seasonId', { description: 'The season id (`YYYY-MM`).' }),
    voided: t.exposeInt('voided', { description: 'Points taken away (negative when the season total was negative).' }),
    records: t.exposeInt('records', { description: 'Correction records written; 0 when there was nothing left to void.' }),
  }),
});

builder.objectField(UserRef, 'pointsRecords', (t) =>
  t.connection({
    type: PointsRecordRef,
    description:
      "The user's points records (awards, reversals, adjustments, voids), newest first. Only the user themself and admins may read them (FORBIDDEN otherwise).",
    // Its cursors are record ids, checked by listPointsRecords (see graphql/input-guards.ts).
    extensions: { ownCursors: true },
    args: {
      season: t.arg.id({ required: false, description: 'Only this season: its `periodId` (`YYYY-MM`) or its global `id`.' }),
      type: t.arg({ type: PointsTypeEnum, required: false, description: 'Only this type.' }),
    },
    resolve: (user, args, ctx) => {
      if (!ctx.viewer) throw unauthenticated();
      if (ctx.viewer.id !== user.id && ctx.viewer.role !== 'ADMIN') throw forbidden("Only admins may read another user's points records.");
      const filter = { userId: user.id, seasonId: seasonIdArg(args.season), type: args.type ?? null };
      return resolveCursorConnection<Promise<AwardOutcome[]>>({ args, toCursor: recordCursor, defaultSize: 20, maxSize: MAX_PAGE_SIZE }, (page) =>
        listPointsRecords(ctx.deps, filter, page),
      );
    },
  }, { name: 'PointsRecordConnection', description: 'A page of points records.' }, { name: 'PointsRecordEdge', description: 'A points record in a page, with its cursor.' }),
);

const SignInResultRef = builder.objectRef<SignInOutcome>('SignInResult').implement({
  description: "What today's sign-in earned.",
  fields: (t) => ({
    streakDay: t.exposeInt('streakDay', { description: 'Day of the unbroken sign-in streak, from 1.' }),
    points: t.exposeInt('granted', { description: 'Points granted for it.' }),
    record: t.field({ type: PointsRecordRef, description: 'The points record written.', resolve: (outcome) => outcome }),
  }),
});

const PointsAwardRef = builder.objectRef<AwardOutcome>('PointsAward').implement({
  description: 'What `awardPoints` did.',
  fields: (t) => ({
    record: t.field({ type: PointsRecordRef, description: 'The points record written.', resolve: (outcome) => outcome }),
    duplicate: t.exposeBoolean('duplicate', { description: 'True when this idempotencyKey was used before: nothing changed.' }),
  }),
});

const TodayPointsRef = builder.objectRef<TodayPoints>('TodayPoints').implement({
  description: "Today's points of one type, with its daily cap.",
  fields: (t) => ({
    type: t.field({ type: PointsTypeEnum, description: 'The type.', resolve: (row) => row.type }),
    points: t.exposeInt('points', { description: 'Net points of this type today, reversals included.' }),
    cap: t.exposeInt('cap', { nullable: true, description: 'Daily cap; null when uncapped.' }),
    remaining: t.exposeInt('remaining', { nullable: true, description: 'What the cap still lets in today; reversals give no room back.' }),
  }),
});

const MyPointsRef = builder.objectRef<Awaited<ReturnType<typeof myPoints>>>('MyPoints').implement({
  description: "The viewer's points: today's per type, a board standing, and the sign-in streak.",
  fields: (t) => ({
    day: t.exposeString('day', { description: 'Today in APP_TIMEZONE (`YYYY-MM-DD`).', deprecationReason: 'Use `date`: the same value, typed Date.' }),
    date: t.field({ type: 'Date', description: 'Today in APP_TIMEZONE.', resolve: (mine) => mine.day }),
    today: t.field({ type: [TodayPointsRef], description: "Today's points per type, with caps.", resolve: (mine) => mine.today }),
    season: t.field({ type: SeasonRef, description: 'The current season of the `points` board, or the one asked for.', resolve: (mine) => mine.season }),
    board: t.string({ description: 'The leaderboard of `score` and `rank`.', resolve: (mine) => mine.board }),
    period: t.id({ description: 'The period of `score` and `rank` on `board`.', resolve: (mine) => mine.periodId }),
    score: t.field({ type: 'SafeInt', description: 'Score on `board` in `period` (0 when not on it). An integer within ±(2^53 − 1).', resolve: (mine) => mine.score }),
    seasonTotal: t.int({
      description: 'Total in `season` on the `points` board; with another `board`, the score there.',
      deprecationReason: 'Use `score`.',
      resolve: (mine) => mine.score,
    }),
    rank: t.exposeInt('rank', { nullable: true, description: 'Rank on `board` in `period`; null when not on it.' }),
    percentile: t.float({ nullable: true, description: 'Share of the board at or above `rank`, in percent.', resolve: (mine) => mine.percentile }),
    signInStreak: t.exposeInt('signInStreak', { description: 'Current sign-in streak in days; 0 once a day was missed.' }),
    signedInToday: t.exposeBoolean('signedInToday', { description: 'True once the viewer signed in today.' }),
    stale: t.exposeBoolean('stale', { description: 'True when the rank was computed from PostgreSQL because Redis was unreachable or its board was being rebuilt.' }),
  }),
});

builder.queryField('myPoints', (t) =>
  t.withAuth({ user: true }).field({
    type: MyPointsRef,
    description: "The caller's points today per type with caps, season total and rank, and sign-in streak.",
    args: {
      season: t.arg.id({
        required: false,
        description: 'The season of `seasonTotal` and `rank` (`YYYY-MM`) on the `points` board, e.g. an archived one; the current season when absent.',
      }),
      board: t.arg.string({ required: false, defaultValue: 'points', description: boardArgDescription }),
      period: t.arg.id({ required: false, description: periodArgDescription }),
    },
    resolve: async (_root, args, ctx) => {
      const mine = await myPoints(ctx.deps, { userId: ctx.viewer.id, board: args });
      cacheMyPoints(ctx, mine, ctx.deps.config.timeZone);
      return mine;
    },
  }),
);

builder.mutationFields((t) => ({
  dailySignIn: t.withAuth({ user: true }).field({
    type: SignInResultRef,
    description: 'Signs in for today: 1 point, +10 on streak day 7, +20 on day 14, +40 on day 28. Once a day (ALREADY_SIGNED_IN).',
    resolve: (_root, _args, ctx) => dailySignIn(ctx.deps, { userId: ctx.viewer.id }),
  }),
  awardPoints: t.withAuth({ admin: true }).field({
    type: PointsAwardRef,
    description: '(admin) Adds or removes points (no cap). Re-sending the same idempotencyKey changes nothing.',
    args: {
      userId: t.arg.id({ required: true, description: 'The user (a User id).' }),
      points: t.arg.int({ required: true, description: `A non-zero integer within ±${MAX_ADJUSTMENT}.` }),
      reason: t.arg.string({ required: true, description: 'Why, for the record.', validate: z.string().trim().min(1, 'reason must not be empty.').max(500) }),
      idempotencyKey: t.arg.string({ required: true, description: 'Up to 128 printable ASCII characters, no spaces.' }),
    },
    resolve: (_root, args, ctx) =>
      adjustPoints(ctx.deps, {
        userId: decodeId('User', String(args.userId)),
        points: args.points,
        reason: args.reason,
        idempotencyKey: args.idempotencyKey,
        adminId: ctx.viewer.id,
      }),
  }),
  voidUserPoints: t.withAuth({ admin: true }).field({
    type: VoidResultRef,
    description:
      "(admin) Removes a user's points of one season from every board of that season: correction records bring the season total to 0. INVALID_STATE once the season is archived.",
    args: {
      userId: t.arg.id({ required: true, description: 'The user (a User id).' }),
      season: t.arg.id({ required: true, description: 'The season: its `periodId` (`YYYY-MM`) or its global `id`.' }),
      reason: t.arg.string({ required: true, description: 'Why, for the record.', validate: z.string().trim().min(1, 'reason must not be empty.').max(480) }),
    },
    resolve: (_root, args, ctx) =>
      voidUserPoints(ctx.deps, {
        userId: decodeId('User', String(args.userId)),
        seasonId: seasonIdArg(args.season) ?? '',
        reason: args.reason,
        adminId: ctx.viewer.id,
      }),
  }),
}));
