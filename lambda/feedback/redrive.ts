import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { bindingOf, conflictKey, FeedbackRecordSchema, recordKey, storedDesign, StorePorts, errorName } from './record';

/** What happened to one queued record. */
export type RedriveOutcome = 'recorded' | 'duplicate' | 'conflict-kept' | 'malformed' | 'unbound' | 'retry';

/** One line of the redrive's log. */
export interface RedriveLog {
  readonly messageId: string;
  readonly outcome: RedriveOutcome;
  readonly requestId?: string;
  readonly error?: string;
}

/**
 * Drains the fallback queue into the FEEDBACK zone. With binding, a record whose request id is not a
 * recorded generation of its caller (or was outside the window when it was received) is dropped. A
 * record whose conditional put succeeds, or whose key
 * already holds the same content, is done. A record that conflicts with the stored one was already
 * accepted (202), so it is kept under `conflicts/` instead of being dropped. A malformed message or any
 * S3 failure is reported as a batch item failure: SQS delivers it again, and after the queue's
 * maxReceiveCount moves it to the fallback dead-letter queue (alarmed, kept 14 days) for a manual redrive.
 */
export async function redrive(
  event: SQSEvent,
  prefix: string,
  ports: Pick<StorePorts, 'putIfAbsent' | 'storedHash' | 'generation'>,
  log: (line: RedriveLog) => void,
  binding?: { readonly windowSeconds: number },
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const message of event.Records) {
    let json: unknown;
    try {
      json = JSON.parse(message.body);
    } catch {
      json = undefined;
    }
    const parsed = FeedbackRecordSchema.safeParse(json);
    if (!parsed.success) {
      log({ messageId: message.messageId, outcome: 'malformed' });
      batchItemFailures.push({ itemIdentifier: message.messageId });
      continue;
    }
    const record = parsed.data;
    try {
      // A record queued because the generation check could not run is checked now (at its receive time):
      // feedback for an unknown or someone else's generation is dropped, not retried.
      let stored = record;
      if (binding) {
        const bound = await bindingOf(record, binding.windowSeconds, ports, new Date(record.receivedAt));
        if (bound.outcome !== 'bound') {
          log({ messageId: message.messageId, outcome: 'unbound', requestId: record.requestId });
          continue;
        }
        // queued before the generation could be read: it gets its prompt design (and partition) now
        if (!record.promptDesign && bound.promptDesign) stored = { ...record, promptDesign: storedDesign(bound.promptDesign) };
      }
      const key = recordKey(prefix, stored);
      if ((await ports.putIfAbsent(key, stored)) === 'created') {
        log({ messageId: message.messageId, outcome: 'recorded', requestId: record.requestId });
        continue;
      }
      if ((await ports.storedHash(key)) === record.contentSha256) {
        log({ messageId: message.messageId, outcome: 'duplicate', requestId: record.requestId });
        continue;
      }
      // Same conflict stored twice is still one object (conditional put, key from the hash).
      await ports.putIfAbsent(conflictKey(prefix, record.requestId, record.contentSha256), stored);
      log({ messageId: message.messageId, outcome: 'conflict-kept', requestId: record.requestId });
    } catch (error) {
      log({ messageId: message.messageId, outcome: 'retry', requestId: record.requestId, error: errorName(error) });
      batchItemFailures.push({ itemIdentifier: message.messageId });
    }
  }
  return { batchItemFailures };
}
