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

/** What a heat computation needs besides the row. */
export interface HeatSettings {
  algorithm: HeatAlgorithm;
  weights: HeatWeights;
  now: Date;
}

/** The configured algorithm and weights, at `now`. */
export function heatSettings(config: Config, now: Date): HeatSettings {
  return { algorithm: config.hot.algorithm, weights: config.hot.weights, now };
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
    score: computeHeat(settings.algorithm, counts, settings.weights, publishedAt, settings.now),
  };
}
