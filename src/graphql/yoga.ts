import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { GraphQLSchema } from 'graphql';
import type { Deps } from '../lib/app-deps.js';
import type { Context, ContextSource } from './context.js';
import { buildContext, contextFor, viewerIdOf } from './context-factory.js';
import { isMasked, toClientError } from './errors.js';
import { useBodyLimit } from './body-limit.js';
import { useGraphiQLPage } from './graphiql-page.js';
import { useInputGuards } from './input-guards.js';
import { useSubscriptionGuards } from './subscription-guards.js';
import { useSharedSubscriptions } from './live/shared-subscriptions.js';
import { useHttpFeatures } from './http-features.js';
import { useDocumentLimits, useJsonPostsOnly, useSchemaDisclosure } from './hygiene.js';
import { countStreamErrors, useAbandonedStreamRelease, useOperationMetrics, useSubscriptionGauge } from './plugins.js';
import { useMutationRateLimit } from './rate-limit.js';
import { useResponseCache } from './response-cache.js';
import { readUserStateVersion } from '../lib/user-state-version.js';
import { schema as appSchema } from './schema.js';

export type Yoga = YogaServerInstance<ContextSource, Context>;

const GRAPHQL_ENDPOINT = '/graphql';

/**
 * The GraphQL endpoint: HTTP, SSE (yoga's default for subscriptions over
 * HTTP) and, through http/server.ts, graphql-ws on the same path. The
 * schema is the application's; tests of the live machinery serve their own.
 */
export function createYogaServer(deps: Deps, schema: GraphQLSchema = appSchema): Yoga {
  const { hygiene } = deps.config;
  const corsOrigins = new Set(hygiene.corsOrigins);
  return createYoga<ContextSource, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    // Enforced by useBodyLimit (last plugin, so it wraps whichever parser is chosen) and by http/server.ts.
    maxRequestBodySize: false,
    // Only listed origins get CORS headers (with credentials); any other origin gets none, so a browser blocks it.
    cors: (request) => {
      const origin = request.headers.get('origin');
      if (!origin || !corsOrigins.has(origin)) return false;
      return {
        origin: [origin],
        credentials: true,
        methods: ['GET', 'POST'],
        allowedHeaders: ['content-type', 'authorization', 'x-client-id', 'accept'],
        maxAge: 600,
      };
    },
    context: (initial) => buildContext(deps, initial),
    // Served by useGraphiQLPage instead (compressed, cacheable); the bundled GraphiQL needs no CDN.
    graphiql: false,
    landingPage: false,
    logging: deps.logger.child({ component: 'graphql' }),
    maskedErrors: {
      // Never development mode: clients must not see stack traces or SQL, whatever NODE_ENV says.
      isDev: false,
      maskError(error, message) {
        const client = toClientError(error, message);
        if (isMasked(error, client)) deps.logger.error({ err: error }, 'unexpected error in a GraphQL operation');
        return client;
      },
    },
    plugins: [
      ...(deps.config.graphiql ? [useGraphiQLPage(GRAPHQL_ENDPOINT)] : []),
      ...useHttpFeatures(deps.config),
      useJsonPostsOnly(),
      // Before the limits and metrics: a cached public answer skips the whole pipeline (response-cache.ts).
      useResponseCache({
        ...deps.config.responseCache,
        pubsub: deps.pubsub,
        logger: deps.logger,
        rootFields: CACHEABLE_ROOT_FIELDS,
        dropAllOn: DROP_ALL_ANSWERS_ON,
        viewerOf: (request) => viewerIdOf(deps, request),
        now: () => deps.now(),
        viewerState: { fields: VIEWER_STATE_FIELDS, read: (viewerId) => readUserStateVersion(deps, viewerId) },
      }),
      ...useDocumentLimits(hygiene),
      ...useSchemaDisclosure(hygiene),
      useInputGuards(),
      useSubscriptionGuards(deps),
      useOperationMetrics(deps.metrics, schema),
      useSubscriptionGauge(deps.metrics),
      useAbandonedStreamRelease(),
      useMutationRateLimit(deps),
      useSharedSubscriptions<Context>({
        viewerKey: (ctx) => ctx.viewer?.id ?? null,
        // A public selection runs as nobody, so it cannot show one subscriber's view to the others.
        // Fresh loaders per execution, so no event is answered from an earlier one's cache.
        executionContext: (ctx, { viewerDependent }) => contextFor(ctx, viewerDependent ? ctx.viewer : null),
        share: deps.config.live.sharedSubscriptions,
        metrics: deps.metrics,
        onExecuted: (args, result) => countStreamErrors(deps.metrics, schema, args, result),
      }),
      useBodyLimit(deps.config.http.maxBodyBytes),
    ],
  });
}

/** Reads whose resolvers declare what their answers depend on (`dependsOn`). */
const CACHEABLE_ROOT_FIELDS = new Set(['leaderboard', 'leaderboardAround', 'standings', 'hotActivities', 'myPoints', '__typename']);

/** Root fields whose answers are the viewer's own state, cached under its version (lib/user-state-version.ts). */
const VIEWER_STATE_FIELDS = ['myPoints'];

/** A user's name shows in every board answer; this process shows a rename at once (users.service.ts). */
const DROP_ALL_ANSWERS_ON = new Set(['user:changed'] as const);
