import type { Deps } from '../../lib/app-deps.js';
import type { JobHandler } from '../../infra/queues.js';
import { pruneRuns } from './job-runs.js';

/** Keeps the run history bounded: deletes runs older than `JOB_HISTORY_DAYS`, daily at 03:17 in the app's time zone. */
export const pruneJobRuns: JobHandler<Deps> = {
  queue: 'system',
  name: 'job-runs.prune',
  description: 'Deletes job run history older than JOB_HISTORY_DAYS.',
  schedule: { pattern: '17 3 * * *' },
  options: { attempts: 3 },
  process: async (_job, deps) => ({ deleted: await pruneRuns(deps, deps.config.jobs.historyDays) }),
};

/** The jobs module's own jobs. */
export const jobsModuleJobs: JobHandler<Deps>[] = [pruneJobRuns];
