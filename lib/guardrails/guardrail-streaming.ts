import { Duration } from 'aws-cdk-lib';

/**
 * The streaming entry point of a {@link GuardrailFunction}: `POST /v1/generate/stream` of `GenAIApi`
 * (`generateStreamFunction`). A second Lambda function from the same bundle and role, with its own timeout and
 * concurrency: the answer is sent as server-sent events while it is generated, and guarded on the way (local
 * checks on every chunk, the Bedrock guardrail on windows of the answer; only checked text is sent).
 */
export interface GuardrailStreamingOptions {
  /**
   * Timeout of the streaming function: the longest one answer may stream (30 seconds to 15 minutes).
   * API Gateway ends a streamed response after 15 minutes, and after 5 minutes without a byte.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Characters of the answer one ApplyGuardrail call judges once the stream is under way (100 to 10,000).
   * The first two windows are a quarter and a half of it, so the first words arrive sooner. Larger windows
   * mean fewer calls (Bedrock bills guardrails per 1,000 characters, rounded up per call) and bigger bursts.
   * @default 1000
   */
  readonly guardrailWindowChars?: number;
  /**
   * Concurrent executions reserved for (and capping) the streaming function. A stream holds one for its
   * whole length, so long answers need more than the buffered function.
   * @default 10
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Memory of the streaming function, in MiB (128 to 10240).
   * @default - the guardrail function's `memorySize`
   */
  readonly memorySize?: number;
}
