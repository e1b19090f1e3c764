import type { APIGatewayProxyEvent } from 'aws-lambda';
import { PromptDesign, variantEmf } from '../shared/prompt-design';
import { HttpResponse, errorResponse, jsonResponse } from './http';
import { buildRecord, storeRecord, StorePorts, StoreOutcome } from './record';
import { parseFeedback } from './schema';

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 30;

/** What {@link handleFeedback} needs besides the event. */
export interface FeedbackContext {
  readonly prefix: string;
  readonly ports: StorePorts;
  readonly now: () => Date;
  readonly log: (outcome: StoreOutcome | 'rejected', details: object) => void;
  /**
   * INTEGRATION POINT (issue 18, prompt experiments): the prompt design of the generation `requestId`, read
   * from the server's per-generation record (requestId -> caller, design) once that record exists; undefined
   * for raw-prompt generations. Without it records carry no design and no per-variant rating is published.
   */
  readonly promptDesignOf?: (requestId: string, caller: string) => Promise<PromptDesign | undefined>;
  /** Writes one embedded-metric-format line (the per-variant `FeedbackRating`). */
  readonly writeEmf?: (line: string) => void;
}

/** The caller as API Gateway authenticated it: `cognito:<sub>` for user pools, else the IAM principal ARN. */
export function callerOf(event: APIGatewayProxyEvent): string {
  const claims = event.requestContext?.authorizer?.claims as { sub?: string } | undefined;
  if (claims?.sub) return `cognito:${claims.sub}`;
  return event.requestContext?.identity?.userArn ?? event.requestContext?.identity?.caller ?? 'unknown';
}

/**
 * `POST /v1/feedback`: validate, then store one record per generation request id.
 *
 * - 201 `recorded`: the record is in the FEEDBACK zone.
 * - 200 `already recorded`: the same feedback (same fields, same caller) was stored before.
 * - 409: different feedback for this request id is already stored; the new one is not.
 * - 202 `accepted`: S3 failed, the record waits in the encrypted fallback queue and is written later.
 * - 503: S3 and the fallback queue both failed; nothing was stored, the client should retry.
 * - 400 / 413 / 415: a bad, oversized or non-JSON body.
 */
export async function handleFeedback(event: APIGatewayProxyEvent, context: FeedbackContext): Promise<HttpResponse> {
  const apiRequestId = event.requestContext?.requestId ?? 'unknown';
  const contentType = headerValue(event.headers, 'content-type');
  if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType)) {
    context.log('rejected', { apiRequestId, statusCode: 415 });
    return errorResponse(415, 'the request body must be application/json', apiRequestId);
  }
  const parsed = parseFeedback(event.body, event.isBase64Encoded ?? false);
  if (!parsed.ok) {
    context.log('rejected', { apiRequestId, statusCode: parsed.statusCode });
    return errorResponse(parsed.statusCode, parsed.error, apiRequestId, parsed.details);
  }

  const caller = callerOf(event);
  let design: PromptDesign | undefined;
  try {
    design = await context.promptDesignOf?.(parsed.feedback.requestId, caller);
  } catch {
    design = undefined; // the feedback is still recorded, without the design
  }
  const record = buildRecord(parsed.feedback, caller, apiRequestId, context.now(), design);
  const result = await storeRecord(record, context.prefix, context.ports);
  if (design && (result.outcome === 'recorded' || result.outcome === 'queued')) {
    context.writeEmf?.(variantEmf(design, [{ name: 'FeedbackRating', unit: 'None', value: record.rating }], context.now()));
  }
  context.log(result.outcome, { apiRequestId, requestId: record.requestId, errors: result.errors });
  const requestId = record.requestId;
  switch (result.outcome) {
    case 'recorded':
      return jsonResponse(201, { status: 'recorded', requestId, apiRequestId });
    case 'duplicate':
      return jsonResponse(200, { status: 'already recorded', requestId, apiRequestId });
    case 'conflict':
      return errorResponse(409, `different feedback for request ${requestId} is already recorded`, apiRequestId);
    case 'queued':
      return jsonResponse(202, { status: 'accepted', requestId, apiRequestId });
    case 'failed':
      return errorResponse(503, 'feedback could not be stored and was not recorded; retry later', apiRequestId, undefined, {
        'Retry-After': String(RETRY_AFTER_SECONDS),
      });
  }
}

function headerValue(headers: APIGatewayProxyEvent['headers'] | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return value;
  }
  return undefined;
}
