import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { currentRequestScope } from '../lib/request-scope.js';

/**
 * Gives the HTTP access log the name of the operation the request ran, as
 * the document names it (after a persisted query was looked up), not the
 * `operationName` a client may send without a matching operation.
 */
export function useOperationNameInAccessLog(): Plugin {
  const record = ({ args }: { args: { document: Parameters<typeof getOperationAST>[0]; operationName?: string | null } }) => {
    const scope = currentRequestScope();
    if (scope) scope.operationName = getOperationAST(args.document, args.operationName)?.name?.value;
  };
  return { onExecute: record, onSubscribe: record };
}
