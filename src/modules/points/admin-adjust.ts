import { badInput, notFound } from '../../graphql/errors.js';
import type { Deps } from '../../infra/deps.js';
import { MAX_BOARD_POINTS } from '../leaderboards/board-score.js';
import { applyAward, commitAward, findAward, type AwardOutcome } from './points.service.js';

/** Largest amount one admin adjustment may add or remove. */
export const MAX_ADJUSTMENT = 1_000_000;

/**
 * ADMIN_ADJUST: any non-zero integer, no cap. The admin's key is namespaced so
 * it can never collide with the keys of automatic awards. Re-sending a key
 * returns the first outcome; reusing it for a different award is bad input.
 */
export async function adjustPoints(
  deps: Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config'>,
  input: { userId: number; points: number; reason: string; idempotencyKey: string; occurredAt?: Date },
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
  const existing = await findAward(deps.db, key);
  if (!existing) {
    const user = await deps.db.user.findUnique({ where: { id: input.userId }, select: { id: true } });
    if (!user) throw notFound('There is no such user.');
  }
  const occurredAt = input.occurredAt ?? new Date();
  // In a transaction, so a total pushed beyond what the board can hold is rolled back (caps keep other awards far below it).
  const outcome =
    existing ??
    (await commitAward(deps, occurredAt, async (tx) => {
      const applied = await applyAward(tx, deps.config.timeZone, {
        userId: input.userId,
        type: 'ADMIN_ADJUST',
        points: input.points,
        idempotencyKey: key,
        occurredAt,
        reason,
      });
      if (applied.standing && Math.abs(applied.standing.points) > MAX_BOARD_POINTS) {
        throw badInput(`A season total must stay within ±${MAX_BOARD_POINTS} points.`, { field: 'points' });
      }
      return applied;
    }));
  if (outcome.duplicate && (outcome.userId !== input.userId || outcome.requested !== input.points)) {
    throw badInput('This idempotencyKey was already used for a different award.', { field: 'idempotencyKey' });
  }
  return outcome;
}
