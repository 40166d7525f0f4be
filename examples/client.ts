import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import possibleTypes from './generated/possible-types.js';

export interface LiveboardClientOptions {
  /** The API's HTTP endpoint, e.g. `https://liveboard.example/graphql`. */
  httpUrl: string;
  /** Its WebSocket endpoint (graphql-ws), e.g. `wss://liveboard.example/graphql`. */
  wsUrl: string;
  /** A bearer token from `logIn`/`signUp`; anonymous without one. */
  token?: string;
  /** The WebSocket class outside browsers (e.g. the `ws` package's). */
  webSocketImpl?: unknown;
}

/**
 * An Apollo Client for liveboard: queries and mutations over HTTP,
 * subscriptions over graphql-ws, and a normalized cache that needs nothing
 * but the `possibleTypes` codegen writes. Every cached liveboard type has a
 * global `id` (`Node`), the same in a query and in a subscription event, so
 * a `leaderboardChanged` event updates what a `leaderboard` query shows
 * without `updateQuery` or cache code. `@defer` parts arrive as they are ready.
 */
export function createLiveboardClient(options: LiveboardClientOptions) {
  const authorization = options.token ? `Bearer ${options.token}` : undefined;
  const ws = createClient({
    url: options.wsUrl,
    webSocketImpl: options.webSocketImpl,
    connectionParams: authorization ? { authorization } : {},
  });
  const http = new HttpLink({ uri: options.httpUrl, headers: authorization ? { authorization } : {} });
  const isSubscription = ({ query }: ApolloLink.Operation) => isSubscriptionOperation(query);
  const client = new ApolloClient({
    link: ApolloLink.split(isSubscription, new GraphQLWsLink(ws), http),
    cache: new InMemoryCache({ possibleTypes: possibleTypes.possibleTypes }),
    // liveboard answers `@defer`/`@stream` in the incremental format of graphql-js 17 alpha 2.
    incrementalHandler: new Defer20220824Handler(),
  });
  return {
    client,
    /** Stops the client and closes its WebSocket. */
    async close() {
      client.stop();
      await ws.dispose();
    },
  };
}
