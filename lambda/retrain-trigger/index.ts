import { Logger } from '@aws-lambda-powertools/logger';
import { ListPipelineExecutionsCommand, SageMakerClient, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DrainResult, TriggerPorts, drain } from './drain';

const logger = new Logger({ serviceName: 'retrain-trigger' });
const sagemaker = new SageMakerClient({});
const sqs = new SQSClient({});

/** Receive calls per invocation (10 messages each). */
const MAX_BATCHES = 100;
/** How long received messages stay invisible; longer than the function's timeout. */
const VISIBILITY_TIMEOUT_SECONDS = 120;

/** Reads the configuration; a missing value is a deployment error, not a bad request. */
export function loadConfig(env: NodeJS.ProcessEnv): { pipelineName: string; queueUrl: string } {
  const pipelineName = env.PIPELINE_NAME;
  const queueUrl = env.QUEUE_URL;
  if (!pipelineName || !queueUrl) throw new Error('PIPELINE_NAME and QUEUE_URL must be set');
  return { pipelineName, queueUrl };
}

/** The SageMaker and SQS calls of {@link drain}. */
export function awsPorts(config: { pipelineName: string; queueUrl: string }, clients = { sagemaker, sqs }): TriggerPorts {
  return {
    async latestExecution() {
      const out = await clients.sagemaker.send(
        new ListPipelineExecutionsCommand({ PipelineName: config.pipelineName, SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 1 }),
      );
      const s = out.PipelineExecutionSummaries?.[0];
      return s ? { status: s.PipelineExecutionStatus ?? 'Unknown', startTime: s.StartTime } : undefined;
    },
    async receive(max) {
      const out = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: config.queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: 0, VisibilityTimeout: VISIBILITY_TIMEOUT_SECONDS }),
      );
      return (out.Messages ?? [])
        .filter((m) => m.ReceiptHandle)
        .map((m) => ({ receiptHandle: m.ReceiptHandle!, body: m.Body ?? '' }));
    },
    async delete(handles) {
      for (let i = 0; i < handles.length; i += 10) {
        const out = await clients.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: config.queueUrl,
            Entries: handles.slice(i, i + 10).map((h, j) => ({ Id: String(i + j), ReceiptHandle: h })),
          }),
        );
        // Undeleted messages come back and are then older than the execution: they are only deleted.
        if (out.Failed && out.Failed.length > 0) logger.warn('some messages were not deleted', { failed: out.Failed.length });
      }
    },
    async start(token, description) {
      const out = await clients.sagemaker.send(
        new StartPipelineExecutionCommand({ PipelineName: config.pipelineName, ClientRequestToken: token, PipelineExecutionDescription: description }),
      );
      return out.PipelineExecutionArn;
    },
  };
}

let config: ReturnType<typeof loadConfig> | undefined;

/**
 * Invoked by the debounce schedule. Answers a foreign event with a 400 result (no retry helps it);
 * SageMaker or SQS failures throw, so Lambda retries the invocation (with the same event id, which is
 * the idempotency token) and then sends it to the dead-letter queue.
 */
export async function handler(event: unknown): Promise<DrainResult> {
  config ??= loadConfig(process.env);
  try {
    const result = await drain(event, awsPorts(config), { maxBatches: MAX_BATCHES });
    if (result.statusCode === 400) logger.warn('ignored event', { error: result.error });
    else logger.info('retrain trigger', { ...result });
    return result;
  } catch (error) {
    const e = error as Error;
    logger.error('retrain trigger failed', { errorName: e.name, errorMessage: e.message });
    throw new Error(`retrain trigger failed: ${e.name}: ${e.message}`);
  }
}
