import { GraphQLError } from 'graphql';
import { maskError } from 'graphql-yoga';
import { AppError } from '../lib/app-error.js';

/**
 * The one place where a service's AppError becomes the GraphQL error a client
 * sees, with its `extensions.code`. graphql-js wraps what a resolver throws in
 * a GraphQLError (with path and locations); those are kept. Everything that
 * is not an AppError or a GraphQL error of graphql-js or yoga itself is masked
 * as "Unexpected error." (no stack trace or SQL reaches a client). The client
 * error carries no originalError: yoga would answer HTTP 500 for one.
 */
export function toClientError(error: unknown, message = 'Unexpected error.'): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof AppError) {
    // A wrapped error keeps graphql-js's message (e.g. 'Variable "$at" got invalid value …; …').
    return new GraphQLError(error instanceof GraphQLError ? error.message : original.message, {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: original.extensions,
    });
  }
  return maskError(error, message, false);
}

/** True when `toClientError` hid the error: an unexpected failure, worth logging. */
export function isMasked(error: unknown, client: Error): boolean {
  const original = error instanceof GraphQLError ? error.originalError : error;
  return !(original instanceof AppError) && client !== error;
}
