import type { APIGatewayProxyEvent } from 'aws-lambda';
import { PromptDesign, variantEmf } from '../shared/prompt-design';
import { HttpResponse, errorResponse, jsonResponse } from './http';
import { callerOf as sharedCallerOf } from '../shared/generation';
import { BindingOutcome, bindingOf, buildRecord, queueRecord, storeRecord, StorePorts, StoreOutcome } from './record';
import { parseFeedback } from './schema';

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 30;

/** What {@link handleFeedback} needs besides the event. */
export interface FeedbackContext {
  readonly prefix: string;
  readonly ports: StorePorts;
  readonly now: () => Date;
  readonly log: (outcome: StoreOutcome | 'rejected' | 'unbound' | 'expired', details: object) => void;
  /**
   * Set when feedback must name a recorded generation of the same caller within the window. The record also
   * holds the prompt design of a template request, which the feedback record copies (and the per-variant
   * `FeedbackRating` metric is published); without binding, records carry no design.
   */
  readonly binding?: { readonly windowSeconds: number };
  /** Writes one embedded-metric-format line (the per-variant `FeedbackRating`). */
  readonly writeEmf?: (line: string) => void;
}

/**
 * The caller as API Gateway authenticated it: the IAM principal ARN, else `cognito:<sub>` for user pools
 * (the same rule as the guardrail function, so feedback and its generation name the same caller).
 */
export function callerOf(event: APIGatewayProxyEvent): string {
  return sharedCallerOf(event);
}

/**
 * `POST /v1/feedback`: validate, then store one record per generation request id.
 *
 * - 404: (with binding) the request id is not a recorded generation of this caller.
 * - 410: (with binding) the generation is older than the feedback window.
 * - 201 `recorded`: the record is in the FEEDBACK zone (under the quarantine prefix when screened).
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
  if (context.binding) {
    let binding: BindingOutcome | 'unavailable';
    try {
      const bound = await bindingOf({ requestId: parsed.feedback.requestId, caller }, context.binding.windowSeconds, context.ports, context.now());
      binding = bound.outcome;
      design = bound.promptDesign;
    } catch {
      binding = 'unavailable';
    }
    const requestId = parsed.feedback.requestId;
    if (binding === 'unknown') {
      context.log('unbound', { apiRequestId, requestId, statusCode: 404 });
      return errorResponse(404, `no generation with request id ${requestId} was recorded for this caller; feedback names the requestId of your own POST /v1/generate`, apiRequestId);
    }
    if (binding === 'expired') {
      const days = Math.round(context.binding.windowSeconds / 86400);
      context.log('expired', { apiRequestId, requestId, statusCode: 410 });
      return errorResponse(410, `feedback for request ${requestId} is no longer accepted: the window of ${days} day(s) after the generation has closed`, apiRequestId);
    }
    if (binding === 'unavailable') {
      // The check could not run: the record waits in the fallback queue, whose redrive checks it again.
      const record = buildRecord(parsed.feedback, caller, apiRequestId, context.now());
      const queued = await queueRecord(record, context.ports);
      context.log(queued.outcome, { apiRequestId, requestId, errors: ['GenerationCheckFailed', ...queued.errors] });
      return queued.outcome === 'queued'
        ? jsonResponse(202, { status: 'accepted', requestId, apiRequestId })
        : errorResponse(503, 'feedback could not be stored and was not recorded; retry later', apiRequestId, undefined, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    }
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
