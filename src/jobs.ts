import type { Deps } from './deps.js';
import { outboxJobs } from './modules/outbox/outbox.jobs.js';
import type { JobHandler } from './infra/queues.js';
import { activityJobs } from './modules/activities/activities.jobs.js';
import { hotJobs } from './modules/hot/hot.jobs.js';
import { jobsModuleJobs } from './modules/jobs/jobs.jobs.js';
import { leaderboardJobs } from './modules/leaderboards/leaderboards.jobs.js';
import { pointsJobs } from './modules/points/points.jobs.js';

/** Every job a worker can run, gathered from the domain modules' `*.jobs.ts`. */
export const jobHandlers: JobHandler<Deps>[] = [
  ...outboxJobs,
  ...jobsModuleJobs,
  ...activityJobs,
  ...hotJobs,
  ...leaderboardJobs,
  ...pointsJobs,
];
