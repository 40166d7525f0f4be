import type { Deps } from './infra/deps.js';
import { outboxJobs } from './infra/outbox.jobs.js';
import type { JobHandler } from './infra/queues.js';
import { leaderboardJobs } from './modules/leaderboards/leaderboards.jobs.js';

/** Every job a worker can run, gathered from the domain modules' `*.jobs.ts`. */
export const jobHandlers: JobHandler<Deps>[] = [...outboxJobs, ...leaderboardJobs];
