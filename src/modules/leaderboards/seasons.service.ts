import type { Season } from '../../generated/prisma/client.js';
import { badInput, notFound } from '../../lib/app-error.js';
import type { Deps } from '../../lib/app-deps.js';
import { boardReadyKey } from './board-store.js';
import { isSeasonId, seasonBounds, seasonIdAt, seasonName } from '../../lib/calendar.js';

type SeasonDeps = Pick<Deps, 'db' | 'config' | 'now' | 'redis' | 'keys' | 'logger' | 'seasonCache'>;

/** What a process (one `Deps`) remembers of the seasons table. */
export interface SeasonCache {
  /** Season ids known to exist: rows are never deleted, so one insert per process is enough. */
  readonly ensured: Set<string>;
  /**
   * The current season's row, for a few seconds: every board read needs it,
   * and it cannot change while its month lasts (the rollover only touches
   * seasons whose month is over).
   */
  current: { season: Season; until: number } | null;
}

/** Cache lifetime is elapsed time (performance.now()), not the domain clock: which season is current comes from `now`. */
const CURRENT_SEASON_TTL_MS = 5_000;

export function createSeasonCache(): SeasonCache {
  return { ensured: new Set(), current: null };
}

/**
 * Creates the season row when it does not exist yet (seasons are created on
 * demand, by the first award or read that needs one). Idempotent and safe
 * under concurrency.
 * @throws RangeError for a malformed season id.
 */
export async function ensureSeason(deps: SeasonDeps, seasonId: string): Promise<void> {
  const known = deps.seasonCache.ensured;
  if (known.has(seasonId)) return;
  const { startsAt, endsAt } = seasonBounds(seasonId, deps.config.timeZone);
  const { count } = await deps.db.season.createMany({
    data: [{ id: seasonId, name: seasonName(seasonId), startsAt, endsAt }],
    skipDuplicates: true,
  });
  // A new season's empty board is whole. If Redis is down now, leaderboard.sync marks it once it has pushed the standings.
  if (count > 0) {
    await deps.redis.set(boardReadyKey(deps.keys, seasonId), deps.now().toISOString()).catch((error: unknown) => {
      deps.logger.warn({ err: error, seasonId }, 'season board ready marker deferred to leaderboard.sync');
    });
  }
  known.add(seasonId);
}

/** The id of the season `at` falls in, in APP_TIMEZONE. */
export function seasonIdOf(deps: Pick<Deps, 'config'>, at: Date): string {
  return seasonIdAt(at, deps.config.timeZone);
}

/** The season of `now` (default `deps.now()`), created if this is its first use. */
export async function getCurrentSeason(deps: SeasonDeps, now = deps.now()): Promise<Season> {
  const id = seasonIdOf(deps, now);
  const cached = deps.seasonCache.current;
  if (cached && cached.season.id === id && cached.until > performance.now()) return cached.season;
  await ensureSeason(deps, id);
  const season = await deps.db.season.findUniqueOrThrow({ where: { id } });
  deps.seasonCache.current = { season, until: performance.now() + CURRENT_SEASON_TTL_MS };
  return season;
}

/**
 * Resolves a `season: ID` argument: absent means the current season; a
 * malformed id is BAD_USER_INPUT; a well-formed id of a season that never
 * existed is NOT_FOUND.
 */
export async function resolveSeason(deps: SeasonDeps, seasonId: string | null | undefined, now = deps.now()): Promise<Season> {
  if (seasonId === null || seasonId === undefined) return getCurrentSeason(deps, now);
  if (!isSeasonId(seasonId)) throw badInput(`"${seasonId.slice(0, 20)}" is not a season id; seasons are written YYYY-MM.`);
  if (seasonId === seasonIdOf(deps, now)) return getCurrentSeason(deps, now);
  const season = await deps.db.season.findUnique({ where: { id: seasonId } });
  if (!season) throw notFound(`There is no season ${seasonId}.`);
  return season;
}

/** Every season, newest first (the current one included, created if needed). */
export async function listSeasons(deps: SeasonDeps, now = deps.now()): Promise<Season[]> {
  await ensureSeason(deps, seasonIdOf(deps, now));
  return deps.db.season.findMany({ orderBy: { id: 'desc' } });
}

/** When the season's board resets: its end while it is current; null once it is closing or archived. */
export function nextResetAt(season: Pick<Season, 'state' | 'endsAt'>): Date | null {
  return season.state === 'CURRENT' ? season.endsAt : null;
}
