import type { BoardPeriod } from '../../generated/prisma/client.js';
import { badInput, notFound } from '../../lib/app-error.js';
import type { Deps } from '../../lib/app-deps.js';
import { localDay } from '../../lib/calendar.js';
import { isPeriodId, PERIOD_ID_FORMATS, periodBounds, periodIdAt } from '../../lib/periods.js';
import { isBoardKey, periodRef, POINTS_BOARD, type BoardDefinition, type BoardTarget } from './board-definition.js';
import { boardKeys } from './board-keys.js';
import { layoutOf } from './board-layout.js';

type PeriodDeps = Pick<Deps, 'db' | 'config' | 'now' | 'redis' | 'keys' | 'logger' | 'boardCache'>;

/** What a process (one `Deps`) remembers of board definitions and periods. */
export interface BoardCache {
  /** Definitions by key, for a few seconds: every read needs one, and they change rarely. */
  readonly definitions: Map<string, { board: BoardDefinition; until: number }>;
  /** Period refs known to exist: rows are never deleted, so one insert per process is enough. */
  readonly ensured: Set<string>;
  /** Each board's current period row, for a few seconds (it cannot change before the period ends but its state). */
  readonly current: Map<string, { period: BoardPeriod; until: number }>;
}

/**
 * Cache lifetimes are elapsed time (performance.now()), not the domain clock.
 * A definition edited on another instance (title, archive) is seen here within
 * this time; the instance that edits it forgets its copy at once.
 */
const DEFINITION_TTL_MS = 5_000;
const CURRENT_PERIOD_TTL_MS = 5_000;

export function createBoardCache(): BoardCache {
  return { definitions: new Map(), ensured: new Set(), current: new Map() };
}

/** Forgets what this process cached of a board (after this process changed it). */
export function forgetBoard(deps: Pick<Deps, 'boardCache'>, key: string): void {
  deps.boardCache.definitions.delete(key);
  deps.boardCache.current.delete(key);
}

/**
 * The definition of board `key`.
 * @throws BAD_USER_INPUT for a malformed key, NOT_FOUND for an unknown one.
 */
export async function getBoard(deps: Pick<Deps, 'db' | 'boardCache'>, key: string): Promise<BoardDefinition> {
  const cached = deps.boardCache.definitions.get(key);
  if (cached && cached.until > performance.now()) return cached.board;
  if (!isBoardKey(key)) throw badInput(`"${key.slice(0, 40)}" is not a leaderboard key: lower-case letters, digits and single hyphens, 2–40 characters.`);
  const board = await deps.db.leaderboard.findUnique({ where: { key } });
  if (!board) throw notFound(`There is no leaderboard "${key}".`);
  deps.boardCache.definitions.set(key, { board, until: performance.now() + DEFINITION_TTL_MS });
  return board;
}

/** The built-in `points` board. */
export function getPointsBoard(deps: Pick<Deps, 'db' | 'boardCache'>): Promise<BoardDefinition> {
  return getBoard(deps, POINTS_BOARD);
}

/** Where a period of `board` starts and ends; an ALL_TIME period starts when the board was created. */
function boundsOf(deps: Pick<Deps, 'config'>, board: BoardDefinition, periodId: string): { startsAt: Date; endsAt: Date | null } {
  const { startsAt, endsAt } = periodBounds(board.period, periodId, deps.config.timeZone);
  return { startsAt: startsAt ?? board.createdAt, endsAt };
}

/**
 * Creates the period's row when it does not exist yet (periods are created on
 * demand, by the first write or read that needs one). Idempotent and safe
 * under concurrency. A new period's empty board is whole, so its ready marker
 * is set; if Redis is down now, leaderboard.sync sets it.
 * @returns the period's ref.
 * @throws RangeError for a malformed period id.
 */
export async function ensurePeriod(deps: PeriodDeps, board: BoardDefinition, periodId: string): Promise<string> {
  const ref = periodRef(board.key, periodId);
  if (deps.boardCache.ensured.has(ref)) return ref;
  const { startsAt, endsAt } = boundsOf(deps, board, periodId);
  const { count } = await deps.db.boardPeriod.createMany({
    data: [{ ref, boardId: board.id, periodId, startsAt, endsAt }],
    skipDuplicates: true,
  });
  if (count > 0) await markNewBoardReady(deps, ref);
  deps.boardCache.ensured.add(ref);
  return ref;
}

/** Sets the ready marker of a period whose row was just created: its empty board is whole. */
export async function markNewBoardReady(deps: Pick<Deps, 'redis' | 'keys' | 'logger' | 'now'>, ref: string): Promise<void> {
  await deps.redis.set(boardKeys(deps.keys, ref).ready, deps.now().toISOString()).catch((error: unknown) => {
    deps.logger.warn({ err: error, ref }, 'board ready marker deferred to leaderboard.sync');
  });
}

/** The id of the period of `board` that `at` falls in; an archived board stays at the period it was archived in. */
export function periodIdOf(deps: Pick<Deps, 'config'>, board: BoardDefinition, at: Date): string {
  return periodIdAt(board.period, board.archivedAt && board.archivedAt < at ? board.archivedAt : at, deps.config.timeZone);
}

/** Where a period's board is read and written: its ref, order, archive partition and bucket layout. */
export function targetOf(deps: Pick<Deps, 'config'>, board: BoardDefinition, period: Pick<BoardPeriod, 'ref' | 'startsAt'>): BoardTarget {
  return { ref: period.ref, order: board.order, archiveMonth: localDay(period.startsAt, deps.config.timeZone).slice(0, 7), layout: layoutOf(board) };
}

/** The current period of `board` (created if this is its first use). */
export async function getCurrentPeriod(deps: PeriodDeps, board: BoardDefinition, now = deps.now()): Promise<BoardPeriod> {
  const periodId = periodIdOf(deps, board, now);
  const ref = periodRef(board.key, periodId);
  const cached = deps.boardCache.current.get(board.key);
  if (cached && cached.period.ref === ref && cached.until > performance.now()) return cached.period;
  await ensurePeriod(deps, board, periodId);
  const period = await deps.db.boardPeriod.findUniqueOrThrow({ where: { ref } });
  deps.boardCache.current.set(board.key, { period, until: performance.now() + CURRENT_PERIOD_TTL_MS });
  return period;
}

/** A resolved board period: the definition, the period row, and its read/write target. */
export interface ResolvedPeriod {
  board: BoardDefinition;
  period: BoardPeriod;
  target: BoardTarget;
}

/**
 * Resolves a `period: ID` argument of `board`: absent means the current
 * period; a malformed id is BAD_USER_INPUT naming the format; a well-formed
 * id of a period that never existed is NOT_FOUND.
 */
export async function resolvePeriod(
  deps: PeriodDeps,
  board: BoardDefinition,
  periodId: string | null | undefined,
  now = deps.now(),
): Promise<ResolvedPeriod> {
  const resolved = (period: BoardPeriod): ResolvedPeriod => ({ board, period, target: targetOf(deps, board, period) });
  if (periodId === null || periodId === undefined || periodId === periodIdOf(deps, board, now)) {
    return resolved(await getCurrentPeriod(deps, board, now));
  }
  if (!isPeriodId(board.period, periodId)) {
    throw badInput(`"${periodId.slice(0, 20)}" is not a period of ${board.key}: its periods are written ${PERIOD_ID_FORMATS[board.period]}.`);
  }
  const period = await deps.db.boardPeriod.findUnique({ where: { ref: periodRef(board.key, periodId) } });
  if (!period) throw notFound(`Leaderboard ${board.key} has no period ${periodId}.`);
  return resolved(period);
}

/** Board `key` and its period `periodId` (the current one when absent), in one call. */
export async function resolveBoardPeriod(deps: PeriodDeps, key: string, periodId?: string | null): Promise<ResolvedPeriod> {
  return resolvePeriod(deps, await getBoard(deps, key), periodId);
}

/** When the period's board resets: its end while it is current; null for ALL_TIME and once closing or archived. */
export function nextResetAt(period: Pick<BoardPeriod, 'state' | 'endsAt'>): Date | null {
  return period.state === 'CURRENT' ? period.endsAt : null;
}
