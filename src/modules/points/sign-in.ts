import { appError, ErrorCode } from '../../lib/app-error.js';
import type { Deps } from '../../lib/app-deps.js';
import { localDay, previousDay } from '../../lib/calendar.js';
import { signInPoints } from './points-rules.js';
import { applyAward, commitAward, DuplicateAwardError, type AwardOutcome } from './points.service.js';

/** A sign-in award and the streak day it was for. */
export interface SignInOutcome extends AwardOutcome {
  streakDay: number;
}

const alreadySignedIn = (day: string) =>
  appError(ErrorCode.ALREADY_SIGNED_IN, `You have already signed in today (${day}).`, { day });

/**
 * DAILY_SIGN_IN: once per local day. The streak row is advanced by a
 * conditional upsert (only when its last day is earlier), which is the
 * once-a-day check and the streak count in one locked step; the award itself
 * is keyed `signin:{userId}:{day}` as a second guard. A second call that day
 * is ALREADY_SIGNED_IN.
 */
export async function dailySignIn(
  deps: Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'pubsub' | 'now' | 'boardCache'>,
  /** `occurredAt` (which decides the local day) defaults to `deps.now()`. */
  input: { userId: number; occurredAt?: Date },
): Promise<SignInOutcome> {
  const occurredAt = input.occurredAt ?? deps.now();
  const timeZone = deps.config.timeZone;
  const day = localDay(occurredAt, timeZone);
  let streakDay = 0;
  const outcome = await commitAward(deps, async (tx) => {
    const [streak] = await tx.$queryRaw<Array<{ streak_day: number }>>`
      INSERT INTO sign_in_streaks AS s (user_id, last_day, streak_day) VALUES (${input.userId}, ${day}::date, 1)
      ON CONFLICT (user_id) DO UPDATE
        SET streak_day = CASE WHEN s.last_day = ${previousDay(day)}::date THEN s.streak_day + 1 ELSE 1 END,
            last_day = excluded.last_day, updated_at = now()
        WHERE s.last_day < excluded.last_day
      RETURNING streak_day`;
    if (!streak) throw alreadySignedIn(day);
    streakDay = streak.streak_day;
    try {
      return await applyAward(tx, timeZone, {
        userId: input.userId,
        type: 'DAILY_SIGN_IN',
        points: signInPoints(streakDay),
        idempotencyKey: `signin:${input.userId}:${day}`,
        occurredAt,
      });
    } catch (error) {
      if (error instanceof DuplicateAwardError) throw alreadySignedIn(day);
      throw error;
    }
  });
  return { ...outcome, streakDay };
}

/**
 * The streak a user has going on `day`, from their streak row (its last day
 * as `YYYY-MM-DD`, or no row): their streak day if they signed in that day or
 * the day before, 0 once a day was missed.
 */
export function streakOn(row: { lastDay: string; streakDay: number } | null, day: string): { streakDay: number; signedInToday: boolean } {
  if (!row || (row.lastDay !== day && row.lastDay !== previousDay(day))) return { streakDay: 0, signedInToday: false };
  return { streakDay: row.streakDay, signedInToday: row.lastDay === day };
}
