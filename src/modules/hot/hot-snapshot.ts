import type { Deps } from '../../lib/app-deps.js';
import { Prisma } from '../../infra/prisma.js';
import { localDay } from '../../lib/calendar.js';
import { HEAT_ALGORITHMS, type HeatAlgorithm } from './heat-formula.js';
import { HOT_CACHE_DEPTH, type HotList } from './hot-cache.js';
import { collectHotBoards } from './hot-recompute.js';
import type { HotEntry } from './hot-scoring.js';
import { currentHotSettings } from './hot-settings.js';

/** Entries kept per board and day: the most `hotActivities(first:)` may ask for. */
export const SNAPSHOT_DEPTH = HOT_CACHE_DEPTH;

/** A `YYYY-MM-DD` day as the Date Prisma stores in a DATE column (UTC midnight). */
function dayValue(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** What one `hot.snapshot` run did; returned as the job's result. */
export interface SnapshotResult {
  day: string;
  /** False when the day already had a snapshot (a retried or repeated run): nothing was written. */
  created: boolean;
  boards: number;
}

/**
 * Takes the day's snapshot of every hot board (global, and each category's)
 * into PostgreSQL: the top {@link SNAPSHOT_DEPTH} computed from PostgreSQL at
 * `deps.now()`, so it does not depend on Redis being healthy.
 *
 * `at` is when the snapshot is due (the `hot.snapshot` job's scheduled time,
 * 00:00 APP_TIMEZONE); its local day names the snapshot. A day is written
 * once, in one transaction: a retry or a second run for the same day changes
 * nothing, so the snapshot stays the one taken closest to midnight.
 */
export async function takeHotSnapshot(
  deps: Pick<Deps, 'db' | 'config' | 'now' | 'hotCache' | 'logger'>,
  input: { at: Date },
): Promise<SnapshotResult> {
  const day = localDay(input.at, deps.config.timeZone);
  const existing = await deps.db.hotSnapshot.findFirst({ where: { day: dayValue(day) }, select: { id: true } });
  if (existing) return { day, created: false, boards: 0 };

  const computedAt = deps.now();
  const settings = await currentHotSettings(deps, { fresh: true });
  const { algorithm } = settings;
  const collected = await collectHotBoards(deps, {
    limit: SNAPSHOT_DEPTH,
    settings: { ...settings, now: computedAt },
    perCategory: true,
  });
  const boards: Array<[string, HotEntry[]]> = [['', collected.global], ...collected.categories];
  try {
    await deps.db.$transaction(async (tx) => {
      for (const [category, entries] of boards) {
        const snapshot = await tx.hotSnapshot.create({
          data: { day: dayValue(day), category, algorithm, computedAt },
          select: { id: true },
        });
        await tx.hotSnapshotEntry.createMany({
          data: entries.map((entry, index) => ({ snapshotId: snapshot.id, rank: index + 1, activityId: entry.id, score: entry.score })),
        });
      }
    });
  } catch (error) {
    // Another worker wrote the day first: its snapshot stands.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return { day, created: false, boards: 0 };
    throw error;
  }
  return { day, created: true, boards: boards.length };
}

/**
 * A day's snapshot of the global board (category null) or a category's board.
 * A day without one (before the service ran, in the future, or a category
 * with no visible activity that day) is an empty list with `computedAt: null`.
 */
export async function readHotSnapshot(
  deps: Pick<Deps, 'db' | 'config'>,
  input: { day: string; category: string | null; first: number },
): Promise<HotList> {
  const snapshot = await deps.db.hotSnapshot.findUnique({
    where: { day_category: { day: dayValue(input.day), category: input.category ?? '' } },
    select: {
      algorithm: true,
      computedAt: true,
      entries: { orderBy: { rank: 'asc' }, take: input.first, select: { rank: true, activityId: true, score: true } },
    },
  });
  if (!snapshot) return { entries: [], computedAt: null, algorithm: deps.config.hot.algorithm, stale: false };
  const algorithm = (HEAT_ALGORITHMS as readonly string[]).includes(snapshot.algorithm)
    ? (snapshot.algorithm as HeatAlgorithm)
    : deps.config.hot.algorithm;
  return {
    entries: snapshot.entries,
    computedAt: snapshot.computedAt,
    algorithm,
    stale: false,
  };
}
