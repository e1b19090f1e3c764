import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { PromptDesign } from '../shared/prompt-design';
import { FLAGS, Feedback, REQUEST_ID_PATTERN } from './schema';

/** Version of the stored record layout; the training pipeline reads it. */
export const RECORD_SCHEMA_VERSION = 1;

/**
 * The prompt design of the generation the feedback is about (lambda/shared/prompt-design.ts): which
 * template, version and variant produced the answer, with the resolved settings. Optional: raw-prompt
 * generations have none, and it is only set from the server's own record of the generation, never from the
 * feedback body.
 */
export const PromptDesignSchema = z.strictObject({
  catalog: z.string(),
  template: z.string(),
  version: z.string(),
  variant: z.string(),
  settings: z.strictObject({
    maxTokens: z.optional(z.number()),
    temperature: z.optional(z.number()),
    topP: z.optional(z.number()),
    stopSequences: z.optional(z.array(z.string())),
    contextBudgetChars: z.number(),
    truncation: z.string(),
  }),
  rendering: z.enum(['bedrock', 'function']),
  truncatedChars: z.number(),
});

/** What is written to the FEEDBACK zone, one object per generation request id. */
export const FeedbackRecordSchema = z.strictObject({
  schemaVersion: z.literal(RECORD_SCHEMA_VERSION),
  requestId: z.string().check(z.regex(REQUEST_ID_PATTERN)),
  rating: z.int(),
  correction: z.optional(z.string()),
  comment: z.optional(z.string()),
  flag: z.optional(z.enum(FLAGS)),
  /** Who sent it: the IAM principal ARN, or `cognito:<sub>`. */
  caller: z.string(),
  /** SHA-256 of the feedback content and caller: equal hashes mean the same feedback. */
  contentSha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  receivedAt: z.string(),
  /** The API request that delivered it. */
  apiRequestId: z.string(),
  /** The prompt design of the generation (template requests only); the training export groups by it. */
  promptDesign: z.optional(PromptDesignSchema),
});

/** One stored feedback record. */
export type FeedbackRecord = z.infer<typeof FeedbackRecordSchema>;

/**
 * The hash that decides whether two submissions are the same feedback: the fields the user sent and who
 * sent them, not when or through which API request.
 */
export function contentHash(feedback: Feedback, caller: string): string {
  const canonical = JSON.stringify([
    feedback.requestId,
    feedback.rating,
    feedback.correction ?? null,
    feedback.comment ?? null,
    feedback.flag ?? null,
    caller,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Builds the record of a validated body. `promptDesign` comes from the server's record of the generation
 * (see `FeedbackContext.promptDesignOf`), never from the body; it is not part of the content hash.
 */
export function buildRecord(feedback: Feedback, caller: string, apiRequestId: string, now: Date, promptDesign?: PromptDesign): FeedbackRecord {
  return {
    schemaVersion: RECORD_SCHEMA_VERSION,
    requestId: feedback.requestId,
    rating: feedback.rating,
    ...(feedback.correction !== undefined ? { correction: feedback.correction } : {}),
    ...(feedback.comment !== undefined ? { comment: feedback.comment } : {}),
    ...(feedback.flag !== undefined ? { flag: feedback.flag } : {}),
    caller,
    contentSha256: contentHash(feedback, caller),
    receivedAt: now.toISOString(),
    apiRequestId,
    ...(promptDesign !== undefined ? { promptDesign: { ...promptDesign, settings: { ...promptDesign.settings, stopSequences: promptDesign.settings.stopSequences ? [...promptDesign.settings.stopSequences] : undefined } } } : {}),
  };
}

/** The key of a request id's record: `<prefix><requestId>.json`. */
export function recordKey(prefix: string, requestId: string): string {
  return `${prefix}${requestId}.json`;
}

/**
 * The key a conflicting record found during a redrive is kept under (the API answers 409 for conflicts it
 * sees itself; one that only shows up on redrive was already accepted, so it is kept beside the first).
 */
export function conflictKey(prefix: string, requestId: string, hash: string): string {
  return `${prefix}conflicts/${requestId}/${hash}.json`;
}

/** The storage calls (S3 and SQS in the handler, fakes or mocks in tests). */
export interface StorePorts {
  /** Conditional put (If-None-Match: *): `created`, or `exists` when the key already has an object. */
  putIfAbsent(key: string, record: FeedbackRecord): Promise<'created' | 'exists'>;
  /** The content hash of the stored object, or undefined when it has none. */
  storedHash(key: string): Promise<string | undefined>;
  /** Sends the record to the fallback queue. */
  enqueue(record: FeedbackRecord): Promise<void>;
}

/** What happened to one record. */
export type StoreOutcome = 'recorded' | 'duplicate' | 'conflict' | 'queued' | 'failed';

/** The result of {@link storeRecord}, with the errors met on the way (names only, for logs). */
export interface StoreResult {
  readonly outcome: StoreOutcome;
  readonly errors: string[];
}

/**
 * Writes the record under its request id. An existing object with the same content hash is a duplicate,
 * with another hash a conflict. Any S3 failure sends the record to the fallback queue (`queued`); only when
 * that fails too is the outcome `failed`, and then nothing was stored anywhere.
 */
export async function storeRecord(record: FeedbackRecord, prefix: string, ports: StorePorts): Promise<StoreResult> {
  const key = recordKey(prefix, record.requestId);
  const errors: string[] = [];
  try {
    const put = await ports.putIfAbsent(key, record);
    if (put === 'created') return { outcome: 'recorded', errors };
    const stored = await ports.storedHash(key);
    return { outcome: stored === record.contentSha256 ? 'duplicate' : 'conflict', errors };
  } catch (error) {
    errors.push(errorName(error));
  }
  try {
    await ports.enqueue(record);
    return { outcome: 'queued', errors };
  } catch (error) {
    errors.push(errorName(error));
    return { outcome: 'failed', errors };
  }
}

/** The error's name (SDK errors carry the service's error code there), never its message or stack. */
export function errorName(error: unknown): string {
  if (error instanceof Error) return error.name || 'Error';
  return 'UnknownError';
}
