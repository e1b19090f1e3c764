import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CALLER_HASH_METADATA_KEY, PROMPT_DESIGN_METADATA_KEY, decodeDesign, generationKey } from '../shared/generation';
import { FeedbackRecord, StorePorts } from './record';

/** Object metadata key that holds the record's content hash (`x-amz-meta-content-sha256`). */
export const HASH_METADATA_KEY = 'content-sha256';

/** Where the generation records feedback is bound to are, and how long feedback is accepted after one. */
export interface BindingConfig {
  readonly bucketName: string;
  readonly prefix: string;
  readonly windowSeconds: number;
}

/** The function's configuration, from its environment. */
export interface FeedbackConfig {
  readonly bucketName: string;
  /** Where records are written (the quarantine prefix when feedback is screened). */
  readonly prefix: string;
  readonly fallbackQueueUrl: string;
  /** Set when feedback must name a recorded generation of the same caller. */
  readonly binding?: BindingConfig;
}

/** Reads the configuration; a missing value is a deployment error, not a bad request. */
export function loadConfig(env: NodeJS.ProcessEnv): FeedbackConfig {
  const bucketName = env.BUCKET_NAME;
  const prefix = env.KEY_PREFIX;
  const fallbackQueueUrl = env.FALLBACK_QUEUE_URL;
  if (!bucketName || prefix === undefined || !fallbackQueueUrl) {
    throw new Error('BUCKET_NAME, KEY_PREFIX and FALLBACK_QUEUE_URL must be set');
  }
  let binding: BindingConfig | undefined;
  if (env.GENERATION_PREFIX) {
    const windowSeconds = Number(env.FEEDBACK_WINDOW_SECONDS);
    if (!env.GENERATION_BUCKET || !Number.isInteger(windowSeconds) || windowSeconds <= 0) {
      throw new Error('GENERATION_PREFIX needs GENERATION_BUCKET and a positive FEEDBACK_WINDOW_SECONDS');
    }
    binding = { bucketName: env.GENERATION_BUCKET, prefix: env.GENERATION_PREFIX, windowSeconds };
  }
  return { bucketName, prefix, fallbackQueueUrl, binding };
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
    async generation(requestId: string) {
      const binding = config.binding;
      if (!binding) return undefined;
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: binding.bucketName, Key: generationKey(binding.prefix, requestId) }));
        return { callerSha256: head.Metadata?.[CALLER_HASH_METADATA_KEY], recordedAt: head.LastModified, promptDesign: decodeDesign(head.Metadata?.[PROMPT_DESIGN_METADATA_KEY]) };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
  };
}

/** True for S3's answer to a HEAD of a key that has no object. */
export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
