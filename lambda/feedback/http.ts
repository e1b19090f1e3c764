/**
 * JSON responses for API Gateway proxy integrations. Kept inside lambda/feedback for now; the lead may
 * merge it with the guardrail function's helper into lambda/shared.
 */

/** The answer an API Gateway Lambda proxy integration expects. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: { [name: string]: string };
  readonly body: string;
}

/** A JSON response with no-store caching and nosniff; `body` is serialized as is. */
export function jsonResponse(statusCode: number, body: object, headers: { [name: string]: string } = {}): HttpResponse {
  return {
    statusCode,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

/** A JSON error: `{ error, details?, apiRequestId }`. Never carries a stack trace or an exception message. */
export function errorResponse(
  statusCode: number,
  error: string,
  apiRequestId: string,
  details?: string[],
  headers: { [name: string]: string } = {},
): HttpResponse {
  return jsonResponse(statusCode, details && details.length > 0 ? { error, details, apiRequestId } : { error, apiRequestId }, headers);
}
