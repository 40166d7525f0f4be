/** Activities: their lifecycle, sign-ups, favorites, views and check-ins. */
import './activities.events.js';
import './activities.topics.js';
import './activities.schema.js';
import './activity-mutations.schema.js';

export { ACTIVITY_CHANGE_EVENTS } from './activities.events.js';
export { activityConsumers } from './activities.consumers.js';
export { activityJobs } from './activities.jobs.js';
export { createActivity } from './activities.service.js';
export { cancelActivity, publishActivity } from './lifecycle.service.js';
export { favoriteActivity } from './engagement.service.js';
export { joinActivity } from './signups.service.js';
