import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { useOperationNameInAccessLog } from './operation-name-log.js';
import { loadTrustedDocuments, useAutomaticPersistedQueries, useTrustedDocuments } from './persisted-operations.js';
import { useTracing } from './tracing.js';

/**
 * Protocol features of the GraphQL endpoint, kept apart from the limits and
 * metrics in yoga.ts: persisted operations (APQ, or trusted documents only),
 * `@defer`/`@stream`, the operation name for the access log, and tracing.
 */
export function useHttpFeatures(config: Pick<Config, 'persistedQueries' | 'tracing'>): Plugin[] {
  const { apqCacheBytes, trustedDocumentsFile } = config.persistedQueries;
  const plugins: Plugin[] = [useOperationNameInAccessLog()];
  // Trusted mode excludes APQ: registering a hash would let any operation in.
  if (trustedDocumentsFile !== undefined) plugins.push(...useTrustedDocuments(loadTrustedDocuments(trustedDocumentsFile)));
  else if (apqCacheBytes > 0) plugins.push(useAutomaticPersistedQueries(apqCacheBytes));
  plugins.push(useDeferStream());
  if (config.tracing.enabled) plugins.push(...useTracing());
  return plugins;
}
