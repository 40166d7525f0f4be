import type { Deps } from '../../lib/app-deps.js';
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
      const { count: purged } = await deps.db.outboxEvent.deleteMany({
        where: { processedAt: { lt: new Date(Date.now() - 24 * 3600 * 1000) } },
      });
      return { taken, purged };
    },
  },
];
