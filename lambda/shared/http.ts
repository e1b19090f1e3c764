/**
 * JSON responses for API Gateway Lambda proxy integrations, shared by the handlers behind GenAIApi.
 * Error bodies never carry a stack trace or an exception message: `{ error, details?, requestId }`.
 */

/** The answer an API Gateway Lambda proxy integration expects. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: { [name: string]: string };
  readonly body: string;
}

/** Headers on every response: JSON, never cached, no MIME sniffing. */
export const JSON_HEADERS: { readonly [name: string]: string } = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** A JSON response; `body` is serialized as is. */
export function jsonResponse(statusCode: number, body: object, headers: { [name: string]: string } = {}): HttpResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** A JSON error with the request id the caller quotes to support: `{ error, details?, requestId }`. */
export function errorResponse(
  statusCode: number,
  error: string,
  requestId: string,
  details?: string[],
  headers: { [name: string]: string } = {},
): HttpResponse {
  const body = details && details.length > 0 ? { error, details, requestId } : { error, requestId };
  return jsonResponse(statusCode, body, headers);
}

/** The outcome of {@link readJsonBody}. */
export type BodyResult =
  | { readonly ok: true; readonly json: unknown; readonly bytes: number }
  | { readonly ok: false; readonly statusCode: 400 | 413; readonly error: string };

/**
 * Decodes (base64 when flagged), size-checks and parses a JSON request body. Never throws: an empty or
 * invalid body is a 400, a body over `maxBytes` a 413 (checked before parsing, so a huge body is never parsed).
 */
export function readJsonBody(body: string | null | undefined, isBase64Encoded: boolean | undefined, maxBytes: number): BodyResult {
  if (body === null || body === undefined || body.length === 0) {
    return { ok: false, statusCode: 400, error: 'the request body is empty; expected a JSON object' };
  }
  // Cheap upper bounds first: UTF-8 is at most 3 bytes per UTF-16 unit here, base64 4 chars per 3 bytes.
  if (!isBase64Encoded && body.length > maxBytes) return tooLarge(maxBytes);
  if (isBase64Encoded && body.length > Math.ceil((maxBytes * 4) / 3) + 4) return tooLarge(maxBytes);
  const bytes = isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length > maxBytes) return tooLarge(maxBytes);
  try {
    return { ok: true, json: JSON.parse(bytes.toString('utf8')), bytes: bytes.length };
  } catch {
    return { ok: false, statusCode: 400, error: 'the request body is not valid JSON' };
  }
}

function tooLarge(maxBytes: number): BodyResult {
  return { ok: false, statusCode: 413, error: `the request body is larger than ${maxBytes} bytes` };
}
