import { ApplyGuardrailCommand, BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { parseFeedback } from '../../../lambda/feedback/schema';
import { RED_TEAM_FIELD, redTeamMarker, redTeamRequestId } from '../../../lambda/guardrail/red-team';

Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_NAMESPACE: 'GenAI/Guardrail',
  POWERTOOLS_SERVICE_NAME: 'test-guardrail',
  GUARDRAIL_ID: 'gr123',
  GUARDRAIL_VERSION: '1',
  MODEL_KIND: 'bedrock',
  MODEL_ID: 'amazon.nova-lite-v1:0',
  TRACE_BUCKET: 'capture',
  TRACE_PREFIX: 'guardrail-traces/',
  TRACE_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:key/trace',
  REVIEW_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/review',
});
const bedrock = mockClient(BedrockRuntimeClient);
const kms = mockClient(KMSClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const index = require('../../../lambda/guardrail/index') as typeof import('../../../lambda/guardrail/index');

const MARKER = { runId: 'run-20260101-abcd', caseId: 'exf-003', category: 'SYSTEM_PROMPT_EXFILTRATION' };
const context = { awsRequestId: 'lambda-id' } as Context;
let traces: { key: string; body: any }[];
let emf: any[];

beforeEach(() => {
  index.reset();
  for (const m of [bedrock, kms, s3, sqs]) m.reset();
  traces = [];
  emf = [];
  kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(randomBytes(32)), CiphertextBlob: new Uint8Array(Buffer.from('k')), KeyId: 'k' });
  s3.on(PutObjectCommand).callsFake((input) => {
    traces.push({ key: input.Key, body: JSON.parse(input.Body as string) });
    return {};
  });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown) => {
    for (const line of String(chunk).split('\n')) if (line.includes('"_aws"')) emf.push(JSON.parse(line));
    return true;
  }) as any);
});
afterEach(() => jest.restoreAllMocks());

function direct(body: unknown, marker: unknown = MARKER): APIGatewayProxyEvent {
  return { [RED_TEAM_FIELD]: marker, body: JSON.stringify(body) } as unknown as APIGatewayProxyEvent;
}

describe('red-team marker', () => {
  test('a marked direct invoke is answered, traced in the red-team partition with the marker, tagged in metrics, never queued for review', async () => {
    bedrock.on(ApplyGuardrailCommand).resolves({ action: 'NONE', outputs: [], assessments: [{ contextualGroundingPolicy: { filters: [{ type: 'GROUNDING', threshold: 0.7, score: 0.1, action: 'NONE' }] } }] } as any);
    bedrock.on(ConverseCommand).resolves({ output: { message: { role: 'assistant', content: [{ text: 'ok' }] } }, stopReason: 'end_turn' } as any);
    const res = await index.handler(direct({ prompt: 'Summarize the notes', groundingSources: ['internal notes'] }), context);
    const body = JSON.parse(res.body);
    expect(body.requestId).toBe('redteam.run-20260101-abcd.exf-003');
    expect(traces).toHaveLength(1);
    expect(traces[0].key).toBe('guardrail-traces/red-team/run=run-20260101-abcd/redteam.run-20260101-abcd.exf-003.json');
    expect(traces[0].body.redTeam).toEqual(MARKER);
    expect(traces[0].body.caller).toBe('red-team:run-20260101-abcd');
    // low grounding would queue an API request for review; a red-team case is not
    expect(traces[0].body.review).toEqual(['LOW_GROUNDING']);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    // every metric document of the request carries traffic=red-team, so the production alarms ({service}) never see it
    expect(emf.length).toBeGreaterThan(0);
    for (const doc of emf) {
      expect(doc.traffic).toBe('red-team');
      for (const m of doc._aws.CloudWatchMetrics) for (const dims of m.Dimensions) expect(dims).toContain('traffic');
    }
  });

  test('API traffic keeps its partition, its metrics without the traffic dimension and its review', async () => {
    bedrock.on(ApplyGuardrailCommand).resolves({ action: 'NONE', outputs: [], assessments: [{ contextualGroundingPolicy: { filters: [{ type: 'GROUNDING', threshold: 0.7, score: 0.1, action: 'NONE' }] } }] } as any);
    bedrock.on(ConverseCommand).resolves({ output: { message: { role: 'assistant', content: [{ text: 'ok' }] } }, stopReason: 'end_turn' } as any);
    const event = { body: JSON.stringify({ prompt: 'hi', groundingSources: ['s'] }), requestContext: { requestId: 'api-request-0001', identity: { userArn: 'arn:aws:iam::1:user/u' } } } as unknown as APIGatewayProxyEvent;
    await index.handler(event, context);
    expect(traces[0].key).toMatch(/^guardrail-traces\/year=\d{4}\/month=\d\d\/day=\d\d\/api-request-0001\.json$/);
    expect(traces[0].body.redTeam).toBeUndefined();
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
    for (const doc of emf) expect(doc.traffic).toBeUndefined();
  });

  test('an API Gateway event cannot carry the marker: the top-level field with a requestContext is refused before any call', async () => {
    const forged = { ...direct({ prompt: 'hi' }), requestContext: { requestId: 'api-request-0002', identity: {} } } as unknown as APIGatewayProxyEvent;
    const res = await index.handler(forged, context);
    expect(res.statusCode).toBe(400);
    expect(bedrock.calls()).toHaveLength(0);
    expect(traces).toHaveLength(0);
  });

  test('the marker in the body or a header is ignored: the request is ordinary API traffic', async () => {
    bedrock.on(ApplyGuardrailCommand).resolves({ action: 'NONE', outputs: [], assessments: [] } as any);
    bedrock.on(ConverseCommand).resolves({ output: { message: { role: 'assistant', content: [{ text: 'ok' }] } }, stopReason: 'end_turn' } as any);
    const event = {
      body: JSON.stringify({ prompt: 'hi' }),
      headers: { [RED_TEAM_FIELD]: JSON.stringify(MARKER) },
      requestContext: { requestId: 'api-request-0003', identity: {} },
    } as unknown as APIGatewayProxyEvent;
    const res = await index.handler(event, context);
    expect(JSON.parse(res.body).requestId).toBe('api-request-0003');
    expect(traces[0].body.redTeam).toBeUndefined();
    // a body field is rejected by the strict request schema
    const inBody = await index.handler({ ...event, body: JSON.stringify({ prompt: 'hi', [RED_TEAM_FIELD]: MARKER }) } as APIGatewayProxyEvent, context);
    expect(inBody.statusCode).toBe(400);
  });

  test.each([
    [null],
    ['x'],
    [{ runId: 'short', caseId: 'a', category: 'JAILBREAK' }],
    [{ runId: 'run-20260101-abcd', caseId: 'a/b', category: 'JAILBREAK' }],
    [{ runId: 'run-20260101-abcd', caseId: 'a', category: 'jailbreak' }],
  ])('an invalid marker %j is refused', (marker) => {
    expect(redTeamMarker({ [RED_TEAM_FIELD]: marker }).kind).toBe('invalid');
  });

  test('feedback can never bind to a red-team request id', () => {
    const id = redTeamRequestId(MARKER);
    const parsed = parseFeedback(JSON.stringify({ requestId: id, rating: 5 }), false);
    expect(parsed.ok).toBe(false);
    expect(parseFeedback(JSON.stringify({ requestId: 'api-request-0001', rating: 5 }), false).ok).toBe(true);
  });
});
