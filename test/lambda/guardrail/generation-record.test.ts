import { ApplyGuardrailCommand, BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { generationRecordConfig, recordGeneration } from '../../../lambda/guardrail/generation-record';
import { callContext } from '../../../lambda/guardrail/pipeline';
import { callerHash, callerOf } from '../../../lambda/shared/generation';

const BUCKET = 'lake-inference-capture';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/app/session';
const REQUEST_ID = '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60';

Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_NAMESPACE: 'GenAI/Guardrail',
  POWERTOOLS_SERVICE_NAME: 'test-guardrail',
  GUARDRAIL_ID: 'gr123',
  GUARDRAIL_VERSION: '1',
  MODEL_KIND: 'bedrock',
  MODEL_ID: 'amazon.nova-lite-v1:0',
  TRACE_BUCKET: BUCKET,
  TRACE_PREFIX: 'guardrail-traces/',
  TRACE_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:key/trace',
  REVIEW_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/review',
  GENERATION_PREFIX: 'guardrail-generations/',
});

const bedrock = mockClient(BedrockRuntimeClient);
const kms = mockClient(KMSClient);
const s3 = mockClient(S3Client);
mockClient(SQSClient);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const index = require('../../../lambda/guardrail/index') as typeof import('../../../lambda/guardrail/index');

let puts: { key: string; metadata?: Record<string, string> }[];
let generationsDown: boolean;

beforeEach(() => {
  index.reset();
  bedrock.reset();
  kms.reset();
  s3.reset();
  puts = [];
  generationsDown = false;
  kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(randomBytes(32)), CiphertextBlob: new Uint8Array(Buffer.from('k')), KeyId: 'k' });
  s3.on(PutObjectCommand).callsFake((input) => {
    if (generationsDown && input.Key.startsWith('guardrail-generations/')) {
      throw new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'slow down' });
    }
    puts.push({ key: input.Key, metadata: input.Metadata });
    return {};
  });
  bedrock.on(ApplyGuardrailCommand).resolves({ action: 'NONE', outputs: [], assessments: [{}], usage: undefined });
  bedrock.on(ConverseCommand).resolves({ output: { message: { role: 'assistant', content: [{ text: 'Paris.' }] } }, stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, metrics: { latencyMs: 1 } });
  jest.spyOn(process.stdout, 'write').mockImplementation((() => true) as any);
});

afterEach(() => jest.restoreAllMocks());

function event(body: unknown, identity: object = { userArn: CALLER }): APIGatewayProxyEvent {
  return { body: JSON.stringify(body), isBase64Encoded: false, requestContext: { requestId: REQUEST_ID, identity } } as unknown as APIGatewayProxyEvent;
}

describe('generation records (what feedback is bound to)', () => {
  test('an answered request leaves an empty record with the caller hash, never the caller or the text', async () => {
    const res = await index.handler(event({ prompt: 'What is the capital of France?' }), { awsRequestId: 'l' } as Context);
    expect(res.statusCode).toBe(200);
    const record = puts.find((p) => p.key.startsWith('guardrail-generations/'));
    expect(record).toEqual({ key: `guardrail-generations/${REQUEST_ID}`, metadata: { 'caller-sha256': callerHash(CALLER) } });
    const input = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === record!.key)!.args[0].input;
    expect(input).toMatchObject({ Bucket: BUCKET, Body: '' });
  });

  test('a request refused by a policy is a generation too (feedback on a wrong refusal is legitimate)', async () => {
    bedrock.on(ApplyGuardrailCommand).resolves({ action: 'GUARDRAIL_INTERVENED', outputs: [{ text: 'blocked' }], assessments: [{ contentPolicy: { filters: [{ type: 'VIOLENCE', confidence: 'HIGH', action: 'BLOCKED' }] } }], usage: undefined });
    const res = await index.handler(event({ prompt: 'something blocked' }), { awsRequestId: 'l' } as Context);
    expect(res.statusCode).toBe(200);
    expect(puts.map((p) => p.key)).toContain(`guardrail-generations/${REQUEST_ID}`);
  });

  test('an invalid request or a failed one is no generation', async () => {
    expect((await index.handler(event({}), { awsRequestId: 'l' } as Context)).statusCode).toBe(400);
    bedrock.on(ConverseCommand).rejects(Object.assign(new Error('x'), { name: 'ModelErrorException' }));
    expect((await index.handler(event({ prompt: 'hi' }), { awsRequestId: 'l' } as Context)).statusCode).toBe(502);
    expect(puts.filter((p) => p.key.startsWith('guardrail-generations/'))).toEqual([]);
  });

  test('a failed record write never fails the answer', async () => {
    generationsDown = true;
    const res = await index.handler(event({ prompt: 'What is the capital of France?' }), { awsRequestId: 'l' } as Context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).output).toBe('Paris.');
  });

  test('recordGeneration: off without GENERATION_PREFIX, counts and logs a failure', async () => {
    expect(generationRecordConfig({ TRACE_BUCKET: 'b' })).toBeUndefined();
    expect(generationRecordConfig({ TRACE_BUCKET: 'b', GENERATION_PREFIX: 'g/' })).toEqual({ bucket: 'b', prefix: 'g/' });
    const counted: string[] = [];
    const logged: object[] = [];
    const deps = {
      config: { bucket: 'b', prefix: 'g/' },
      put: async () => {
        throw Object.assign(new Error('secret text'), { name: 'AccessDenied' });
      },
      log: (_m: string, d: object) => logged.push(d),
      count: (m: string) => counted.push(m),
    };
    expect(await recordGeneration('r1', CALLER, 200, deps)).toBe(false);
    expect(counted).toEqual(['GenerationRecordErrors']);
    expect(logged).toEqual([{ requestId: 'r1', errorName: 'AccessDenied' }]);
    expect(await recordGeneration('r1', CALLER, 200, { ...deps, config: undefined })).toBe(false);
  });

  test.each([
    ['IAM', { requestId: 'r', identity: { userArn: CALLER, caller: 'AROA:s' } }],
    ['Cognito', { requestId: 'r', identity: { userArn: null, caller: null }, authorizer: { claims: { sub: 'sub-1' } } }],
    ['caller id only', { requestId: 'r', identity: { caller: 'AROA:s' } }],
    ['nothing', { requestId: 'r' }],
  ])('generate and feedback name the same caller (%s)', (_n, requestContext) => {
    const e = { requestContext } as unknown as APIGatewayProxyEvent;
    expect(callerOf(e)).toBe(callContext(e, 'l').caller);
  });
});
