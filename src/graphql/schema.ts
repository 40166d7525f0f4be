import { builder } from './builder.js';
import './node-query.js';
import '../modules/users/index.js';
import '../modules/activities/index.js';
import '../modules/jobs/index.js';
import '../modules/hot/index.js';
import '../modules/leaderboards/index.js';
import '../modules/points/index.js';
import '../modules/outbox/index.js';
import '../modules/notifications/index.js';

builder.queryType({ description: 'What can be read.' });
builder.mutationType({ description: 'What can be changed.' });
builder.subscriptionType({ description: 'What can be watched live (graphql-ws or SSE).' });

/** The executable schema: every module registers its types on import. */
export const schema = builder.toSchema({ sortSchema: true });
