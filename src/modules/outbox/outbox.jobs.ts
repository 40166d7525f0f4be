import type { Deps } from '../../deps.js';
import type { JobHandler } from '../../infra/queues.js';

/**
 * Safety net for the transactional outbox: delivers events whose immediate
 * dispatch failed or never ran (the process died after commit), and forgets
 * delivered events after a day.
 */
export const outboxJobs: JobHandler<Deps>[] = [
  {
    queue: 'events',
    name: 'events.drain',
    schedule: { every: 5_000 },
    async process(_job, deps) {
      const batchSize = 200;
      let taken = 0;
      // Keep going while batches come back full; a failing event is retried once per tick, never in a tight loop.
      for (let round = 0; round < 50; round += 1) {
        const batch = await deps.events.drain({ batchSize });
        taken += batch;
        if (batch < batchSize) break;
      }
      // Retention is housekeeping on PostgreSQL's clock, like processed_at itself (see event-bus.ts).
      const purged = await deps.db.$executeRaw`DELETE FROM outbox_events WHERE processed_at < now() - interval '1 day'`;
      return { taken, purged };
    },
  },
];
