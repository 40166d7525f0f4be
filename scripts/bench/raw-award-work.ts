/**
 * The award's essential work, shared by the raw loop (raw-award-process.ts)
 * and the bare yoga award server (bare-award-server.ts), so both do exactly
 * the same thing: one INSERT of the record with its idempotency key through
 * `pg`, and one Lua ZINCRBY to the board.
 */
export const RAW_AWARD_SQL = `INSERT INTO points_records (user_id, type, requested, points, idempotency_key, season_id, day, occurred_at)
  VALUES ($1, 'ADMIN_ADJUST', 1, 1, $2, to_char(now(), 'YYYY-MM'), current_date, now())`;

export const RAW_AWARD_LUA = "return redis.call('ZINCRBY', KEYS[1], ARGV[1], ARGV[2])";
