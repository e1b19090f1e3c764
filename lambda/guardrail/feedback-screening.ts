import type { FeedbackRecord } from '../feedback/record';
import { FeedbackRecordSchema } from '../feedback/record';
import type { GuardrailVerdict } from './assessments';
import { inspectText } from './local-checks';

/**
 * Screening of feedback before training reads it. The feedback function writes each record under a
 * quarantine prefix; this step runs the guardrail's local checks (secrets, prompt injection, PII
 * redaction) and the Bedrock guardrail on its free text (correction, comment), then either copies the
 * record, with PII redacted, to the prefix training reads, or leaves it in quarantine and sends a review
 * message (never the text). Pure: storage, guardrail and queue are ports.
 */

/** Where records come from and go to. */
export interface ScreeningConfig {
  readonly bucket: string;
  /** Where the feedback function writes (ends with `/`). */
  readonly quarantinePrefix: string;
  /** What training reads (ends with `/`). */
  readonly trainingPrefix: string;
}

/** The calls screening makes (S3, Bedrock, SQS in the function; fakes in tests). */
export interface ScreeningPorts {
  /** The object's body. */
  getObject(key: string): Promise<string>;
  /** Conditional put (If-None-Match: *): `exists` when the key has an object already. */
  putIfAbsent(key: string, body: string): Promise<'created' | 'exists'>;
  /** ApplyGuardrail on user-supplied text (source INPUT). */
  applyGuardrail(text: string): Promise<GuardrailVerdict>;
  sendForReview(message: object): Promise<void>;
}

/** What happened to one object. */
export type ScreeningOutcome = 'promoted' | 'already-promoted' | 'blocked' | 'malformed' | 'ignored';

/** The result of {@link screenFeedback} (no text, safe to log). */
export interface ScreeningResult {
  readonly outcome: ScreeningOutcome;
  readonly key: string;
  readonly requestId?: string;
  /** The policies that blocked (`LOCAL:<type>`, `CONTENT:...`), or, when promoted, what was redacted. */
  readonly policies: string[];
}

/** Where a quarantined record goes once screened: the same relative key under the training prefix. */
export function trainingKey(config: ScreeningConfig, key: string): string {
  return `${config.trainingPrefix}${key.slice(config.quarantinePrefix.length)}`;
}

const TEXT_FIELDS = ['correction', 'comment'] as const;

/**
 * Screens one quarantined object. Throws only when a port throws (the caller retries); a malformed or
 * blocked record is a result, sent for review and left in quarantine.
 */
export async function screenFeedback(key: string, config: ScreeningConfig, ports: ScreeningPorts, now: () => Date): Promise<ScreeningResult> {
  if (!key.startsWith(config.quarantinePrefix) || key.length === config.quarantinePrefix.length) {
    return { outcome: 'ignored', key, policies: [] };
  }
  const body = await ports.getObject(key);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const parsed = FeedbackRecordSchema.safeParse(json);
  if (!parsed.success) {
    await ports.sendForReview(reviewMessage(config, key, undefined, ['FEEDBACK_MALFORMED'], [], now));
    return { outcome: 'malformed', key, policies: [] };
  }
  const record = parsed.data;

  const screened: Partial<Record<(typeof TEXT_FIELDS)[number], string>> = {};
  const blockedBy: string[] = [];
  const redactedBy: string[] = [];
  for (const field of TEXT_FIELDS) {
    const text = record[field];
    if (text === undefined) continue;
    const local = inspectText(text);
    if (local.blocked) {
      blockedBy.push(...local.findings.map((f) => `LOCAL:${f.type}`));
      continue;
    }
    redactedBy.push(...local.findings.map((f) => `LOCAL:${f.type}`));
    const verdict = await ports.applyGuardrail(local.redacted);
    if (verdict.blocked) {
      blockedBy.push(...verdict.blockedPolicies);
      continue;
    }
    redactedBy.push(...verdict.anonymizedPolicies);
    screened[field] = verdict.intervened && verdict.outputText !== undefined ? verdict.outputText : local.redacted;
  }

  if (blockedBy.length > 0) {
    const policies = unique(blockedBy);
    await ports.sendForReview(reviewMessage(config, key, record.requestId, ['FEEDBACK_BLOCKED'], policies, now));
    return { outcome: 'blocked', key, requestId: record.requestId, policies };
  }
  const policies = unique(redactedBy);
  const promoted: FeedbackRecord = {
    ...record,
    ...screened,
    screening: { screenedAt: now().toISOString(), redacted: TEXT_FIELDS.some((f) => screened[f] !== record[f]), policies },
  };
  const put = await ports.putIfAbsent(trainingKey(config, key), JSON.stringify(promoted));
  return { outcome: put === 'created' ? 'promoted' : 'already-promoted', key, requestId: record.requestId, policies };
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function reviewMessage(config: ScreeningConfig, key: string, requestId: string | undefined, reasons: string[], policies: string[], now: () => Date): object {
  return { requestId, reasons, policies, feedback: { bucket: config.bucket, key }, time: now().toISOString() };
}
