import { Logger } from '@aws-lambda-powertools/logger';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { loadConfig } from './config';
import { PromotionResult, promote } from './promote';
import { ENDPOINT_STATE_CHANGE, ScalingResult, applyScaling } from './scaling';

const logger = new Logger({ serviceName: 'model-promotion' });
// Retries are ours (withRetry), so the SDK makes one attempt per call.
const sagemaker = new SageMakerClient({ maxAttempts: 1 });
const autoscaling = new ApplicationAutoScalingClient({ maxAttempts: 1 });
const cloudwatch = new CloudWatchClient({ maxAttempts: 1 });
let config: ReturnType<typeof loadConfig> | undefined;

/**
 * EventBridge "SageMaker Model Package State Change" → roll the approved version out;
 * "SageMaker Endpoint State Change" → register autoscaling on an endpoint the function created, once InService.
 * Bad or foreign events get a 4xx result (no retry helps them); AWS failures throw, so Lambda retries the
 * asynchronous invocation and then sends the event to the function's dead-letter queue.
 */
export async function handler(event: unknown): Promise<PromotionResult | ScalingResult> {
  config ??= loadConfig(process.env.PROMOTION_CONFIG);
  const log = { info: (m: string, extra?: Record<string, unknown>) => logger.info(m, extra ?? {}), warn: (m: string, extra?: Record<string, unknown>) => logger.warn(m, extra ?? {}) };
  const scaling = (event as { 'detail-type'?: unknown } | null)?.['detail-type'] === ENDPOINT_STATE_CHANGE;
  try {
    // Anything that is not an endpoint state change goes to promote(), which rejects what it does not know.
    return scaling
      ? await applyScaling(event, { sagemaker, autoscaling, cloudwatch, config, logger: log })
      : await promote(event, { sagemaker, config, logger: log });
  } catch (error) {
    const e = error as Error;
    const what = scaling ? 'endpoint scaling' : 'model promotion';
    logger.error(`${what} failed`, { errorName: e.name, errorMessage: e.message, event: summarize(event) });
    throw new Error(`${what} failed: ${e.name}: ${e.message}`);
  }
}

function summarize(event: unknown): unknown {
  const e = event as {
    id?: string;
    'detail-type'?: unknown;
    detail?: { ModelPackageArn?: string; ModelPackageGroupName?: string; EndpointName?: string; EndpointStatus?: string };
  };
  return {
    id: e?.id,
    detailType: e?.['detail-type'],
    modelPackageArn: e?.detail?.ModelPackageArn,
    modelPackageGroupName: e?.detail?.ModelPackageGroupName,
    endpointName: e?.detail?.EndpointName,
    endpointStatus: e?.detail?.EndpointStatus,
  };
}
