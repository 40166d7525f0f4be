import type {
  BoardOrder,
  LeaderboardPeriod,
  LeaderboardScope,
  LeaderboardSource,
  PointsType,
  ScoreOperator,
} from '../../generated/prisma/client.js';
import { badInput } from '../../lib/app-error.js';
import { isBoardKey, MAX_BOARD_KEY_LENGTH } from './board-definition.js';
import { normalizeBuckets, type BucketsInput } from './bucket-input.js';

/**
 * What an admin or organizer asks for when creating a board, before any
 * defaults: the GraphQL `CreateLeaderboardInput` with the activity id decoded.
 */
export interface CreateDefinitionInput {
  key: string;
  title: string;
  description?: string | null;
  period?: LeaderboardPeriod | null;
  scope?: LeaderboardScope | null;
  category?: string | null;
  activityId?: number | null;
  source: LeaderboardSource;
  pointTypes?: readonly PointsType[] | null;
  operator?: ScoreOperator | null;
  order?: BoardOrder | null;
  /** Bucketed storage for a very large board; one sorted set when absent. */
  buckets?: BucketsInput | null;
}

/** A definition ready to insert: every rule below checked, every default filled in. */
export interface NormalizedDefinition {
  key: string;
  title: string;
  description: string;
  period: LeaderboardPeriod;
  scope: LeaderboardScope;
  category: string | null;
  activityId: number | null;
  source: LeaderboardSource;
  pointTypes: PointsType[];
  operator: ScoreOperator;
  order: BoardOrder;
  /** Bucket bounds in board order (empty: not bucketed) and user shards (null: not bucketed). */
  bucketBounds: bigint[];
  userShards: number | null;
}

export const MAX_TITLE_LENGTH = 100;
export const MAX_DESCRIPTION_LENGTH = 1000;
/** Categories are the activities' slugs (`running`, `board-games`): same shape, same 32-character column. */
const CATEGORY_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_CATEGORY_LENGTH = 32;

/** A trimmed title of 1–100 characters. @throws BAD_USER_INPUT */
export function normalizeTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.length < 1 || trimmed.length > MAX_TITLE_LENGTH) throw badInput(`A leaderboard title has 1–${MAX_TITLE_LENGTH} characters.`);
  return trimmed;
}

/** A trimmed description of at most 1000 characters (empty is fine). @throws BAD_USER_INPUT */
export function normalizeDescription(description: string | null | undefined): string {
  const trimmed = (description ?? '').trim();
  if (trimmed.length > MAX_DESCRIPTION_LENGTH) throw badInput(`A leaderboard description has at most ${MAX_DESCRIPTION_LENGTH} characters.`);
  return trimmed;
}

/** @throws BAD_USER_INPUT naming the slug rule. */
export function checkBoardKey(key: string): string {
  if (!isBoardKey(key)) {
    throw badInput(`"${key.slice(0, 40)}" is not a leaderboard key: lower-case letters, digits and single hyphens, 2–${MAX_BOARD_KEY_LENGTH} characters.`);
  }
  return key;
}

function normalizeCategory(category: string): string {
  const slug = category.trim().toLowerCase();
  if (slug.length > MAX_CATEGORY_LENGTH || !CATEGORY_RE.test(slug)) {
    throw badInput(`"${category.slice(0, 40)}" is not a category: lower-case letters, digits and single hyphens, at most ${MAX_CATEGORY_LENGTH} characters.`);
  }
  return slug;
}

/**
 * Checks a new definition and fills in its defaults. The rules:
 * - scope GLOBAL (default) takes neither `category` nor `activityId`;
 *   CATEGORY needs `category`; ACTIVITY needs `activityId` (its existence is
 *   the service's check);
 * - ACTIVITY boards are ALL_TIME (the default for them, and the only period
 *   allowed): a tournament is already bounded by its activity, and the board
 *   freezes when the activity ends, so a daily or weekly reset inside it
 *   would only split one tournament into several boards;
 * - other scopes must name their period;
 * - `pointTypes` only with source POINTS (null or absent = every type, stored
 *   as an empty list; an empty list given would read as a board nothing
 *   feeds, so it is refused);
 * - POINTS boards add points up: operator SUM (the default) only, order DESC
 *   only (most points first; nothing ranks who earned fewest);
 * - SUBMITTED boards default to operator BEST and order DESC;
 * - `buckets`: see {@link normalizeBuckets}; fixed once created.
 * @throws BAD_USER_INPUT naming the rule broken.
 */
export function normalizeDefinition(input: CreateDefinitionInput): NormalizedDefinition {
  const key = checkBoardKey(input.key);
  const title = normalizeTitle(input.title);
  const description = normalizeDescription(input.description);
  const scope = input.scope ?? 'GLOBAL';

  const category = input.category ?? null;
  const activityId = input.activityId ?? null;
  if (scope === 'CATEGORY' && category === null) throw badInput('A CATEGORY leaderboard needs a category.');
  if (scope !== 'CATEGORY' && category !== null) throw badInput('Only a CATEGORY leaderboard takes a category.');
  if (scope === 'ACTIVITY' && activityId === null) throw badInput('An ACTIVITY leaderboard needs an activityId.');
  if (scope !== 'ACTIVITY' && activityId !== null) throw badInput('Only an ACTIVITY leaderboard takes an activityId.');

  let period = input.period ?? null;
  if (scope === 'ACTIVITY') {
    period ??= 'ALL_TIME';
    if (period !== 'ALL_TIME') throw badInput('An ACTIVITY leaderboard is ALL_TIME: it lasts as long as its activity and freezes when it ends.');
  }
  if (period === null) throw badInput('A leaderboard needs a period: DAILY, WEEKLY, MONTHLY or ALL_TIME.');

  let pointTypes: PointsType[] = [];
  if (input.pointTypes !== null && input.pointTypes !== undefined) {
    if (input.source !== 'POINTS') throw badInput('Only a POINTS leaderboard takes pointTypes.');
    if (input.pointTypes.length === 0) throw badInput('pointTypes lists at least one type; leave it out for every type.');
    pointTypes = [...new Set(input.pointTypes)];
  }

  let operator: ScoreOperator;
  let order: BoardOrder;
  if (input.source === 'POINTS') {
    if (input.operator && input.operator !== 'SUM') throw badInput('A POINTS leaderboard adds points up: its operator is SUM.');
    if (input.order && input.order !== 'DESC') throw badInput('A POINTS leaderboard ranks most points first: its order is DESC.');
    operator = 'SUM';
    order = 'DESC';
  } else {
    operator = input.operator ?? 'BEST';
    order = input.order ?? 'DESC';
  }

  return {
    key,
    title,
    description,
    period,
    scope,
    category: category === null ? null : normalizeCategory(category),
    activityId,
    source: input.source,
    pointTypes,
    operator,
    order,
    ...normalizeBuckets(order, input.buckets),
  };
}
