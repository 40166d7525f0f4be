import type { LeaderboardState, Prisma, Role } from '../../generated/prisma/client.js';
import { badInput, forbidden, invalidState, notFound } from '../../lib/app-error.js';
import type { Deps } from '../../lib/app-deps.js';
import { periodBounds } from '../../lib/periods.js';
import { periodRef, POINTS_BOARD, type BoardDefinition } from './board-definition.js';
import { forgetBoard, getBoard, periodIdOf } from './board-periods.service.js';
import { checkBoardKey, normalizeDefinition, normalizeDescription, normalizeTitle, type CreateDefinitionInput } from './definition-input.js';

/** Who is acting on a definition; services take this rather than the GraphQL context, so jobs and tests call them too. */
export interface BoardActor {
  id: number;
  role: Role;
}

type DefinitionDeps = Pick<Deps, 'db' | 'boardCache' | 'now' | 'config'>;

/** The PostgreSQL error behind a Prisma error (driver adapter), if any. */
function pgCause(error: unknown): { originalCode?: string; constraint?: { index?: string } } | undefined {
  return (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; constraint?: { index?: string } } } } })?.meta
    ?.driverAdapterError?.cause;
}

/** True for a unique violation, as Prisma reports it (P2002) or as the driver adapter passes it on (23505). */
export function isUniqueViolation(error: unknown, index?: string): boolean {
  const cause = pgCause(error);
  if (cause?.originalCode === '23505') return index === undefined || cause.constraint?.index === index;
  return (error as { code?: unknown })?.code === 'P2002';
}

const activityNotFound = () => notFound('This activity does not exist.');

/**
 * Whether `actor` may create, edit or archive `board`: admins any board;
 * an organizer the ACTIVITY boards of their own activities.
 */
async function canManageBoard(db: Deps['db'], board: Pick<BoardDefinition, 'scope' | 'activityId'>, actor: BoardActor): Promise<boolean> {
  if (actor.role === 'ADMIN') return true;
  if (board.scope !== 'ACTIVITY' || board.activityId === null) return false;
  const activity = await db.activity.findUnique({ where: { id: board.activityId }, select: { organizerId: true } });
  return activity?.organizerId === actor.id;
}

/**
 * Creates a leaderboard definition.
 * - FORBIDDEN: a non-admin creating anything but an ACTIVITY board, or one
 *   for an activity they do not organize (someone else's draft is NOT_FOUND,
 *   as everywhere else in the activities domain);
 * - BAD_USER_INPUT: see {@link normalizeDefinition}; a key in use;
 * - NOT_FOUND: an unknown activity;
 * - INVALID_STATE: an activity that has ENDED or was CANCELLED (its boards are frozen).
 *
 * An ACTIVITY board is inserted while holding a share lock on its activity
 * row, so it cannot slip in after the activity ended and its boards were
 * archived (ending the activity waits for this insert, and its event then
 * sees the new board).
 */
export async function createDefinition(deps: DefinitionDeps, actor: BoardActor, input: CreateDefinitionInput): Promise<BoardDefinition> {
  // Permission first where the input alone decides it: nobody learns the rules of boards they may not create.
  if (actor.role !== 'ADMIN' && (input.scope ?? 'GLOBAL') !== 'ACTIVITY') {
    throw forbidden('Only an admin can create a GLOBAL or CATEGORY leaderboard; organizers can create ACTIVITY boards for their activities.');
  }
  const definition = normalizeDefinition(input);
  const data = {
    key: definition.key,
    title: definition.title,
    description: definition.description,
    period: definition.period,
    scope: definition.scope,
    category: definition.category,
    activityId: definition.activityId,
    source: definition.source,
    // Empty for "every type": what the award path and reconcile read as all types.
    pointTypes: definition.pointTypes,
    operator: definition.operator,
    order: definition.order,
    bucketBounds: definition.bucketBounds,
    userShards: definition.userShards,
    createdBy: actor.id,
    createdAt: deps.now(),
    updatedAt: deps.now(),
  } satisfies Prisma.LeaderboardUncheckedCreateInput;

  try {
    const board = await deps.db.$transaction(async (tx) => {
      if (definition.activityId !== null) {
        const [activity] = await tx.$queryRaw<Array<{ organizerId: number; status: string }>>`
          SELECT organizer_id AS "organizerId", status::text AS status FROM activities WHERE id = ${definition.activityId} FOR SHARE`;
        if (!activity) throw activityNotFound();
        const organizes = activity.organizerId === actor.id;
        if (actor.role !== 'ADMIN' && !organizes) {
          if (activity.status === 'DRAFT') throw activityNotFound();
          throw forbidden('Only the organizer of this activity or an admin can create a leaderboard for it.');
        }
        if (activity.status === 'ENDED' || activity.status === 'CANCELLED') {
          throw invalidState(`This activity is ${activity.status}: its leaderboards are frozen.`, { status: activity.status });
        }
      }
      return tx.leaderboard.create({ data });
    });
    forgetBoard(deps, board.key);
    return board;
  } catch (error) {
    if (isUniqueViolation(error)) throw badInput(`The leaderboard key "${definition.key}" is taken.`);
    throw error;
  }
}

/** What `updateDefinition` may change: the key, period, scope and source are fixed (period refs and standings depend on them). */
export interface UpdateDefinitionInput {
  key: string;
  title?: string | null;
  description?: string | null;
}

/**
 * Changes a board's title and/or description (admins; organizers for their
 * activity's boards). Archived boards too: their history stays readable.
 * @throws BAD_USER_INPUT / NOT_FOUND for the key (see getBoard), FORBIDDEN, BAD_USER_INPUT for the values.
 */
export async function updateDefinition(deps: DefinitionDeps, actor: BoardActor, input: UpdateDefinitionInput): Promise<BoardDefinition> {
  checkBoardKey(input.key);
  const board = await freshBoard(deps, input.key);
  if (!(await canManageBoard(deps.db, board, actor))) throw forbidden('Only an admin, or the organizer of its activity, can change this leaderboard.');
  const data: Prisma.LeaderboardUpdateInput = {};
  if (input.title !== null && input.title !== undefined) data.title = normalizeTitle(input.title);
  if (input.description !== null && input.description !== undefined) data.description = normalizeDescription(input.description);
  if (Object.keys(data).length === 0) return board;
  const updated = await deps.db.leaderboard.update({ where: { id: board.id }, data: { ...data, updatedAt: deps.now() } });
  forgetBoard(deps, board.key);
  return updated;
}

/** The board as stored now, bypassing this process's few-seconds cache (writes must not act on a stale state). */
async function freshBoard(deps: DefinitionDeps, key: string): Promise<BoardDefinition> {
  forgetBoard(deps, key);
  return getBoard(deps, key);
}

/** What archiving did: the board as it is now, and the period ref to seal. */
export interface ArchivedBoard {
  board: BoardDefinition;
  /** The period the board froze in (its current period when archived). */
  ref: string;
  /** False when the board was archived already (the call is idempotent). */
  changed: boolean;
}

/**
 * The PostgreSQL half of archiving: state ARCHIVED and archivedAt = now,
 * once (a second call changes nothing and reports the first archive). The
 * caller then seals the period's Redis board (see archive-leaderboard.ts).
 * `actor` null is the system (an activity's end).
 * @throws BAD_USER_INPUT for the built-in `points` board (it is the points season; it never freezes), FORBIDDEN, NOT_FOUND.
 */
export async function markArchived(deps: DefinitionDeps, actor: BoardActor | null, key: string): Promise<ArchivedBoard> {
  checkBoardKey(key);
  if (key === POINTS_BOARD) throw badInput('The built-in points leaderboard cannot be archived.');
  const board = await freshBoard(deps, key);
  if (actor && !(await canManageBoard(deps.db, board, actor))) {
    throw forbidden('Only an admin, or the organizer of its activity, can archive this leaderboard.');
  }
  const now = deps.now();
  // Conditional: of two concurrent archives, one sets archivedAt and the other sees it set.
  const { count } = await deps.db.leaderboard.updateMany({
    where: { id: board.id, state: 'ACTIVE' },
    data: { state: 'ARCHIVED', archivedAt: now, updatedAt: now },
  });
  forgetBoard(deps, key);
  const archived = await deps.db.leaderboard.findUniqueOrThrow({ where: { id: board.id } });
  return { board: archived, ref: periodRef(key, periodIdOf(deps, archived, now)), changed: count > 0 };
}

/**
 * The ACTIVITY boards of an activity that its end must archive: the active
 * ones, and those archived at or after `since` (the event time), so a retried
 * delivery (the Redis seal failed after the archive committed) seals them
 * again, while a board an admin archived earlier is left alone.
 */
export function boardsToFreeze(db: Deps['db'], activityId: number, since: Date): Promise<BoardDefinition[]> {
  return db.leaderboard.findMany({
    where: { scope: 'ACTIVITY', activityId, OR: [{ state: 'ACTIVE' }, { archivedAt: { gte: since } }] },
    orderBy: { id: 'asc' },
  });
}

/** Most definitions one `leaderboards` page returns. */
export const MAX_DEFINITIONS_PAGE = 100;

/** The filter of the `leaderboards` list: by state, or every board. */
export function definitionsWhere(state: LeaderboardState | null | undefined): Prisma.LeaderboardWhereInput {
  return state ? { state } : {};
}

/** The definition of `key`. @throws BAD_USER_INPUT (malformed), NOT_FOUND (unknown). */
export function getDefinition(deps: Pick<Deps, 'db' | 'boardCache'>, key: string): Promise<BoardDefinition> {
  return getBoard(deps, key);
}

/** The id of the period `now` falls in (an archived board stays at the period it froze in). */
export function currentPeriodIdOf(deps: Pick<Deps, 'config' | 'now'>, board: BoardDefinition): string {
  return periodIdOf(deps, board, deps.now());
}

/**
 * When the board next resets: the end of its current period, from the
 * calendar alone (no period row is created for it). Null for ALL_TIME boards,
 * which never reset, and archived ones, which never will again.
 */
export function nextResetOf(deps: Pick<Deps, 'config' | 'now'>, board: BoardDefinition): Date | null {
  if (board.state === 'ARCHIVED' || board.period === 'ALL_TIME') return null;
  return periodBounds(board.period, currentPeriodIdOf(deps, board), deps.config.timeZone).endsAt;
}
