import { createGraphQLError } from 'graphql-yoga';

/** Every `extensions.code` a client can rely on; documented in the README. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  ACTIVITY_FULL: 'ACTIVITY_FULL',
  INVALID_STATE: 'INVALID_STATE',
  ALREADY_SIGNED_IN: 'ALREADY_SIGNED_IN',
  VERSION_CONFLICT: 'VERSION_CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * An expected failure with a stable code. Yoga's masking lets GraphQL errors
 * through as they are and hides everything else behind "Unexpected error".
 */
export function appError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
  return createGraphQLError(message, { extensions: { code, ...extensions } });
}

export const badInput = (message: string, extensions?: Record<string, unknown>) =>
  appError(ErrorCode.BAD_USER_INPUT, message, extensions);
export const notFound = (message: string) => appError(ErrorCode.NOT_FOUND, message);
export const forbidden = (message = 'You are not allowed to do this.') => appError(ErrorCode.FORBIDDEN, message);
export const unauthenticated = (message = 'You must be logged in to do this.') =>
  appError(ErrorCode.UNAUTHENTICATED, message);
