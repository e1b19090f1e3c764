import type { LocalCheckAction, LocalCheckConfig } from './local-checks';
import { loadCatalog } from './prompts/catalog';
import type { CatalogConfig } from './prompts/types';

/** The function's configuration, read once per container from its environment (set by GuardrailFunction). */
export interface GuardrailConfig {
  readonly guardrailId: string;
  readonly guardrailVersion: string;
  readonly model:
    | { readonly kind: 'bedrock'; readonly modelId: string }
    /**
     * `fallbackModelId`: a Bedrock model that answers while the endpoint does not exist yet, or while the
     * `inferenceComponentName` component does not exist or has no copy (scaled to zero).
     */
    | { readonly kind: 'sagemaker'; readonly endpointName: string; readonly fallbackModelId?: string; readonly inferenceComponentName?: string };
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
  /** The deployment's local-check configuration (`LOCAL_CHECKS`, JSON; defaults when unset). */
  readonly localChecks: LocalCheckConfig;
  /** The deployment's prompt catalog (`PROMPT_CATALOG`), when it has one: requests may name a template. */
  readonly promptCatalog?: CatalogConfig;
  /** False when only templates are accepted (`ALLOW_RAW_PROMPTS=false`). */
  readonly allowRawPrompts: boolean;
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
        : {
            kind,
            endpointName: required(env, 'ENDPOINT_NAME'),
            fallbackModelId: env.FALLBACK_MODEL_ID || undefined,
            inferenceComponentName: env.INFERENCE_COMPONENT_NAME || undefined,
          },
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
    localChecks: localChecks(env.LOCAL_CHECKS),
    promptCatalog: loadCatalog(env),
    allowRawPrompts: env.ALLOW_RAW_PROMPTS !== 'false',
  };
}

const ACTIONS: readonly LocalCheckAction[] = ['BLOCK', 'REDACT', 'ALLOW'];

/** Parses and checks `LOCAL_CHECKS` (written by GuardrailFunction, validated at synth); throws when it is broken. */
export function localChecks(value: string | undefined): LocalCheckConfig {
  if (value === undefined || value === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error('environment variable LOCAL_CHECKS is not valid JSON');
  }
  const o = json as { [key: string]: unknown };
  const fail = (what: string) => new Error(`environment variable LOCAL_CHECKS: ${what}`);
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw fail('must be a JSON object');
  const strings = (key: string): string[] | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw fail(`${key} must be an array of strings`);
    return v as string[];
  };
  const actions = o.actions as { [type: string]: unknown } | undefined;
  if (actions !== undefined && (typeof actions !== 'object' || actions === null || Object.values(actions).some((a) => !ACTIONS.includes(a as LocalCheckAction)))) {
    throw fail('actions must map finding types to BLOCK, REDACT or ALLOW');
  }
  const patterns = o.customPatterns;
  if (patterns !== undefined && (!Array.isArray(patterns) || patterns.some((p) => typeof p?.name !== 'string' || typeof p?.pattern !== 'string' || !ACTIONS.includes(p?.action)))) {
    throw fail('customPatterns must be { name, pattern, action } objects');
  }
  if (o.phoneDefaultRegion !== undefined && (typeof o.phoneDefaultRegion !== 'string' || !/^[A-Z]{2}$/.test(o.phoneDefaultRegion))) throw fail('phoneDefaultRegion must be a region code');
  return {
    actions: actions as { [type: string]: LocalCheckAction } | undefined,
    allowList: strings('allowList'),
    deniedWords: strings('deniedWords'),
    customPatterns: patterns as LocalCheckConfig['customPatterns'],
    phoneDefaultRegion: o.phoneDefaultRegion as string | undefined,
  };
}
