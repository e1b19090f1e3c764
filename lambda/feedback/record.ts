import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { callerHash } from '../shared/generation';
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
  /**
   * Set by the screening step on the copy training reads: when it ran, whether text was redacted, and the
   * policies that found something (never the text they found).
   */
  screening: z.optional(z.strictObject({ screenedAt: z.string(), redacted: z.boolean(), policies: z.array(z.string()) })),
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
    ...(promptDesign !== undefined ? { promptDesign: storedDesign(promptDesign) } : {}),
  };
}

/** The prompt design as a record stores it. */
export function storedDesign(design: PromptDesign): NonNullable<FeedbackRecord['promptDesign']> {
  return { ...design, settings: { ...design.settings, stopSequences: design.settings.stopSequences ? [...design.settings.stopSequences] : undefined } };
}

/** The partition of records whose generation used no template (a raw prompt, or binding off). */
export const RAW_PROMPT_PARTITION = 'template=_raw/';

/**
 * The key of a request id's record, partitioned by the prompt design that produced the answer, so that the
 * training export (the FEEDBACK channel of the training pipeline, or an Athena table) groups by it:
 * `<prefix>template=<name>/version=<version>/variant=<variant>/<requestId>.json`, and
 * `<prefix>template=_raw/<requestId>.json` for raw prompts (no template name starts with `_`). The design
 * comes from the server's record of the generation, so every delivery of a request id (API, redrive)
 * lands on the same key.
 */
export function recordKey(prefix: string, record: Pick<FeedbackRecord, 'requestId' | 'promptDesign'>): string {
  const design = record.promptDesign;
  if (!design) return `${prefix}${RAW_PROMPT_PARTITION}${record.requestId}.json`;
  const part = (name: string, value: string) => `${name}=${encodeURIComponent(value)}/`;
  return `${prefix}${part('template', design.template)}${part('version', design.version)}${part('variant', design.variant)}${record.requestId}.json`;
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
  /**
   * The generation record of a request id (its caller's hash and when it was written), undefined when
   * there is none (or binding is off); throws when S3 cannot answer.
   */
  generation(requestId: string): Promise<{ readonly callerSha256?: string; readonly recordedAt?: Date; readonly promptDesign?: unknown } | undefined>;
}

/** Whether feedback may be stored: its request id is a recorded generation of the same caller, in the window. */
export type BindingOutcome = 'bound' | 'unknown' | 'expired';

/**
 * Checks the generation record of a feedback record: `unknown` when there is none or another caller made
 * it (the same answer, so the API does not reveal other callers' request ids), `expired` when it is older
 * than the window. Throws when S3 cannot answer.
 */
export async function checkBinding(
  record: Pick<FeedbackRecord, 'requestId' | 'caller'>,
  windowSeconds: number,
  ports: Pick<StorePorts, 'generation'>,
  now: Date,
): Promise<BindingOutcome> {
  return (await bindingOf(record, windowSeconds, ports, now)).outcome;
}

/**
 * {@link checkBinding}, with the prompt design the generation record holds for a bound template request
 * (undefined for raw prompts, or when the record's design is not readable: the feedback is still stored).
 */
export async function bindingOf(
  record: Pick<FeedbackRecord, 'requestId' | 'caller'>,
  windowSeconds: number,
  ports: Pick<StorePorts, 'generation'>,
  now: Date,
): Promise<{ readonly outcome: BindingOutcome; readonly promptDesign?: PromptDesign }> {
  const generation = await ports.generation(record.requestId);
  if (!generation || generation.callerSha256 !== callerHash(record.caller)) return { outcome: 'unknown' };
  if (generation.recordedAt && now.getTime() - generation.recordedAt.getTime() > windowSeconds * 1000) return { outcome: 'expired' };
  const design = PromptDesignSchema.safeParse(generation.promptDesign);
  return { outcome: 'bound', promptDesign: design.success ? (design.data as PromptDesign) : undefined };
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
  const key = recordKey(prefix, record);
  const errors: string[] = [];
  try {
    const put = await ports.putIfAbsent(key, record);
    if (put === 'created') return { outcome: 'recorded', errors };
    const stored = await ports.storedHash(key);
    return { outcome: stored === record.contentSha256 ? 'duplicate' : 'conflict', errors };
  } catch (error) {
    errors.push(errorName(error));
  }
  const queued = await queueRecord(record, ports);
  return { outcome: queued.outcome, errors: [...errors, ...queued.errors] };
}

/** Sends the record to the fallback queue: `queued`, or `failed` when the queue refused it too. */
export async function queueRecord(record: FeedbackRecord, ports: Pick<StorePorts, 'enqueue'>): Promise<StoreResult> {
  try {
    await ports.enqueue(record);
    return { outcome: 'queued', errors: [] };
  } catch (error) {
    return { outcome: 'failed', errors: [errorName(error)] };
  }
}

/** The error's name (SDK errors carry the service's error code there), never its message or stack. */
export function errorName(error: unknown): string {
  if (error instanceof Error) return error.name || 'Error';
  return 'UnknownError';
}
