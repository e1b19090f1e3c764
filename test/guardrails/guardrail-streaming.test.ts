import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction, GuardrailFunctionProps } from '../../lib/guardrails/guardrail-function';
import { GuardrailStreamingOptions } from '../../lib/guardrails/guardrail-streaming';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';

type Extra = (stack: Stack) => Partial<GuardrailFunctionProps>;

function build(streaming: GuardrailStreamingOptions | 'off' = {}, extra: Extra = () => ({})) {
  const stack = new Stack(new App(), 'S');
  const dataLake = new SecureDataLake(stack, 'Lake');
  const guardrail = new Guardrail(stack, 'Guardrail');
  const fn = new GuardrailFunction(stack, 'Fn', { guardrail, dataLake, modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'), streaming: streaming === 'off' ? undefined : streaming, ...extra(stack) });
  return { stack, fn, template: Template.fromStack(stack) };
}

const ref = (prefix: string, attr = 'Arn') => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}`), attr] });
const MODEL_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, '::foundation-model/amazon.nova-lite-v1:0']] };

/** The function resources of a template by logical id prefix. */
function functions(t: Template): { [id: string]: any } {
  return t.findResources('AWS::Lambda::Function');
}

/** Every statement of the role's policies. */
function statements(t: Template): any[] {
  return Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^FnRole') }] } })).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

const actionsOf = (s: any): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('GuardrailFunction streaming entry point', () => {
  test('without streaming there is one function and no streamed model call', () => {
    const { fn, template } = build('off');
    expect(fn.streamFunction).toBeUndefined();
    const handlers = Object.values(functions(template)).map((f: any) => f.Properties.Handler);
    expect(handlers).toContain('index.handler');
    expect(handlers).not.toContain('index.streamHandler');
    expect(statements(template).flatMap(actionsOf)).not.toContain('bedrock:InvokeModelWithResponseStream');
  });

  test('defaults: a second function from the same bundle and role, streamHandler, 5 minutes, 10 reserved, same configuration', () => {
    const { fn, template } = build();
    expect(fn.streamFunction).toBeDefined();
    const all = functions(template);
    const [bufferedId] = Object.keys(all).filter((id) => /^FnResource/.test(id) || /^Fn[A-Z0-9]+$/.test(id)).filter((id) => !id.startsWith('FnStream'));
    const [streamId] = Object.keys(all).filter((id) => id.startsWith('FnStream'));
    const buffered = all[bufferedId].Properties;
    const streamed = all[streamId].Properties;
    expect(buffered.Handler).toBe('index.handler');
    expect(streamed).toEqual(
      expect.objectContaining({
        Handler: 'index.streamHandler',
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Timeout: 300,
        MemorySize: 1024,
        ReservedConcurrentExecutions: 10,
        TracingConfig: { Mode: 'Active' },
        KmsKeyArn: buffered.KmsKeyArn,
        // the same asset (one bundle, two exports) and the same role
        Code: buffered.Code,
        Role: buffered.Role,
      }),
    );
    // the same configuration, plus the stream's own
    expect(streamed.Environment.Variables).toEqual({ ...buffered.Environment.Variables, STREAM_WINDOW_CHARS: '1000', STREAM_MODEL_TIMEOUT_MS: '300000' });
    expect(buffered.Environment.Variables.STREAM_WINDOW_CHARS).toBeUndefined();
    // its own encrypted, retained log group, written by the shared role
    template.hasResource('AWS::Logs::LogGroup', { Properties: { KmsKeyId: ref('FnKey') }, DeletionPolicy: 'Retain' });
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup')).filter((id) => id.startsWith('FnStreamLogGroup'))).toHaveLength(1);
    expect(streamed.LoggingConfig).toEqual({ LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/^FnStreamLogGroup/) } });
    expect(Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('FnStream'))).toEqual([]);
  });

  test('a variable added to the function later (a new feature) reaches the streaming entry point too', () => {
    const stack = new Stack(new App(), 'S');
    const fn = new GuardrailFunction(stack, 'Fn', { guardrail: new Guardrail(stack, 'Guardrail'), dataLake: new SecureDataLake(stack, 'Lake'), modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'), streaming: {} });
    (fn.function as lambda.Function).addEnvironment('PROMPT_CATALOG_ID', 'catalog-1');
    const handlers = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).filter((f: any) => /^FnRole/.test(f.Properties.Role['Fn::GetAtt'][0])) as any[];
    expect(handlers).toHaveLength(2);
    for (const f of handlers) expect(f.Properties.Environment.Variables.PROMPT_CATALOG_ID).toBe('catalog-1');
  });

  test('the shared role may also stream from the model, on exactly that model, and write both log groups', () => {
    const all = statements(build().template);
    const streamed = all.filter((s) => actionsOf(s).includes('bedrock:InvokeModelWithResponseStream'));
    expect(streamed).toEqual([expect.objectContaining({ Effect: 'Allow', Resource: MODEL_ARN })]);
    const logs = all.filter((s) => actionsOf(s).includes('logs:PutLogEvents')).map((s) => s.Resource);
    expect(logs).toEqual(expect.arrayContaining([{ 'Fn::GetAtt': [expect.stringMatching(/^FnLogGroup/), 'Arn'] }, { 'Fn::GetAtt': [expect.stringMatching(/^FnStreamLogGroup/), 'Arn'] }]));
    expect(logs).toHaveLength(2);
  });

  test('SageMaker target with a fallback: the streamed call on the fallback model only (the endpoint grant covers its stream)', () => {
    const { template } = build({}, (stack) => ({
      modelTarget: ModelTarget.sagemakerEndpoint(InferenceEndpoint.fromEndpointAttributes(stack, 'Endpoint', { endpointName: 'my-endpoint' }), { fallbackBedrockModelId: 'amazon.nova-lite-v1:0' }),
    }));
    const all = statements(template);
    expect(all.filter((s) => actionsOf(s).includes('bedrock:InvokeModelWithResponseStream')).map((s) => s.Resource)).toEqual([MODEL_ARN]);
    const endpoint = all.find((s) => actionsOf(s).includes('sagemaker:InvokeEndpoint'));
    expect(actionsOf(endpoint)).toContain('sagemaker:InvokeEndpointWithResponseStream');
  });

  test('SageMaker target without a fallback: no Bedrock permission at all', () => {
    const { template } = build({}, (stack) => ({ modelTarget: ModelTarget.sagemakerEndpoint(InferenceEndpoint.fromEndpointAttributes(stack, 'Endpoint', { endpointName: 'my-endpoint' })) }));
    expect(statements(template).flatMap(actionsOf).filter((a) => a.startsWith('bedrock:Invoke'))).toEqual([]);
  });

  test('options: timeout, window, concurrency, memory', () => {
    const { template } = build({ timeout: Duration.minutes(12), guardrailWindowChars: 400, reservedConcurrentExecutions: 3, memorySize: 2048 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.streamHandler',
      Timeout: 720,
      MemorySize: 2048,
      ReservedConcurrentExecutions: 3,
      Environment: { Variables: Match.objectLike({ STREAM_WINDOW_CHARS: '400', STREAM_MODEL_TIMEOUT_MS: '720000' }) },
    });
  });

  test('the stream function follows the function memory and VPC settings', () => {
    const { template } = build({}, () => ({ memorySize: 3008 }));
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.streamHandler', MemorySize: 3008 });
  });

  test.each<[GuardrailStreamingOptions, Extra, RegExp]>([
    [{ timeout: Duration.seconds(29) }, () => ({}), /S\/Fn: invalid streaming.timeout: got "29 seconds"; allowed: from 30 seconds to 15 minutes/],
    [{ timeout: Duration.minutes(16) }, () => ({}), /S\/Fn: invalid streaming.timeout: got "16 minutes"; allowed: from 30 seconds to 15 minutes/],
    [{ timeout: Duration.seconds(30) }, () => ({ guardrailTimeout: Duration.seconds(12), modelTimeout: Duration.seconds(5) }), /invalid streaming.timeout: got "30 seconds"; allowed: at least 2 x guardrailTimeout \(12 seconds\) \+ 10 seconds/],
    [{ guardrailWindowChars: 99 }, () => ({}), /S\/Fn: invalid streaming.guardrailWindowChars: got 99; allowed: .*100.*10000/],
    [{ guardrailWindowChars: 10001 }, () => ({}), /invalid streaming.guardrailWindowChars: got 10001/],
    [{ guardrailWindowChars: 250.5 }, () => ({}), /invalid streaming.guardrailWindowChars: got 250.5/],
    [{ reservedConcurrentExecutions: 0 }, () => ({}), /S\/Fn: invalid streaming.reservedConcurrentExecutions: got 0/],
    [{ memorySize: 64 }, () => ({}), /S\/Fn: invalid streaming.memorySize: got 64/],
  ])('rejects %j', (streaming, extra, message) => {
    expect(() => build(streaming, extra)).toThrow(message);
  });
});

// Compliance of the streaming function: test/guardrails/guardrail-streaming.compliance.ts (checked in
// test/compliance/all.test.ts, with every other area's configurations).
