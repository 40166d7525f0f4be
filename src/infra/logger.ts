import { pino, type DestinationStream, type Logger } from 'pino';
import { currentRequestScope } from '../lib/request-scope.js';

export type { Logger };

/**
 * Structured JSON logs; secrets that may appear in request data are redacted.
 * A line written while an HTTP request is served carries that request's id
 * (`reqId`), whichever logger wrote it.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'liveboard', ...base },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'req.headers.cookie', 'headers.cookie', '*.password', 'password', 'token'],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const scope = currentRequestScope();
      return scope ? { reqId: scope.requestId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
