import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What is known about the HTTP request being served, for its log lines. */
export interface RequestScope {
  requestId: string;
  /** The GraphQL operation's name once parsed (from the document, not a client header), for the access log. */
  operationName?: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` (and everything it starts) as part of the request `scope`; log lines written meanwhile carry its id. */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The scope of the request being served, if any (none in jobs and at start-up). */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * An incoming id is echoed only when it is short and plain (letters, digits,
 * `.`, `_`, `-`, `:`; at most 128), so a client cannot put newlines, markup
 * or megabytes into every log line; anything else is replaced by a fresh UUID.
 */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
