import { Logger } from '@aws-lambda-powertools/logger';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig } from './config';
import { PromotionResult, promote } from './promote';
import { BatchResponse, handleApprovals, isQueueEvent } from './queue';
import { ENDPOINT_STATE_CHANGE, ScalingResult, applyScaling } from './scaling';

const logger = new Logger({ serviceName: 'model-promotion' });
// Retries are ours (withRetry), so the SDK makes one attempt per call.
const sagemaker = new SageMakerClient({ maxAttempts: 1 });
const cloudtrail = new CloudTrailClient({ maxAttempts: 1 });
const autoscaling = new ApplicationAutoScalingClient({ maxAttempts: 1 });
const cloudwatch = new CloudWatchClient({ maxAttempts: 1 });
const sqs = new SQSClient({ maxAttempts: 1 });
let config: ReturnType<typeof loadConfig> | undefined;

/**
 * SQS records of the approvals queue (EventBridge "SageMaker Model Package State Change") → roll each approved
 * version out, one at a time, leaving it in the queue while the endpoint is busy;
 * "SageMaker Endpoint State Change" → register autoscaling on an endpoint the function created, once InService;
 * an approval event invoked directly → roll it out (no waiting: a busy endpoint is a 202 record).
 * Bad or foreign events get a 4xx result (no retry helps them); AWS failures of direct invocations throw, so
 * Lambda retries the asynchronous invocation and then sends the event to the function's dead-letter queue.
 */
export async function handler(event: unknown): Promise<PromotionResult | ScalingResult | BatchResponse> {
  config ??= loadConfig(process.env.PROMOTION_CONFIG);
  const log = { info: (m: string, extra?: Record<string, unknown>) => logger.info(m, extra ?? {}), warn: (m: string, extra?: Record<string, unknown>) => logger.warn(m, extra ?? {}) };
  const promotionDeps = { sagemaker, cloudtrail, autoscaling, cloudwatch, config, logger: log };
  if (isQueueEvent(event)) {
    if (!config.queue) throw new Error('PROMOTION_CONFIG has no queue, but the function received SQS records');
    return handleApprovals(event, { sqs, queue: config.queue, logger: log, promote: (body) => promoteLogged(body, promotionDeps) });
  }
  const scaling = (event as { 'detail-type'?: unknown } | null)?.['detail-type'] === ENDPOINT_STATE_CHANGE;
  try {
    // Anything that is not an endpoint state change goes to promote(), which rejects what it does not know.
    return scaling ? await applyScaling(event, { sagemaker, autoscaling, cloudwatch, config, logger: log }) : await promote(event, promotionDeps);
  } catch (error) {
    const e = error as Error;
    const what = scaling ? 'endpoint scaling' : 'model promotion';
    logger.error(`${what} failed`, { errorName: e.name, errorMessage: e.message, event: summarize(event) });
    throw new Error(`${what} failed: ${e.name}: ${e.message}`);
  }
}

/** promote(), with the failure logged the way direct invocations log it (the queue decides what happens next). */
async function promoteLogged(event: unknown, deps: Parameters<typeof promote>[1]): Promise<PromotionResult> {
  try {
    return await promote(event, deps);
  } catch (error) {
    const e = error as Error;
    logger.error('model promotion failed', { errorName: e.name, errorMessage: e.message, event: summarize(event) });
    throw error;
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
