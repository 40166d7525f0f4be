import { badInput, notFound } from '../../lib/app-error.js';
import type { Deps } from '../../lib/app-deps.js';
import { MAX_BOARD_SCORE, pointsBoardRef } from '../leaderboards/index.js';
import { seasonIdAt } from '../../lib/calendar.js';
import { findAward, recordAward, type AwardOutcome } from './points.service.js';

/** Largest amount one admin adjustment may add or remove. */
export const MAX_ADJUSTMENT = 1_000_000;

/**
 * ADMIN_ADJUST: any non-zero integer, no cap. The admin's key is namespaced so
 * it can never collide with the keys of automatic awards. Re-sending a key
 * returns the first outcome; reusing it for a different award is bad input.
 */
export async function adjustPoints(
  deps: Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'pubsub' | 'now' | 'boardCache'>,
  /** `occurredAt` defaults to `deps.now()`; `adminId` is stored as the record's `createdBy`. */
  input: { userId: number; points: number; reason: string; idempotencyKey: string; occurredAt?: Date; adminId?: number },
): Promise<AwardOutcome> {
  if (!Number.isSafeInteger(input.points) || input.points === 0 || Math.abs(input.points) > MAX_ADJUSTMENT) {
    throw badInput(`points must be a non-zero integer within ±${MAX_ADJUSTMENT}.`, { field: 'points' });
  }
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > 500) throw badInput('reason must be 1 to 500 characters.', { field: 'reason' });
  if (!/^[\x21-\x7e]{1,128}$/.test(input.idempotencyKey)) {
    throw badInput('idempotencyKey must be 1 to 128 printable ASCII characters without spaces.', { field: 'idempotencyKey' });
  }
  const key = `admin:${input.idempotencyKey}`;
  const occurredAt = input.occurredAt ?? deps.now();
  const award = {
    userId: input.userId,
    type: 'ADMIN_ADJUST' as const,
    points: input.points,
    idempotencyKey: key,
    occurredAt,
    reason,
    createdBy: input.adminId ?? null,
  };
  let outcome = await findAward(deps.db, key);
  if (!outcome) {
    await checkRoom(deps, award);
    outcome = await recordAward(deps, award);
  }
  if (outcome.duplicate && (outcome.userId !== input.userId || outcome.requested !== input.points)) {
    throw badInput('This idempotencyKey was already used for a different award.', { field: 'idempotencyKey' });
  }
  return outcome;
}

/**
 * The user must exist, and the season total must stay within what a board
 * can hold, ±(2^53 − 1) (caps keep every other award far below it). Checked before the
 * award, not under its lock: only two concurrent multi-million adjustments of
 * one user could slip past, and the board would then refuse that total loudly.
 */
async function checkRoom(deps: Pick<Deps, 'db' | 'config'>, award: { userId: number; points: number; occurredAt: Date }): Promise<void> {
  const seasonId = seasonIdAt(award.occurredAt, deps.config.timeZone);
  const [row] = await deps.db.$queryRaw<Array<{ user_exists: boolean; total: bigint | null }>>`
    SELECT EXISTS (SELECT 1 FROM users WHERE id = ${award.userId}) AS user_exists,
           (SELECT score FROM board_standings WHERE period_ref = ${pointsBoardRef(seasonId)} AND user_id = ${award.userId}) AS total`;
  if (!row?.user_exists) throw notFound('There is no such user.');
  if (Math.abs(Number(row.total ?? 0) + award.points) > MAX_BOARD_SCORE) {
    throw badInput(`A season total must stay within ±${MAX_BOARD_SCORE} points.`, { field: 'points' });
  }
}
