/** Activities: their lifecycle, sign-ups, favorites, views and check-ins. */
import type { ViewerFlags } from './viewer-flags.js';
import './activities.events.js';
import './activities.topics.js';
import './activities.schema.js';
import './activity-mutations.schema.js';
import './user-lists.schema.js';

export { ACTIVITY_CHANGE_EVENTS } from './activities.events.js';
export { activityConsumers } from './activities.consumers.js';
export { activityJobs, replanAllTransitions } from './activities.jobs.js';
export { createActivity } from './activities.service.js';
export { cancelActivity, publishActivity } from './lifecycle.service.js';
export { favoriteActivity } from './engagement.service.js';
export { joinActivity, leaveWaitlist, quitActivity } from './signups.service.js';
export { createViewerFlags, type ViewerFlags } from './viewer-flags.js';

declare module '../../graphql/context.js' {
  interface Loaders {
    /** `viewerHasJoined` / `viewerHasFavorited` of the request's viewer, batched. */
    viewerFlags: ViewerFlags;
  }
}
