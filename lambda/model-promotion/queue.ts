/**
 * The approvals queue: EventBridge puts each approval into an SQS FIFO queue (one message group per endpoint,
 * so approvals are handled one at a time and in order), and the function consumes it with batch item failures.
 *
 * - done, refused, superseded, ignored or rejected: the message is deleted (the record says what happened);
 * - the endpoint is busy: the message becomes visible again after `waitSeconds` and blocks the group (a second
 *   approval waits behind it and is applied after), for at most `maxWaitSeconds` from when it arrived;
 * - throttling or a transient fault: the same, with a shorter, growing delay;
 * - an error no retry fixes (access denied, a name conflict), or waiting too long: the function moves the
 *   message to the dead-letter queue itself, with the reason as a message attribute, and deletes it. A redrive
 *   from there is safe: an older version never replaces a newer one.
 */
import { ChangeMessageVisibilityCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { QueueConfig } from './config';
import { Logger, PromotionResult } from './promote';
import { DEFAULT_RETRY, RetriesExhaustedError, RetryOptions, isRetryable, withRetry } from './retry';

/** The message attribute that carries why a message was dead-lettered. */
export const FAILURE_ATTRIBUTE = 'genai-failure-reason';
/** The first delay after a transient failure; it doubles up to `waitSeconds`. */
const FIRST_RETRY_SECONDS = 30;

/** The part of an SQS record the function reads. */
export interface QueueRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: { readonly ApproximateReceiveCount?: string; readonly SentTimestamp?: string; readonly MessageGroupId?: string };
  readonly eventSource?: string;
}

export interface QueueEvent {
  readonly Records: QueueRecord[];
}

/** Lambda's partial batch response: the records to leave in the queue. */
export interface BatchResponse {
  readonly batchItemFailures: Array<{ readonly itemIdentifier: string }>;
}

export interface QueueDeps {
  readonly sqs: SQSClient;
  readonly queue: QueueConfig;
  /** Handles one approval event (the body of a record). */
  readonly promote: (event: unknown) => Promise<PromotionResult>;
  readonly logger: Logger;
  /** Milliseconds since the epoch (injected for tests). */
  readonly now?: () => number;
  readonly retry?: RetryOptions;
}

/** True for an SQS event (what the event source mapping delivers). */
export function isQueueEvent(event: unknown): event is QueueEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.every((r) => (r as QueueRecord)?.eventSource === 'aws:sqs');
}

/** Handles the records in order; after the first record that stays in the queue, the rest stay too (FIFO). */
export async function handleApprovals(event: QueueEvent, deps: QueueDeps): Promise<BatchResponse> {
  const failures: Array<{ itemIdentifier: string }> = [];
  for (const record of event.Records) {
    if (failures.length > 0 || !(await handleRecord(record, deps))) failures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures: failures };
}

/** True when the record is done with (delete it), false when it stays in the queue. */
async function handleRecord(record: QueueRecord, deps: QueueDeps): Promise<boolean> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    body = record.body; // promote() rejects it with a 400 record
  }
  try {
    const result = await deps.promote(body);
    if (result.outcome !== 'waiting') return true;
    return await retryLater(record, deps.queue.waitSeconds, result.reason ?? 'the endpoint is busy', deps);
  } catch (error) {
    const e = error as Error;
    const reason = `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
    if (isRetryable(error) || error instanceof RetriesExhaustedError) {
      const receives = Number(record.attributes.ApproximateReceiveCount ?? '1');
      const delay = Math.min(deps.queue.waitSeconds, FIRST_RETRY_SECONDS * 2 ** Math.max(0, receives - 1));
      return retryLater(record, delay, reason, deps);
    }
    return deadLetter(record, `promotion failed: ${reason}`, deps);
  }
}

/** Leaves the record in the queue for `delaySeconds`, or dead-letters it once it has waited `maxWaitSeconds`. */
async function retryLater(record: QueueRecord, delaySeconds: number, reason: string, deps: QueueDeps): Promise<boolean> {
  const now = (deps.now ?? Date.now)();
  const sent = Number(record.attributes.SentTimestamp ?? now);
  const waitedSeconds = Math.max(0, Math.round((now - sent) / 1000));
  if (waitedSeconds + delaySeconds > deps.queue.maxWaitSeconds) {
    return deadLetter(record, `gave up after waiting ${waitedSeconds} s (at most ${deps.queue.maxWaitSeconds} s): ${reason}`, deps);
  }
  try {
    await withRetry(
      'ChangeMessageVisibility',
      () => deps.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: deps.queue.url, ReceiptHandle: record.receiptHandle, VisibilityTimeout: delaySeconds })),
      deps.retry ?? DEFAULT_RETRY,
      'SQS',
    );
    deps.logger.info('approval stays in the queue', { messageId: record.messageId, retryInSeconds: delaySeconds, waitedSeconds, reason });
  } catch (error) {
    // The message still comes back, after the queue's visibility timeout instead.
    deps.logger.warn('could not set the retry delay', { messageId: record.messageId, errorName: (error as Error)?.name, errorMessage: (error as Error)?.message });
  }
  return false;
}

/** Moves the record to the dead-letter queue with the reason; if that fails, the record stays in the queue. */
async function deadLetter(record: QueueRecord, reason: string, deps: QueueDeps): Promise<boolean> {
  try {
    await withRetry(
      'SendMessage',
      () =>
        deps.sqs.send(
          new SendMessageCommand({
            QueueUrl: deps.queue.deadLetterUrl,
            MessageBody: record.body,
            MessageGroupId: record.attributes.MessageGroupId ?? 'promotions',
            MessageDeduplicationId: record.messageId,
            MessageAttributes: { [FAILURE_ATTRIBUTE]: { DataType: 'String', StringValue: reason.slice(0, 2000) } },
          }),
        ),
      deps.retry ?? DEFAULT_RETRY,
      'SQS',
    );
  } catch (error) {
    deps.logger.warn('could not dead-letter the approval; it stays in the queue', { messageId: record.messageId, reason, errorName: (error as Error)?.name });
    return false;
  }
  deps.logger.warn('approval dead-lettered', { messageId: record.messageId, reason });
  return true;
}
