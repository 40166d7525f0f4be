import { builder } from './builder.js';
import '../modules/users/users.schema.js';
import '../modules/activities/activities.schema.js';
import '../modules/activities/activity-mutations.schema.js';
import '../modules/jobs/jobs.schema.js';
import '../modules/hot/hot.schema.js';
import '../modules/leaderboards/leaderboards.schema.js';
import '../modules/leaderboards/rollover.schema.js';
import '../modules/points/points.schema.js';
import '../modules/leaderboards/leaderboard-live.schema.js';
import '../modules/hot/hot-live.schema.js';
import '../modules/outbox/outbox.schema.js';

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

/** The executable schema: every module registers its types on import. */
export const schema = builder.toSchema({ sortSchema: true });
