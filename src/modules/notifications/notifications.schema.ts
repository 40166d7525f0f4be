import { z } from 'zod';
import { builder, MAX_PAGE_SIZE } from '../../graphql/builder.js';
import { decodeId } from '../../graphql/ids.js';
import { badInput } from '../../lib/app-error.js';
import { markRead, MAX_MARK_IDS, unreadCount } from './notifications.service.js';
import './notifications.topics.js';

const NotificationKindEnum = builder.enumType('NotificationKind', {
  description: 'What a notification is about.',
  values: {
    ACTIVITY_CANCELLED: { description: 'An activity you joined (or waited for) was cancelled; `reason` is the organizer’s.' },
    ACTIVITY_RESCHEDULED: { description: 'An activity you joined got new times.' },
    WAITLIST_PROMOTED: { description: 'You moved from the waitlist to a seat.' },
    ACTIVITY_FULL: { description: 'An activity you organize has no seat left.' },
    SEASON_ENDED: { description: 'A points season ended; `rank` is your final rank.' },
  } as const,
});

builder.prismaNode('Notification', {
  id: { field: 'id' },
  description: "One entry of the viewer's inbox. Only its recipient can see it: anyone else gets null from `node` and NOT_FOUND from mutations.",
  // `node(id:)` resolves only the viewer's own notifications.
  nullable: true,
  findUnique: (id, ctx) => ({ id: /^\d{1,9}$/.test(id) ? Number(id) : -1, userId: ctx.viewer?.id ?? -1 }),
  fields: (t) => ({
    kind: t.expose('kind', { type: NotificationKindEnum, description: 'What it is about.' }),
    title: t.exposeString('title', { description: 'A one-line summary, as it was when written.' }),
    body: t.exposeString('body', { description: 'The message, as it was when written (times in the service’s time zone).' }),
    activity: t.relation('activity', { nullable: true, description: 'The activity it is about; null for season notifications.' }),
    reason: t.exposeString('reason', { nullable: true, description: 'ACTIVITY_CANCELLED: the organizer’s reason, if they gave one.' }),
    rank: t.exposeInt('rank', { nullable: true, description: 'SEASON_ENDED: your final rank in the season.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was written.' }),
    readAt: t.expose('readAt', { type: 'DateTime', nullable: true, description: 'When it was marked read; null while unread.' }),
  }),
});

const pageArgs = z.looseObject({
  first: z.number().int().min(0, 'first cannot be negative.').max(MAX_PAGE_SIZE, `first can be at most ${MAX_PAGE_SIZE}.`).nullish(),
  last: z.number().int().min(0, 'last cannot be negative.').max(MAX_PAGE_SIZE, `last can be at most ${MAX_PAGE_SIZE}.`).nullish(),
});

builder.queryFields((t) => ({
  notifications: t.withAuth({ user: true }).prismaConnection({
    type: 'Notification',
    cursor: 'id',
    description: "The viewer's notifications, newest first; at most 100 per page. Requires a token.",
    args: { unreadOnly: t.arg.boolean({ required: false, defaultValue: false, description: 'Only those not read yet.' }) },
    validate: pageArgs,
    resolve: (query, _root, { unreadOnly }, ctx) =>
      ctx.deps.db.notification.findMany({
        ...query,
        where: { userId: ctx.viewer.id, ...(unreadOnly ? { readAt: null } : {}) },
        orderBy: { id: 'desc' },
      }),
  }, { name: 'NotificationConnection', description: 'A page of notifications.' }, { name: 'NotificationEdge', description: 'A notification in a page, with its cursor.' }),
  unreadNotificationCount: t.withAuth({ user: true }).int({
    description: "How many of the viewer's notifications are unread. Requires a token.",
    resolve: (_root, _args, ctx) => unreadCount(ctx.deps, ctx.viewer.id),
  }),
}));

builder.mutationField('markNotificationsRead', (t) =>
  t.withAuth({ user: true }).int({
    description:
      `Marks the viewer's notifications read: \`ids\` (at most ${MAX_MARK_IDS}) or \`all: true\`; returns how many were unread and are read now. ` +
      'NOT_FOUND, and nothing marked, when an id is not one of the viewer’s notifications.',
    args: {
      ids: t.arg.idList({ required: false, description: `Notification ids, at most ${MAX_MARK_IDS}.` }),
      all: t.arg.boolean({ required: false, description: 'Every unread notification of the viewer.' }),
    },
    resolve: (_root, { ids, all }, ctx) => {
      if (ids && ids.length > MAX_MARK_IDS) throw badInput(`ids can hold at most ${MAX_MARK_IDS} ids.`, { field: 'ids' });
      const decoded = ids ? ids.map((id) => decodeId('Notification', String(id))) : null;
      return markRead(ctx.deps, ctx.viewer.id, { ids: decoded, all: all ?? false });
    },
  }),
);

builder.subscriptionField('notificationAdded', (t) =>
  t.withAuth({ user: true }).prismaField({
    type: 'Notification',
    // Its topic is the viewer's own inbox: never shared between viewers.
    extensions: { viewerDependent: true },
    description:
      "Each new notification of the viewer. Events of a burst are coalesced (at most 4 a second, the newest wins), so re-read `notifications` " +
      'or `unreadNotificationCount` when one arrives rather than counting events. Requires a token.',
    subscribe: (_root, _args, ctx) => ctx.deps.pubsub.subscribe('notification:added', ctx.viewer.id),
    resolve: (query, payload, _args, ctx) =>
      ctx.deps.db.notification.findFirstOrThrow({ ...query, where: { id: payload.notificationId, userId: ctx.viewer.id } }),
  }),
);
