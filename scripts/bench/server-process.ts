import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { createLogger } from '../../src/infra/logger.js';
import { applyV8Flags } from '../../src/v8-flags.js';
import { startBareAward } from './bare-award-server.js';

/**
 * The server side of a benchmark, in a process of its own so its CPU can be
 * read from /proc and no load generator shares its event loop. `app` is a
 * liveboard API (config from the environment, as in production); `worker` a
 * liveboard worker (the jobs, no API), as `npm run start:worker` would; `bare` a
 * yoga server answering `{ hello }`, the floor; `bare-award` a bare yoga
 * server whose `awardPoints` does only the raw loop's work (bare-award-server.ts). All are started by
 * processes.ts with the same command and environment (NODE_ENV=production).
 * Tells the parent its URL over IPC; stops when the parent disconnects.
 */
async function startBare(): Promise<string> {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }),
    logging: false,
    graphiql: false,
    landingPage: false,
  });
  // The adapter answers its own errors (500) and never rejects; node ignores a listener's return value.
  const server = http.createServer((req, res) => void yoga.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

async function startLiveboard(role: 'api' | 'worker'): Promise<string> {
  const config = loadConfig(process.env);
  // As src/main.ts does: the flags are the product's own settings, not the benchmark's.
  applyV8Flags(role === 'api' ? config.http.v8Flags : config.jobs.v8Flags);
  const deps = await createDeps(config, createLogger('silent'));
  const app = await startApp(deps, { api: role === 'api', worker: role === 'worker' });
  return role === 'api' ? `${app.url}/graphql` : (app.url ?? '');
}

const kind = process.argv[2];
const url =
  kind === 'bare'
    ? await startBare()
    : kind === 'bare-award'
      ? await startBareAward(process.env)
      : await startLiveboard(kind === 'worker' ? 'worker' : 'api');
process.send?.({ url });
// The parent going away (normally or not) ends this process: a benchmark stops by itself.
process.on('disconnect', () => process.exit(0));
