import { z } from 'zod';
import { builder } from '../../graphql/builder.js';
import { decodeId } from '../../graphql/ids.js';
import { loadReferencedUser } from './users.loader.js';
import { UserRef } from './users.schema.js';
import { suspendUser, unsuspendUser, type Suspension } from './suspension.js';

const SuspensionRef = builder.objectRef<Suspension>('UserSuspension').implement({
  description: "A user's suspension: while suspended, every award of points to them is refused (FORBIDDEN).",
  fields: (t) => ({
    user: t.field({ description: 'The user.', type: UserRef, resolve: (s, _args, ctx) => loadReferencedUser(ctx.loaders.users, s.userId) }),
    suspended: t.boolean({ description: 'True while suspended.', resolve: (s) => s.suspendedAt !== null }),
    suspendedAt: t.expose('suspendedAt', { description: 'When the suspension began; null when not suspended.', type: 'DateTime', nullable: true }),
    reason: t.exposeString('reason', { description: 'The admin\'s reason; null when not suspended.', nullable: true }),
  }),
});

builder.mutationFields((t) => ({
  suspendUser: t.withAuth({ admin: true }).field({
    type: SuspensionRef,
    description: '(admin) Suspends a user: every award of points to them is refused with FORBIDDEN until unsuspendUser.',
    args: {
      userId: t.arg.id({ required: true, description: 'The user (a User id).' }),
      reason: t.arg.string({ required: true, description: 'Why, for the record; up to 500 characters.', validate: z.string().trim().min(1, 'reason must not be empty.').max(500) }),
    },
    resolve: (_root, args, ctx) => suspendUser(ctx.deps, { userId: decodeId('User', String(args.userId)), reason: args.reason }),
  }),
  unsuspendUser: t.withAuth({ admin: true }).field({
    type: SuspensionRef,
    description: '(admin) Lifts a suspension; awards refused meanwhile are not replayed.',
    args: { userId: t.arg.id({ required: true, description: 'The user (a User id).' }) },
    resolve: (_root, args, ctx) => unsuspendUser(ctx.deps, { userId: decodeId('User', String(args.userId)) }),
  }),
}));
