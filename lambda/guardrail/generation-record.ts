import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CALLER_HASH_METADATA_KEY, PROMPT_DESIGN_METADATA_KEY, callerHash, encodeDesign, generationKey } from '../shared/generation';
import { errorName } from '../shared/logging';

/**
 * Writes the generation record feedback is bound to (lambda/shared/generation.ts): after an answered or
 * refused request (HTTP 200), an empty object `<GENERATION_PREFIX><request id>` in the trace bucket whose
 * metadata is the caller's SHA-256. Off when `GENERATION_PREFIX` is not set.
 */

/** Where the records go; undefined when the function writes none. */
export interface GenerationRecordConfig {
  readonly bucket: string;
  readonly prefix: string;
}

/** Reads `TRACE_BUCKET` and `GENERATION_PREFIX` (the function writes no records without the prefix). */
export function generationRecordConfig(env: NodeJS.ProcessEnv): GenerationRecordConfig | undefined {
  const prefix = env.GENERATION_PREFIX;
  const bucket = env.TRACE_BUCKET;
  return prefix && bucket ? { bucket, prefix } : undefined;
}

/** What {@link recordGeneration} needs. */
export interface GenerationRecordDeps {
  readonly config: GenerationRecordConfig | undefined;
  readonly put: (bucket: string, key: string, callerSha256: string, promptDesign?: object) => Promise<void>;
  readonly log: (message: string, details: object) => void;
  readonly count: (metric: string) => void;
}

/**
 * Records the generation when the response is a 200 (the request passed validation and was answered or
 * refused by a policy: feedback on either is legitimate). Never throws: a failed write is logged and
 * counted (`GenerationRecordErrors`), and feedback for that request is then refused as unknown.
 */
export async function recordGeneration(
  requestId: string,
  caller: string,
  statusCode: number,
  deps: GenerationRecordDeps,
  promptDesign?: object,
): Promise<boolean> {
  if (!deps.config || statusCode !== 200) return false;
  try {
    await deps.put(deps.config.bucket, generationKey(deps.config.prefix, requestId), callerHash(caller), promptDesign);
    return true;
  } catch (error) {
    deps.count('GenerationRecordErrors');
    deps.log('generation record write failed', { requestId, errorName: errorName(error) });
    return false;
  }
}

/** The S3 put of a record (empty body, the caller hash as metadata), with a timeout. */
export function s3GenerationPut(s3: S3Client, timeoutMs: number): GenerationRecordDeps['put'] {
  return async (bucket, key, hash, promptDesign) => {
    const Metadata: Record<string, string> = { [CALLER_HASH_METADATA_KEY]: hash };
    if (promptDesign) Metadata[PROMPT_DESIGN_METADATA_KEY] = encodeDesign(promptDesign);
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: '', ContentType: 'application/octet-stream', Metadata }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
  };
}
