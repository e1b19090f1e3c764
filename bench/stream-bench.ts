// The streaming entry point (POST /v1/generate/stream) with every AWS client mocked: what the function adds
// before the first token reaches the caller. Run by bench/stream.mjs (bundled with esbuild; packages stay
// external).
//
// 1. Instant mocks (the model delivers its whole answer at once, ApplyGuardrail answers at once): the time
//    from the request to the first `delta` event is the function's own overhead (validation, input checks,
//    the local checks on every chunk until the first window is clear, the event writes).
// 2. A paced model (a chunk of 4 characters every 5 ms, i.e. 200 tokens/s) and ApplyGuardrail answering in
//    `GUARDRAIL_MS`: the time to first token is then dominated by the text held back (the first window and
//    the carry-over must be generated before anything can be sent), which this measures against the model's
//    own first chunk.
import { ApplyGuardrailCommand, BedrockRuntimeClient, ConverseStreamCommand, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';

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
  STREAM_WINDOW_CHARS: '1000',
  STREAM_MODEL_TIMEOUT_MS: '300000',
});

const GUARDRAIL_MS = 150;
const ANSWER = (
  'Refunds are issued within 14 days of receiving the returned item, to the original payment method. ' +
  'Exchanges are free within 30 days; items must be unused and in their original packaging. ' +
  'For orders shipped outside the EU, customs fees are not refundable. Contact support for exceptions. '
).repeat(6); // about 1.7 KB

let paced = false;
let guardrailDelay = 0;
const bedrock = mockClient(BedrockRuntimeClient);
bedrock.on(ApplyGuardrailCommand).callsFake(async () => {
  if (guardrailDelay > 0) await new Promise((r) => setTimeout(r, guardrailDelay));
  return { action: 'NONE', outputs: [], assessments: [{}] } as any;
});
bedrock.on(ConverseStreamCommand).callsFake(async () => {
  const chunk = 4;
  async function* events(): AsyncIterable<ConverseStreamOutput> {
    yield { messageStart: { role: 'assistant' } };
    for (let i = 0; i < ANSWER.length; i += chunk) {
      if (paced) await new Promise((r) => setTimeout(r, 5));
      yield { contentBlockDelta: { contentBlockIndex: 0, delta: { text: ANSWER.slice(i, i + chunk) } } };
    }
    yield { messageStop: { stopReason: 'end_turn' } };
    yield { metadata: { usage: { inputTokens: 40, outputTokens: Math.ceil(ANSWER.length / chunk), totalTokens: 0 }, metrics: { latencyMs: 1 } } };
  }
  return { stream: events() } as any;
});
const kms = mockClient(KMSClient);
kms.on(GenerateDataKeyCommand).resolves({ Plaintext: randomBytes(32), CiphertextBlob: Buffer.from('wrapped'), KeyId: 'k' } as any);
const traces: any[] = [];
const s3 = mockClient(S3Client);
s3.on(PutObjectCommand).callsFake((input) => {
  traces.push(JSON.parse(input.Body as string));
  return {};
});
const sqs = mockClient(SQSClient);
sqs.on(SendMessageCommand).resolves({});
const clearMockHistory = () => [bedrock, kms, s3, sqs].forEach((m) => m.resetHistory());
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { streamHandler } = require('../lambda/guardrail/index');

class Sink extends Writable {
  firstDeltaAt?: number;
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
    if (this.firstDeltaAt === undefined && chunk.toString().startsWith('event: delta')) this.firstDeltaAt = performance.now();
    cb();
  }
  setContentType(): void {}
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const summary = (v: number[]) => ({ p50: percentile(v, 50), p99: percentile(v, 99) });

async function run(n: number, warm: number) {
  const ttft: number[] = [];
  const modelFirst: number[] = [];
  const hold: number[] = [];
  const total: number[] = [];
  const localPerChunk: number[] = [];
  const localMax: number[] = [];
  traces.length = 0;
  for (let i = 0; i < n + warm; i++) {
    if (i % 50 === 0) clearMockHistory();
    const event = { body: JSON.stringify({ prompt: 'Summarize our refund policy for a customer.', maxTokens: 512 }), isBase64Encoded: false, requestContext: { requestId: `req-${i}`, identity: { userArn: 'arn:aws:sts::111122223333:assumed-role/app/x' } } };
    const sink = new Sink();
    const t0 = performance.now();
    await streamHandler(event, sink, { awsRequestId: `l-${i}` });
    const t1 = performance.now();
    const s = traces[traces.length - 1].stream;
    if (s.end !== 'complete' || s.sentChars !== ANSWER.length) throw new Error(`unexpected stream: ${JSON.stringify(s)}`);
    if (i < warm) continue;
    ttft.push(sink.firstDeltaAt! - t0);
    modelFirst.push(s.modelTimeToFirstTokenMs);
    hold.push(s.timeToFirstTokenMs - s.modelTimeToFirstTokenMs);
    total.push(t1 - t0);
    localPerChunk.push(s.localMs / s.localInspections);
    localMax.push(s.localMaxMs);
  }
  return { streams: n, timeToFirstToken: summary(ttft), modelFirstChunk: summary(modelFirst), heldBack: summary(hold), whole: summary(total), localPerChunk: summary(localPerChunk), localMaxPerChunk: summary(localMax), trace: traces[traces.length - 1].stream };
}

async function main() {
  const write = process.stdout.write.bind(process.stdout);
  (process.stdout as any).write = () => true;
  const instant = await run(300, 50);
  paced = true;
  guardrailDelay = GUARDRAIL_MS;
  const realistic = await run(20, 2);
  (process.stdout as any).write = write;
  process.stdout.write(JSON.stringify({ answerChars: ANSWER.length, chunkChars: 4, chunkEveryMs: 5, guardrailMs: GUARDRAIL_MS, instant, paced: realistic }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
