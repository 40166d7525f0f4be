/** Longer than any token this server issues; a bigger header is refused rather than parsed. */
const MAX_AUTHORIZATION_LENGTH = 4096;

/**
 * The connection params one graphql-ws operation runs with. GraphiQL (and
 * other clients built on @graphiql/toolkit) send their Headers tab with each
 * `subscribe` message, in `payload.extensions.headers`, and an empty
 * `connection_init`; without this a subscription that needs a login answers
 * UNAUTHENTICATED although the header is set. Only `Authorization` is taken,
 * and only when the connection itself carried none: a credential given at
 * `connection_init` always wins. A header that is not a string, or is over
 * the bound, is handed on as an invalid credential (UNAUTHENTICATED), never
 * ignored, so a bad login is not mistaken for an anonymous one.
 */
export function withOperationHeaders(connectionParams: Readonly<Record<string, unknown>> | undefined, extensions: unknown): Record<string, unknown> {
  const params = { ...connectionParams };
  if (params.authorization != null || params.Authorization != null) return params;
  const headers = isRecord(extensions) ? extensions.headers : undefined;
  if (!isRecord(headers)) return params;
  const key = Object.keys(headers).find((name) => name.toLowerCase() === 'authorization');
  if (key === undefined) return params;
  const value = headers[key];
  if (value === '' || value == null) return params;
  params.authorization = typeof value === 'string' && value.length <= MAX_AUTHORIZATION_LENGTH ? value : INVALID_CREDENTIAL;
  return params;
}

/** Not a string: the context factory answers UNAUTHENTICATED ("must be Bearer <token>"). */
const INVALID_CREDENTIAL = Object.freeze({ invalid: true });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
