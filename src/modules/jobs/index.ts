/** Jobs administration: schedules, pause/resume, manual runs and run history. */
import './jobs.schema.js';

export { createRunRecorder } from './job-runs.js';
export { jobsModuleJobs } from './jobs.jobs.js';
export { syncSchedules } from './job-schedules.js';
