import { verdictOf } from '../../../lambda/guardrail/assessments';
import { Budget, BudgetExhaustedError, SAFETY_MARGIN_MS } from '../../../lambda/guardrail/budget';
import { loadConfig } from '../../../lambda/guardrail/config';
import { downstreamStatus } from '../../../lambda/guardrail/pipeline';
import { ModelResponseError, textOfEndpointResponse } from '../../../lambda/guardrail/ports';

describe('verdictOf', () => {
  test('an intervention without a recognised policy is treated as a block (fail closed)', () => {
    expect(verdictOf({ action: 'GUARDRAIL_INTERVENED', outputs: [{ text: 'Blocked.' }], assessments: [{}] })).toEqual(
      expect.objectContaining({ intervened: true, blocked: true, blockedPolicies: ['GUARDRAIL:UNSPECIFIED'], outputText: 'Blocked.' }),
    );
  });

  test('words, regexes and managed lists are named; matched text is not kept', () => {
    const v = verdictOf({
      action: 'GUARDRAIL_INTERVENED',
      outputs: [],
      assessments: [
        {
          wordPolicy: { customWords: [{ match: 'zeus', action: 'BLOCKED' }], managedWordLists: [{ match: 'darn', type: 'PROFANITY', action: 'BLOCKED' }] },
          sensitiveInformationPolicy: { piiEntities: [], regexes: [{ name: 'AccountId', match: 'ACC-12345678', regex: 'x', action: 'ANONYMIZED' }] },
        },
      ],
    });
    expect(v.blockedPolicies).toEqual(['WORDS:CUSTOM', 'WORDS:PROFANITY']);
    expect(v.anonymizedPolicies).toEqual(['REGEX:AccountId']);
    expect(JSON.stringify(v)).not.toMatch(/zeus|darn|ACC-1234/);
  });

  test('a BLOCKED assessment blocks even when the action says NONE; a mask without text blocks', () => {
    expect(verdictOf({ action: 'NONE', outputs: [], assessments: [{ topicPolicy: { topics: [{ name: 'Crypto', type: 'DENY', action: 'BLOCKED' }] } }] })).toEqual(
      expect.objectContaining({ intervened: true, blocked: true, blockedPolicies: ['TOPIC:Crypto'] }),
    );
    expect(verdictOf({ action: 'GUARDRAIL_INTERVENED', outputs: [], assessments: [{ sensitiveInformationPolicy: { piiEntities: [{ match: 'x', type: 'EMAIL', action: 'ANONYMIZED' }], regexes: [] } }] })).toEqual(
      expect.objectContaining({ blocked: true, blockedPolicies: ['GUARDRAIL:MASKED_WITHOUT_TEXT'], anonymizedPolicies: ['PII:EMAIL'] }),
    );
    expect(verdictOf({ action: 'GUARDRAIL_INTERVENED', outputs: [{ text: 'Mail {EMAIL}' }], assessments: [{ sensitiveInformationPolicy: { piiEntities: [{ match: 'x', type: 'EMAIL', action: 'ANONYMIZED' }], regexes: [] } }] })).toEqual(
      expect.objectContaining({ intervened: true, blocked: false, outputText: 'Mail {EMAIL}' }),
    );
  });

  test('no intervention', () => {
    expect(verdictOf({ action: 'NONE', outputs: [], assessments: [] })).toEqual(expect.objectContaining({ intervened: false, blocked: false, blockedPolicies: [] }));
  });
});

describe('textOfEndpointResponse', () => {
  test.each<[string, string]>([
    [JSON.stringify([{ generated_text: 'a' }]), 'a'],
    [JSON.stringify({ generated_text: 'b' }), 'b'],
    [JSON.stringify({ generation: 'c' }), 'c'],
    [JSON.stringify({ outputs: ['d'] }), 'd'],
    [JSON.stringify({ choices: [{ message: { content: 'e' } }] }), 'e'],
    [JSON.stringify({ choices: [{ text: 'f' }] }), 'f'],
    ['plain text', 'plain text'],
  ])('%s', (body, text) => expect(textOfEndpointResponse(body)).toBe(text));

  test('an unknown shape is a ModelResponseError (502)', () => {
    expect(() => textOfEndpointResponse('{"x":1}')).toThrow(ModelResponseError);
    expect(downstreamStatus(new ModelResponseError('x'))).toBe(502);
  });
});

describe('downstreamStatus', () => {
  test.each<[unknown, number]>([
    [{ name: 'ThrottlingException' }, 503],
    [{ name: 'ServiceUnavailableException' }, 503],
    [{ name: 'ModelNotReadyException' }, 503],
    [{ name: 'TimeoutError' }, 503],
    [{ name: 'Whatever', $metadata: { httpStatusCode: 429 } }, 503],
    [{ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }, 502],
    [{ name: 'ModelError', $metadata: { httpStatusCode: 424 } }, 502],
  ])('%j -> %d', (error, status) => expect(downstreamStatus(error)).toBe(status));
});

describe('loadConfig', () => {
  const env = { MODEL_KIND: 'bedrock', MODEL_ID: 'm', GUARDRAIL_ID: 'g', GUARDRAIL_VERSION: '1', TRACE_BUCKET: 'b', TRACE_KEY_ARN: 'k', REVIEW_QUEUE_URL: 'q' };
  test('defaults', () => {
    expect(loadConfig(env)).toEqual(
      expect.objectContaining({ tracePrefix: 'guardrail-traces/', maxTokens: 1024, maxBodyBytes: 262144, modelTimeoutMs: 20000, guardrailTimeoutMs: 5000, groundingReviewThreshold: 0.85 }),
    );
    expect(loadConfig({ ...env, TRACE_PREFIX: 'x' }).tracePrefix).toBe('x/');
  });
  test('broken deployments throw once at cold start', () => {
    expect(() => loadConfig({ ...env, MODEL_KIND: 'openai' })).toThrow(/MODEL_KIND/);
    expect(() => loadConfig({ ...env, MODEL_KIND: 'sagemaker' })).toThrow(/ENDPOINT_NAME/);
    expect(() => loadConfig({ ...env, MAX_TOKENS: '-1' })).toThrow(/MAX_TOKENS/);
  });
});

describe('LOCAL_CHECKS', () => {
  const env = { MODEL_KIND: 'bedrock', MODEL_ID: 'm', GUARDRAIL_ID: 'g', GUARDRAIL_VERSION: '1', TRACE_BUCKET: 'b', TRACE_KEY_ARN: 'k', REVIEW_QUEUE_URL: 'q' };
  test('absent: every type keeps its default', () => {
    expect(loadConfig(env).localChecks).toEqual({});
  });
  test('parsed from the JSON GuardrailFunction writes', () => {
    const value = JSON.stringify({ actions: { EMAIL: 'ALLOW' }, allowList: ['example.com'], deniedWords: ['zeus'], customPatterns: [{ name: 'X', pattern: 'x', action: 'BLOCK', caseInsensitive: false }], phoneDefaultRegion: 'DE' });
    expect(loadConfig({ ...env, LOCAL_CHECKS: value }).localChecks).toEqual({
      actions: { EMAIL: 'ALLOW' },
      allowList: ['example.com'],
      deniedWords: ['zeus'],
      customPatterns: [{ name: 'X', pattern: 'x', action: 'BLOCK', caseInsensitive: false }],
      phoneDefaultRegion: 'DE',
    });
  });
  test.each(['{', '[]', '{"actions":{"EMAIL":"MAYBE"}}', '{"customPatterns":[{"name":"X"}]}', '{"deniedWords":"x"}', '{"phoneDefaultRegion":"uk"}'])('a broken value throws at cold start: %s', (value) => {
    expect(() => loadConfig({ ...env, LOCAL_CHECKS: value })).toThrow(/LOCAL_CHECKS/);
  });
});

describe('Budget', () => {
  test('a call gets its timeout, cut so the reserve remains; too little left throws BudgetExhausted', () => {
    let left = 30_000;
    const budget = new Budget(() => left, 6_500);
    expect(budget.call('model', 20_000)).toBe(20_000);
    left = 10_000;
    expect(budget.call('model', 20_000)).toBe(3_500);
    left = 6_700;
    expect(() => budget.call('guardrailOutput', 5_000)).toThrow(BudgetExhaustedError);
    expect(downstreamStatus(new BudgetExhaustedError('x'))).toBe(503);
    expect(budget.record('trace', 3_000)).toBe(3_000);
    left = 1_000;
    expect(budget.record('review', 3_000)).toBe(1_000 - SAFETY_MARGIN_MS);
    expect(budget.granted).toEqual({ model: 3_500, trace: 3_000, review: 700 });
  });
  test('without a deadline (Infinity) the configured timeouts apply', () => {
    const budget = new Budget(() => Number.POSITIVE_INFINITY, 6_500);
    expect(budget.call('model', 20_000)).toBe(20_000);
  });
});
