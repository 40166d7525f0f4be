import { builder } from '../../graphql/builder.js';
import { decodeId } from '../../graphql/ids.js';
import { type AuthPayload, displayNameSchema, handleSchema, logIn, passwordSchema, signUp, updateProfile } from './users.service.js';

export const RoleEnum = builder.enumType('Role', { values: ['USER', 'ADMIN'] as const });

export const UserRef = builder.prismaNode('User', {
  id: { field: 'id' },
  fields: (t) => ({
    handle: t.exposeString('handle'),
    displayName: t.exposeString('displayName'),
    role: t.expose('role', { type: RoleEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AuthPayloadRef = builder.objectRef<AuthPayload>('AuthPayload').implement({
  description: 'A session: the bearer token to send as `Authorization: Bearer <token>`, and its user.',
  fields: (t) => ({
    token: t.exposeString('token'),
    user: t.field({ type: UserRef, resolve: (payload) => payload.user }),
  }),
});

const SignUpInput = builder.inputType('SignUpInput', {
  fields: (t) => ({
    handle: t.string({ validate: handleSchema, description: '3–32 characters: letters, digits, underscore. Case-insensitive.' }),
    password: t.string({ validate: passwordSchema }),
    displayName: t.string({ validate: displayNameSchema }),
  }),
});

const LogInInput = builder.inputType('LogInInput', {
  fields: (t) => ({
    handle: t.string({ validate: handleSchema }),
    password: t.string({ validate: passwordSchema }),
  }),
});

const UpdateProfileInput = builder.inputType('UpdateProfileInput', {
  fields: (t) => ({ displayName: t.string({ validate: displayNameSchema }) }),
});

builder.queryFields((t) => ({
  viewer: t.prismaField({
    type: 'User',
    nullable: true,
    description: 'The caller, or null without a token.',
    resolve: (query, _root, _args, ctx) =>
      ctx.viewer ? ctx.deps.db.user.findUnique({ ...query, where: { id: ctx.viewer.id } }) : null,
  }),
  users: t.prismaConnection({
    type: 'User',
    cursor: 'id',
    authScopes: { admin: true },
    description: '(admin) Every user, oldest first.',
    resolve: (query, _root, _args, ctx) => ctx.deps.db.user.findMany({ ...query, orderBy: { id: 'asc' } }),
  }, { name: 'UserConnection', description: 'A page of users.' }, { name: 'UserEdge', description: 'A user in a page, with its cursor.' }),
}));

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayloadRef,
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    resolve: (_root, { input }, ctx) => signUp(ctx.deps, input),
  }),
  logIn: t.field({
    type: AuthPayloadRef,
    args: { input: t.arg({ type: LogInInput, required: true }) },
    resolve: (_root, { input }, ctx) => logIn(ctx.deps, { ...input, remoteAddress: ctx.remoteAddress }),
  }),
  updateProfile: t.withAuth({ user: true }).prismaField({
    type: 'User',
    args: { input: t.arg({ type: UpdateProfileInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const user = await updateProfile(ctx.deps, { userId: ctx.viewer.id, displayName: input.displayName });
      return ctx.deps.db.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
    },
  }),
}));

builder.subscriptionField('userChanged', (t) =>
  t.prismaField({
    type: 'User',
    description: "A user's public profile, each time it changes.",
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, { id }, ctx) => ctx.deps.pubsub.subscribe('user:changed', decodeId('User', String(id))),
    resolve: (query, payload, _args, ctx) =>
      ctx.deps.db.user.findUniqueOrThrow({ ...query, where: { id: (payload).userId } }),
  }),
);
