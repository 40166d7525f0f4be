import type { Deps } from '../../lib/app-deps.js';
import { compareHotEntries } from './heat-formula.js';
import { redisClockMs, replaceBoards, touchedSince } from './hot-board-store.js';
import { publishHotChanges } from './hot-changes.js';
import { refreshActivitiesHeat } from './hot-refresh.js';
import { currentHotSettings } from './hot-settings.js';
import { readHeatPage } from './heat-row-page.js';
import { insideWindow, publicationTime, toHotEntry, type HeatRow, type HeatSettings, type HotEntry } from './hot-scoring.js';
import { TopN } from './top-n-heap.js';

/** Rows per keyset page: big enough to amortise round trips, small enough to bound memory. */
export const DEFAULT_RECOMPUTE_BATCH_SIZE = 500;

/**
 * Writes younger than this (Redis server clock) before a recompute started are
 * applied again after its swap, to cover clock differences between Redis nodes.
 */
const TOUCHED_MARGIN_MS = 5_000;

/**
 * Visible activities in keyset-paginated batches (`WHERE id > $last ORDER BY
 * id LIMIT $batch`, see readHeatPage), so memory holds a batch or two, never
 * the whole table. The next batch is asked for as soon as a batch arrives
 * (its last id is all it needs), so PostgreSQL reads it while the caller
 * scores this one. `onQuery` is told each batch's size, the last one
 * possibly 0.
 */
export async function* scanHeatRows(
  deps: Pick<Deps, 'db'>,
  input: { batchSize: number; category?: string | null; onQuery?: (rows: number) => void },
): AsyncGenerator<HeatRow[]> {
  const read = (afterId: number) => {
    const page = readHeatPage(deps.db, { afterId, batchSize: input.batchSize, category: input.category });
    // Handled here too: it may fail while the caller still scores the batch before, long before it is awaited.
    page.catch(() => undefined);
    return page;
  };
  let next: Promise<HeatRow[]> | null = read(0);
  try {
    while (next) {
      const rows: HeatRow[] = await next;
      next = null;
      input.onQuery?.(rows.length);
      const last = rows.at(-1);
      if (last && rows.length === input.batchSize) next = read(last.id);
      if (rows.length > 0) yield rows;
    }
  } finally {
    // A caller that stopped early (a cancelled job, a failure) returns once the read it started is over.
    await next?.catch(() => undefined);
  }
}

/** The best entries per board after one streaming pass, best first, and what the pass cost. */
export interface CollectedBoards {
  global: HotEntry[];
  /** Per category, only when asked for. */
  categories: Map<string, HotEntry[]>;
  /** SQL queries made and rows seen: what the streaming costs. */
  queries: number;
  scanned: number;
}

/**
 * Streams visible activities (inside the settings' age window) through one bounded top-`limit` heap per board
 * (global, and per category when `perCategory`), holding at most a batch plus
 * `limit` entries per board at any time.
 */
export async function collectHotBoards(
  deps: Pick<Deps, 'db'>,
  input: {
    limit: number;
    settings: HeatSettings;
    perCategory: boolean;
    category?: string | null;
    batchSize?: number;
    /** Called after each batch with the rows seen so far; a throw stops the pass (a cancelled job). */
    afterBatch?: (scanned: number) => Promise<void>;
  },
): Promise<CollectedBoards> {
  const global = new TopN<HotEntry>(input.limit, compareHotEntries);
  const categories = new Map<string, TopN<HotEntry>>();
  let queries = 0;
  let scanned = 0;
  const batches = scanHeatRows(deps, {
    batchSize: input.batchSize ?? DEFAULT_RECOMPUTE_BATCH_SIZE,
    category: input.category,
    onQuery: () => (queries += 1),
  });
  for await (const rows of batches) {
    scanned += rows.length;
    for (const row of rows) {
      // Older than the age window: on no board.
      if (!insideWindow(publicationTime(row), input.settings)) continue;
      const entry = toHotEntry(row, input.settings);
      global.push(entry);
      if (!input.perCategory) continue;
      let board = categories.get(entry.category);
      if (!board) categories.set(entry.category, (board = new TopN<HotEntry>(input.limit, compareHotEntries)));
      board.push(entry);
    }
    await input.afterBatch?.(scanned);
  }
  return {
    global: global.toSortedArray(),
    categories: new Map([...categories].map(([category, board]) => [category, board.toSortedArray()])),
    queries,
    scanned,
  };
}

/** What one `hot.recompute` run did; returned as the job's result. */
export interface RecomputeResult {
  computedAt: Date;
  queries: number;
  scanned: number;
  /** Boards written: the global one plus one per category with a visible activity. */
  boards: number;
  /** Activities written while the recompute ran, applied again after the swap. */
  reapplied: number;
}

/**
 * The `hot.recompute` job: rebuilds every board of the current hot settings'
 * algorithm (gravity, age window and weights: `hotSettings`) from PostgreSQL and swaps them into Redis at once. Under `hackernews` this
 * is what makes scores decay; under `reddit` it repairs writes that failed.
 *
 * A failure anywhere (PostgreSQL, Redis) throws before the swap, so the live
 * boards stay as they were: failed recomputes never empty a board. After the
 * swap, every board it wrote or deleted is announced on `hot:changed`:
 * subscribers compare the part they show, so an unchanged order costs them a
 * read and sends nothing.
 */
export async function recomputeHotBoards(
  deps: Pick<Deps, 'db' | 'redis' | 'keys' | 'config' | 'now' | 'hotCache' | 'pubsub' | 'logger'>,
  input: { batchSize?: number; afterBatch?: (scanned: number) => Promise<void> } = {},
): Promise<RecomputeResult> {
  const startedAt = await redisClockMs(deps);
  const computedAt = deps.now();
  const { boardSize } = deps.config.hot;
  // Read at every run, so settings an admin changed apply from this recompute on.
  const settings = await currentHotSettings(deps, { fresh: true });
  const { algorithm } = settings;
  const collected = await collectHotBoards(deps, {
    limit: boardSize,
    settings: { ...settings, now: computedAt },
    perCategory: true,
    batchSize: input.batchSize,
    afterBatch: input.afterBatch,
  });
  const deleted = await replaceBoards(deps, { algorithm, global: collected.global, categories: collected.categories, computedAt });
  deps.hotCache.invalidate();
  deps.hotCache.boardAlgorithm = algorithm;
  await publishHotChanges(deps, [null, ...collected.categories.keys(), ...deleted], computedAt, algorithm);

  // A join scored while the scan had already passed its activity would be undone by the swap: score those again.
  const touched = await touchedSince(deps, algorithm, startedAt - TOUCHED_MARGIN_MS);
  if (touched.length > 0) await refreshActivitiesHeat(deps, touched);

  return {
    computedAt,
    queries: collected.queries,
    scanned: collected.scanned,
    boards: 1 + collected.categories.size,
    reapplied: touched.length,
  };
}
