import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { useAPQ } from '@graphql-yoga/plugin-apq';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { LRUCache } from 'lru-cache';
import type { Plugin } from 'graphql-yoga';
import { z } from 'zod';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Automatic persisted queries (Apollo's APQ protocol): a client sends the
 * SHA-256 of its query; the first time the server answers
 * PersistedQueryNotFound and the client sends the query with its hash, which
 * the server checks and keeps. The store is in process memory, an LRU bounded
 * in bytes of query text: a client that fills it only evicts older queries,
 * and another instance that lacks a query just costs that client one retry.
 */
export function useAutomaticPersistedQueries(maxBytes: number): Plugin {
  const store = new LRUCache<string, string>({ maxSize: maxBytes, sizeCalculation: (query) => Math.max(1, Buffer.byteLength(query)) });
  return useAPQ({
    store: { get: (hash) => store.get(hash) ?? null, set: (hash, query) => void store.set(hash, query) },
    // Runs before yoga checks the params' types: a non-string "query" matches no hash (PERSISTED_QUERY_MISMATCH) instead of throwing.
    hash: (query: unknown) => (typeof query === 'string' ? sha256(query) : ''),
  });
}

/** Apollo's persisted query manifest (`generate-persisted-query-manifest`), or a plain `{ "<sha256>": "<document>" }` map. */
const manifestSchema = z.union([
  z.object({
    format: z.literal('apollo-persisted-query-manifest'),
    version: z.literal(1),
    operations: z.array(z.object({ id: z.string(), body: z.string() })),
  }),
  z.record(z.string(), z.string()),
]);

/** The operations of a trusted-documents manifest, by the SHA-256 of their text. */
export type TrustedDocuments = ReadonlyMap<string, string>;

const loaded = new Map<string, TrustedDocuments>();

/**
 * Reads the manifest at `path` once per process. Every id must be the SHA-256
 * of its document, so a hash sent by a client and a document's text lead to
 * the same entry; a manifest that breaks this is refused at start-up.
 */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  const cached = loaded.get(path);
  if (cached) return cached;
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`TRUSTED_DOCUMENTS_FILE ${path} is neither an Apollo persisted query manifest nor a { "<sha256>": "<document>" } map`);
  const entries = 'operations' in parsed.data && Array.isArray(parsed.data.operations)
    ? parsed.data.operations.map(({ id, body }) => [id, body] as const)
    : Object.entries(parsed.data as Record<string, string>);
  for (const [id, body] of entries) {
    if (id !== sha256(body)) throw new Error(`TRUSTED_DOCUMENTS_FILE ${path}: the id ${id} is not the SHA-256 of its document`);
  }
  const documents = new Map(entries);
  loaded.set(path, documents);
  return documents;
}

/** Error codes of trusted-documents mode, documented in docs/graphql-api.md. */
export const PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';
export const PERSISTED_QUERY_ONLY = 'PERSISTED_QUERY_ONLY';

/**
 * Trusted-documents mode: only the manifest's operations run. A client sends
 * an operation's hash (Apollo's `persistedQuery` extension), or its exact
 * text, which is looked up by its hash; anything else is refused with
 * PERSISTED_QUERY_ONLY, an unknown hash with PERSISTED_QUERY_NOT_FOUND.
 */
export function useTrustedDocuments(documents: TrustedDocuments): Plugin[] {
  const byText: Plugin = {
    onParams({ params, setParams }) {
      if (typeof params.query !== 'string') return;
      const id = sha256(params.query);
      if (!documents.has(id)) return;
      const { query: _query, ...rest } = params;
      setParams({ ...rest, extensions: { ...params.extensions, persistedQuery: { version: 1, sha256Hash: id } } });
    },
  };
  const onlyTrusted = 'Only trusted operations are accepted: send the sha256Hash of one of the server\'s persisted operations.';
  return [
    byText,
    usePersistedOperations({
      getPersistedOperation: (id) => documents.get(id) ?? null,
      allowArbitraryOperations: false,
      customErrors: {
        // The message Apollo's PersistedQueryLink recognises; its retry with the full text is then refused as untrusted.
        notFound: { message: 'PersistedQueryNotFound', extensions: { code: PERSISTED_QUERY_NOT_FOUND } },
        persistedQueryOnly: { message: onlyTrusted, extensions: { code: PERSISTED_QUERY_ONLY } },
        keyNotFound: { message: onlyTrusted, extensions: { code: PERSISTED_QUERY_ONLY } },
      },
    }),
  ];
}

/** For graphql-ws, which bypasses yoga's request hooks: the text to run, or null when trusted mode refuses `query`. */
export function trustedQueryText(documents: TrustedDocuments, payload: { query?: string | null; extensions?: Record<string, unknown> | null }): string | null {
  const hash = (payload.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
  if (typeof hash === 'string') return documents.get(hash) ?? null;
  return typeof payload.query === 'string' && documents.has(sha256(payload.query)) ? payload.query : null;
}
