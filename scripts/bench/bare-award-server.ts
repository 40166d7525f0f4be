import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGraphQLError, createSchema, createYoga } from 'graphql-yoga';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { parseGlobalId } from '../../src/graphql/ids.js';
import { RAW_AWARD_LUA, RAW_AWARD_SQL } from './raw-award-work.js';

/**
 * The floor of an award through GraphQL over HTTP: a bare yoga server (as the
 * `{ hello }` baseline: no plugins, no masking of its own, NODE_ENV from the
 * parent) whose one mutation, `awardPoints` with the same arguments and
 * selection the award benchmark sends, does exactly the raw loop's work (one
 * INSERT through a `pg` pool of the API's size, one EVAL of ZINCRBY). Its
 * "authentication" is a comparison of the Authorization header with the
 * token it was given (BENCH_AWARD_TOKEN): what a remembered token costs at
 * least, without a JWT verification or a user lookup.
 */
export async function startBareAward(env: NodeJS.ProcessEnv): Promise<string> {
  const config = loadConfig(env);
  const pool = new pg.Pool({ connectionString: config.database.url, max: config.database.poolSize });
  const redis = new Redis(config.redis.url);
  const board = `${env.REDIS_PREFIX ?? 'bench'}:bench:floor-board`;
  const expected = `Bearer ${env.BENCH_AWARD_TOKEN ?? ''}`;
  const yoga = createYoga<{ req: http.IncomingMessage }>({
    schema: createSchema<{ req: http.IncomingMessage }>({
      typeDefs: `type Query { hello: String! }
        type PointsAward { duplicate: Boolean! }
        type Mutation { awardPoints(userId: ID!, points: Int!, reason: String!, idempotencyKey: String!): PointsAward! }`,
      resolvers: {
        Query: { hello: () => 'world' },
        Mutation: {
          awardPoints: async (_root: unknown, args: { userId: string; idempotencyKey: string }, ctx: { req: http.IncomingMessage }) => {
            if (ctx.req.headers.authorization !== expected) throw createGraphQLError('Not signed in.', { extensions: { code: 'UNAUTHENTICATED' } });
            const userId = Number(parseGlobalId(args.userId).id);
            await pool.query(RAW_AWARD_SQL, [userId, `floor-${args.idempotencyKey}`]);
            await redis.eval(RAW_AWARD_LUA, 1, board, 1, String(userId));
            return { duplicate: false };
          },
        },
      },
    }),
    logging: false,
    graphiql: false,
    landingPage: false,
  });
  const server = http.createServer((req, res) => void yoga.handle(req, res, { req }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}
