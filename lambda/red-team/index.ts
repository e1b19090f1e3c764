import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import { createLogger, errorName } from '../shared/logging';
import { loadConfig, RedTeamConfig } from './config';
import { GateRequestSchema, gateStep } from './gate';
import type { GuardrailAnswer } from './replay';
import { RunPorts, runRedTeam } from './run';

const logger = createLogger('red-team');
const lambda = new LambdaClient({ maxAttempts: 1 });
const s3 = new S3Client({ maxAttempts: 3 });
const sqs = new SQSClient({ maxAttempts: 3 });
const sagemaker = new SageMakerClient({ maxAttempts: 3 });
let config: RedTeamConfig | undefined;

/** Drops the cached configuration (tests). */
export function reset(): void {
  config = undefined;
}

/** The field of the guardrail event that marks a red-team case (lambda/guardrail/red-team.ts). */
const MARKER_FIELD = 'genaiRedTeam';

/** One EMF document per value, on stdout (CloudWatch Logs extracts the metric). */
function emf(namespace: string, dimensions: { [k: string]: string }, name: string, value: number, unit: string): void {
  process.stdout.write(
    `${JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [Object.keys(dimensions)], Metrics: [{ Name: name, Unit: unit }] }] }, ...dimensions, [name]: value })}\n`,
  );
}

export function newRunId(trigger: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${trigger}-${stamp}-${randomBytes(3).toString('hex')}`;
}

function ports(cfg: RedTeamConfig, context: Context | undefined): RunPorts {
  return {
    async invoke(c, runId) {
      const event = { [MARKER_FIELD]: { runId, caseId: c.id, category: c.category }, body: JSON.stringify({ prompt: c.prompt, groundingSources: c.groundingSources }) };
      const out = await lambda.send(new InvokeCommand({ FunctionName: cfg.guardrailFunction, Payload: Buffer.from(JSON.stringify(event)) }));
      if (out.FunctionError) {
        const e = new Error('the guardrail function failed');
        e.name = 'FunctionError';
        throw e;
      }
      const res = JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')) as { statusCode: number; body: string };
      return { statusCode: res.statusCode, body: JSON.parse(res.body) } as GuardrailAnswer;
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    remainingMs: () => (typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Number.POSITIVE_INFINITY),
    async listCustomCases(maxObjects) {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: cfg.customBucket, Prefix: cfg.customPrefix, MaxKeys: 1000 }));
      const keys = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith('.jsonl')).sort().slice(0, maxObjects);
      const files = [];
      for (const key of keys) {
        const got = await s3.send(new GetObjectCommand({ Bucket: cfg.customBucket, Key: key }));
        files.push({ key, text: (await got.Body?.transformToString('utf8')) ?? '' });
      }
      return files;
    },
    async putReport(key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: cfg.reportBucket, Key: key, Body: body, ContentType: contentType }));
    },
    async sendForReview(messages) {
      for (let i = 0; i < messages.length; i += 10) {
        const batch = messages.slice(i, i + 10).map((m, j) => ({ Id: String(i + j), MessageBody: JSON.stringify(m) }));
        const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: cfg.reviewQueueUrl, Entries: batch }));
        if ((out.Failed ?? []).length > 0) throw Object.assign(new Error('some review messages were not sent'), { name: 'PartialBatchFailure' });
      }
    },
    metrics: { put: (name, value, unit, dims) => emf(cfg.namespace, { service: cfg.service, ...dims }, name, value, unit) },
    log: (level, message, details) => logger[level](message, { ...details }),
    now: () => new Date(),
  };
}

/** On-demand and scheduled runs: `{ "kind": "run", "trigger"?: "scheduled" | "on-demand", "categories"?: [...] }`. */
interface RunEvent {
  readonly kind: 'run';
  readonly trigger?: 'scheduled' | 'on-demand';
  readonly categories?: string[];
}

/**
 * A scheduled or on-demand run (returns the verdict and the report location), or gate messages from the gate
 * queue (SQS event; a message that cannot be handled is reported as a batch item failure and comes back).
 */
export async function handler(event: RunEvent | SQSEvent, context: Context): Promise<unknown> {
  config ??= loadConfig(process.env);
  const cfg = config;
  const p = ports(cfg, context);
  if ('Records' in event && Array.isArray(event.Records)) {
    const failures: Array<{ itemIdentifier: string }> = [];
    for (const record of event.Records) {
      let request;
      try {
        request = GateRequestSchema.parse(JSON.parse(record.body));
      } catch {
        logger.warn('gate message ignored: not a gate request', { messageId: record.messageId });
        continue;
      }
      try {
        await gateStep(request, { timeoutSeconds: cfg.gateTimeoutSeconds, pollSeconds: cfg.gatePollSeconds }, {
          async describeEndpoint(endpointName) {
            const d = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
            const baking = (d.PendingDeploymentSummary?.ProductionVariants ?? []).some((v) => (v.VariantStatus ?? []).some((s) => s.Status === 'Baking'));
            return { status: d.EndpointStatus ?? 'Unknown', canaryBaking: baking };
          },
          async requeue(req, delaySeconds) {
            await sqs.send(new SendMessageCommand({ QueueUrl: cfg.gateQueueUrl, MessageBody: JSON.stringify(req), DelaySeconds: Math.min(900, delaySeconds) }));
          },
          async runRedTeam(endpointName) {
            const out = await runRedTeam({ runId: newRunId('gate', new Date()), trigger: 'gate', endpointName }, cfg, p);
            return out.verdict;
          },
          runEvaluation: cfg.evaluationFunction
            ? async (endpointName) => {
                const out = await lambda.send(new InvokeCommand({ FunctionName: cfg.evaluationFunction, Payload: Buffer.from(JSON.stringify({ kind: 'bias-probes', trigger: 'gate', endpointName })) }));
                if (out.FunctionError) return 'INCOMPLETE';
                const res = JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')) as { verdict?: string };
                return res.verdict === 'PASS' || res.verdict === 'FAIL' ? res.verdict : 'INCOMPLETE';
              }
            : undefined,
          publish: (endpointName, failed) => emf(cfg.namespace, { EndpointName: endpointName }, 'GateFailed', failed ? 1 : 0, 'Count'),
          log: (level, message, details) => logger[level](message, { ...details }),
          now: () => new Date(),
        });
      } catch (error) {
        logger.error('gate step failed; the message comes back', { messageId: record.messageId, errorName: errorName(error) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  }
  const run = event as RunEvent;
  if (run?.kind !== 'run') return { statusCode: 400, error: 'expected { "kind": "run" } or gate messages' };
  const trigger = run.trigger === 'scheduled' ? 'scheduled' : 'on-demand';
  const out = await runRedTeam({ runId: newRunId(trigger, new Date()), trigger, categories: run.categories }, cfg, p);
  return { statusCode: 200, runId: out.runId, verdict: out.verdict, report: out.report, completed: out.score.completed, cases: out.score.cases, reviewsQueued: out.reviewsQueued };
}
