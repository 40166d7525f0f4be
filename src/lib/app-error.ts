/** Every `extensions.code` a client can rely on; documented in docs/graphql-api.md. */
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
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * An expected failure with a documented code, thrown by services, jobs and
 * resolvers alike. The GraphQL layer turns it into a GraphQL error in one place
 * (graphql/errors.ts); anything else that is thrown is masked as unexpected.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** What a GraphQL client sees in `extensions`: the code and any details. */
  readonly extensions: Readonly<{ code: ErrorCode } & Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.extensions = { ...details, code };
  }
}

export function appError(code: ErrorCode, message: string, details?: Record<string, unknown>): AppError {
  return new AppError(code, message, details);
}

export const badInput = (message: string, details?: Record<string, unknown>) => new AppError(ErrorCode.BAD_USER_INPUT, message, details);
export const notFound = (message: string) => new AppError(ErrorCode.NOT_FOUND, message);
export const forbidden = (message = 'You are not allowed to do this.') => new AppError(ErrorCode.FORBIDDEN, message);
export const unauthenticated = (message = 'You must be logged in to do this.') => new AppError(ErrorCode.UNAUTHENTICATED, message);
export const invalidState = (message: string, details?: Record<string, unknown>) => new AppError(ErrorCode.INVALID_STATE, message, details);
