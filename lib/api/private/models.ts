import * as apigw from 'aws-cdk-lib/aws-apigateway';

/**
 * Limits of the feedback body. The same numbers are in `lambda/feedback/schema.ts` (the handler validates
 * again, and answers with field-level messages); a test keeps both in step.
 */
export const FEEDBACK_LIMITS = {
  requestIdPattern: '^[A-Za-z0-9][A-Za-z0-9_-]{7,127}$',
  minRating: 1,
  maxRating: 5,
  maxCorrectionLength: 8000,
  maxCommentLength: 2000,
  flags: ['inaccurate', 'harmful', 'offensive', 'privacy', 'other'],
} as const;

/** JSON schema (draft 4) of `POST /v1/feedback`: strict, unknown fields rejected. */
export function feedbackSchema(): apigw.JsonSchema {
  return {
    schema: apigw.JsonSchemaVersion.DRAFT4,
    title: 'Feedback',
    type: apigw.JsonSchemaType.OBJECT,
    required: ['requestId', 'rating'],
    additionalProperties: false,
    properties: {
      requestId: { type: apigw.JsonSchemaType.STRING, pattern: FEEDBACK_LIMITS.requestIdPattern },
      rating: { type: apigw.JsonSchemaType.INTEGER, minimum: FEEDBACK_LIMITS.minRating, maximum: FEEDBACK_LIMITS.maxRating },
      correction: { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: FEEDBACK_LIMITS.maxCorrectionLength },
      comment: { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: FEEDBACK_LIMITS.maxCommentLength },
      flag: { type: apigw.JsonSchemaType.STRING, enum: [...FEEDBACK_LIMITS.flags] },
    },
  };
}

/**
 * JSON schema of `POST /v1/generate`: the shape only (a JSON object with a non-empty `prompt` string, or a
 * `template` name from the prompt catalog).
 * The generate function validates every field itself and answers with field-level messages, so the
 * gateway does not duplicate (and drift from) those rules.
 */
export function generateSchema(): apigw.JsonSchema {
  return {
    schema: apigw.JsonSchemaVersion.DRAFT4,
    title: 'GenerateRequest',
    type: apigw.JsonSchemaType.OBJECT,
    anyOf: [{ required: ['prompt'] }, { required: ['template'] }],
    properties: {
      prompt: { type: apigw.JsonSchemaType.STRING, minLength: 1 },
      template: { type: apigw.JsonSchemaType.STRING, minLength: 1 },
      variables: { type: apigw.JsonSchemaType.OBJECT },
    },
  };
}

/** Gateway error bodies: JSON with the API request id, in the same shape as the handlers' errors. */
export const GATEWAY_ERROR_TEMPLATE = '{"error":$context.error.messageString,"apiRequestId":"$context.requestId"}';

/** The access log line: JSON, no request or response bodies, no headers. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  apiRequestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  caller: '$context.identity.caller',
  userArn: '$context.identity.userArn',
  cognitoSub: '$context.authorizer.claims.sub',
  wafStatus: '$context.waf.status',
  errorMessage: '$context.error.message',
  xrayTraceId: '$context.xrayTraceId',
});
