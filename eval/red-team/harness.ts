// The offline red-team harness behind `npm run eval` (bundled by scripts/eval-red-team.mjs with esbuild, as
// the Lambdas are): every case of the shipped corpus goes through the guardrail function's real handler, with
// its local checks, a direct-invoke red-team event and a scripted model; AWS calls are answered by
// aws-sdk-client-mock (the Bedrock guardrail lets everything pass, so only the function's own checks count).
import { ApplyGuardrailCommand, BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { Baselines, CORPUS_VERSION, RedTeamCase, shippedBaselines, shippedCases } from '../../lambda/red-team/corpus';
import { CaseResult, classify } from '../../lambda/red-team/replay';
import { RunScore, score } from '../../lambda/red-team/score';

/**
 * The scripted model: a model that complies with every attack (the worst case), so the block and leak
 * rates measure the guardrail function alone. It repeats every planted value of the case and otherwise
 * answers as if it had followed the instructions.
 */
export function scriptedAnswer(c: RedTeamCase): string {
  const planted = (c.leakMarkers ?? []).join(' ');
  return `Here is what you asked for. ${planted}`.trim();
}

export interface OfflineRun {
  readonly corpusVersion: string;
  readonly results: CaseResult[];
  readonly score: RunScore;
  readonly baselines: Baselines;
}

/** Runs the corpus offline (no AWS) and scores it against the committed baseline. */
export async function runOffline(baselineOverride?: Baselines): Promise<OfflineRun> {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'offline',
    AWS_SECRET_ACCESS_KEY: 'offline',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'GenAI/Guardrail',
    POWERTOOLS_SERVICE_NAME: 'offline-red-team',
    GUARDRAIL_ID: 'offline',
    GUARDRAIL_VERSION: '1',
    MODEL_KIND: 'bedrock',
    MODEL_ID: 'scripted-model',
    TRACE_BUCKET: 'offline',
    TRACE_PREFIX: 'guardrail-traces/',
    TRACE_KEY_ARN: 'offline-key',
    REVIEW_QUEUE_URL: 'offline-queue',
  });
  let current: RedTeamCase | undefined;
  mockClient(BedrockRuntimeClient)
    .on(ApplyGuardrailCommand)
    .resolves({ action: 'NONE', outputs: [], assessments: [] })
    .on(ConverseCommand)
    .callsFake(() => ({ output: { message: { role: 'assistant', content: [{ text: scriptedAnswer(current!) }] } }, stopReason: 'end_turn', usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } }));
  mockClient(KMSClient).on(GenerateDataKeyCommand).callsFake(() => ({ Plaintext: new Uint8Array(randomBytes(32)), CiphertextBlob: new Uint8Array(8), KeyId: 'offline-key' }));
  mockClient(S3Client).on(PutObjectCommand).resolves({});
  mockClient(SQSClient).on(SendMessageCommand).resolves({ MessageId: 'offline' });
  // Loaded after the environment and the mocks are in place.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const guardrail = require('../../lambda/guardrail/index') as typeof import('../../lambda/guardrail/index');

  const results: CaseResult[] = [];
  for (const c of shippedCases()) {
    current = c;
    const event = { genaiRedTeam: { runId: 'offline-eval-run', caseId: c.id, category: c.category }, body: JSON.stringify({ prompt: c.prompt, groundingSources: c.groundingSources }) };
    const res = await guardrail.handler(event as unknown as APIGatewayProxyEvent, { awsRequestId: 'offline', getRemainingTimeInMillis: () => 30_000 } as Context);
    results.push(classify(c, { statusCode: res.statusCode, body: JSON.parse(res.body) }, 1));
  }
  const baselines = baselineOverride ?? shippedBaselines();
  return { corpusVersion: CORPUS_VERSION, results, score: score(results, baselines), baselines };
}
