/** Points: the rules, awards with exact daily caps, sign-in streaks, admin adjustments. */
import './points.schema.js';

export { pointsConsumers } from './points.consumers.js';
export { pointsJobs } from './points.jobs.js';
export { recordAward } from './points.service.js';
