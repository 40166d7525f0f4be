import type { Deps } from '../../lib/app-deps.js';
import { DRIFT_KINDS, type DriftKind } from '../../infra/metrics.js';
import { repairStandings } from './board-repair.js';
import { decodeBoardScore, encodeBoardScore } from './board-score.js';
import type { StandingWrite } from './board-script.js';
import { boardKeys } from './board-store.js';
import { syncPendingStandings } from './board-sync.js';

type ReconcileDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'metrics' | 'pubsub' | 'now'>;

/** One difference found and repaired. */
export interface Drift {
  kind: DriftKind;
  userId: number;
  /** What the board held (null: absent) and what the points records say (null: off the board). */
  found: { points: number; seq: number } | null;
  expected: { points: number; seq: number } | null;
}

/** What one reconcile run compared and repaired. */
export interface ReconcileReport {
  seasonId: string;
  skipped?: string;
  /** Members of the expected board. */
  expected: number;
  /** Differences repaired, by kind, and in detail (the first 100). */
  drift: Record<DriftKind, number>;
  repaired: Drift[];
}

interface ExpectedRow {
  user_id: number;
  points: number | null;
  seq: bigint | null;
  version: number | null;
  pending: boolean;
}

/** A board score as standing, or null for a value no standing encodes to (it is wrong either way). */
function tryDecode(raw: string): { points: number; seq: number } | null {
  try {
    return decodeBoardScore(raw);
  } catch {
    return null;
  }
}

/** Every member of a board with its raw score, by SCAN: complete even while the board changes. */
async function readBoard(deps: ReconcileDeps, board: string): Promise<Map<string, string>> {
  const members = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, page] = await deps.redis.zscan(board, cursor, 'COUNT', 5_000);
    // ZSCAN pages are flat: member, score, member, score, …
    for (let index = 0; index + 1 < page.length; index += 2) {
      const member = page[index];
      const score = page[index + 1];
      if (member !== undefined && score !== undefined) members.set(member, score);
    }
    cursor = next;
  } while (cursor !== '0');
  return members;
}

/**
 * `leaderboard.reconcile`: rebuilds the expected board of a CURRENT season
 * from the PointsRecords (each user's sum, and the seq of their last non-zero
 * award for the tie order), compares it with the Redis board, and repairs
 * every difference: a member missing, a wrong score, a member that should not
 * be there. Pending standings are pushed first by the board's own sync, and
 * standings still pending after that (an award committed meanwhile) are left
 * to it; repairs are re-checked atomically in Redis (see board-repair.ts), so
 * a live award racing the run is neither overwritten nor counted as drift.
 * Differences are logged, counted in `liveboard_leaderboard_drift_total{kind}`
 * and returned.
 */
export async function reconcileBoard(deps: ReconcileDeps, input: { seasonId: string }): Promise<ReconcileReport> {
  const { seasonId } = input;
  const report: ReconcileReport = { seasonId, expected: 0, drift: { missing: 0, score: 0, extra: 0 }, repaired: [] };
  const season = await deps.db.season.findUnique({ where: { id: seasonId }, select: { state: true } });
  // A closing board is frozen for the rollover, and an archived one has left Redis.
  if (season?.state !== 'CURRENT') return { ...report, skipped: season ? `the season is ${season.state}` : 'no such season' };

  await syncPendingStandings(deps, { seasonId, batchSize: 5_000, maxBatches: Infinity });
  const rows = await deps.db.$queryRaw<ExpectedRow[]>`
    WITH totals AS (
      SELECT user_id, sum(points)::int AS points, max(seq) FILTER (WHERE points <> 0) AS seq
      FROM points_records WHERE season_id = ${seasonId} GROUP BY user_id
    ), standings AS (SELECT user_id, version, synced_version FROM season_standings WHERE season_id = ${seasonId})
    SELECT coalesce(t.user_id, s.user_id) AS user_id, t.points, t.seq, s.version,
           coalesce(s.version > s.synced_version, false) AS pending
    FROM totals t FULL JOIN standings s ON s.user_id = t.user_id`;
  const keys = boardKeys(deps.keys, seasonId);
  const board = await readBoard(deps, keys.board);

  const candidates: Array<{ drift: Drift; write: StandingWrite }> = [];
  const judged = new Set<string>();
  for (const row of rows) {
    const member = String(row.user_id);
    judged.add(member);
    if (row.pending) continue;
    const expected = row.points ? { points: row.points, seq: Number(row.seq ?? 0) } : null;
    const raw = board.get(member);
    const found = raw === undefined ? null : tryDecode(raw);
    let kind: DriftKind | null = null;
    if (expected && raw === undefined) kind = 'missing';
    else if (!expected && raw !== undefined) kind = 'extra';
    else if (expected && raw !== undefined && Number(raw) !== encodeBoardScore(expected.points, expected.seq)) kind = 'score';
    if (!kind) continue;
    const write = { userId: member, version: row.version ?? 0, points: expected?.points ?? 0, seq: expected?.seq ?? 0 };
    candidates.push({ drift: { kind, userId: row.user_id, found, expected }, write });
  }
  for (const [member, raw] of board) {
    if (judged.has(member)) continue;
    // Not a user with records or a standing this season: nothing should have put it there.
    candidates.push({
      drift: { kind: 'extra', userId: Number(member), found: tryDecode(raw), expected: null },
      write: { userId: member, version: 0, points: 0, seq: 0 },
    });
  }

  const applied = await repairStandings(deps.redis, keys, candidates.map((candidate) => candidate.write));
  candidates.forEach(({ drift }, index) => {
    if (!applied[index]) return;
    report.drift[drift.kind] += 1;
    if (report.repaired.length < 100) report.repaired.push(drift);
  });
  report.expected = rows.filter((row) => row.points).length;
  for (const kind of DRIFT_KINDS) if (report.drift[kind] > 0) deps.metrics.leaderboardDrift.inc({ kind }, report.drift[kind]);
  const total = DRIFT_KINDS.reduce((sum, kind) => sum + report.drift[kind], 0);
  if (total > 0) {
    deps.logger.warn({ seasonId, drift: report.drift, sample: report.repaired.slice(0, 10) }, 'season board drift repaired');
    // Repairs move ranks like awards do; live subscribers re-read the board.
    await deps.pubsub.publish('leaderboard:changed', seasonId, { seasonId, userId: null });
  } else deps.logger.info({ seasonId, expected: report.expected }, 'season board matches the points records');
  return report;
}
