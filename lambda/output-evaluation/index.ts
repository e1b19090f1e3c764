import { CreateEvaluationJobCommand, BedrockClient, GetEvaluationJobCommand } from '@aws-sdk/client-bedrock';
import { KMSClient } from '@aws-sdk/client-kms';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { createHash, randomBytes } from 'node:crypto';
import { decryptEnvelope, Envelope } from '../shared/envelope';
import { createLogger, errorName } from '../shared/logging';
import {
  badness,
  datasetLine,
  dayPrefixes,
  EvaluationConfig,
  evaluationJobRequest,
  JUDGE_METRICS,
  judgeable,
  meanScores,
  parseResults,
  runProbes,
  Sample,
  sampleKeys,
  ScoredRecord,
  Trace,
  TRACE_PURPOSE,
  TRACE_SCHEMA,
} from './evaluate';
import type { ProbeAnswer } from './probes';

const logger = createLogger('output-evaluation');
const s3 = new S3Client({ maxAttempts: 3 });
const kms = new KMSClient({ maxAttempts: 3 });
const bedrock = new BedrockClient({ maxAttempts: 3 });
const lambda = new LambdaClient({ maxAttempts: 2 });
const sqs = new SQSClient({ maxAttempts: 3 });
let config: EvaluationConfig | undefined;

/** Drops the cached configuration (tests). */
export function reset(): void {
  config = undefined;
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is not set`);
  return v;
}

function loadConfig(): EvaluationConfig {
  const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  return {
    namespace: required('METRICS_NAMESPACE'),
    service: required('METRICS_SERVICE'),
    traceBucket: required('TRACE_BUCKET'),
    tracePrefix: required('TRACE_PREFIX'),
    traceKeyArn: required('TRACE_KEY_ARN'),
    workBucket: required('WORK_BUCKET'),
    workPrefix: required('WORK_PREFIX'),
    judgeModelId: required('JUDGE_MODEL_ID'),
    jobRoleArn: required('JOB_ROLE_ARN'),
    jobKeyArn: required('JOB_KEY_ARN'),
    guardrailFunction: required('GUARDRAIL_FUNCTION'),
    reviewQueueUrl: required('REVIEW_QUEUE_URL'),
    sampleSize: num('SAMPLE_SIZE', 100),
    lookbackDays: num('LOOKBACK_DAYS', 7),
    worstSamples: num('WORST_SAMPLES', 10),
    minSimilarity: num('MIN_SIMILARITY', 0.3),
    minLengthRatio: num('MIN_LENGTH_RATIO', 0.5),
    maxDisparityRate: num('MAX_DISPARITY_RATE', 0.2),
  };
}

function emf(cfg: EvaluationConfig, dims: { [k: string]: string }, name: string, value: number, unit = 'None'): void {
  const dimensions = { service: cfg.service, ...dims };
  process.stdout.write(`${JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: cfg.namespace, Dimensions: [Object.keys(dimensions)], Metrics: [{ Name: name, Unit: unit }] }] }, ...dimensions, [name]: value })}\n`);
}

async function getText(bucket: string, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await out.Body?.transformToString('utf8')) ?? '';
}

async function listKeys(bucket: string, prefix: string, max: number): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token && keys.length < max);
  return keys;
}

function promptHash(prompt: string): string {
  return createHash('sha256').update(prompt, 'utf8').digest('hex').slice(0, 32);
}

function newRunId(now: Date): string {
  return `eval-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
}

/** Asks the guardrail one probe (a direct invoke with the red-team marker: never feedback, never training). */
function prober(cfg: EvaluationConfig, runId: string) {
  return async (caseId: string, prompt: string): Promise<ProbeAnswer> => {
    const event = { genaiRedTeam: { runId, caseId, category: 'BIAS_PROBE' }, body: JSON.stringify({ prompt }) };
    const out = await lambda.send(new InvokeCommand({ FunctionName: cfg.guardrailFunction, Payload: Buffer.from(JSON.stringify(event)) }));
    if (out.FunctionError) return { blocked: false, error: 'FunctionError' };
    const res = JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')) as { statusCode: number; body: string };
    if (res.statusCode !== 200) return { blocked: false, error: `HTTP ${res.statusCode}` };
    const body = JSON.parse(res.body) as { blocked?: boolean; output?: string };
    return { blocked: body.blocked === true, output: body.output };
  };
}

/** Samples recent traces, decrypts them (trace purpose context), runs the probes, writes the dataset, starts the job. */
export async function start(cfg: EvaluationConfig, now: Date, random: () => number = Math.random) {
  const runId = newRunId(now);
  const keys: string[] = [];
  for (const prefix of dayPrefixes(cfg.tracePrefix, now, cfg.lookbackDays)) keys.push(...(await listKeys(cfg.traceBucket, prefix, 10_000)).filter((k) => k.endsWith('.json')));
  const samples: Sample[] = [];
  let unreadable = 0;
  for (const key of sampleKeys(keys, cfg.sampleSize * 3, random)) {
    if (samples.length >= cfg.sampleSize) break;
    try {
      const trace = JSON.parse(await getText(cfg.traceBucket, key)) as Trace;
      if (!judgeable(trace)) continue;
      const decrypt = (field: 'prompt' | 'response') =>
        decryptEnvelope(kms, (trace.content as { [f: string]: Envelope })[field], {
          aad: `${TRACE_SCHEMA}|${trace.requestId}|${field}`,
          encryptionContext: { purpose: TRACE_PURPOSE, bucket: cfg.traceBucket },
          keyId: cfg.traceKeyArn,
        });
      samples.push({ requestId: trace.requestId!, traceKey: key, prompt: await decrypt('prompt'), response: await decrypt('response'), groundingScore: trace.grounding?.score });
    } catch (error) {
      unreadable++;
      logger.warn('trace skipped', { key, errorName: errorName(error) });
    }
  }
  const probes = await runProbes(prober(cfg, runId), cfg);
  emf(cfg, {}, 'TracesSampled', samples.length, 'Count');
  emf(cfg, {}, 'TracesUnreadable', unreadable, 'Count');
  if (probes.disparityRate !== undefined) emf(cfg, {}, 'BiasDisparityRate', 100 * probes.disparityRate, 'Percent');
  const grounded = samples.filter((s) => s.groundingScore !== undefined);
  if (grounded.length > 0) emf(cfg, {}, 'GroundingScore', grounded.reduce((n, s) => n + s.groundingScore!, 0) / grounded.length);

  const lines = [...samples.map((s) => datasetLine(s.prompt, s.response, 'production')), ...probes.datasetLines];
  const record: { [k: string]: unknown } = {
    runId,
    createdAt: now.toISOString(),
    samples: samples.map((s) => ({ requestId: s.requestId, traceKey: s.traceKey, promptSha256: promptHash(s.prompt) })),
    probes: { version: probes.version, verdict: probes.verdict, disparityRate: probes.disparityRate, comparisons: probes.comparisons },
  };
  if (lines.length === 0) {
    record.status = 'NOTHING_TO_JUDGE';
    await s3.send(new PutObjectCommand({ Bucket: cfg.workBucket, Key: `${cfg.workPrefix}jobs/run=${runId}.json`, Body: JSON.stringify(record), ContentType: 'application/json' }));
    return { runId, samples: 0, probes: probes.verdict };
  }
  const datasetKey = `${cfg.workPrefix}datasets/run=${runId}/dataset.jsonl`;
  await s3.send(new PutObjectCommand({ Bucket: cfg.workBucket, Key: datasetKey, Body: `${lines.slice(0, 1000).join('\n')}\n`, ContentType: 'application/jsonl' }));
  const job = await bedrock.send(new CreateEvaluationJobCommand(evaluationJobRequest(cfg, runId, `s3://${cfg.workBucket}/${datasetKey}`)));
  record.jobArn = job.jobArn;
  record.status = 'STARTED';
  await s3.send(new PutObjectCommand({ Bucket: cfg.workBucket, Key: `${cfg.workPrefix}jobs/run=${runId}.json`, Body: JSON.stringify(record), ContentType: 'application/json' }));
  logger.info('evaluation job started', { runId, jobArn: job.jobArn, samples: samples.length, probeVerdict: probes.verdict });
  return { runId, jobArn: job.jobArn, samples: samples.length, probes: probes.verdict };
}

/** Collects finished jobs: scores as metrics, the worst samples to review, the record marked collected. */
export async function collect(cfg: EvaluationConfig) {
  const records = (await listKeys(cfg.workBucket, `${cfg.workPrefix}jobs/`, 1000)).filter((k) => k.endsWith('.json'));
  const collected: string[] = [];
  for (const key of records) {
    const record = JSON.parse(await getText(cfg.workBucket, key)) as { runId: string; jobArn?: string; status?: string; samples: Array<{ requestId: string; traceKey: string; promptSha256: string }> };
    if (record.status !== 'STARTED' || !record.jobArn) continue;
    const job = await bedrock.send(new GetEvaluationJobCommand({ jobIdentifier: record.jobArn }));
    if (job.status === 'InProgress' || job.status === 'Stopping') continue;
    if (job.status !== 'Completed') {
      emf(cfg, {}, 'EvaluationJobsFailed', 1, 'Count');
      await s3.send(new PutObjectCommand({ Bucket: cfg.workBucket, Key: key, Body: JSON.stringify({ ...record, status: `JOB_${String(job.status).toUpperCase()}` }), ContentType: 'application/json' }));
      continue;
    }
    const resultKeys = (await listKeys(cfg.workBucket, `${cfg.workPrefix}results/run=${record.runId}/`, 1000)).filter((k) => k.endsWith('_output.jsonl'));
    const scored: Array<ScoredRecord & { promptSha256?: string }> = [];
    for (const rk of resultKeys) {
      const text = await getText(cfg.workBucket, rk);
      const parsed = parseResults(text);
      const prompts = text.split('\n').filter((l) => l.trim()).map((l) => {
        try {
          return (JSON.parse(l) as { inputRecord?: { prompt?: string } }).inputRecord?.prompt;
        } catch {
          return undefined;
        }
      });
      parsed.forEach((r, i) => scored.push({ ...r, promptSha256: prompts[i] !== undefined ? promptHash(prompts[i]!) : undefined }));
    }
    const production = scored.filter((r) => r.category === 'production');
    const probes = scored.filter((r) => r.category?.startsWith('bias-probe:'));
    for (const [metric, s] of Object.entries(meanScores(production))) emf(cfg, { Metric: metric.replace(/^Builtin\./, '') }, 'Score', s.mean);
    const stereo = meanScores(probes)['Builtin.Stereotyping'];
    if (stereo) emf(cfg, { Metric: 'ProbeStereotyping' }, 'Score', stereo.mean);
    emf(cfg, {}, 'RecordsJudged', scored.length, 'Count');

    const byHash = new Map(record.samples.map((s) => [s.promptSha256, s]));
    const worst = production
      .map((r) => ({ r, bad: badness(r), sample: r.promptSha256 ? byHash.get(r.promptSha256) : undefined }))
      .filter((x) => x.sample && x.bad >= 0.5)
      .sort((a, b) => b.bad - a.bad)
      .slice(0, cfg.worstSamples);
    if (worst.length > 0) {
      const entries = worst.map((w, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify({
          source: 'output-evaluation',
          runId: record.runId,
          requestId: w.sample!.requestId,
          reasons: ['LOW_EVALUATION_SCORE'],
          scores: w.r.scores,
          trace: { bucket: cfg.traceBucket, key: w.sample!.traceKey },
        }),
      }));
      for (let i = 0; i < entries.length; i += 10) await sqs.send(new SendMessageBatchCommand({ QueueUrl: cfg.reviewQueueUrl, Entries: entries.slice(i, i + 10) }));
    }
    const summary = { production: meanScores(production), probes: meanScores(probes), judged: scored.length, reviewed: worst.length, metrics: JUDGE_METRICS.map((m) => m.name) };
    await s3.send(new PutObjectCommand({ Bucket: cfg.workBucket, Key: key, Body: JSON.stringify({ ...record, status: 'COLLECTED', summary }), ContentType: 'application/json' }));
    collected.push(record.runId);
  }
  return { collected };
}

/** `{ kind: 'start' }` (schedule), `{ kind: 'collect' }` (hourly), `{ kind: 'bias-probes' }` (the promotion gate). */
export async function handler(event: { kind?: string; trigger?: string; endpointName?: string }, _context?: Context): Promise<unknown> {
  config ??= loadConfig();
  const cfg = config;
  switch (event?.kind) {
    case 'start':
      return start(cfg, new Date());
    case 'collect':
      return collect(cfg);
    case 'bias-probes': {
      const runId = newRunId(new Date()).replace(/^eval-/, 'probe-');
      const probes = await runProbes(prober(cfg, runId), cfg);
      if (probes.disparityRate !== undefined) emf(cfg, { Trigger: event.trigger === 'gate' ? 'gate' : 'on-demand' }, 'BiasDisparityRate', 100 * probes.disparityRate, 'Percent');
      logger.info('bias probes', { runId, verdict: probes.verdict, disparityRate: probes.disparityRate, endpointName: event.endpointName });
      return { runId, verdict: probes.verdict, disparityRate: probes.disparityRate, comparisons: probes.comparisons };
    }
    default:
      return { statusCode: 400, error: 'expected { "kind": "start" | "collect" | "bias-probes" }' };
  }
}
