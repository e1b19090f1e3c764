// The guardrail handler end to end with every AWS client mocked to answer at once: what the function
// itself adds to a request. Run by bench/handler.mjs (bundled with esbuild; packages stay external).
import { ApplyGuardrailCommand, BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { KMSClient as KmsForEnvelope } from '@aws-sdk/client-kms';
import { EnvelopeEncryptor } from '../lambda/shared/envelope';

Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_NAMESPACE: 'GenAI/Guardrail',
  POWERTOOLS_SERVICE_NAME: 'bench',
  GUARDRAIL_ID: 'gr',
  GUARDRAIL_VERSION: '1',
  MODEL_KIND: 'bedrock',
  MODEL_ID: 'amazon.nova-lite-v1:0',
  TRACE_BUCKET: 'capture',
  TRACE_PREFIX: 'guardrail-traces/',
  TRACE_KEY_ARN: 'arn:aws:kms:us-east-1:111122223333:key/trace',
  REVIEW_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111122223333/review',
});

const dataKey = randomBytes(32);
const answer = 'Refunds are issued within 14 days of receiving the returned item. Contact support for exceptions.';
const bedrock = mockClient(BedrockRuntimeClient);
bedrock.on(ApplyGuardrailCommand).resolves({ action: 'NONE', outputs: [], assessments: [{}] } as any);
bedrock.on(ConverseCommand).resolves({ output: { message: { role: 'assistant', content: [{ text: answer }] } }, stopReason: 'end_turn', usage: { inputTokens: 40, outputTokens: 20, totalTokens: 60 } } as any);
const kms = mockClient(KMSClient);
kms.on(GenerateDataKeyCommand).resolves({ Plaintext: dataKey, CiphertextBlob: Buffer.from('wrapped'), KeyId: 'k' } as any);
const traces: string[] = [];
const s3 = mockClient(S3Client);
s3.on(PutObjectCommand).callsFake((input) => {
  traces.push(input.Body as string);
  return {};
});
const sqs = mockClient(SQSClient);
sqs.on(SendMessageCommand).resolves({});
// The mocks record every call; clearing that history between batches keeps the bench measuring the
// handler, not the mock library's growing call log.
const clearMockHistory = () => [bedrock, kms, s3, sqs].forEach((m) => m.resetHistory());
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../lambda/guardrail/index');

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const PROMPT =
  'Summarize our refund policy in two sentences for a customer who wrote from maria.lopez@example.com about order 1042. ' +
  'Keep the tone friendly and mention that exchanges are free within 30 days. '.repeat(6);

async function main() {
  // Silence EMF output on stdout: the bench prints one JSON line.
  const write = process.stdout.write.bind(process.stdout);
  (process.stdout as any).write = () => true;
  const total: number[] = [];
  const N = 2000;
  for (let i = 0; i < N + 200; i++) {
    if (i % 50 === 0) clearMockHistory();
    const event = { body: JSON.stringify({ prompt: PROMPT, maxTokens: 256 }), isBase64Encoded: false, requestContext: { requestId: `req-${i.toString().padStart(8, '0')}`, identity: { userArn: 'arn:aws:sts::111122223333:assumed-role/app/x' } } };
    const t0 = performance.now();
    const res = await handler(event, { awsRequestId: `l-${i}` });
    const ms = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(`unexpected ${res.statusCode}: ${res.body}`);
    if (i >= 200) total.push(ms); // the first 200 warm the JIT
  }
  const stages: Record<string, number[]> = {};
  for (const body of traces.slice(200)) {
    for (const [stage, ms] of Object.entries(JSON.parse(body).latencyMs as Record<string, number>)) (stages[stage] ??= []).push(ms);
  }
  // Envelope encryption of prompt and answer with a cached data key, and serialization of one trace.
  const encryptor = new EnvelopeEncryptor({ kms: new KmsForEnvelope({}), keyId: 'k', encryptionContext: { purpose: 'bench' } });
  await encryptor.ready();
  const enc: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await encryptor.encrypt(PROMPT, `req-${i}`);
    await encryptor.encrypt(answer, `req-${i}`);
    enc.push(performance.now() - t0);
  }
  const traceObject = JSON.parse(traces[traces.length - 1]);
  const ser: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    JSON.stringify(traceObject);
    ser.push(performance.now() - t0);
  }
  (process.stdout as any).write = write;
  const summary = (v: number[]) => ({ p50: percentile(v, 50), p99: percentile(v, 99) });
  const out = {
    requests: N,
    total: summary(total),
    stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, summary(v)])),
    envelopeEncryption: summary(enc),
    traceSerialization: summary(ser),
    traceBytes: traces[traces.length - 1].length,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
