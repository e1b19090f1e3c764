import { errorResponse, jsonResponse, readJsonBody } from '../../../lambda/shared/http';
import { errorName, errorStatus } from '../../../lambda/shared/logging';

describe('http helpers', () => {
  test('jsonResponse: JSON, no-store, nosniff', () => {
    expect(jsonResponse(201, { a: 1 }, { 'X-A': 'b' })).toEqual({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'X-A': 'b' },
      body: '{"a":1}',
    });
  });

  test('errorResponse: error, optional details, request id', () => {
    expect(JSON.parse(errorResponse(400, 'bad', 'r1').body)).toEqual({ error: 'bad', requestId: 'r1' });
    expect(JSON.parse(errorResponse(400, 'bad', 'r1', ['x: y']).body)).toEqual({ error: 'bad', details: ['x: y'], requestId: 'r1' });
    expect(JSON.parse(errorResponse(400, 'bad', 'r1', []).body)).toEqual({ error: 'bad', requestId: 'r1' });
  });

  test('readJsonBody', () => {
    expect(readJsonBody('{"a":1}', false, 100)).toEqual({ ok: true, json: { a: 1 }, bytes: 7 });
    expect(readJsonBody(Buffer.from('{"a":1}').toString('base64'), true, 100)).toEqual({ ok: true, json: { a: 1 }, bytes: 7 });
    expect(readJsonBody(null, false, 100)).toEqual({ ok: false, statusCode: 400, error: 'the request body is empty; expected a JSON object' });
    expect(readJsonBody('{', false, 100)).toEqual({ ok: false, statusCode: 400, error: 'the request body is not valid JSON' });
    expect(readJsonBody('"' + 'x'.repeat(200) + '"', false, 100)).toEqual({ ok: false, statusCode: 413, error: 'the request body is larger than 100 bytes' });
    // Multi-byte characters count in bytes, not characters.
    expect(readJsonBody('"' + 'é'.repeat(60) + '"', false, 100)).toEqual({ ok: false, statusCode: 413, error: 'the request body is larger than 100 bytes' });
    expect(readJsonBody(Buffer.from('x'.repeat(101)).toString('base64'), true, 100)).toMatchObject({ ok: false, statusCode: 413 });
  });

  test('errorName and errorStatus never expose messages', () => {
    expect(errorName(Object.assign(new Error('secret'), { name: 'ThrottlingException' }))).toBe('ThrottlingException');
    expect(errorName({ Code: 'NoSuchKey' })).toBe('NoSuchKey');
    expect(errorName('boom')).toBe('Error');
    expect(errorStatus({ $metadata: { httpStatusCode: 429 } })).toBe(429);
    expect(errorStatus(new Error('x'))).toBeUndefined();
  });
});
