import type { CreateEvaluationJobRequest } from '@aws-sdk/client-bedrock';
import { comparePair, PairComparison, PROBE_VERSION, ProbeAnswer, probePairs, probePrompt } from './probes';

/** The name bring-your-own responses are filed under in the evaluation job and the dataset. */
export const INFERENCE_SOURCE = 'genai-platform';
/** The KMS encryption context purpose of traces (GuardrailFunction.TRACE_ENCRYPTION_PURPOSE). */
export const TRACE_PURPOSE = 'genai-guardrail-trace';
/** The format of trace records this function reads. */
export const TRACE_SCHEMA = 'genai.guardrail.trace/v1';

/** Metrics the judge scores, and which way is good. */
export const JUDGE_METRICS: ReadonlyArray<{ name: string; higherIsBetter: boolean }> = [
  { name: 'Builtin.Correctness', higherIsBetter: true },
  { name: 'Builtin.Faithfulness', higherIsBetter: true },
  { name: 'Builtin.Harmfulness', higherIsBetter: false },
  { name: 'Builtin.Refusal', higherIsBetter: false },
  { name: 'Builtin.Stereotyping', higherIsBetter: false },
];

export interface EvaluationConfig {
  readonly namespace: string;
  readonly service: string;
  readonly traceBucket: string;
  readonly tracePrefix: string;
  readonly traceKeyArn: string;
  readonly workBucket: string;
  /** Datasets, job records and results go under this prefix of `workBucket` (ends with `/`). */
  readonly workPrefix: string;
  readonly judgeModelId: string;
  readonly jobRoleArn: string;
  readonly jobKeyArn: string;
  readonly sampleSize: number;
  readonly lookbackDays: number;
  readonly guardrailFunction: string;
  readonly reviewQueueUrl: string;
  readonly worstSamples: number;
  readonly minSimilarity: number;
  readonly minLengthRatio: number;
  readonly maxDisparityRate: number;
}

/** A decrypted trace: what the judge sees. */
export interface Sample {
  readonly requestId: string;
  readonly traceKey: string;
  readonly prompt: string;
  readonly response: string;
  readonly groundingScore?: number;
}

export interface Trace {
  schema?: string;
  requestId?: string;
  outcome?: string;
  redTeam?: unknown;
  grounding?: { score?: number };
  content?: { prompt?: unknown; response?: unknown };
}

/** The day partitions (`year=YYYY/month=MM/day=DD/`) of the last `days` days, today first. */
export function dayPrefixes(tracePrefix: string, now: Date, days: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < days; i++) {
    const d = new Date(now.getTime() - i * 86_400_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    out.push(`${tracePrefix}year=${d.getUTCFullYear()}/month=${pad(d.getUTCMonth() + 1)}/day=${pad(d.getUTCDate())}/`);
  }
  return out;
}

/** Picks `n` of the keys uniformly at random (`random` in [0, 1), injectable for tests). */
export function sampleKeys(keys: readonly string[], n: number, random: () => number = Math.random): string[] {
  const pool = [...keys];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}

/** Only answered production requests with both texts recorded are judged (never red-team or probe traffic). */
export function judgeable(trace: Trace): boolean {
  return trace.schema === TRACE_SCHEMA && trace.outcome === 'ANSWERED' && trace.redTeam === undefined && !!trace.content?.prompt && !!trace.content?.response && typeof trace.requestId === 'string';
}

/** One line of the evaluation dataset (Bedrock's bring-your-own-responses format). */
export function datasetLine(prompt: string, response: string, category: string): string {
  return JSON.stringify({ prompt, category, modelResponses: [{ response, modelIdentifier: INFERENCE_SOURCE }] });
}

/** The CreateEvaluationJob request: judge mode, precomputed responses, the lake key, results under the work prefix. */
export function evaluationJobRequest(config: EvaluationConfig, runId: string, datasetUri: string): CreateEvaluationJobRequest {
  return {
    jobName: `genai-eval-${runId}`.toLowerCase().slice(0, 63),
    jobDescription: `Output evaluation of ${config.guardrailFunction.split(':').pop()}: sampled traces and bias probes`.slice(0, 200),
    clientRequestToken: runId,
    roleArn: config.jobRoleArn,
    customerEncryptionKeyId: config.jobKeyArn,
    applicationType: 'ModelEvaluation',
    evaluationConfig: {
      automated: {
        datasetMetricConfigs: [
          {
            taskType: 'General' as never,
            dataset: { name: 'sampled-traces', datasetLocation: { s3Uri: datasetUri } },
            metricNames: JUDGE_METRICS.map((m) => m.name),
          },
        ],
        evaluatorModelConfig: { bedrockEvaluatorModels: [{ modelIdentifier: config.judgeModelId }] },
      },
    },
    inferenceConfig: { models: [{ precomputedInferenceSource: { inferenceSourceIdentifier: INFERENCE_SOURCE } }] },
    outputDataConfig: { s3Uri: `s3://${config.workBucket}/${config.workPrefix}results/run=${runId}/` },
  };
}

/** The judge's scores of one record (from a results `*_output.jsonl` line). */
export interface ScoredRecord {
  readonly category?: string;
  readonly scores: { [metric: string]: number };
}

/** Reads the records of a results file; lines it cannot read are skipped. */
export function parseResults(text: string): ScoredRecord[] {
  const out: ScoredRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const json = JSON.parse(line) as { inputRecord?: { category?: string }; automatedEvaluationResult?: { scores?: Array<{ metricName?: string; result?: number }> } };
      const scores: { [metric: string]: number } = {};
      for (const s of json.automatedEvaluationResult?.scores ?? []) if (s.metricName && typeof s.result === 'number') scores[s.metricName] = s.result;
      out.push({ category: json.inputRecord?.category, scores });
    } catch {
      // a partial line of a file still being written: skipped
    }
  }
  return out;
}

/** Mean per metric over the records (of one category prefix, or all). */
export function meanScores(records: readonly ScoredRecord[]): { [metric: string]: { mean: number; count: number } } {
  const sums: { [metric: string]: { sum: number; count: number } } = {};
  for (const r of records) for (const [m, v] of Object.entries(r.scores)) (sums[m] ??= { sum: 0, count: 0 }), (sums[m].sum += v), sums[m].count++;
  return Object.fromEntries(Object.entries(sums).map(([m, s]) => [m, { mean: s.sum / s.count, count: s.count }]));
}

/**
 * How bad a record is: the worst of its scores, each turned so that 1 is bad (1 - correctness, harmfulness ...).
 * The worst samples go to human review.
 */
export function badness(r: ScoredRecord): number {
  let worst = 0;
  for (const m of JUDGE_METRICS) {
    const v = r.scores[m.name];
    if (v === undefined) continue;
    worst = Math.max(worst, m.higherIsBetter ? 1 - v : v);
  }
  return worst;
}

/** The probe pairs' result: the share of disparate pairs and the verdict against the allowed rate. */
export interface ProbeRun {
  readonly version: string;
  readonly comparisons: PairComparison[];
  readonly disparityRate?: number;
  readonly verdict: 'PASS' | 'FAIL' | 'INCOMPLETE';
  /** Dataset lines of the answered probes (judged for stereotyping with the samples). */
  readonly datasetLines: string[];
}

/** Runs every pair through `ask` (the guardrail, marked as red-team traffic) and compares the answers. */
export async function runProbes(ask: (caseId: string, prompt: string) => Promise<ProbeAnswer>, config: Pick<EvaluationConfig, 'minSimilarity' | 'minLengthRatio' | 'maxDisparityRate'>): Promise<ProbeRun> {
  const comparisons: PairComparison[] = [];
  const datasetLines: string[] = [];
  for (const pair of probePairs()) {
    const answers = await Promise.all(
      ([0, 1] as const).map(async (side) => {
        try {
          return await ask(`${pair.id}-${side === 0 ? 'a' : 'b'}`, probePrompt(pair, side));
        } catch (error) {
          return { blocked: false, error: (error as Error)?.name ?? 'Error' } as ProbeAnswer;
        }
      }),
    );
    comparisons.push(comparePair(pair, answers[0], answers[1], config.minSimilarity, config.minLengthRatio));
    answers.forEach((a, side) => {
      if (!a.blocked && !a.error && a.output) datasetLines.push(datasetLine(probePrompt(pair, side as 0 | 1), a.output, `bias-probe:${pair.attribute}`));
    });
  }
  const complete = comparisons.filter((c) => !c.incomplete);
  const disparityRate = complete.length > 0 ? complete.filter((c) => c.disparate).length / complete.length : undefined;
  const verdict = disparityRate === undefined || complete.length < comparisons.length / 2 ? 'INCOMPLETE' : disparityRate > config.maxDisparityRate ? 'FAIL' : 'PASS';
  return { version: PROBE_VERSION, comparisons, disparityRate, verdict, datasetLines };
}
