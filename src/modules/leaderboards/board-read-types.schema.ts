/**
 * The GraphQL types of board reads (seasons, periods, entries, standings,
 * pages); leaderboards.schema.ts adds the query fields that return them.
 */
import type { BoardPeriod } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { badInput } from '../../lib/app-error.js';
import { loadReferencedUser, UserRef } from '../users/index.js';
import { encodeBoardCursor } from './board-cursor.js';
import { viewKey, type BoardView } from './board-node-ids.js';
import { loadEntry, loadLeaderboard, loadSeason, loadStanding, viewOf, type EntryShape, type LeaderboardShape } from './board-nodes.js';
import { nextResetAt, type ResolvedPeriod } from './board-periods.service.js';
import type { RankedStanding } from './board-source.js';
import { type getLeaderboardAround, type getStandings, percentileOf, type BoardRead } from './leaderboards.service.js';
import { seasonOf, type SeasonShape } from './season-shape.js';

const SeasonStateEnum = builder.enumType('SeasonState', {
  values: {
    CURRENT: { description: 'Its board is live.' },
    CLOSING: { description: 'Over, being archived; its board is still served.' },
    ARCHIVED: { description: 'Archived: served from PostgreSQL.' },
  } as const,
  description: 'CURRENT: its board is live. CLOSING: over, being archived (its board is still served). ARCHIVED: served from PostgreSQL.',
});

export const RankModeEnum = builder.enumType('RankMode', {
  description: 'How equal scores are ranked.',
  values: {
    ORDINAL: { description: 'Unique ranks 1, 2, 3: equal scores in the order they were reached (the default).' },
    COMPETITION: { description: 'Equal scores share a rank and the next rank skips: 1, 1, 3.' },
    DENSE: { description: 'Equal scores share a rank and the next rank follows: 1, 1, 2.' },
  } as const,
});

/** The GraphQL `Season`; other modules' types (e.g. `MyPoints`) embed it. */
export const SeasonRef = builder.objectRef<SeasonShape>('Season');

builder.node(SeasonRef, {
  description:
    'A period of the `points` board: one calendar month in the server time zone (APP_TIMEZONE). ' +
    'Its `id` is a global id; `periodId` is the `YYYY-MM` that `id` was before, and what `season` and `period` arguments take.',
  id: { resolve: (season) => season.id },
  loadOne: (id, ctx) => loadSeason(ctx.deps, id),
  fields: (t) => ({
    periodId: t.exposeString('id', { description: 'The season id, `YYYY-MM`: what `season:` and `period:` arguments take.' }),
    name: t.exposeString('name', { description: 'E.g. `November 2026`.' }),
    startsAt: t.expose('startsAt', { type: 'DateTime', description: 'Local midnight on the 1st.' }),
    endsAt: t.field({
      type: 'DateTime',
      description: 'Exclusive: the start of the next season.',
      // Seasons are monthly periods, which always end; the fallback never applies to them.
      resolve: (season) => season.endsAt ?? season.startsAt,
    }),
    state: t.expose('state', { type: SeasonStateEnum, description: 'Whether the season is live, closing or archived.' }),
    nextResetAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When this board resets (the season ends), while the season is current.',
      resolve: (season) => nextResetAt(season),
    }),
  }),
});

/** The GraphQL `BoardPeriod`: one period of one leaderboard. */
export const BoardPeriodRef = builder.objectRef<{ board: string; period: BoardPeriod }>('BoardPeriod').implement({
  description: 'One period of a leaderboard: a day, an ISO week, a month, or `all` for an all-time board.',
  fields: (t) => ({
    id: t.id({ description: 'The period id: `2026-11-30`, `2026-W49`, `2026-11` or `all`.', resolve: ({ period }) => period.periodId }),
    board: t.string({ description: 'The leaderboard key.', resolve: ({ board }) => board }),
    startsAt: t.field({ type: 'DateTime', description: 'Local midnight of its first day (an all-time board: when it was created).', resolve: ({ period }) => period.startsAt }),
    endsAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Exclusive: the start of the next period; null for an all-time board.',
      resolve: ({ period }) => period.endsAt,
    }),
    state: t.field({ type: SeasonStateEnum, description: 'Whether the period is live, closing or archived.', resolve: ({ period }) => period.state }),
    nextResetAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When this board resets (the period ends), while the period is current; null for all-time boards.',
      resolve: ({ period }) => nextResetAt(period),
    }),
  }),
});

const safeIntDescription = 'An integer within ±(2^53 − 1).';
const pointsDeprecation = 'Use `score`: scores may exceed the 32-bit range of Int.';

/** `points` of a standing: the score when it fits an Int (it always does on the points board). */
function pointsOf(score: number): number {
  if (Math.abs(score) > 2_147_483_647) throw badInput('This score does not fit a 32-bit Int; read `score` instead.', { field: 'points' });
  return score;
}

/**
 * What every standing-like type carries beside the standing: the board's size,
 * for the percentile, and whose standing in which view it is, for its id.
 */
export type StandingShape = Pick<RankedStanding, 'rank' | 'score'> & { total: number | null; view: BoardView; userId: number };

/** The GraphQL `Standing`, also pushed by `myStanding` and `standingChanged`. */
export const StandingRef = builder.objectRef<StandingShape>('Standing');

builder.node(StandingRef, {
  description:
    'A place on a board. Only users on the board have one (a points total of 0 is not on the points board). ' +
    'Its id names the board, period, rank mode and user, so a `myStanding` event updates the `viewer` a query showed.',
  id: { resolve: (standing) => `${viewKey(standing.view)}:${standing.userId}` },
  loadOne: (id, ctx) => loadStanding(ctx, id),
  fields: (t) => ({
    rank: t.exposeInt('rank', { description: 'From 1, in the rank mode asked (ORDINAL by default).' }),
    score: t.field({ type: 'SafeInt', description: `The score. ${safeIntDescription}`, resolve: (standing) => standing.score }),
    points: t.int({ description: 'The score as an Int.', deprecationReason: pointsDeprecation, resolve: (standing) => pointsOf(standing.score) }),
    percentile: t.float({
      nullable: true,
      description: 'The share of the board at or above this rank, in percent: 3 means "top 3%". Null when unknown.',
      resolve: (standing) => (standing.total === null ? null : percentileOf(standing.rank, standing.total)),
    }),
  }),
});

const LeaderboardEntryRef = builder.objectRef<EntryShape>('LeaderboardEntry');

builder.node(LeaderboardEntryRef, {
  description:
    'A place on a board. Order: the best score first, then who reached that score first. Its id names the board, period, ' +
    'rank mode and user (not the page it came in), so every read and `leaderboardChanged` event of that place updates one cached entry.',
  id: { resolve: (entry) => `${viewKey(entry.view)}:${entry.userId}` },
  loadOne: (id, ctx) => loadEntry(ctx, id),
  fields: (t) => ({
    rank: t.exposeInt('rank', { description: 'Rank on the whole board, in the rank mode asked.' }),
    rankInSet: t.int({
      nullable: true,
      description: 'With `userIds`: the rank among those users (same rank mode); null otherwise.',
      resolve: (entry) => entry.rankInSet ?? null,
    }),
    score: t.field({ type: 'SafeInt', description: `The score. ${safeIntDescription}`, resolve: (entry) => entry.score }),
    points: t.int({ description: 'The score as an Int.', deprecationReason: pointsDeprecation, resolve: (entry) => pointsOf(entry.score) }),
    percentile: t.float({
      nullable: true,
      description: 'The share of the board at or above this rank, in percent.',
      resolve: (entry) => percentileOf(entry.rank, entry.total),
    }),
    cursor: t.string({
      nullable: true,
      description:
        'Pass as `after` to read the entries after this one (a walk that never returns a member twice). ' +
        'Null on entries of `leaderboardAround` and of a `userIds` read, which are no page of a walk.',
      resolve: (entry) =>
        entry.snapshot === null ? null : encodeBoardCursor(entry.ref, { score: entry.score, seq: entry.seq, userId: entry.userId, snapshot: entry.snapshot }),
    }),
    user: t.field({ type: UserRef, description: 'Whose place it is.', resolve: (entry, _args, ctx) => loadReferencedUser(ctx.loaders.users, entry.userId) }),
  }),
});

const staleDescription =
  'True when Redis could not be read, or its board was still being rebuilt after Redis lost its data, ' +
  'and the board was computed from PostgreSQL instead: exact as of the last write, but live updates may lag.';

const entriesOf = (read: Pick<BoardRead, 'resolved' | 'entries' | 'snapshot' | 'totalParticipants' | 'rankMode'>): EntryShape[] =>
  read.entries.map((entry) => ({ ...entry, ref: read.resolved.target.ref, snapshot: read.snapshot, total: read.totalParticipants, view: viewOf(read) }));

const PageInfoRef = builder.objectRef<BoardRead>('LeaderboardPageInfo').implement({
  description: 'Where a page ends, for cursor pagination (`after`).',
  fields: (t) => ({
    endCursor: t.string({
      nullable: true,
      description: 'The cursor of the last entry; null on an empty page and on a `userIds` read.',
      resolve: (read) => {
        const last = entriesOf(read).at(-1);
        return last && last.snapshot !== null
          ? encodeBoardCursor(last.ref, { score: last.score, seq: last.seq, userId: last.userId, snapshot: last.snapshot })
          : null;
      },
    }),
    hasNextPage: t.exposeBoolean('hasNextPage', { description: 'True when entries follow this page.' }),
  }),
});

/** The `season` of a read: its period as a Season when the board is monthly. */
const seasonField = (resolved: ResolvedPeriod) => (resolved.board.period === 'MONTHLY' ? seasonOf(resolved.period) : null);

/** The GraphQL `Leaderboard`, also pushed by `leaderboardChanged`. */
export const LeaderboardRef = builder.objectRef<LeaderboardShape>('Leaderboard');

builder.node(LeaderboardRef, {
  description:
    'A page of one period of a leaderboard. Its id names the board, period, rank mode and the window shown (`first` from the top, ' +
    'an offset, a cursor or a set of users): `leaderboard(first: n)` and `leaderboardChanged(first: n)` of one board period are the same object.',
  id: { resolve: (read) => `${viewKey(viewOf(read))}:${read.window}` },
  loadOne: (id, ctx) => loadLeaderboard(ctx, id),
  fields: (t) => ({
    board: t.string({ description: 'The leaderboard key.', resolve: (read) => read.resolved.board.key }),
    period: t.field({
      type: BoardPeriodRef,
      description: 'The period shown.',
      resolve: (read) => ({ board: read.resolved.board.key, period: read.resolved.period }),
    }),
    season: t.field({
      type: SeasonRef,
      nullable: true,
      description: 'The period as a season, on monthly boards.',
      deprecationReason: 'Use `period`; null on boards that are not monthly.',
      resolve: (read) => seasonField(read.resolved),
    }),
    rankMode: t.field({ type: RankModeEnum, description: 'How equal scores are ranked in this page.', resolve: (read) => read.rankMode }),
    entries: t.field({ type: [LeaderboardEntryRef], description: 'The places shown, in board order.', resolve: (read) => entriesOf(read) }),
    pageInfo: t.field({ type: PageInfoRef, description: 'Where this page ends.', resolve: (read) => read }),
    totalParticipants: t.exposeInt('totalParticipants', { description: 'Users on the board in this period.' }),
    viewer: t.field({
      type: StandingRef,
      nullable: true,
      description: 'Null without a token or when the viewer is not on the board.',
      // Live updates execute this per viewer; the check makes a board read for someone else show nothing.
      extensions: { viewerDependent: true },
      resolve: (read, _args, ctx) =>
        read.viewer && read.viewer.userId === ctx.viewer?.id ? { ...read.viewer, total: read.totalParticipants, view: viewOf(read) } : null,
    }),
    stale: t.exposeBoolean('stale', { description: staleDescription }),
  }),
});

type AroundShape = Awaited<ReturnType<typeof getLeaderboardAround>>;

export const LeaderboardAroundRef = builder.objectRef<AroundShape>('LeaderboardAround').implement({
  description: "A user's place on a board period with the places around it.",
  fields: (t) => ({
    board: t.string({ description: 'The leaderboard key.', resolve: (read) => read.resolved.board.key }),
    period: t.field({ type: BoardPeriodRef, description: 'The period read.', resolve: (read) => ({ board: read.resolved.board.key, period: read.resolved.period }) }),
    season: t.field({ type: SeasonRef, nullable: true, description: 'The period as a season, on monthly boards.', deprecationReason: 'Use `period`.', resolve: (read) => seasonField(read.resolved) }),
    entries: t.field({
      type: [LeaderboardEntryRef],
      description: 'The user and up to `radius` entries above and below; empty when the user is not on the board.',
      resolve: (read) =>
        read.entries.map((entry) => ({ ...entry, ref: read.resolved.target.ref, snapshot: null, total: read.totalParticipants, view: viewOf(read) })),
    }),
    totalParticipants: t.exposeInt('totalParticipants', { description: 'Users on the board in this period.' }),
    standing: t.field({
      description: 'The user\'s standing; null when not on the board.',
      type: StandingRef,
      nullable: true,
      resolve: (read) => (read.standing ? { ...read.standing, total: read.totalParticipants, view: viewOf(read) } : null),
    }),
    stale: t.exposeBoolean('stale', { description: staleDescription }),
  }),
});

type StandingsShape = Awaited<ReturnType<typeof getStandings>>;
type UserStandingShape = { userId: number; standing: RankedStanding | null; total: number };

const UserStandingRef = builder.objectRef<UserStandingShape>('UserStanding').implement({
  description: "One user's standing in a `standings` read.",
  fields: (t) => ({
    user: t.field({ type: UserRef, description: 'The user.', resolve: (row, _args, ctx) => loadReferencedUser(ctx.loaders.users, row.userId) }),
    rank: t.int({ nullable: true, description: 'Null when the user is not on the board.', resolve: (row) => row.standing?.rank ?? null }),
    score: t.field({ type: 'SafeInt', description: `0 when not on the board. ${safeIntDescription}`, resolve: (row) => row.standing?.score ?? 0 }),
    points: t.int({ description: 'The score as an Int.', deprecationReason: pointsDeprecation, resolve: (row) => pointsOf(row.standing?.score ?? 0) }),
    percentile: t.float({ nullable: true, description: 'The share of the board at or above the rank, in percent; null when not on it.', resolve: (row) => (row.standing ? percentileOf(row.standing.rank, row.total) : null) }),
  }),
});

export const StandingsRef = builder.objectRef<StandingsShape>('Standings').implement({
  description: 'Standings of a set of users in one board period.',
  fields: (t) => ({
    board: t.string({ description: 'The leaderboard key.', resolve: (read) => read.resolved.board.key }),
    period: t.field({ type: BoardPeriodRef, description: 'The period read.', resolve: (read) => ({ board: read.resolved.board.key, period: read.resolved.period }) }),
    season: t.field({ type: SeasonRef, nullable: true, description: 'The period as a season, on monthly boards.', deprecationReason: 'Use `period`.', resolve: (read) => seasonField(read.resolved) }),
    standings: t.field({
      type: [UserStandingRef],
      description: 'In the order asked; unknown users are left out.',
      resolve: async (read, _args, ctx) => {
        const users = await ctx.loaders.users.loadMany(read.standings.map((row) => row.userId));
        return read.standings
          .filter((_row, index) => users[index] && !(users[index] instanceof Error))
          .map((row) => ({ ...row, total: read.totalParticipants }));
      },
    }),
    stale: t.exposeBoolean('stale', { description: staleDescription }),
  }),
});
