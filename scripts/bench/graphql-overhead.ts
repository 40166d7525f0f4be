import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import type { BenchEnvironment } from './environment.js';
import { httpThroughput } from './measure.js';

/** Baseline: a bare yoga server answering a constant, on the same machine, in the same run. */
export async function startBareYoga(): Promise<{ url: string; close: () => Promise<void> }> {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }),
    logging: false,
    graphiql: false,
  });
  // The adapter answers its own errors (500) and never rejects; node ignores a listener's return value.
  const server = http.createServer((req, res) => void yoga.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** An authenticated `viewer` query (JWT check + one primary-key read) against the bare-yoga floor. */
export async function graphqlOverhead(env: BenchEnvironment) {
  const bare = await startBareYoga();
  const user = await env.deps.db.user.create({ data: { handle: 'bench_viewer', displayName: 'Bench', passwordHash: 'x' } });
  const token = await env.deps.tokens.issue(user.id);
  try {
    const baseline = await httpThroughput({ url: bare.url, body: { query: '{ hello }' } });
    const subject = await httpThroughput({
      url: `${env.app.url}/graphql`,
      body: { query: '{ viewer { id handle displayName } }' },
      headers: { authorization: `Bearer ${token}` },
    });
    return {
      name: 'authenticated viewer query vs bare yoga',
      baseline: { label: 'bare yoga `{ hello }`', ...baseline },
      subject: { label: 'liveboard `{ viewer { … } }` with JWT', ...subject },
      ratio: subject.requestsPerSecond / baseline.requestsPerSecond,
    };
  } finally {
    await bare.close();
  }
}
