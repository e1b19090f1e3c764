import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * The record of a generation that feedback is bound to: the guardrail function writes one empty object per
 * answered request (`<prefix><request id>`) whose metadata holds the SHA-256 of the caller; the feedback
 * function reads it to accept feedback only for a real generation of the same caller.
 */

/** Object metadata key of the caller hash (`x-amz-meta-caller-sha256`). */
export const CALLER_HASH_METADATA_KEY = 'caller-sha256';
/**
 * Object metadata key of the generation's prompt design (template requests only): base64url JSON, since S3
 * metadata is ASCII. Feedback records copy it, so ratings can be compared per template version and variant.
 */
export const PROMPT_DESIGN_METADATA_KEY = 'prompt-design';

/** The metadata value of a prompt design (base64url JSON). */
export function encodeDesign(design: object): string {
  return Buffer.from(JSON.stringify(design), 'utf8').toString('base64url');
}

/** The prompt design of a metadata value, undefined when it is absent or not readable. */
export function decodeDesign(value: string | undefined): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The caller as API Gateway authenticated it: the IAM principal ARN, else `cognito:<sub>` for user pools,
 * else the caller id. The guardrail function (generate) and the feedback function use this same rule, so a
 * generation and its feedback name the same caller.
 */
export function callerOf(event: Pick<APIGatewayProxyEvent, 'requestContext'> | undefined): string {
  const rc = event?.requestContext;
  const identity = rc?.identity;
  const claims = (rc?.authorizer as { claims?: { sub?: string } } | undefined)?.claims;
  return identity?.userArn ?? (claims?.sub ? `cognito:${claims.sub}` : undefined) ?? identity?.caller ?? 'unknown';
}

/** The SHA-256 (hex) of a caller, which is all a generation record keeps of it. */
export function callerHash(caller: string): string {
  return createHash('sha256').update(caller, 'utf8').digest('hex');
}

/** The key of a request id's generation record. */
export function generationKey(prefix: string, requestId: string): string {
  return `${prefix}${requestId}`;
}
