import type { Deps } from '../../lib/app-deps.js';
import type { JobHandler } from '../../infra/queues.js';
import { adoptUntrackedEvents } from './deliveries.js';

/** Batches one tick claims at most: 50 × 200 deliveries, then the next tick goes on. */
const BATCH_SIZE = 200;
const MAX_ROUNDS = 50;
const PURGE_AFTER_MS = 24 * 3600 * 1000;

/**
 * Safety net and retry loop of the transactional outbox: delivers deliveries
 * that are due (their delivery after commit failed or never ran, or their
 * backoff is over), and forgets events every consumer has had for a day.
 * Every due delivery is claimed at most once per tick: a tick only takes what
 * was due when it started, and a failed attempt is due again only after its backoff.
 */
export const outboxJobs: JobHandler<Deps>[] = [
  {
    queue: 'events',
    name: 'events.drain',
    description: 'Runs the outbox deliveries that are due (retries with backoff) and forgets delivered events after a day.',
    schedule: { every: 5_000 },
    async process(_job, deps) {
      const now = deps.now();
      const adopted = await adoptUntrackedEvents(deps.db, { now, consumers: deps.events.consumers });
      let taken = 0;
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const batch = await deps.events.drain({ batchSize: BATCH_SIZE, now });
        taken += batch;
        if (batch < BATCH_SIZE) break;
      }
      const { count: purged } = await deps.db.outboxEvent.deleteMany({
        where: { processedAt: { lt: new Date(now.getTime() - PURGE_AFTER_MS) } },
      });
      return { adopted, taken, purged };
    },
  },
];
