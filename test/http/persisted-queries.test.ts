import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { addTypenameToDocument } from '@apollo/client/utilities';
import { print } from 'graphql';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/harness.js';
import { serveTestContext } from '../support/served-context.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const VIEWER = gql`
  query Viewer {
    viewer {
      id
      handle
    }
  }
`;
const HOT_SETTINGS = gql`
  query HotSettings {
    hotSettings {
      algorithm
    }
  }
`;

/** An Apollo Client as an app would build it, recording every request body it sends. */
function apolloClient(url: string, token?: string) {
  const sent: Array<{ query?: string; extensions?: { persistedQuery?: { sha256Hash: string } } }> = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    sent.push(JSON.parse(init?.body as string) as (typeof sent)[number]);
    return fetch(input, init);
  };
  const link = ApolloLink.from([
    new PersistedQueryLink({ sha256 }),
    new HttpLink({ uri: `${url}/graphql`, fetch: recordingFetch, headers: token ? { authorization: `Bearer ${token}` } : {} }),
  ]);
  return { client: new ApolloClient({ link, cache: new InMemoryCache() }), sent };
}

describe('automatic persisted queries (APQ)', () => {
  const t = serveTestContext();

  it("answers Apollo's PersistedQueryLink: hash only, PersistedQueryNotFound, then the query is kept and the hash alone is enough", async () => {
    const { user, token } = await t.createUser();
    const first = apolloClient(t.url, token);
    const result = await first.client.query({ query: VIEWER, fetchPolicy: 'network-only' });
    expect(result.data).toEqual({ viewer: { __typename: 'User', id: expect.any(String), handle: user.handle } });
    // The first try carried only the hash; the retry after PersistedQueryNotFound carried the text too.
    expect(first.sent).toHaveLength(2);
    expect(first.sent[0]!.query).toBeUndefined();
    expect(first.sent[0]!.extensions?.persistedQuery?.sha256Hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.sent[1]!.query).toContain('viewer');

    // Another client (no shared state with the first) now gets its answer from the hash alone.
    const second = apolloClient(t.url, token);
    const again = await second.client.query({ query: VIEWER, fetchPolicy: 'network-only' });
    expect(again.data).toEqual(result.data);
    expect(second.sent).toHaveLength(1);
    expect(second.sent[0]!.query).toBeUndefined();
  });

  it('refuses a hash that does not match the query, with a code', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ hotSettings { algorithm } }', extensions: { persistedQuery: { version: 1, sha256Hash: sha256('something else') } } }),
    });
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('PERSISTED_QUERY_MISMATCH');
    expect(response.status).toBe(400);
    const unknown = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('never sent') } } }),
    });
    expect(((await unknown.json()) as typeof body).errors[0]!.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(unknown.status).toBe(404);
  });
});

describe('hostile persisted-query payloads', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('answers each with a coded error, never an internal one', async () => {
    const payloads: unknown[] = [
      { extensions: { persistedQuery: { version: 1, sha256Hash: 42 } } },
      { extensions: { persistedQuery: { version: 2, sha256Hash: sha256('{ __typename }') } } },
      { extensions: { persistedQuery: { version: 1, sha256Hash: 'z'.repeat(10_000) } } },
      { extensions: { persistedQuery: 'yes' } },
      { extensions: 'persisted' },
      { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: null } } },
      { query: 7, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('7') } } },
    ];
    for (const payload of payloads) {
      const response = await t.yoga.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
      const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
      const label = JSON.stringify(payload).slice(0, 80);
      expect(response.status, label).toBeLessThan(500);
      if (body.errors === undefined) {
        // The one well-formed query among them runs; a malformed extension is ignored as unknown.
        expect(body.data, label).toEqual({ __typename: 'Query' });
        continue;
      }
      for (const error of body.errors) {
        expect(error.extensions?.code, label).toEqual(expect.any(String));
        expect(error.extensions?.code, label).not.toBe('INTERNAL_SERVER_ERROR');
        expect(error.message, label).not.toBe('Unexpected error.');
      }
    }
  });
});

describe('trusted documents mode', () => {
  let t: TestContext;
  let url: string;
  // What Apollo's manifest generator stores and its client sends: the document with __typename added.
  const trustedText = print(addTypenameToDocument(HOT_SETTINGS));
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-trusted-'));
    const manifest = join(dir, 'manifest.json');
    // The form Apollo's generate-persisted-query-manifest writes.
    writeFileSync(
      manifest,
      JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(trustedText), name: 'HotSettings', type: 'query', body: trustedText }] }),
    );
    t = await createTestContext({ TRUSTED_DOCUMENTS_FILE: manifest });
    url = (await t.startServer()).url;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('runs a manifest operation sent by hash through Apollo Client', async () => {
    const { client, sent } = apolloClient(url);
    const result = await client.query<{ hotSettings: unknown }>({ query: HOT_SETTINGS });
    expect(result.data?.hotSettings).toEqual({ __typename: 'HotSettings', algorithm: expect.any(String) });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.query).toBeUndefined();
  });

  it('refuses an operation that is not in the manifest, even after the client retries with its text', async () => {
    const { client, sent } = apolloClient(url);
    const result = await client.query({ query: VIEWER, errorPolicy: 'all' }).catch((error: unknown) => ({ error }));
    expect(JSON.stringify(result)).toContain('Only trusted operations are accepted');
    expect(sent).toHaveLength(2);

    const plain = await t.gql('{ viewer { id } }');
    expect(plain.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    const unknownHash = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ viewer { id } }') } } }),
    });
    const body = (await unknownHash.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('applies the same rule over graphql-ws: manifest text or hash runs, anything else is PERSISTED_QUERY_ONLY', async () => {
    const client = createWsClient({ url: `${url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    const run = (payload: { query: string; extensions?: Record<string, unknown> }) =>
      new Promise<unknown>((resolve) => {
        const results: unknown[] = [];
        client.subscribe(payload, { next: (value) => results.push(value), error: (error) => resolve({ error }), complete: () => resolve(results) });
      });
    try {
      expect(JSON.stringify(await run({ query: trustedText }))).toContain('"algorithm"');
      expect(JSON.stringify(await run({ query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(trustedText) } } }))).toContain('"algorithm"');
      const refused = JSON.stringify(await run({ query: '{ viewer { id } }' }));
      expect(refused).toContain('PERSISTED_QUERY_ONLY');
      expect(refused).not.toContain('"viewer"');
    } finally {
      await client.dispose();
    }
  });

  it('accepts the exact text of a manifest operation', async () => {
    const result = await t.gql(trustedText);
    expect(result.errors).toBeUndefined();
    expect(result.data?.hotSettings.algorithm).toEqual(expect.any(String));
  });
});
