import type { ExecutionResult } from 'graphql';

const cache = new WeakMap<object, string>();
const tails = new WeakMap<object, Buffer>();

/**
 * A result can be serialized once and reused when it is sent as is: no
 * errors (transports reformat those, and yoga masks them per subscriber) and
 * no transport-internal `extensions.http`.
 */
function isCacheable(result: ExecutionResult): boolean {
  const extensions = result.extensions as { http?: unknown } | undefined;
  return !result.errors?.length && extensions?.http === undefined;
}

/**
 * The JSON text of an execution result, computed once per result object: a
 * result multicast to N subscribers is stringified once, not N times.
 * `undefined` when the result must go through the transport's own
 * formatting (see isCacheable).
 */
export function resultJson(result: ExecutionResult): string | undefined {
  if (!isCacheable(result)) return undefined;
  let json = cache.get(result);
  if (json === undefined) {
    json = JSON.stringify(result);
    cache.set(result, json);
  }
  return json;
}

/**
 * The end of a graphql-ws `next` message carrying `result`: its JSON and the
 * message's closing brace, UTF-8 encoded once per result. Every subscriber's
 * frame ends with these same bytes, so they are written from this one Buffer
 * (graphql-ws.ts), not copied or encoded per subscriber.
 */
export function resultMessageTail(result: ExecutionResult): Buffer | undefined {
  let tail = tails.get(result);
  if (tail === undefined) {
    const json = resultJson(result);
    if (json === undefined) return undefined;
    tail = Buffer.from(`${json}}`);
    tails.set(result, tail);
  }
  return tail;
}

/**
 * Makes yoga's SSE (and HTTP) serializer reuse the cached JSON: yoga calls
 * `result.stringify(result)` when a result carries one. Non-enumerable, so
 * it never shows up in the JSON itself nor survives yoga's copy of a result
 * whose errors it reformats.
 */
export function shareResultJson<R extends ExecutionResult>(result: R): R {
  Object.defineProperty(result, 'stringify', {
    enumerable: false,
    value: (value: unknown) => (value === result ? resultJson(result) : undefined) ?? JSON.stringify(value),
  });
  return result;
}
