import type { ActivityStatus } from '../../generated/prisma/client.js';
import type { Config } from '../../config.js';
import { computeHeat, interactionPoints, type HeatAlgorithm, type HeatWeights, type HotRankable } from './heat-formula.js';

/** Statuses shown on the hot boards (docs/product.md, "Hot ranking"). Drafts are unpublished; ended and cancelled ones have left. */
export const VISIBLE_STATUSES: readonly ActivityStatus[] = ['UPCOMING', 'SIGNUP_OPEN', 'FULL', 'SIGNUP_CLOSED', 'ONGOING'];

/** Whether an activity in this status belongs on the hot boards. */
export function isVisibleStatus(status: ActivityStatus): boolean {
  return VISIBLE_STATUSES.includes(status);
}

/** The columns heat is computed from; every reader of PostgreSQL selects exactly these. */
export const HEAT_ROW_SELECT = {
  id: true,
  category: true,
  status: true,
  publishedAt: true,
  createdAt: true,
  participantCount: true,
  favoriteCount: true,
  viewCount: true,
  checkInCount: true,
} as const;

/** An activity row as selected by {@link HEAT_ROW_SELECT}. */
export interface HeatRow {
  id: number;
  category: string;
  status: ActivityStatus;
  publishedAt: Date | null;
  createdAt: Date;
  participantCount: number;
  favoriteCount: number;
  viewCount: number;
  checkInCount: number;
}

/** An activity ranked on a board: the tie-break keys of compareHotEntries plus its category. */
export interface HotEntry extends HotRankable {
  category: string;
}

/** The tunable part of the ranking (`hotSettings`): stored in PostgreSQL, HOT_* values by default. */
export interface HotSettingsValues {
  algorithm: HeatAlgorithm;
  /** Hacker News gravity: the exponent of (ageHours + 2). */
  gravity: number;
  /** Only activities published in the last N days rank; null = no window. */
  windowDays: number | null;
  weights: HeatWeights;
}

/** What a heat computation needs besides the row: the settings, at `now`. */
export interface HeatSettings extends HotSettingsValues {
  now: Date;
}

/** The HOT_* environment values: the settings until an admin changes them. */
export function defaultHotSettings(config: Config): HotSettingsValues {
  return { algorithm: config.hot.algorithm, gravity: config.hot.gravity, windowDays: config.hot.windowDays, weights: config.hot.weights };
}

/** The configured (environment) settings at `now`. */
export function heatSettings(config: Config, now: Date): HeatSettings {
  return { ...defaultHotSettings(config), now };
}

const MS_PER_DAY = 86_400_000;

/** Whether an activity published at `publishedAt` is inside the settings' age window (always, without one). */
export function insideWindow(publishedAt: Date, settings: HeatSettings): boolean {
  return settings.windowDays === null || publishedAt.getTime() >= settings.now.getTime() - settings.windowDays * MS_PER_DAY;
}

/**
 * A visible activity always has `publishedAt`; should one lack it (data from
 * before publishing recorded it), its creation time stands in, so it still ranks.
 */
export function publicationTime(row: Pick<HeatRow, 'publishedAt' | 'createdAt'>): Date {
  return row.publishedAt ?? row.createdAt;
}

/** The behaviour counts of a row, as the heat formula names them. */
export function countsOf(row: Pick<HeatRow, 'participantCount' | 'favoriteCount' | 'viewCount' | 'checkInCount'>) {
  return { joins: row.participantCount, favorites: row.favoriteCount, views: row.viewCount, checkIns: row.checkInCount };
}

/** Scores one activity row with the configured formula. */
export function toHotEntry(row: HeatRow, settings: HeatSettings): HotEntry {
  const counts = countsOf(row);
  const publishedAt = publicationTime(row);
  return {
    id: row.id,
    category: row.category,
    publishedAt,
    interactionPoints: interactionPoints(counts, settings.weights),
    score: computeHeat(settings.algorithm, counts, settings.weights, publishedAt, settings.now, settings.gravity),
  };
}
