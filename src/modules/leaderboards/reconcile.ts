import type { BoardOrder } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { DRIFT_KINDS, type DriftKind } from '../../infra/metrics.js';
import { boardMember, parseBoardMember, scoreOfSortScore } from './board-entry.js';
import { boardKeys } from './board-keys.js';
import { layoutOf } from './board-layout.js';
import { bucketCount, bucketKeys, loadBucketedBoard, type BucketLayout } from './bucketed/index.js';
import { removeStrays, repairStandings } from './board-repair.js';
import type { StandingWrite } from './board-script.js';
import { syncPendingStandings } from './board-sync.js';
import { expectedBoard, type TruthRow } from './reconcile-truth.js';

type ReconcileDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'metrics' | 'pubsub' | 'now' | 'config' | 'boardCache'>;

/** A standing as a board holds it or the truth expects it. */
export interface PlacedScore {
  score: number;
  /** BIGINT, as a decimal string. */
  seq: string;
}

/** One difference found and repaired. */
export interface Drift {
  kind: DriftKind;
  /** The member's user; 0 for a member that names none (not `<seq>:<userId>`). */
  userId: number;
  /** What the board held (null: absent) and what the truth says (null: off the board). */
  found: PlacedScore | null;
  expected: PlacedScore | null;
}

/** What one reconcile run of one board period compared and repaired. */
export interface ReconcileReport {
  ref: string;
  skipped?: string;
  /** Members of the expected board. */
  expected: number;
  /** Differences repaired, by kind, and in detail (the first 100). */
  drift: Record<DriftKind, number>;
  repaired: Drift[];
}

/** One member of the board, decoded. */
interface BoardEntry {
  member: string;
  userId: number;
  found: PlacedScore;
}

/** Every member of a board with its sort score, by ZSCAN: complete even while the board changes. */
async function readBoard(deps: ReconcileDeps, board: string): Promise<Array<[string, string]>> {
  const members: Array<[string, string]> = [];
  let cursor = '0';
  do {
    const [next, page] = await deps.redis.zscan(board, cursor, 'COUNT', 5_000);
    // ZSCAN pages are flat: member, score, member, score, …
    for (let index = 0; index + 1 < page.length; index += 2) {
      const member = page[index];
      const score = page[index + 1];
      if (member !== undefined && score !== undefined) members.push([member, score]);
    }
    cursor = next;
  } while (cursor !== '0');
  return members;
}

/** The board's members by user; members that name no user (never written by the script) apart. */
function decodeBoard(order: BoardOrder, raw: Array<[string, string]>): { byUser: Map<number, BoardEntry[]>; foreign: string[] } {
  const byUser = new Map<number, BoardEntry[]>();
  const foreign: string[] = [];
  for (const [member, sortScore] of raw) {
    const parsed = parseBoardMember(member);
    let score: number | null = null;
    try {
      score = scoreOfSortScore(order, sortScore);
    } catch {
      score = null;
    }
    if (!parsed || score === null) {
      foreign.push(member);
      continue;
    }
    const entries = byUser.get(parsed.userId) ?? [];
    entries.push({ member, userId: parsed.userId, found: { score, seq: parsed.seq } });
    byUser.set(parsed.userId, entries);
  }
  return { byUser, foreign };
}

/** What `row` expects on the board, or null for off it. */
function expectedOf(row: TruthRow): PlacedScore | null {
  return row.ranked && row.score !== null ? { score: Number(row.score), seq: String(row.seq ?? 0n) } : null;
}

/**
 * Replaces a bucketed board period with what the truth expects (pending
 * standings as PostgreSQL holds them: the sync pushes newer versions after).
 */
async function rebuildBucketedFromTruth(deps: ReconcileDeps, target: { ref: string; order: BoardOrder }, layout: BucketLayout, rows: readonly TruthRow[]) {
  const standings = rows.flatMap((row) => {
    const expected = expectedOf(row);
    return expected ? [{ userId: row.user_id, version: row.version ?? 0, score: expected.score, seq: expected.seq }] : [];
  });
  await loadBucketedBoard(deps, target, layout, standings);
  await syncPendingStandings(deps, { ref: target.ref, batchSize: 5_000, maxBatches: Infinity });
}

/** The drift of one user, or null when the board is right. */
function driftOf(userId: number, expected: PlacedScore | null, entries: readonly BoardEntry[]): Drift | null {
  const [entry, ...more] = entries;
  const found = entry?.found ?? null;
  if (expected && !entry) return { kind: 'missing', userId, found: null, expected };
  if (!expected && entry) return { kind: 'extra', userId, found, expected: null };
  if (expected && entry && (more.length > 0 || entry.found.score !== expected.score || entry.found.seq !== expected.seq)) {
    return { kind: 'score', userId, found, expected };
  }
  return null;
}

/**
 * Reconciles one CURRENT board period of an ACTIVE board: rebuilds its
 * expected board (reconcile-truth.ts: points records for POINTS boards, the
 * standings for SUBMITTED ones), compares it with the Redis board, and repairs
 * every difference: a member missing, a wrong score or seq, a member that
 * should not be there. Pending standings are pushed first by the board's own
 * sync, and standings still pending after that (a write committed meanwhile)
 * are left to it; repairs are re-checked atomically in Redis (see
 * board-repair.ts), so a live write racing the run is neither overwritten nor
 * counted as drift. Members that name no user cannot come from the write
 * script, so they are removed directly. A bucketed board is compared the
 * same way (its buckets' members together) and, on any drift, rebuilt from
 * the truth: its moves have no per-member repair. Differences are logged, counted in
 * `liveboard_leaderboard_drift_total{kind}`, announced on `leaderboard:changed`
 * and returned.
 */
export async function reconcileBoard(deps: ReconcileDeps, input: { ref: string }): Promise<ReconcileReport> {
  const { ref } = input;
  const report: ReconcileReport = { ref, expected: 0, drift: { missing: 0, score: 0, extra: 0 }, repaired: [] };
  const period = await deps.db.boardPeriod.findUnique({ where: { ref }, include: { board: true } });
  // A closing board is frozen for the rollover, and an archived one has left Redis.
  if (period?.state !== 'CURRENT') return { ...report, skipped: period ? `the period is ${period.state}` : 'no such board period' };
  if (period.board.state !== 'ACTIVE') return { ...report, skipped: 'the board is ARCHIVED' };
  const keys = boardKeys(deps.keys, ref);
  // closePeriodNow seals before it marks the period CLOSING: a sealed board is the rollover's now.
  if ((await deps.redis.exists(keys.sealed)) === 1) return { ...report, skipped: 'the board is sealed for its rollover' };

  await syncPendingStandings(deps, { ref, batchSize: 5_000, maxBatches: Infinity });
  const rows = await expectedBoard(deps, period.board, period);
  const layout = layoutOf(period.board);
  // A bucketed board's members are its buckets' members, in any order (decodeBoard groups them by user).
  const boardSets = layout ? Array.from({ length: bucketCount(layout) }, (_unused, bucket) => bucketKeys(deps.keys, ref, bucket).board) : [keys.board];
  const raw = (await Promise.all(boardSets.map((board) => readBoard(deps, board)))).flat();
  const { byUser, foreign } = decodeBoard(period.board.order, raw);

  const candidates: Array<{ drift: Drift; write: StandingWrite }> = [];
  const judged = new Set<number>();
  for (const row of rows) {
    judged.add(row.user_id);
    if (row.pending) continue;
    const expected = expectedOf(row);
    const drift = driftOf(row.user_id, expected, byUser.get(row.user_id) ?? []);
    if (!drift) continue;
    const write: StandingWrite = {
      userId: row.user_id,
      version: row.version ?? 0,
      score: expected?.score ?? 0,
      seq: expected?.seq ?? '0',
      ranked: expected !== null,
    };
    candidates.push({ drift, write });
  }
  for (const [userId, entries] of byUser) {
    if (judged.has(userId)) continue;
    // Not a user with records or a standing this period: nothing should have put it there.
    candidates.push({
      drift: { kind: 'extra', userId, found: entries[0]?.found ?? null, expected: null },
      write: { userId, version: 0, score: 0, seq: '0', ranked: false },
    });
  }

  const target = { ref, order: period.board.order };
  // Expected members the repairs cannot reach (not the entry the members hash names: written behind the script's back).
  const expectedMember = new Map(rows.flatMap((row) => {
    const expected = expectedOf(row);
    return row.pending ? [] : [[row.user_id, expected ? boardMember(expected.seq, row.user_id) : null] as const];
  }));
  const pending = new Set(rows.filter((row) => row.pending).map((row) => row.user_id));
  const strays = [
    ...foreign.map((member) => ({ member, userId: null })),
    ...[...byUser].flatMap(([userId, entries]) =>
      pending.has(userId) ? [] : entries.filter((entry) => entry.member !== expectedMember.get(userId)).map((entry) => ({ member: entry.member, userId })),
    ),
  ];
  let applied: boolean[];
  let removed: number;
  if (layout) {
    // A bucketed board has no per-member repair script: any drift rebuilds it from the truth (bucket-load.ts).
    const drifted = candidates.length > 0 || strays.length > 0;
    if (drifted) await rebuildBucketedFromTruth(deps, { ref, order: period.board.order }, layout, rows);
    applied = candidates.map(() => drifted);
    removed = drifted ? strays.filter((stray) => stray.userId === null || !candidates.some((candidate) => candidate.drift.userId === stray.userId)).length : 0;
  } else {
    applied = candidates.length > 0 ? await repairStandings(deps.redis, deps.keys, target, candidates.map((candidate) => candidate.write)) : [];
    removed = await removeStrays(deps.redis, deps.keys, target, strays);
  }
  const count = (drift: Drift) => {
    report.drift[drift.kind] += 1;
    if (report.repaired.length < 100) report.repaired.push(drift);
  };
  candidates.forEach(({ drift }, index) => {
    if (applied[index]) count(drift);
  });
  for (let index = 0; index < removed; index += 1) count({ kind: 'extra', userId: 0, found: null, expected: null });
  if (removed > 0) deps.logger.warn({ ref, members: strays.slice(0, 10).map((stray) => stray.member) }, 'board held stray members; removed');
  report.expected = rows.filter((row) => expectedOf(row) !== null).length;

  for (const kind of DRIFT_KINDS) if (report.drift[kind] > 0) deps.metrics.leaderboardDrift.inc({ kind }, report.drift[kind]);
  const total = DRIFT_KINDS.reduce((sum, kind) => sum + report.drift[kind], 0);
  if (total > 0) {
    deps.logger.warn({ ref, drift: report.drift, sample: report.repaired.slice(0, 10) }, 'board drift repaired');
    // Repairs move ranks like writes do; live subscribers re-read the board.
    await deps.pubsub.publish('leaderboard:changed', ref, { ref, userId: null });
  } else deps.logger.info({ ref, expected: report.expected }, 'board matches its truth');
  return report;
}

/** What a reconcile run of every current board period found, in total. */
export interface ReconcileAllReport {
  periods: number;
  drift: Record<DriftKind, number>;
  /** The periods that had drift, with what was repaired. */
  drifted: Array<{ ref: string; drift: Record<DriftKind, number> }>;
}

/**
 * Reconciles every CURRENT period of every ACTIVE board that has not ended
 * (an ended one is the rollover's), one after the other. A failure of one
 * period is logged and does not stop the others; the run then fails, naming
 * them, so the job retries and its history shows it.
 */
export async function reconcileAllBoards(deps: ReconcileDeps): Promise<ReconcileAllReport> {
  const now = deps.now();
  const periods = await deps.db.boardPeriod.findMany({
    where: { state: 'CURRENT', board: { state: 'ACTIVE' }, OR: [{ endsAt: null }, { endsAt: { gt: now } }] },
    select: { ref: true },
    orderBy: { ref: 'asc' },
  });
  const result: ReconcileAllReport = { periods: periods.length, drift: { missing: 0, score: 0, extra: 0 }, drifted: [] };
  const failed: string[] = [];
  for (const { ref } of periods) {
    try {
      const report = await reconcileBoard(deps, { ref });
      const total = DRIFT_KINDS.reduce((sum, kind) => sum + report.drift[kind], 0);
      for (const kind of DRIFT_KINDS) result.drift[kind] += report.drift[kind];
      if (total > 0) result.drifted.push({ ref, drift: report.drift });
    } catch (error) {
      deps.logger.error({ err: error, ref }, 'board reconcile failed');
      failed.push(ref);
    }
  }
  if (failed.length > 0) throw new Error(`Reconcile failed for ${failed.length} of ${periods.length} board periods: ${failed.slice(0, 10).join(', ')}`);
  return result;
}
