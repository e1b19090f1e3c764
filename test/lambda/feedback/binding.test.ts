import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { callerHash } from '../../../lambda/shared/generation';

// Feedback bound to generations: the function as GenAIApi deploys it by default (records under the
// quarantine prefix, generation records in the trace bucket, a 30-day window).
const BUCKET = 'lake-feedback-bucket';
const QUARANTINE = 'quarantine/api-feedback/';
const TRACES = 'lake-capture-bucket';
const GENERATIONS = 'guardrail-generations/';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/fallback';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/app/session';
const OTHER = 'arn:aws:sts::123456789012:assumed-role/other-app/session';
const REQUEST_ID = '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60';
const WINDOW_DAYS = 30;

process.env.AWS_REGION = 'us-east-1';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.BUCKET_NAME = BUCKET;
process.env.KEY_PREFIX = QUARANTINE;
process.env.FALLBACK_QUEUE_URL = QUEUE_URL;
process.env.GENERATION_BUCKET = TRACES;
process.env.GENERATION_PREFIX = GENERATIONS;
process.env.FEEDBACK_WINDOW_SECONDS = String(WINDOW_DAYS * 86400);

const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../../../lambda/feedback/index') as typeof import('../../../lambda/feedback/index');

let objects: Map<string, { body: string; metadata: Record<string, string>; lastModified: Date }>;
let queued: string[];
let generationsDown: boolean;

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: `${name} (simulated)` });
}

/** A generation record as the guardrail function writes it. */
function generation(requestId: string, caller: string, ageDays = 0) {
  objects.set(`${TRACES}/${GENERATIONS}${requestId}`, { body: '', metadata: { 'caller-sha256': callerHash(caller) }, lastModified: new Date(Date.now() - ageDays * 86400_000) });
}

beforeEach(() => {
  s3.reset();
  sqs.reset();
  objects = new Map();
  queued = [];
  generationsDown = false;
  s3.on(PutObjectCommand).callsFake((input) => {
    const key = `${input.Bucket}/${input.Key}`;
    if (input.IfNoneMatch === '*' && objects.has(key)) throw s3Error('PreconditionFailed', 412);
    objects.set(key, { body: input.Body, metadata: input.Metadata ?? {}, lastModified: new Date() });
    return {};
  });
  s3.on(HeadObjectCommand).callsFake((input) => {
    if (input.Bucket === TRACES && generationsDown) throw s3Error('InternalError', 500);
    const o = objects.get(`${input.Bucket}/${input.Key}`);
    if (!o) throw s3Error('NotFound', 404);
    return { Metadata: o.metadata, LastModified: o.lastModified };
  });
  sqs.on(SendMessageCommand).callsFake((input) => {
    queued.push(input.MessageBody);
    return { MessageId: `m-${queued.length}` };
  });
});

function apiEvent(body: unknown, caller = CALLER): APIGatewayProxyEvent {
  return {
    body: JSON.stringify(body),
    isBase64Encoded: false,
    headers: { 'Content-Type': 'application/json' },
    requestContext: { requestId: 'api-req-1', identity: { userArn: caller, caller: 'AROAEXAMPLE:session' } },
  } as unknown as APIGatewayProxyEvent;
}

async function call(event: APIGatewayProxyEvent) {
  const response = (await handler(event)) as { statusCode: number; body: string };
  return { ...response, json: JSON.parse(response.body) };
}

const feedback = { requestId: REQUEST_ID, rating: 2, correction: 'The capital of Australia is Canberra.' };
const stored = () => objects.get(`${BUCKET}/${QUARANTINE}template=_raw/${REQUEST_ID}.json`);

describe('feedback bound to a recorded generation of the same caller', () => {
  test('feedback on the caller’s own generation is stored under the quarantine prefix (201)', async () => {
    generation(REQUEST_ID, CALLER, 1);
    const r = await call(apiEvent(feedback));
    expect(r.statusCode).toBe(201);
    expect(JSON.parse(stored()!.body)).toMatchObject({ requestId: REQUEST_ID, caller: CALLER });
    expect(s3.commandCalls(HeadObjectCommand)[0].args[0].input).toEqual({ Bucket: TRACES, Key: `${GENERATIONS}${REQUEST_ID}` });
  });

  test('a request id that was never a generation is a 404 JSON error, and nothing is stored', async () => {
    const r = await call(apiEvent(feedback));
    expect(r.statusCode).toBe(404);
    expect(r.json).toEqual({
      error: `no generation with request id ${REQUEST_ID} was recorded for this caller; feedback names the requestId of your own POST /v1/generate`,
      apiRequestId: 'api-req-1',
    });
    expect(stored()).toBeUndefined();
    expect(queued).toEqual([]);
  });

  test('feedback on another caller’s generation gets the same 404 (first writer does not win, ids are not revealed)', async () => {
    generation(REQUEST_ID, OTHER);
    const r = await call(apiEvent(feedback));
    expect(r.statusCode).toBe(404);
    expect(stored()).toBeUndefined();
  });

  test('feedback after the window is a 410', async () => {
    generation(REQUEST_ID, CALLER, WINDOW_DAYS + 1);
    const r = await call(apiEvent(feedback));
    expect(r.statusCode).toBe(410);
    expect(r.json.error).toBe(`feedback for request ${REQUEST_ID} is no longer accepted: the window of ${WINDOW_DAYS} day(s) after the generation has closed`);
    expect(stored()).toBeUndefined();
  });

  test('when the check cannot run, a valid record is not lost: it waits in the fallback queue (202) and the redrive checks it', async () => {
    generation(REQUEST_ID, CALLER);
    generationsDown = true;
    const r = await call(apiEvent(feedback));
    expect(r.statusCode).toBe(202);
    expect(queued).toHaveLength(1);
    expect(stored()).toBeUndefined();

    generationsDown = false;
    const result = await handler(sqsEvent(queued));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(JSON.parse(stored()!.body).requestId).toBe(REQUEST_ID);
  });

  test('the redrive drops a queued record whose generation is unknown or someone else’s (not retried)', async () => {
    generationsDown = true;
    await call(apiEvent(feedback, OTHER));
    generation(REQUEST_ID, CALLER);
    generationsDown = false;
    const result = await handler(sqsEvent(queued));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(stored()).toBeUndefined();
  });

  test('the redrive retries while the check still cannot run', async () => {
    generationsDown = true;
    await call(apiEvent(feedback));
    const result = await handler(sqsEvent(queued));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-0' }] });
  });
});

function sqsEvent(bodies: string[]): SQSEvent {
  return { Records: bodies.map((body, i) => ({ messageId: `msg-${i}`, body, eventSource: 'aws:sqs' })) } as unknown as SQSEvent;
}
