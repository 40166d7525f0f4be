import { builder } from '../../graphql/builder.js';
import { decodeId } from '../../graphql/ids.js';
import { type AuthPayload, displayNameSchema, handleSchema, logIn, passwordSchema, signUp, updateProfile } from './users.service.js';

export const RoleEnum = builder.enumType('Role', {
  description: 'What a user may do.',
  values: {
    USER: { description: 'A member: joins, organizes, earns points.' },
    ADMIN: { description: 'An administrator: everything a user may, plus the admin operations marked (admin).' },
  } as const,
});

export const UserRef = builder.prismaNode('User', {
  description: 'A member of liveboard, as others see them.',
  id: { field: 'id' },
  fields: (t) => ({
    handle: t.exposeString('handle', { description: 'The unique handle, 3–32 letters, digits or underscores.' }),
    displayName: t.exposeString('displayName', { description: 'The name shown to others.' }),
    role: t.expose('role', { description: 'USER or ADMIN.', type: RoleEnum }),
    createdAt: t.expose('createdAt', { description: 'When the user signed up.', type: 'DateTime' }),
  }),
});

const AuthPayloadRef = builder.objectRef<AuthPayload>('AuthPayload').implement({
  description: 'A session: the bearer token to send as `Authorization: Bearer <token>`, and its user.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The bearer token: send it as `Authorization: Bearer <token>`.' }),
    user: t.field({ description: 'The signed-in user.', type: UserRef, resolve: (payload) => payload.user }),
  }),
});

const SignUpInput = builder.inputType('SignUpInput', {
  description: 'A new account.',
  fields: (t) => ({
    handle: t.string({ validate: handleSchema, description: '3–32 characters: letters, digits, underscore. Case-insensitive.' }),
    password: t.string({ description: 'The password, 8–128 characters.', validate: passwordSchema }),
    displayName: t.string({ description: 'The name shown to others, 1–64 characters.', validate: displayNameSchema }),
  }),
});

const LogInInput = builder.inputType('LogInInput', {
  description: 'Credentials of an existing account.',
  fields: (t) => ({
    handle: t.string({ description: 'The handle (case-insensitive).', validate: handleSchema }),
    password: t.string({ description: 'The password.', validate: passwordSchema }),
  }),
});

const UpdateProfileInput = builder.inputType('UpdateProfileInput', {
  description: 'New profile values.',
  fields: (t) => ({ displayName: t.string({ description: 'The new name shown to others, 1–64 characters.', validate: displayNameSchema }) }),
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
    description: 'Creates an account and signs it in. BAD_USER_INPUT for a taken handle or invalid input.',
    args: { input: t.arg({ type: SignUpInput, required: true, description: 'The new account.' }) },
    resolve: (_root, { input }, ctx) => signUp(ctx.deps, input),
  }),
  logIn: t.field({
    type: AuthPayloadRef,
    description: 'Signs in; UNAUTHENTICATED for a wrong handle or password.',
    args: { input: t.arg({ type: LogInInput, required: true, description: 'The credentials.' }) },
    resolve: (_root, { input }, ctx) => logIn(ctx.deps, { ...input, remoteAddress: ctx.remoteAddress }),
  }),
  updateProfile: t.withAuth({ user: true }).prismaField({
    type: 'User',
    description: "Changes the viewer's profile.",
    args: { input: t.arg({ type: UpdateProfileInput, required: true, description: 'The new values.' }) },
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
    args: { id: t.arg.id({ required: true, description: 'The user (a User id).' }) },
    subscribe: (_root, { id }, ctx) => ctx.deps.pubsub.subscribe('user:changed', decodeId('User', String(id))),
    resolve: (query, payload, _args, ctx) =>
      ctx.deps.db.user.findUniqueOrThrow({ ...query, where: { id: (payload).userId } }),
  }),
);
