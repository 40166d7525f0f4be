import { z } from 'zod';
import type { Deps } from '../../lib/app-deps.js';
import { badInput } from '../../lib/app-error.js';
import { HEAT_ALGORITHMS, type HeatAlgorithm } from './heat-formula.js';
import { defaultHotSettings, type HotSettingsValues } from './hot-scoring.js';

type SettingsDeps = Pick<Deps, 'db' | 'config' | 'hotCache' | 'logger'>;

/** The settings as `hotSettings` shows them: the values and who changed them last (null while the defaults apply). */
export interface HotSettingsRecord extends HotSettingsValues {
  updatedAt: Date | null;
  updatedBy: number | null;
}

interface SettingsRow {
  algorithm: string;
  gravity: number;
  windowDays: number | null;
  weightJoin: number;
  weightFavorite: number;
  weightView: number;
  weightCheckIn: number;
}

function fromRow(row: SettingsRow): HotSettingsValues {
  return {
    algorithm: row.algorithm as HeatAlgorithm,
    gravity: row.gravity,
    windowDays: row.windowDays,
    weights: { join: row.weightJoin, favorite: row.weightFavorite, view: row.weightView, checkIn: row.weightCheckIn },
  };
}

function toRow(values: HotSettingsValues): SettingsRow {
  return {
    algorithm: values.algorithm,
    gravity: values.gravity,
    windowDays: values.windowDays,
    weightJoin: values.weights.join,
    weightFavorite: values.weights.favorite,
    weightView: values.weights.view,
    weightCheckIn: values.weights.checkIn,
  };
}

/** The stored settings (the HOT_* defaults when no admin has changed them), read from PostgreSQL. */
export async function readHotSettings(deps: Pick<Deps, 'db' | 'config' | 'hotCache'>): Promise<HotSettingsRecord> {
  const row = await deps.db.hotSettings.findUnique({ where: { id: 1 } });
  const values = row ? fromRow(row) : defaultHotSettings(deps.config);
  deps.hotCache.settings.set(values);
  return { ...values, updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedBy ?? null };
}

/**
 * The settings to score with. `fresh` (recompute, snapshots) always reads
 * PostgreSQL, so a change applies to the next run; otherwise (reads,
 * incremental updates) the copy
 * read within HOT_CACHE_TTL_MS serves, and when PostgreSQL cannot be read the
 * last known settings (or the defaults) do.
 */
export async function currentHotSettings(deps: SettingsDeps, options: { fresh?: boolean } = {}): Promise<HotSettingsValues> {
  const cached = options.fresh ? undefined : deps.hotCache.settings.fresh();
  if (cached) return cached;
  if (options.fresh) return readHotSettings(deps);
  try {
    return await readHotSettings(deps);
  } catch (error) {
    deps.logger.warn({ err: error }, 'hot settings unreadable in PostgreSQL; using the last known ones');
    return deps.hotCache.settings.last() ?? defaultHotSettings(deps.config);
  }
}

const weight = z.number().finite().min(-1000, 'must be -1000 to 1000').max(1000, 'must be -1000 to 1000');

/** The ranges `updateHotSettings` accepts. */
export const hotSettingsInputSchema = z.object({
  gravity: z.number().finite().min(0, 'must be 0 to 5').max(5, 'must be 0 to 5'),
  windowDays: z.number().int('must be a whole number').min(0, 'must be 0 to 3650').max(3650, 'must be 0 to 3650').nullable(),
  weights: z.object({ join: weight, favorite: weight, view: weight, checkIn: weight }),
  algorithm: z.enum(HEAT_ALGORITHMS).nullish(),
});

/** Input of {@link updateHotSettings}; `algorithm` omitted keeps the current one, `windowDays` 0 or null = no window. */
export type HotSettingsInput = z.input<typeof hotSettingsInputSchema>;

/**
 * Stores new hot settings and records the change (who, when, what) in one
 * transaction. They apply to the next full recompute and to every
 * incremental update from now on; boards are not rewritten here.
 * @throws AppError BAD_USER_INPUT when a value is out of range.
 */
export async function updateHotSettings(
  deps: SettingsDeps & Pick<Deps, 'now'>,
  input: { settings: HotSettingsInput; adminId: number },
): Promise<HotSettingsRecord> {
  const parsed = hotSettingsInputSchema.safeParse(input.settings);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    if (!issue) throw new Error('Zod rejected the hot settings without reporting an issue.');
    throw badInput(`${issue.path.join('.')} ${issue.message}`, { field: issue.path.join('.') });
  }
  const { gravity, windowDays, weights, algorithm } = parsed.data;
  const at = deps.now();
  const stored = await deps.db.$transaction(async (tx) => {
    const current = await tx.hotSettings.findUnique({ where: { id: 1 } });
    const values: HotSettingsValues = {
      algorithm: algorithm ?? (current ? (current.algorithm as HeatAlgorithm) : deps.config.hot.algorithm),
      gravity,
      windowDays: windowDays === 0 ? null : windowDays,
      weights,
    };
    const row = toRow(values);
    await tx.hotSettings.upsert({
      where: { id: 1 },
      create: { id: 1, ...row, updatedBy: input.adminId, updatedAt: at },
      update: { ...row, updatedBy: input.adminId, updatedAt: at },
    });
    await tx.hotSettingsChange.create({ data: { ...row, changedBy: input.adminId, changedAt: at } });
    return values;
  });
  deps.hotCache.settings.set(stored);
  return { ...stored, updatedAt: at, updatedBy: input.adminId };
}

/** One recorded change of the settings, newest first. */
export async function hotSettingsHistory(deps: Pick<Deps, 'db'>, first: number) {
  const rows = await deps.db.hotSettingsChange.findMany({ orderBy: { id: 'desc' }, take: first });
  return rows.map((row) => ({ ...fromRow(row), changedAt: row.changedAt, changedBy: row.changedBy }));
}
