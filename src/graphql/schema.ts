import { builder } from './builder.js';
import '../modules/users/users.schema.js';
// TEMPORARY: the activities branch defines the real Activity type; drop this import with the stub at merge.
import '../modules/hot/activity-type.stub.js';
import '../modules/hot/hot.schema.js';

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

/** The executable schema: every module registers its types on import. */
export const schema = builder.toSchema({ sortSchema: true });
