/** Error names SageMaker, Application Auto Scaling, CloudWatch (and the SDK) use for throttling and transient faults. */
const RETRYABLE = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  // Application Auto Scaling: another call is changing the same scalable target; and its 500.
  'ConcurrentUpdateException',
  'InternalServiceException',
]);

/** True for throttling and transient service errors. */
export function isRetryable(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (!e || typeof e !== 'object') return false;
  if (e.name && RETRYABLE.has(e.name)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status === 429 || status === 503;
}

/** Thrown when retries are used up; the handler lets it fail the invocation so the event reaches the DLQ. */
export class RetriesExhaustedError extends Error {
  constructor(
    public readonly operation: string,
    public readonly attempts: number,
    public readonly lastError: unknown,
    public readonly service: string = 'SageMaker',
  ) {
    super(`${service} ${operation} still failing after ${attempts} attempts: ${(lastError as Error)?.name ?? 'Error'}: ${(lastError as Error)?.message ?? String(lastError)}`);
    this.name = 'RetriesExhaustedError';
  }
}

export interface RetryOptions {
  /** Total attempts, the first included. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubles each time. */
  readonly baseDelayMs: number;
  /** Waits (injected so tests never sleep). */
  readonly sleep: (ms: number) => Promise<void>;
  /** 0..1 (injected for deterministic tests); "equal jitter": half fixed, half random. */
  readonly random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 250,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** The delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'random'>): number {
  const ceiling = options.baseDelayMs * 2 ** (attempt - 1);
  return Math.round(ceiling / 2 + (options.random() * ceiling) / 2);
}

/**
 * Runs `fn`, retrying throttling and transient errors with exponential backoff. Other errors pass through.
 * `service` only names the API in the error thrown when retries are used up.
 */
export async function withRetry<T>(operation: string, fn: () => Promise<T>, options: RetryOptions = DEFAULT_RETRY, service = 'SageMaker'): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (attempt >= options.maxAttempts) throw new RetriesExhaustedError(operation, attempt, error, service);
      await options.sleep(backoffDelay(attempt, options));
    }
  }
}
