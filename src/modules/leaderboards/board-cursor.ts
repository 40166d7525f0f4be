import { z } from 'zod';
import { badInput } from '../../lib/app-error.js';
import type { BoardCursor } from './board-source.js';

/**
 * Opaque `after` cursors of a board walk: base64url JSON of the last entry
 * returned (score, seq, user), the walk's snapshot and the period ref, so a
 * cursor of one board or period is refused on another. Decoding is strict: a
 * client controls the text.
 */
const DIGITS = /^\d{1,19}$/;
const cursorSchema = z
  .object({
    r: z.string().max(60),
    s: z.number().refine(Number.isSafeInteger),
    q: z.string().regex(DIGITS),
    u: z.number().int().min(1).max(2_147_483_647),
    n: z.string().regex(DIGITS),
  })
  .strict();

const MAX_CURSOR_LENGTH = 300;

export function encodeBoardCursor(ref: string, cursor: BoardCursor): string {
  return Buffer.from(JSON.stringify({ r: ref, s: cursor.score, q: cursor.seq, u: cursor.userId, n: cursor.snapshot })).toString('base64url');
}

/**
 * @throws BAD_USER_INPUT for anything that is not a cursor of this period's board.
 */
export function decodeBoardCursor(ref: string, text: string): BoardCursor {
  const refuse = () => badInput('after is not a cursor of this leaderboard period; use an endCursor or entry cursor it returned.', { field: 'after' });
  if (text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) throw refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success || result.data.r !== ref) throw refuse();
  return { score: result.data.s, seq: result.data.q, userId: result.data.u, snapshot: result.data.n };
}
