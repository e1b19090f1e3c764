import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { contentHash } from '../../../lambda/feedback/record';
import { loadConfig } from '../../../lambda/feedback/ports';

const BUCKET = 'lake-feedback-bucket';
const PREFIX = 'api-feedback/';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/fallback';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/app/session';
const REQUEST_ID = '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60';

process.env.AWS_REGION = 'us-east-1';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.BUCKET_NAME = BUCKET;
process.env.KEY_PREFIX = PREFIX;
process.env.FALLBACK_QUEUE_URL = QUEUE_URL;

const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
// Loaded after the environment is set; the mocks patch the client classes the module instantiates.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../../../lambda/feedback/index') as typeof import('../../../lambda/feedback/index');

/** An in-memory bucket with S3's conditional-put semantics. */
let objects: Map<string, { body: string; metadata: Record<string, string> }>;
let queued: string[];

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: `${name} (simulated)` });
}

function workingS3() {
  s3.on(PutObjectCommand).callsFake((input) => {
    expect(input.Bucket).toBe(BUCKET);
    if (input.IfNoneMatch === '*' && objects.has(input.Key)) throw s3Error('PreconditionFailed', 412);
    objects.set(input.Key, { body: input.Body, metadata: input.Metadata ?? {} });
    return { ETag: '"etag"' };
  });
  s3.on(HeadObjectCommand).callsFake((input) => {
    const o = objects.get(input.Key);
    if (!o) throw s3Error('NotFound', 404);
    return { Metadata: o.metadata };
  });
}

function workingSqs() {
  sqs.on(SendMessageCommand).callsFake((input) => {
    expect(input.QueueUrl).toBe(QUEUE_URL);
    queued.push(input.MessageBody);
    return { MessageId: `m-${queued.length}` };
  });
}

beforeEach(() => {
  s3.reset();
  sqs.reset();
  objects = new Map();
  queued = [];
  workingS3();
  workingSqs();
});

function apiEvent(body: unknown, options: { raw?: boolean; base64?: boolean; apiRequestId?: string; contentType?: string | null; cognitoSub?: string } = {}) {
  let text: string | null = options.raw ? (body as string | null) : JSON.stringify(body);
  if (options.base64 && text !== null) text = Buffer.from(text, 'utf8').toString('base64');
  const headers: Record<string, string> = {};
  if (options.contentType !== null) headers['Content-Type'] = options.contentType ?? 'application/json';
  return {
    body: text,
    isBase64Encoded: options.base64 ?? false,
    headers,
    httpMethod: 'POST',
    path: '/feedback',
    requestContext: {
      requestId: options.apiRequestId ?? 'api-req-1',
      // A Cognito-authorized request has claims and no IAM principal (API Gateway leaves userArn null).
      identity: options.cognitoSub ? { userArn: null, caller: null } : { userArn: CALLER, caller: 'AROAEXAMPLE:session' },
      authorizer: options.cognitoSub ? { claims: { sub: options.cognitoSub } } : undefined,
    },
  } as unknown as APIGatewayProxyEvent;
}

async function call(event: APIGatewayProxyEvent) {
  const response = (await handler(event)) as { statusCode: number; headers: Record<string, string>; body: string };
  return { ...response, json: JSON.parse(response.body) };
}

const valid = { requestId: REQUEST_ID, rating: 2, correction: 'The capital of Australia is Canberra.', comment: 'wrong city', flag: 'inaccurate' };

describe('feedback handler: valid bodies', () => {
  test('stores one record under the request id with a conditional put and answers 201', async () => {
    const r = await call(apiEvent(valid));
    expect(r.statusCode).toBe(201);
    expect(r.headers).toMatchObject({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    expect(r.json).toEqual({ status: 'recorded', requestId: REQUEST_ID, apiRequestId: 'api-req-1' });

    const puts = s3.commandCalls(PutObjectCommand);
    expect(puts).toHaveLength(1);
    const input = puts[0].args[0].input;
    const hash = contentHash(valid as any, CALLER);
    expect(input).toMatchObject({
      Bucket: BUCKET,
      Key: `${PREFIX}template=_raw/${REQUEST_ID}.json`,
      IfNoneMatch: '*',
      ContentType: 'application/json',
      Metadata: { 'content-sha256': hash },
    });
    const record = JSON.parse(input.Body as string);
    expect(record).toEqual({
      schemaVersion: 1,
      requestId: REQUEST_ID,
      rating: 2,
      correction: valid.correction,
      comment: valid.comment,
      flag: 'inaccurate',
      caller: CALLER,
      contentSha256: hash,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      apiRequestId: 'api-req-1',
    });
    expect(sqs.calls()).toHaveLength(0);
  });

  test('only requestId and rating: the record has no optional fields', async () => {
    const r = await call(apiEvent({ requestId: REQUEST_ID, rating: 5 }));
    expect(r.statusCode).toBe(201);
    const record = JSON.parse(objects.get(`${PREFIX}template=_raw/${REQUEST_ID}.json`)!.body);
    expect(Object.keys(record).sort()).toEqual(['apiRequestId', 'caller', 'contentSha256', 'rating', 'receivedAt', 'requestId', 'schemaVersion']);
  });

  test('a Cognito caller is recorded by its subject', async () => {
    await call(apiEvent({ requestId: REQUEST_ID, rating: 4 }, { cognitoSub: 'b1a2c3d4-sub' }));
    expect(JSON.parse(objects.get(`${PREFIX}template=_raw/${REQUEST_ID}.json`)!.body).caller).toBe('cognito:b1a2c3d4-sub');
  });

  test('a base64-encoded body and a charset in the content type are accepted', async () => {
    const r = await call(apiEvent(valid, { base64: true, contentType: 'application/json; charset=utf-8' }));
    expect(r.statusCode).toBe(201);
  });

  test('a missing content type is accepted (the body must still be JSON)', async () => {
    expect((await call(apiEvent(valid, { contentType: null }))).statusCode).toBe(201);
  });
});

describe('feedback handler: bad bodies get a 400 JSON error naming the field, and nothing is stored', () => {
  test.each<[string, unknown, boolean, RegExp]>([
    ['empty body', '', true, /the request body is empty/],
    ['null body', null, true, /the request body is empty/],
    ['not JSON', '{"requestId": ', true, /not valid JSON/],
    ['a JSON array', [valid], false, /must be a JSON object/],
    ['a JSON string', 'hello', false, /must be a JSON object/],
    ['requestId missing', { rating: 3 }, false, /requestId: is required/],
    ['requestId too short', { requestId: 'abc', rating: 3 }, false, /requestId: must be the request id/],
    ['requestId with a path', { requestId: '../../etc/passwd', rating: 3 }, false, /requestId: must be the request id/],
    ['requestId too long', { requestId: 'a'.repeat(129), rating: 3 }, false, /requestId: must be the request id/],
    ['requestId a number', { requestId: 12345678, rating: 3 }, false, /requestId: must be a string/],
    ['rating missing', { requestId: REQUEST_ID }, false, /rating: is required/],
    ['rating 0', { requestId: REQUEST_ID, rating: 0 }, false, /rating: must be from 1 to 5/],
    ['rating 6', { requestId: REQUEST_ID, rating: 6 }, false, /rating: must be from 1 to 5/],
    ['rating 2.5', { requestId: REQUEST_ID, rating: 2.5 }, false, /rating: must be an integer from 1 to 5/],
    ['rating "5"', { requestId: REQUEST_ID, rating: '5' }, false, /rating: must be an integer from 1 to 5/],
    ['correction empty', { requestId: REQUEST_ID, rating: 1, correction: '' }, false, /correction: must not be empty/],
    ['correction too long', { requestId: REQUEST_ID, rating: 1, correction: 'x'.repeat(8001) }, false, /correction: must be at most 8000 characters/],
    ['correction not a string', { requestId: REQUEST_ID, rating: 1, correction: ['a'] }, false, /correction: must be a string/],
    ['comment too long', { requestId: REQUEST_ID, rating: 1, comment: 'x'.repeat(2001) }, false, /comment: must be at most 2000 characters/],
    ['comment not a string', { requestId: REQUEST_ID, rating: 1, comment: 7 }, false, /comment: must be a string/],
    ['flag unknown', { requestId: REQUEST_ID, rating: 1, flag: 'spam' }, false, /flag: must be one of inaccurate, harmful, offensive, privacy, other/],
    ['flag boolean', { requestId: REQUEST_ID, rating: 1, flag: true }, false, /flag: must be one of/],
    ['an unknown field', { requestId: REQUEST_ID, rating: 1, prompt: 'leak' }, false, /unknown field\(s\): prompt/],
  ])('%s', async (_name, body, raw, message) => {
    const r = await call(apiEvent(body, { raw }));
    expect(r.statusCode).toBe(400);
    expect(r.headers['Content-Type']).toBe('application/json');
    expect(r.json.apiRequestId).toBe('api-req-1');
    expect([r.json.error, ...(r.json.details ?? [])].join('\n')).toMatch(message);
    expect(r.body).not.toMatch(/\bat .*\.(js|ts):\d+|stack/i);
    expect(s3.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  test('every problem of a body is listed', async () => {
    const r = await call(apiEvent({ requestId: 'x', rating: 9, flag: 'nope', extra: 1 }));
    expect(r.json.details).toHaveLength(4);
  });

  test('a body over 16 KiB gets a 413', async () => {
    const r = await call(apiEvent({ requestId: REQUEST_ID, rating: 1, comment: 'x'.repeat(17 * 1024) }));
    expect(r.statusCode).toBe(413);
    expect(r.json).toEqual({ error: 'the request body is larger than 16384 bytes', apiRequestId: 'api-req-1' });
    expect(s3.calls()).toHaveLength(0);
  });

  test('an oversized base64 body gets a 413, measured after decoding', async () => {
    const r = await call(apiEvent({ requestId: REQUEST_ID, rating: 1, comment: 'é'.repeat(9000) }, { base64: true }));
    expect(r.statusCode).toBe(413);
  });

  test('a huge body is refused without being decoded', async () => {
    const r = await call(apiEvent('x'.repeat(5 * 1024 * 1024), { raw: true }));
    expect(r.statusCode).toBe(413);
  });

  test('a non-JSON content type gets a 415', async () => {
    const r = await call(apiEvent(valid, { contentType: 'text/plain' }));
    expect(r.statusCode).toBe(415);
    expect(r.json.error).toMatch(/application\/json/);
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('feedback handler: idempotency', () => {
  test('the same feedback twice: 201, then 200 "already recorded"; one object, unchanged', async () => {
    expect((await call(apiEvent(valid, { apiRequestId: 'first' }))).statusCode).toBe(201);
    const stored = objects.get(`${PREFIX}template=_raw/${REQUEST_ID}.json`)!.body;
    const again = await call(apiEvent(valid, { apiRequestId: 'retry' }));
    expect(again.statusCode).toBe(200);
    expect(again.json).toEqual({ status: 'already recorded', requestId: REQUEST_ID, apiRequestId: 'retry' });
    expect(objects.size).toBe(1);
    expect(objects.get(`${PREFIX}template=_raw/${REQUEST_ID}.json`)!.body).toBe(stored);
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(1);
    expect(sqs.calls()).toHaveLength(0);
  });

  test('different feedback for the same request id: 409, and the first record stays', async () => {
    await call(apiEvent(valid));
    const stored = objects.get(`${PREFIX}template=_raw/${REQUEST_ID}.json`)!.body;
    const r = await call(apiEvent({ ...valid, rating: 5 }, { apiRequestId: 'second' }));
    expect(r.statusCode).toBe(409);
    expect(r.json).toEqual({ error: `different feedback for request ${REQUEST_ID} is already recorded`, apiRequestId: 'second' });
    expect(objects.get(`${PREFIX}template=_raw/${REQUEST_ID}.json`)!.body).toBe(stored);
    expect(sqs.calls()).toHaveLength(0);
  });

  test('the same body from another caller is a conflict, not a duplicate', async () => {
    await call(apiEvent(valid));
    expect((await call(apiEvent(valid, { cognitoSub: 'someone-else' }))).statusCode).toBe(409);
  });

  test('an existing object without a content hash is a conflict', async () => {
    objects.set(`${PREFIX}template=_raw/${REQUEST_ID}.json`, { body: '{}', metadata: {} });
    expect((await call(apiEvent(valid))).statusCode).toBe(409);
  });
});

describe('feedback handler: S3 failures never lose a record', () => {
  test('S3 fails: the record goes to the fallback queue and the answer is 202', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('InternalError', 500));
    const r = await call(apiEvent(valid));
    expect(r.statusCode).toBe(202);
    expect(r.json).toEqual({ status: 'accepted', requestId: REQUEST_ID, apiRequestId: 'api-req-1' });
    expect(queued).toHaveLength(1);
    expect(JSON.parse(queued[0])).toMatchObject({ requestId: REQUEST_ID, rating: 2, correction: valid.correction, contentSha256: contentHash(valid as any, CALLER) });
  });

  test('S3 access denied or a timeout also fall back (202)', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    expect((await call(apiEvent(valid))).statusCode).toBe(202);
    const timeout = new Error('socket hang up');
    timeout.name = 'TimeoutError';
    s3.on(PutObjectCommand).rejects(timeout);
    expect((await call(apiEvent(valid))).statusCode).toBe(202);
    expect(queued).toHaveLength(2);
  });

  test('the duplicate check fails (HeadObject): the record goes to the fallback queue (202)', async () => {
    objects.set(`${PREFIX}template=_raw/${REQUEST_ID}.json`, { body: '{}', metadata: { 'content-sha256': 'x' } });
    s3.on(HeadObjectCommand).rejects(s3Error('SlowDown', 503));
    expect((await call(apiEvent(valid))).statusCode).toBe(202);
    expect(queued).toHaveLength(1);
  });

  test('S3 and the queue both fail: 503 with Retry-After and the API request id, saying nothing was recorded', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('InternalError', 500));
    sqs.on(SendMessageCommand).rejects(new SQSServiceException({ name: 'KmsThrottled', $fault: 'server', $metadata: { httpStatusCode: 400 }, message: 'throttled' }));
    const r = await call(apiEvent(valid, { apiRequestId: 'req-503' }));
    expect(r.statusCode).toBe(503);
    expect(r.headers['Retry-After']).toBe('30');
    expect(r.json).toEqual({ error: 'feedback could not be stored and was not recorded; retry later', apiRequestId: 'req-503' });
    expect(r.body).not.toMatch(/InternalError|KmsThrottled|simulated|stack/);
  });

  test('a record queued while S3 failed is written by the queue consumer, byte for byte, and a retry then sees a duplicate', async () => {
    s3.on(PutObjectCommand).rejectsOnce(s3Error('InternalError', 500));
    expect((await call(apiEvent(valid))).statusCode).toBe(202);
    expect(objects.size).toBe(0);
    workingS3();
    const result = await handler(sqsEvent([queued[0]]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(objects.get(`${PREFIX}template=_raw/${REQUEST_ID}.json`)!.body).toBe(queued[0]);
    expect((await call(apiEvent(valid, { apiRequestId: 'later' }))).statusCode).toBe(200);
  });
});

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `msg-${i}`,
      receiptHandle: `rh-${i}`,
      body,
      attributes: {} as any,
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:fallback',
      awsRegion: 'us-east-1',
    })),
  };
}

function queuedRecord(overrides: Record<string, unknown> = {}) {
  const feedback = { requestId: REQUEST_ID, rating: 3, ...overrides };
  return JSON.stringify({
    schemaVersion: 1,
    ...feedback,
    caller: CALLER,
    contentSha256: contentHash(feedback as any, CALLER),
    receivedAt: '2026-01-01T00:00:00.000Z',
    apiRequestId: 'api-req-q',
  });
}

describe('fallback queue consumer', () => {
  test('writes a queued record with a conditional put', async () => {
    await expect(handler(sqsEvent([queuedRecord()]))).resolves.toEqual({ batchItemFailures: [] });
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(input).toMatchObject({ Key: `${PREFIX}template=_raw/${REQUEST_ID}.json`, IfNoneMatch: '*' });
  });

  test('a record already stored with the same content is done (no second object)', async () => {
    await handler(sqsEvent([queuedRecord()]));
    await expect(handler(sqsEvent([queuedRecord()]))).resolves.toEqual({ batchItemFailures: [] });
    expect(objects.size).toBe(1);
  });

  test('a conflicting record was already accepted, so it is kept under conflicts/ (once)', async () => {
    await handler(sqsEvent([queuedRecord()]));
    const other = queuedRecord({ rating: 1, comment: 'changed my mind' });
    await expect(handler(sqsEvent([other]))).resolves.toEqual({ batchItemFailures: [] });
    await expect(handler(sqsEvent([other]))).resolves.toEqual({ batchItemFailures: [] });
    const hash = JSON.parse(other).contentSha256;
    expect([...objects.keys()].sort()).toEqual([`${PREFIX}conflicts/${REQUEST_ID}/${hash}.json`, `${PREFIX}template=_raw/${REQUEST_ID}.json`]);
    expect(objects.get(`${PREFIX}conflicts/${REQUEST_ID}/${hash}.json`)!.body).toBe(other);
  });

  test('S3 failures and malformed messages are reported as batch item failures (retried, then dead-lettered); the rest succeed', async () => {
    const failing = queuedRecord({ requestId: 'ffffffff-0000-0000-0000-000000000000' });
    s3.on(PutObjectCommand).callsFake((input) => {
      if (input.Key.includes('ffffffff')) throw s3Error('InternalError', 500);
      objects.set(input.Key, { body: input.Body, metadata: input.Metadata });
      return {};
    });
    const result = await handler(sqsEvent([queuedRecord(), failing, 'not json', JSON.stringify({ requestId: REQUEST_ID })]));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }, { itemIdentifier: 'msg-2' }, { itemIdentifier: 'msg-3' }] });
    expect([...objects.keys()]).toEqual([`${PREFIX}template=_raw/${REQUEST_ID}.json`]);
  });

  test('a queued record with a request id that is not a safe key is malformed', async () => {
    const bad = JSON.parse(queuedRecord());
    bad.requestId = '../escape/aaaaaaaa';
    await expect(handler(sqsEvent([JSON.stringify(bad)]))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-0' }] });
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('unexpected errors', () => {
  test('an error inside the handler gives a JSON 500 with the API request id, never a stack trace', async () => {
    const event = apiEvent(valid);
    Object.defineProperty(event, 'body', {
      get() {
        throw new TypeError('boom at /var/task/index.js:1:2');
      },
    });
    const r = await call(event);
    expect(r.statusCode).toBe(500);
    expect(r.json).toEqual({ error: 'internal error; the feedback was not recorded', apiRequestId: 'api-req-1' });
    expect(r.body).not.toMatch(/boom|index\.js/);
  });
});

describe('configuration', () => {
  test('a missing variable is a deployment error', () => {
    expect(() => loadConfig({ BUCKET_NAME: 'b', KEY_PREFIX: 'p/' })).toThrow(/BUCKET_NAME, KEY_PREFIX and FALLBACK_QUEUE_URL must be set/);
    expect(loadConfig({ BUCKET_NAME: 'b', KEY_PREFIX: 'p/', FALLBACK_QUEUE_URL: 'q' })).toEqual({ bucketName: 'b', prefix: 'p/', fallbackQueueUrl: 'q' });
  });
});
