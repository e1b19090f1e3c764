import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { FeedbackRecord, StorePorts } from './record';

/** Object metadata key that holds the record's content hash (`x-amz-meta-content-sha256`). */
export const HASH_METADATA_KEY = 'content-sha256';

/** The function's configuration, from its environment. */
export interface FeedbackConfig {
  readonly bucketName: string;
  readonly prefix: string;
  readonly fallbackQueueUrl: string;
}

/** Reads the configuration; a missing value is a deployment error, not a bad request. */
export function loadConfig(env: NodeJS.ProcessEnv): FeedbackConfig {
  const bucketName = env.BUCKET_NAME;
  const prefix = env.KEY_PREFIX;
  const fallbackQueueUrl = env.FALLBACK_QUEUE_URL;
  if (!bucketName || prefix === undefined || !fallbackQueueUrl) {
    throw new Error('BUCKET_NAME, KEY_PREFIX and FALLBACK_QUEUE_URL must be set');
  }
  return { bucketName, prefix, fallbackQueueUrl };
}

/** True for the answer S3 gives a conditional put when the key already has an object. */
export function isPreconditionFailed(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'PreconditionFailed' || e?.Code === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412;
}

/** S3 (conditional put, head) and SQS (fallback) calls. */
export function awsPorts(config: FeedbackConfig, s3: S3Client, sqs: SQSClient): StorePorts {
  return {
    async putIfAbsent(key: string, record: FeedbackRecord) {
      try {
        await s3.send(
          new PutObjectCommand({
            Bucket: config.bucketName,
            Key: key,
            Body: JSON.stringify(record),
            ContentType: 'application/json',
            IfNoneMatch: '*',
            Metadata: { [HASH_METADATA_KEY]: record.contentSha256 },
          }),
        );
        return 'created';
      } catch (error) {
        if (isPreconditionFailed(error)) return 'exists';
        throw error;
      }
    },
    async storedHash(key: string) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: config.bucketName, Key: key }));
      return head.Metadata?.[HASH_METADATA_KEY];
    },
    async enqueue(record: FeedbackRecord) {
      await sqs.send(new SendMessageCommand({ QueueUrl: config.fallbackQueueUrl, MessageBody: JSON.stringify(record) }));
    },
  };
}
