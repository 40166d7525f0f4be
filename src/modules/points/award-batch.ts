import type pg from 'pg';
import { queryDirect } from '../../infra/direct-sql.js';
import { Prisma } from '../../infra/prisma.js';

/**
 * Group commit for awards outside a caller's transaction: the awards one
 * process has waiting go to PostgreSQL together, as one `apply_awards` call,
 * one transaction and one commit (docs/benchmarks.md, "Awards: group commit").
 *
 * Natural batching: a batch leaves as soon as one of {@link MAX_IN_FLIGHT}
 * slots is free, with everything queued by then (at most {@link MAX_BATCH}).
 * Under light load every award leaves alone, at once, and waits for nothing;
 * only while the slots are busy do awards queue, and then they share the next
 * statement, its round trip and its commit.
 */

/**
 * Awards per statement. Each is a loop iteration of apply_awards, holding its
 * user's rows until the batch commits; a bound keeps that wait and a lost
 * deadlock's redo short.
 */
const MAX_BATCH = 32;

/**
 * Batches on their way at once, per pool: one being applied while the next
 * is sent or its result read. More make batches smaller (each statement
 * costs the server a write and a result to parse) and hold more of the
 * pool's connections; two A/Bs of 2 against 4 in the award benchmark came
 * out opposite ways, each within noise (docs/benchmarks.md, "Awards: group
 * commit"), so the smaller stays.
 */
const MAX_IN_FLIGHT = 2;

/** One award's row from apply_awards (see the migration 20261201500000_apply_awards). */
export interface BatchRow {
  award_index: number;
  outcome: 'applied' | 'refused' | 'duplicate';
}

interface Waiting<Row> {
  award: object;
  resolve: (row: Row) => void;
  reject: (error: unknown) => void;
}

/** The statement of one batch: a fixed text, so it is prepared once per connection. */
export function applyAwardsSql(awards: object[]): Prisma.Sql {
  return Prisma.sql`SELECT * FROM apply_awards(${JSON.stringify(awards.map((award, i) => ({ ...award, i })))}::jsonb)`;
}

class AwardBatcher<Row extends BatchRow> {
  private readonly queue: Waiting<Row>[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;

  constructor(private readonly pool: pg.Pool) {
    // Leave the pool at least half its connections for everything else.
    this.maxInFlight = Math.max(1, Math.min(MAX_IN_FLIGHT, Math.floor((pool.options.max ?? 10) / 2)));
  }

  submit(award: object): Promise<Row> {
    return new Promise<Row>((resolve, reject) => {
      this.queue.push({ award, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight += 1;
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  /**
   * Sends one batch and hands every award its row. A deadlock rolled the
   * whole batch back: each award gets the error and its `settle` runs it
   * again (batched anew). Any other error came from one award (or the
   * connection): the awards are run again one by one, so each gets what it
   * would have got alone — the failing one its error, the rest their outcomes.
   */
  private async send(batch: Waiting<Row>[]): Promise<void> {
    let rows: Row[];
    try {
      rows = await queryDirect<Row>(this.pool, applyAwardsSql(batch.map((waiting) => waiting.award)), { prepare: true });
    } catch (error) {
      if (batch.length === 1 || (error as { code?: string }).code === '40P01') {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      await Promise.all(batch.map((waiting) => this.send([waiting])));
      return;
    }
    const byIndex = new Map(rows.map((row) => [row.award_index, row]));
    batch.forEach((waiting, index) => {
      const row = byIndex.get(index);
      if (row) waiting.resolve(row);
      else waiting.reject(new Error(`apply_awards returned no row for award ${index}`));
    });
  }
}

const batchers = new WeakMap<pg.Pool, AwardBatcher<BatchRow>>();

/** Applies one award through its pool's batcher: committed (or refused) when this resolves. */
export function submitAward<Row extends BatchRow>(pool: pg.Pool, award: object): Promise<Row> {
  let batcher = batchers.get(pool);
  if (!batcher) {
    batcher = new AwardBatcher(pool);
    batchers.set(pool, batcher);
  }
  return batcher.submit(award) as Promise<Row>;
}
