/**
 * Live topics of the jobs module. `jobs:scheduleChanged` is published after
 * an admin changed a periodic job's schedule; every worker instance re-reads
 * that job's row from PostgreSQL and re-applies it to its scheduler.
 */
declare module '../../infra/pubsub.js' {
  interface TopicMap {
    'jobs:scheduleChanged': { name: string };
  }
}

/** The one scope of `jobs:scheduleChanged`: every instance cares about every job. */
export const SCHEDULES_SCOPE = 'all';
