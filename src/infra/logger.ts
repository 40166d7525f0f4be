import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; secrets that may appear in request data are redacted. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'liveboard', ...base },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.password', 'password', 'token'],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
