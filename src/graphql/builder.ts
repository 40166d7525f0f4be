import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { JSONObjectResolver } from 'graphql-scalars';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import type { Context, SignedInContext } from './context.js';
import { DateScalar, DateTimeScalar } from './date-scalar.js';
import { SafeIntScalar } from './safe-int-scalar.js';
import { badInput, forbidden, unauthenticated } from '../lib/app-error.js';

/** Relay connections never return more than this many nodes in one page. */
export const MAX_PAGE_SIZE = 100;

/**
 * Configuration only: the types live in their modules. The Prisma client is
 * taken per request from the context (`deps.db`), so the schema is built
 * without one and nothing here opens a connection.
 */
export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: Context;
  AuthScopes: { user: boolean; admin: boolean };
  /** What a resolver behind `t.withAuth({ user: true })` (or `admin`) sees: the viewer is known. */
  AuthContexts: { user: SignedInContext; admin: SignedInContext };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: string; Output: string };
    ID: { Input: string; Output: string | number };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
    /** Integers within ±(2^53 − 1); see safe-int-scalar.ts. */
    SafeInt: { Input: number; Output: number | bigint };
  };
}>({
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin, ValidationPlugin],
  prisma: {
    client: (ctx) => ctx.deps.db,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: 20,
    // Everywhere, production included: an unused query is a resolver bug (the client's selection is
    // dropped or loaded twice), and the schema must behave in production as it did under test.
    onUnusedQuery: 'error',
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // node/nodes are ours (graphql/node-query.ts): coded errors for bad ids, and one bad id in `nodes` nulls only its item.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    nodeTypeOptions: { description: 'An object with a global id: refetch it with `node(id:)`; normalized caches key it by `id`.' },
    pageInfoTypeOptions: { description: 'Where a page of a connection starts and ends, for cursor pagination.' },
    idFieldOptions: { description: 'A global id: opaque, stable, unique across types; what `node(id:)` takes.' },
    cursorFieldOptions: { description: 'Pass as `after` (or `before`) to read the page after (or before) this edge.' },
    nodeFieldOptions: { description: 'The item at the end of the edge.' },
    edgesFieldOptions: { description: 'The items of this page, each with its cursor.' },
    pageInfoFieldOptions: { description: 'Where this page starts and ends.' },
    hasNextPageFieldOptions: { description: 'True when items follow this page (read them with `after: endCursor`).' },
    hasPreviousPageFieldOptions: { description: 'True when items come before this page (read them with `before: startCursor`).' },
    startCursorFieldOptions: { description: 'The cursor of the first edge; null on an empty page.' },
    endCursorFieldOptions: { description: 'The cursor of the last edge; null on an empty page.' },
    firstArgOptions: { description: `How many items to return from the start (or after \`after\`); at most ${MAX_PAGE_SIZE}.` },
    lastArgOptions: { description: `How many items to return from the end (or before \`before\`); at most ${MAX_PAGE_SIZE}.` },
    afterArgOptions: { description: 'A cursor: return the items after it.' },
    beforeArgOptions: { description: 'A cursor: return the items before it.' },
  },
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      user: ctx.viewer !== null,
      admin: ctx.viewer?.role === 'ADMIN',
    }),
    unauthorizedError: (_parent, ctx) => (ctx.viewer ? forbidden() : unauthenticated()),
  },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    // Limits come from config at request time; see graphql/yoga.ts.
    limit: (ctx) => ({
      complexity: ctx.deps.config.limits.maxComplexity,
      depth: ctx.deps.config.limits.maxDepth,
      breadth: ctx.deps.config.hygiene.maxFields,
    }),
    complexityError: (kind, result) => {
      const measure = kind.toLowerCase() as 'complexity' | 'depth' | 'breadth';
      const max = { complexity: result.maxComplexity, depth: result.maxDepth, breadth: result.maxBreadth }[measure];
      return badInput(`This query's ${measure} is ${result[measure]}, above the limit of ${max}. Ask for fewer or less nested fields.`);
    },
  },
  validation: {
    validationError: (result) =>
      badInput(result.issues.map((issue) => issue.message).join('; '), {
        issues: result.issues.map((issue) => ({
          path: issue.path?.map((segment) => (typeof segment === 'object' ? segment.key : segment)),
          message: issue.message,
        })),
      }),
  },
});

builder.addScalarType('DateTime', DateTimeScalar);
builder.addScalarType('Date', DateScalar);
builder.addScalarType('JSONObject', JSONObjectResolver);
builder.addScalarType('SafeInt', SafeIntScalar);
