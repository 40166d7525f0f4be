import type { Season } from '../../generated/prisma/client.js';
import { badInput, notFound } from '../../lib/app-error.js';
import type { Deps } from '../../lib/app-deps.js';
import { isSeasonId, seasonBounds, seasonIdAt, seasonName } from '../../lib/calendar.js';

type SeasonDeps = Pick<Deps, 'db' | 'config'>;

/** Season ids known to exist, per database client: rows are never deleted, so one insert per process is enough. */
const ensuredSeasons = new WeakMap<object, Set<string>>();

/**
 * The current season's row, per database client, for a few seconds: every
 * board read needs it, and it cannot change while its month lasts (the
 * rollover only touches seasons whose month is over).
 */
const currentSeasons = new WeakMap<object, { season: Season; until: number }>();
const CURRENT_SEASON_TTL_MS = 5_000;

/**
 * Creates the season row when it does not exist yet (seasons are created on
 * demand, by the first award or read that needs one). Idempotent and safe
 * under concurrency.
 * @throws RangeError for a malformed season id.
 */
export async function ensureSeason(deps: SeasonDeps, seasonId: string): Promise<void> {
  let known = ensuredSeasons.get(deps.db);
  if (!known) ensuredSeasons.set(deps.db, (known = new Set()));
  if (known.has(seasonId)) return;
  const { startsAt, endsAt } = seasonBounds(seasonId, deps.config.timeZone);
  await deps.db.season.createMany({
    data: [{ id: seasonId, name: seasonName(seasonId), startsAt, endsAt }],
    skipDuplicates: true,
  });
  known.add(seasonId);
}

/** The id of the season `at` falls in, in APP_TIMEZONE. */
export function seasonIdOf(deps: Pick<Deps, 'config'>, at: Date): string {
  return seasonIdAt(at, deps.config.timeZone);
}

/** The season of `now`, created if this is its first use. */
export async function getCurrentSeason(deps: SeasonDeps, now = new Date()): Promise<Season> {
  const id = seasonIdOf(deps, now);
  const cached = currentSeasons.get(deps.db);
  if (cached && cached.season.id === id && cached.until > Date.now()) return cached.season;
  await ensureSeason(deps, id);
  const season = await deps.db.season.findUniqueOrThrow({ where: { id } });
  currentSeasons.set(deps.db, { season, until: Date.now() + CURRENT_SEASON_TTL_MS });
  return season;
}

/**
 * Resolves a `season: ID` argument: absent means the current season; a
 * malformed id is BAD_USER_INPUT; a well-formed id of a season that never
 * existed is NOT_FOUND.
 */
export async function resolveSeason(deps: SeasonDeps, seasonId: string | null | undefined, now = new Date()): Promise<Season> {
  if (seasonId === null || seasonId === undefined) return getCurrentSeason(deps, now);
  if (!isSeasonId(seasonId)) throw badInput(`"${seasonId.slice(0, 20)}" is not a season id; seasons are written YYYY-MM.`);
  if (seasonId === seasonIdOf(deps, now)) return getCurrentSeason(deps, now);
  const season = await deps.db.season.findUnique({ where: { id: seasonId } });
  if (!season) throw notFound(`There is no season ${seasonId}.`);
  return season;
}

/** Every season, newest first (the current one included, created if needed). */
export async function listSeasons(deps: SeasonDeps, now = new Date()): Promise<Season[]> {
  await ensureSeason(deps, seasonIdOf(deps, now));
  return deps.db.season.findMany({ orderBy: { id: 'desc' } });
}

/** When the season's board resets: its end while it is current; null once it is closing or archived. */
export function nextResetAt(season: Pick<Season, 'state' | 'endsAt'>): Date | null {
  return season.state === 'CURRENT' ? season.endsAt : null;
}
