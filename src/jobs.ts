import type { JobHandler } from './infra/queues.js';
import type { Deps } from './lib/app-deps.js';
import { activityJobs } from './modules/activities/index.js';
import { hotJobs } from './modules/hot/index.js';
import { jobsModuleJobs } from './modules/jobs/index.js';
import { leaderboardJobs } from './modules/leaderboards/index.js';
import { notificationJobs } from './modules/notifications/index.js';
import { outboxJobs } from './modules/outbox/index.js';
import { pointsJobs } from './modules/points/index.js';

/** Every job a worker can run, gathered from the domain modules' `*.jobs.ts`. */
export const jobHandlers: JobHandler<Deps>[] = [
  ...outboxJobs,
  ...jobsModuleJobs,
  ...activityJobs,
  ...hotJobs,
  ...leaderboardJobs,
  ...pointsJobs,
  ...notificationJobs,
];
