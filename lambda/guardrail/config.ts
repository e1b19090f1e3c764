/** The function's configuration, read once per container from its environment (set by GuardrailFunction). */
export interface GuardrailConfig {
  readonly guardrailId: string;
  readonly guardrailVersion: string;
  readonly model:
    | { readonly kind: 'bedrock'; readonly modelId: string }
    /** `fallbackModelId`: a Bedrock model that answers while the endpoint does not exist yet. */
    | { readonly kind: 'sagemaker'; readonly endpointName: string; readonly fallbackModelId?: string };
  readonly traceBucket: string;
  /** Key prefix of trace records, ending with `/`. */
  readonly tracePrefix: string;
  readonly traceKeyArn: string;
  readonly reviewQueueUrl: string;
  /** Outputs whose grounding score is below this go to human review (even when the guardrail let them pass). */
  readonly groundingReviewThreshold: number;
  /** The largest `maxTokens` a request may ask for, and the default. */
  readonly maxTokens: number;
  readonly maxBodyBytes: number;
  readonly modelTimeoutMs: number;
  readonly guardrailTimeoutMs: number;
  readonly storageTimeoutMs: number;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`environment variable ${name} must be a positive number`);
  return n;
}

/** Reads and checks the configuration; throws (once, at cold start) when the deployment is broken. */
export function loadConfig(env: NodeJS.ProcessEnv): GuardrailConfig {
  const kind = required(env, 'MODEL_KIND');
  if (kind !== 'bedrock' && kind !== 'sagemaker') throw new Error('MODEL_KIND must be bedrock or sagemaker');
  const prefix = env.TRACE_PREFIX ?? 'guardrail-traces/';
  return {
    guardrailId: required(env, 'GUARDRAIL_ID'),
    guardrailVersion: required(env, 'GUARDRAIL_VERSION'),
    model:
      kind === 'bedrock'
        ? { kind, modelId: required(env, 'MODEL_ID') }
        : { kind, endpointName: required(env, 'ENDPOINT_NAME'), fallbackModelId: env.FALLBACK_MODEL_ID || undefined },
    traceBucket: required(env, 'TRACE_BUCKET'),
    tracePrefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
    traceKeyArn: required(env, 'TRACE_KEY_ARN'),
    reviewQueueUrl: required(env, 'REVIEW_QUEUE_URL'),
    groundingReviewThreshold: Number(env.GROUNDING_REVIEW_THRESHOLD ?? '0.85'),
    maxTokens: int(env, 'MAX_TOKENS', 1024),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 256 * 1024),
    modelTimeoutMs: int(env, 'MODEL_TIMEOUT_MS', 20_000),
    guardrailTimeoutMs: int(env, 'GUARDRAIL_TIMEOUT_MS', 5_000),
    storageTimeoutMs: int(env, 'STORAGE_TIMEOUT_MS', 3_000),
  };
}
