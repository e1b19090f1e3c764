import { Baselines, parseBaselines } from './corpus';
import type { RunConfig } from './run';

/** The function's configuration, from its environment (set by the RedTeam construct). */
export interface RedTeamConfig extends RunConfig {
  readonly namespace: string;
  readonly service: string;
  readonly reviewQueueUrl: string;
  readonly customBucket?: string;
  readonly customPrefix?: string;
  readonly gateQueueUrl?: string;
  readonly gateTimeoutSeconds: number;
  readonly gatePollSeconds: number;
  readonly evaluationFunction?: string;
  readonly baselines: Baselines;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`environment variable ${name} is not set`);
  return v;
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`environment variable ${name} must be a non-negative number`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv): RedTeamConfig {
  return {
    namespace: required(env, 'METRICS_NAMESPACE'),
    service: required(env, 'METRICS_SERVICE'),
    guardrailFunction: required(env, 'GUARDRAIL_FUNCTION'),
    reportBucket: required(env, 'REPORT_BUCKET'),
    reportPrefix: required(env, 'REPORT_PREFIX'),
    traceBucket: required(env, 'TRACE_BUCKET'),
    tracePrefix: required(env, 'TRACE_PREFIX'),
    reviewQueueUrl: required(env, 'REVIEW_QUEUE_URL'),
    customBucket: env.CUSTOM_BUCKET || undefined,
    customPrefix: env.CUSTOM_PREFIX || undefined,
    customCases: Boolean(env.CUSTOM_BUCKET && env.CUSTOM_PREFIX),
    concurrency: num(env, 'CONCURRENCY', 4),
    maxModelCalls: num(env, 'MAX_MODEL_CALLS', 200),
    maxAttempts: num(env, 'MAX_ATTEMPTS', 4),
    reserveMs: num(env, 'RESERVE_MS', 30_000),
    tolerance: num(env, 'TOLERANCE', 0),
    maxReviews: num(env, 'MAX_REVIEWS', 50),
    baselines: parseBaselines(env.BASELINES),
    gateQueueUrl: env.GATE_QUEUE_URL || undefined,
    gateTimeoutSeconds: num(env, 'GATE_TIMEOUT_SECONDS', 3600),
    gatePollSeconds: num(env, 'GATE_POLL_SECONDS', 60),
    evaluationFunction: env.EVALUATION_FUNCTION || undefined,
  };
}
