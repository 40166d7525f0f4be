import { GraphQLError } from 'graphql';
import { maskError } from 'graphql-yoga';
import { PothosValidationError } from '@pothos/core';
import { AppError, ErrorCode } from '../lib/app-error.js';

/**
 * The one place where a service's AppError becomes the GraphQL error a client
 * sees, with its `extensions.code`. graphql-js wraps what a resolver throws in
 * a GraphQLError (with path and locations); those are kept. Everything that
 * is not an AppError or a GraphQL error of graphql-js or yoga itself is masked
 * as "Unexpected error." (no stack trace or SQL reaches a client). The client
 * error carries no originalError: yoga would answer HTTP 500 for one.
 */
export function toClientError(error: unknown, message = 'Unexpected error.'): Error {
  const original = rootCause(error);
  if (original instanceof AppError) {
    // A wrapped error keeps graphql-js's message (e.g. 'Variable "$at" got invalid value …; …').
    return new GraphQLError(error instanceof GraphQLError ? error.message : original.message, {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: original.extensions,
    });
  }
  // Pothos rejects malformed connection arguments and ids with these: the client's input, not a failure of ours.
  if (original instanceof PothosValidationError) {
    return new GraphQLError(original.message, {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    });
  }
  return maskError(error, message, false);
}

/** True when `toClientError` hid the error: an unexpected failure, worth logging. */
export function isMasked(error: unknown, client: Error): boolean {
  const original = rootCause(error);
  return !(original instanceof AppError) && !(original instanceof PothosValidationError) && client !== error;
}

/**
 * What was thrown in the first place. graphql-js may wrap twice: a scalar's
 * parse error in a variable becomes 'Expected type …' and then
 * 'Variable "$x" got invalid value …', each a GraphQLError around the last.
 */
function rootCause(error: unknown): unknown {
  let cause = error instanceof GraphQLError ? error.originalError : error;
  while (cause instanceof GraphQLError && cause.originalError) cause = cause.originalError;
  return cause;
}
