/** Jobs administration: schedules, pause/resume, manual runs, run history, and any queued or running job. */
import './jobs.schema.js';
import './queued-jobs.schema.js';

export { createRunRecorder } from './job-runs.js';
export { jobsModuleJobs } from './jobs.jobs.js';
export { syncSchedules } from './job-schedules.js';
export { createCancellationFlags } from './job-control.js';
export { watchScheduleChanges } from './job-schedules.js';
