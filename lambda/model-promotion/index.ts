import { Logger } from '@aws-lambda-powertools/logger';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { loadConfig } from './config';
import { PromotionResult, promote } from './promote';

const logger = new Logger({ serviceName: 'model-promotion' });
// Retries are ours (withRetry), so the SDK makes one attempt per call.
const sagemaker = new SageMakerClient({ maxAttempts: 1 });
let config: ReturnType<typeof loadConfig> | undefined;

/**
 * EventBridge "SageMaker Model Package State Change" → roll the approved version out. Bad or foreign
 * events get a 4xx result (no retry helps them); SageMaker failures throw, so Lambda retries the
 * asynchronous invocation and then sends the event to the function's dead-letter queue.
 */
export async function handler(event: unknown): Promise<PromotionResult> {
  config ??= loadConfig(process.env.PROMOTION_CONFIG);
  try {
    return await promote(event, {
      sagemaker,
      config,
      logger: { info: (m, extra) => logger.info(m, extra ?? {}), warn: (m, extra) => logger.warn(m, extra ?? {}) },
    });
  } catch (error) {
    const e = error as Error;
    logger.error('promotion failed', { errorName: e.name, errorMessage: e.message, event: summarize(event) });
    throw new Error(`model promotion failed: ${e.name}: ${e.message}`);
  }
}

function summarize(event: unknown): unknown {
  const e = event as { id?: string; detail?: { ModelPackageArn?: string; ModelPackageGroupName?: string } };
  return { id: e?.id, modelPackageArn: e?.detail?.ModelPackageArn, modelPackageGroupName: e?.detail?.ModelPackageGroupName };
}
