import { Logger } from '@aws-lambda-powertools/logger';

/** A structured JSON logger (Powertools) for a handler; the level comes from `POWERTOOLS_LOG_LEVEL`. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/**
 * The name of an error for logs and traces (`ThrottlingException`, `TimeoutError`), never its message,
 * which may quote request data.
 */
export function errorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown };
    if (typeof e.name === 'string' && e.name.length > 0) return e.name;
    if (typeof e.Code === 'string') return e.Code;
  }
  return 'Error';
}

/** The HTTP status an AWS SDK error carried, if any. */
export function errorStatus(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } })?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}
