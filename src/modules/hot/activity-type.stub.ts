import { builder } from '../../graphql/builder.js';

/**
 * TEMPORARY STUB — delete when merging the `activities` branch.
 *
 * The real `Activity` type lives in src/modules/activities/activities.schema.ts
 * on that branch. This minimal node exists only so the hot ranking's fields
 * (`hotActivities`, `Activity.heat`, `heatRank`, `heatBreakdown`) can be built
 * and tested here; hot.schema.ts adds its fields by name and needs nothing
 * from this file.
 */
builder.prismaNode('Activity', {
  id: { field: 'id' },
  fields: (t) => ({
    title: t.exposeString('title'),
    category: t.exposeString('category'),
    // A String here; the real type exposes the ActivityStatus enum, which serialises to the same values.
    status: t.string({ resolve: (activity) => activity.status }),
  }),
});
