import { badInput } from '../../lib/app-error.js';
import type { Deps } from '../../lib/app-deps.js';
import { recordAward, type AwardOutcome } from './points.service.js';

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
    // The user must exist and the season total stay within what a board can hold: checked by the award statement itself.
    boundSeasonTotal: true,
  };
  const outcome = await recordAward(deps, award);
  if (outcome.duplicate && (outcome.userId !== input.userId || outcome.requested !== input.points)) {
    throw badInput('This idempotencyKey was already used for a different award.', { field: 'idempotencyKey' });
  }
  return outcome;
}
