import autocannon from 'autocannon';

export interface Throughput {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** Requests per second of one GraphQL POST, with a fixed number of connections. */
export async function httpThroughput(options: {
  url: string;
  body: unknown;
  headers?: Record<string, string>;
  seconds?: number;
  connections?: number;
}): Promise<Throughput> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(options.body),
    duration: options.seconds ?? 5,
    connections: options.connections ?? 20,
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** Operations per second of an async function run `concurrency` at a time for `seconds`. */
export async function loopThroughput(operation: () => Promise<unknown>, options: { seconds?: number; concurrency?: number } = {}) {
  const deadline = Date.now() + (options.seconds ?? 5) * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: options.concurrency ?? 20 }, async () => {
      while (Date.now() < deadline) {
        await operation();
        count += 1;
      }
    }),
  );
  return { operationsPerSecond: Math.round(count / (options.seconds ?? 5)) };
}
