import { createClient, type Client } from 'graphql-ws';

/** One GraphQL error as the server sends it: the code is what the page shows. */
export interface ServerError {
  message: string;
  extensions?: { code?: string };
}

export class GraphQLFailure extends Error {
  constructor(readonly errors: readonly ServerError[]) {
    super(errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('; '));
  }
}

/**
 * A graphql-ws connection to this server's /graphql, with the token (if any)
 * in connection_init, as any client would send it. It reconnects by itself
 * (a restarted server, a laptop waking up) and resubscribes.
 */
export function connect(token: string | null, onStatus: (status: 'connected' | 'closed') => void): Client {
  const client = createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: Infinity,
    shouldRetry: () => true,
  });
  client.on('connected', () => onStatus('connected'));
  client.on('closed', () => onStatus('closed'));
  return client;
}

/** Runs a query or mutation over the connection; rejects with the server's errors. */
export function run<T>(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    let answer: { data?: unknown; errors?: readonly ServerError[] } | undefined;
    client.subscribe(
      { query, variables },
      {
        next: (value) => (answer = value as typeof answer),
        error: (error: unknown) => reject(asFailure(error)),
        complete: () => (answer?.errors?.length || !answer?.data ? reject(new GraphQLFailure(answer?.errors ?? [])) : resolve(answer.data as T)),
      },
    );
  });
}

/** Subscribes; `onData` gets each event's data. Returns the unsubscribe function. */
export function watch<T>(client: Client, query: string, variables: Record<string, unknown>, onData: (data: T) => void, onError: (error: Error) => void): () => void {
  return client.subscribe(
    { query, variables },
    {
      next: (value) => (value.errors?.length ? onError(new GraphQLFailure(value.errors as ServerError[])) : onData(value.data as T)),
      error: (error: unknown) => onError(asFailure(error)),
      complete: () => undefined,
    },
  );
}

function asFailure(error: unknown): Error {
  if (Array.isArray(error)) return new GraphQLFailure(error as ServerError[]);
  if (error instanceof Error) return error;
  return new Error('The connection to the server closed.');
}
