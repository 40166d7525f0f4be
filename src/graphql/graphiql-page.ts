import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { answerAsset, prepareAsset, REVALIDATE, type StaticAsset } from '../lib/static-asset.js';

const DEFAULT_QUERY = `# Welcome to liveboard. Sign up (or log in), then put the token in the Headers tab:
# { "Authorization": "Bearer <token>" }
# Queries, mutations and subscriptions (over graphql-ws) all send it.
mutation SignUp {
  signUp(input: { handle: "newcomer", password: "correct-horse", displayName: "Newcomer" }) {
    token
    user { id handle }
  }
}

query Viewer {
  viewer { id handle displayName }
}

subscription MyStanding {
  myStanding { rank score }
}
`;

/** How GraphiQL is set up: subscriptions over graphql-ws, which carry the Headers tab in each operation's extensions. */
export const GRAPHIQL_OPTIONS: GraphiQLOptions = { title: 'liveboard', subscriptionsProtocol: 'WS', defaultQuery: DEFAULT_QUERY };

/**
 * Serves GraphiQL (`GET /graphql` asking for HTML) in place of yoga's own
 * rendering, which sends the 9 MB bundled page uncompressed and without
 * cache headers on every visit. The page is rendered and compressed once,
 * on first use (about 2 MB with brotli, 2.4 MB gzip), then answered with an
 * ETag and `Cache-Control: no-cache`: a browser revalidates and gets a 304.
 */
export function useGraphiQLPage(endpoint: string): Plugin {
  let asset: Promise<StaticAsset> | undefined;
  return {
    onRequest: async (event) => {
      const { request, url, fetchAPI } = event;
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname !== endpoint && url.pathname !== `${endpoint}/`) return;
      if (!request.headers.get('accept')?.includes('text/html')) return;
      asset ??= prepareAsset(renderGraphiQL(GRAPHIQL_OPTIONS), 'text/html; charset=utf-8', { cacheControl: REVALIDATE });
      const answer = answerAsset(await asset, {
        method: request.method,
        headers: { 'if-none-match': request.headers.get('if-none-match') ?? undefined, 'accept-encoding': request.headers.get('accept-encoding') ?? undefined },
      });
      // A view of the buffer, not a copy (BodyInit's types want an ArrayBuffer-backed array).
      const body = answer.body && new Uint8Array(answer.body.buffer as ArrayBuffer, answer.body.byteOffset, answer.body.length);
      event.endResponse(new fetchAPI.Response(body, { status: answer.status, headers: answer.headers }));
    },
  };
}
