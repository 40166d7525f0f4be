import { builder } from '../../graphql/builder.js';
import { changedStates } from '../../graphql/live/changed-states.js';
import { readHotActivities } from './hot-reader.js';
import { HotActivitiesRef, hotCategorySchema, hotFirstSchema, type HotActivitiesResult } from './hot.schema.js';
import { hotBoardScope } from './hot.topics.js';

/** Default size of the list `hotActivitiesChanged` pushes. */
const DEFAULT_LIVE_FIRST = 10;

builder.subscriptionField('hotActivitiesChanged', (t) =>
  t.field({
    type: HotActivitiesRef,
    description:
      'The hot list (all, or one category) each time the order or membership of its top `first` changes; nothing while it does ' +
      'not (a score that moves without changing the order is not sent). Fetch the current list with `hotActivities` first.',
    args: {
      first: t.arg.int({ required: false, description: 'How many of the top to watch and send.', defaultValue: DEFAULT_LIVE_FIRST, validate: hotFirstSchema }),
      category: t.arg.string({ required: false, description: 'A category slug; all categories when absent.', validate: hotCategorySchema }),
    },
    subscribe: (_root, args, ctx) => {
      const first = args.first ?? DEFAULT_LIVE_FIRST;
      const category = args.category ?? null;
      // This is the source of one shared stream per (selection, first, category): the read and the
      // comparison with the last list sent happen once per event for all of its subscribers.
      return changedStates<HotActivitiesResult>(ctx.deps.pubsub.subscribe('hot:changed', hotBoardScope(category)), {
        // skipCache: the change may come from another instance, whose write this instance's cache has not seen.
        read: async () => ({ ...(await readHotActivities(ctx.deps, { category, first, skipCache: true })), date: null, category }),
        key: (list) => list.entries.map((entry) => entry.activityId).join(','),
        logger: ctx.deps.logger,
      });
    },
    resolve: (list) => list,
  }),
);
