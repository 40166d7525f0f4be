import { resolveNodes } from '@pothos/plugin-relay';
import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import { Prisma } from '../infra/prisma.js';
import { notFound } from '../lib/app-error.js';
import { builder } from './builder.js';
import type { Context } from './context.js';
import { parseGlobalId, truncate } from './ids.js';

/** `nodes(ids:)` takes at most this many ids at once. */
export const MAX_NODES = 100;

/**
 * One node, or the coded error that explains why there is none: a malformed
 * id or one of no Node type is BAD_USER_INPUT, a well-formed id of nothing
 * the viewer may see NOT_FOUND (the same answer for both, so ids cannot be
 * probed). Each id is resolved on its own so that one failing load fails
 * only its own item; Pothos still batches and caches the loads per request.
 */
async function loadNode(globalId: string, ctx: Context, info: GraphQLResolveInfo): Promise<unknown> {
  const parsed = parseGlobalId(globalId);
  const missing = () => notFound(`Nothing has the id "${truncate(globalId)}", or you may not see it.`);
  let node: unknown;
  try {
    [node] = await resolveNodes(builder, ctx, info, [parsed]);
  } catch (error) {
    // Prisma nodes load with findUniqueOrThrow: its "no record" (P2025) is an unknown id, not a failure.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') throw missing();
    throw error;
  }
  if (node === null || node === undefined) throw missing();
  return node;
}

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description:
      'The object with this global id (any `id` of a `Node`). Null with BAD_USER_INPUT for a malformed id or one of another API, ' +
      'null with NOT_FOUND for an id of nothing you may see.',
    args: { id: t.arg.id({ required: true, description: 'A global id, as an `id` field of a `Node` returned it.' }) },
    resolve: (_root, { id }, ctx, info) => loadNode(String(id), ctx, info) as never,
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description:
      `The objects with these global ids, in the order asked; at most ${MAX_NODES}. An id that cannot be resolved gives null at its ` +
      'place, with a coded error at that path (as `node` explains); the others are still returned.',
    args: {
      ids: t.arg.idList({
        required: true,
        description: `Up to ${MAX_NODES} global ids.`,
        validate: z.array(z.unknown()).max(MAX_NODES, `At most ${MAX_NODES} ids at once.`),
      }),
    },
    // graphql-js turns an Error item of a list into null at its index, with the error at that path.
    resolve: (_root, { ids }, ctx, info) =>
      Promise.all(ids.map((id) => loadNode(String(id), ctx, info).catch((error: unknown) => error))) as never,
  }),
}));
