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
