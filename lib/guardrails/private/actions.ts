/** What `Guardrail.grantApply` allows. */
export const GUARDRAIL_APPLY_ACTIONS = ['bedrock:ApplyGuardrail'] as const;

/** What the guardrail function may do with a Bedrock model (Converse is authorized as InvokeModel). */
export const BEDROCK_INVOKE_ACTIONS = ['bedrock:InvokeModel'] as const;

/** What its streaming entry point may also do (ConverseStream is authorized as InvokeModelWithResponseStream). */
export const BEDROCK_STREAM_ACTIONS = ['bedrock:InvokeModelWithResponseStream'] as const;

/** What the guardrail function may do with the trace key: create data keys, never decrypt. */
export const TRACE_KEY_ACTIONS = ['kms:GenerateDataKey'] as const;

/** What the guardrail function may do with the review queue. */
export const REVIEW_QUEUE_ACTIONS = ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'] as const;

/** What the invocation-logging provider may do (the Bedrock logging configuration has no resource ARN). */
export const INVOCATION_LOGGING_ACTIONS = [
  'bedrock:PutModelInvocationLoggingConfiguration',
  'bedrock:DeleteModelInvocationLoggingConfiguration',
  'bedrock:GetModelInvocationLoggingConfiguration',
] as const;
