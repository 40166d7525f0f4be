import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * The request body limit, as yoga's own `maxRequestBodySize` enforces it
 * (same errors), minus its per-request cost where the HTTP server already
 * enforced it. Yoga wraps every body in a counting TransformStream and a new
 * Request; on the Node adapter that stream's pipeline ends by aborting an
 * AbortController, i.e. building a DOMException with a stack, on every
 * request (about 10% of a cached read's CPU in a profile). Requests that came
 * through http/server.ts (`bodyLimited` in the server context) had their
 * Content-Length checked before any byte was read, and a chunked body counted
 * as it streamed in; only the others (yoga.fetch) get the counting stream.
 */

const CONTENT_LENGTH = /^\d+$/;

const tooLarge = () =>
  createGraphQLError('Request body too large', { extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' } });

const invalidLength = () => createGraphQLError('Content-Length header is invalid.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });

/** Set by the HTTP server on the requests whose body it limits itself. */
export interface BodyLimitedContext {
  bodyLimited?: boolean;
}

export function useBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, serverContext, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        // Only one non-negative integer is valid (comma-joined values are a smuggling attempt).
        if (!CONTENT_LENGTH.test(contentLength)) throw invalidLength();
        if (Number(contentLength) > limit) throw tooLarge();
      }
      if ((serverContext as BodyLimitedContext).bodyLimited === true || !requestParser || !request.body) return;
      setRequestParser((req) => requestParser(countedBody(req, limit, fetchAPI)));
    },
  };
}

/** `request` with its body counted chunk by chunk, failing past `limit` (yoga's own limitRequestBodySize). */
function countedBody(request: Request, limit: number, fetchAPI: { TransformStream: typeof TransformStream; Request: typeof Request }): Request {
  const body = request.body;
  if (!body) return request;
  // A native ReadableStream needs the native TransformStream, the ponyfill's body the ponyfill's (graphql-yoga#4583).
  const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let read = 0;
  const counted = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > limit) return controller.error(tooLarge());
        controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body: counted, duplex: 'half' } as RequestInit);
}
