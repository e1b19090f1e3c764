import { ApplyGuardrailCommand, BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createLogger, errorName } from '../shared/logging';
import { verdictOf } from './assessments';
import { ScreeningConfig, ScreeningPorts, screenFeedback } from './feedback-screening';

/**
 * The guardrail function's second, non-API entry (`index.screen`): screens the feedback records that land
 * under the quarantine prefix (S3 "Object Created" → EventBridge → SQS → this entry) before training can
 * read them. Deployed as its own function with its own role by GenAIApi.
 */

/** The entry's configuration, from its environment. */
export interface ScreeningEnvironment extends ScreeningConfig {
  readonly guardrailId: string;
  readonly guardrailVersion: string;
  readonly reviewQueueUrl: string;
}

/** Reads the configuration; a missing value is a deployment error. */
export function loadScreeningEnvironment(env: NodeJS.ProcessEnv): ScreeningEnvironment {
  const names = ['FEEDBACK_BUCKET', 'QUARANTINE_PREFIX', 'TRAINING_PREFIX', 'GUARDRAIL_ID', 'GUARDRAIL_VERSION', 'REVIEW_QUEUE_URL'];
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) throw new Error(`environment variable(s) ${missing.join(', ')} not set`);
  return {
    bucket: env.FEEDBACK_BUCKET!,
    quarantinePrefix: env.QUARANTINE_PREFIX!,
    trainingPrefix: env.TRAINING_PREFIX!,
    guardrailId: env.GUARDRAIL_ID!,
    guardrailVersion: env.GUARDRAIL_VERSION!,
    reviewQueueUrl: env.REVIEW_QUEUE_URL!,
  };
}

/** The S3 object an EventBridge "Object Created" event (the SQS message body) names. */
export function objectOf(body: string): { bucket: string; key: string } | undefined {
  try {
    const detail = JSON.parse(body)?.detail;
    const bucket = detail?.bucket?.name;
    const key = detail?.object?.key;
    return typeof bucket === 'string' && typeof key === 'string' ? { bucket, key } : undefined;
  } catch {
    return undefined;
  }
}

/** The clients the ports use. */
export interface ScreeningClients {
  readonly s3: S3Client;
  readonly bedrock: BedrockRuntimeClient;
  readonly sqs: SQSClient;
}

/** Ports over the AWS SDK. */
export function screeningPorts(env: ScreeningEnvironment, clients: ScreeningClients): ScreeningPorts {
  return {
    async getObject(key) {
      const out = await clients.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: key }));
      return (await out.Body?.transformToString('utf8')) ?? '';
    },
    async putIfAbsent(key, body) {
      try {
        await clients.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: body, ContentType: 'application/json', IfNoneMatch: '*' }));
        return 'created';
      } catch (error) {
        const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412) return 'exists';
        throw error;
      }
    },
    async applyGuardrail(text) {
      const out = await clients.bedrock.send(
        new ApplyGuardrailCommand({ guardrailIdentifier: env.guardrailId, guardrailVersion: env.guardrailVersion, source: 'INPUT', content: [{ text: { text } }] }),
      );
      return verdictOf(out);
    },
    async sendForReview(message) {
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: env.reviewQueueUrl, MessageBody: JSON.stringify(message) }));
    },
  };
}

/**
 * Screens every record of the batch; a message whose screening failed (S3, Bedrock or SQS error) is
 * reported as a batch item failure, so SQS delivers it again and, after the queue's maxReceiveCount, moves
 * it to the dead-letter queue (alarmed). Events for other buckets or prefixes are ignored.
 */
export async function screenBatch(event: SQSEvent, env: ScreeningEnvironment, ports: ScreeningPorts, log: (level: 'info' | 'warn', line: object) => void, now: () => Date = () => new Date()): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const message of event.Records ?? []) {
    const object = objectOf(message.body);
    if (!object || object.bucket !== env.bucket) {
      log('warn', { messageId: message.messageId, outcome: 'ignored' });
      continue;
    }
    try {
      const result = await screenFeedback(object.key, env, ports, now);
      log(result.outcome === 'blocked' || result.outcome === 'malformed' ? 'warn' : 'info', { messageId: message.messageId, ...result });
    } catch (error) {
      log('warn', { messageId: message.messageId, key: object.key, outcome: 'retry', errorName: errorName(error) });
      batchItemFailures.push({ itemIdentifier: message.messageId });
    }
  }
  return { batchItemFailures };
}

let cached: { env: ScreeningEnvironment; ports: ScreeningPorts } | undefined;
const logger = createLogger('feedback-screening');

/** The Lambda entry (`index.screen`). */
export async function screen(event: SQSEvent): Promise<SQSBatchResponse> {
  if (!cached) {
    const env = loadScreeningEnvironment(process.env);
    const requestHandler = { connectionTimeout: 1000, requestTimeout: 10_000 };
    cached = {
      env,
      ports: screeningPorts(env, {
        s3: new S3Client({ requestHandler, maxAttempts: 3 }),
        bedrock: new BedrockRuntimeClient({ requestHandler, maxAttempts: 3 }),
        sqs: new SQSClient({ requestHandler, maxAttempts: 3 }),
      }),
    };
  }
  return screenBatch(event, cached.env, cached.ports, (level, line) => logger[level]('feedback screening', { ...line }));
}
