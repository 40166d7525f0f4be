import autocannon from 'autocannon';

/**
 * A load generator in a process of its own (autocannon), so its CPU never
 * counts as the server's. Reads a LoadSpec as JSON from argv[2] and prints
 * the result as JSON. `$N` in the body is replaced by a number unique to the
 * request (idempotency keys of awards), so repeated requests are distinct;
 * `$U` the next value of `cycle`.
 */
export interface LoadSpec {
  url: string;
  body: string;
  headers?: Record<string, string>;
  seconds: number;
  connections: number;
  /** `$U` in the body takes these values in turn (e.g. the users awards go to). */
  cycle?: string[];
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const unique = spec.body.includes('$N') || spec.body.includes('$U');
const cycle = spec.cycle ?? [''];
let sequence = 0;
const tag = `${process.pid}-${Date.now()}`;
const result = await autocannon({
  url: spec.url,
  method: 'POST',
  headers: { 'content-type': 'application/json', ...spec.headers },
  body: spec.body,
  duration: spec.seconds,
  connections: spec.connections,
  ...(unique
    ? {
        requests: [
          {
            setupRequest: (request: autocannon.Request) => ({
              ...request,
              body: spec.body.replaceAll('$N', `${tag}-${(sequence += 1)}`).replaceAll('$U', cycle[sequence % cycle.length] as string),
          }),
        },
      ],
      }
    : {}),
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  }),
);
