import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { GenAIApi, GenAIApiProps } from '../../lib/api/gen-ai-api';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { GenAIValidationError } from '../../lib/core/errors';
import { strictApp } from '../helpers/compliance';

function fn(stack: Stack, id: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" })'),
  });
}

function apiStack(extra: (stack: Stack) => Partial<GenAIApiProps> = (stack) => ({ generateStreamFunction: fn(stack, 'Stream') })) {
  const stack = new Stack(strictApp(), 'S');
  const dataLake = new SecureDataLake(stack, 'Lake');
  const api = new GenAIApi(stack, 'Api', { generateFunction: fn(stack, 'Generate'), dataLake, verifyFeedback: false, ...extra(stack) });
  return {
    stack,
    api,
    get template() {
      return Template.fromStack(stack);
    },
  };
}

function logicalId(stack: Stack, c: { node: { defaultChild?: unknown } }): string {
  return stack.resolve((c.node.defaultChild as any).logicalId);
}

/** The POST methods by the path of their resource. */
function methodsByPath(template: Template): { [path: string]: any } {
  const resources = template.findResources('AWS::ApiGateway::Resource');
  const pathOf = (id: string): string => {
    const r = resources[id].Properties;
    const parent = r.ParentId.Ref ? pathOf(r.ParentId.Ref) : '';
    return `${parent}/${r.PathPart}`;
  };
  const out: { [path: string]: any } = {};
  for (const m of Object.values(template.findResources('AWS::ApiGateway::Method')) as any[]) {
    if (m.Properties.HttpMethod !== 'POST') continue;
    out[pathOf(m.Properties.ResourceId.Ref)] = m.Properties;
  }
  return out;
}

describe('GenAIApi: POST /v1/generate/stream', () => {
  test('without generateStreamFunction there is no streaming route', () => {
    const { api, template } = apiStack(() => ({}));
    expect(Object.keys(methodsByPath(template)).sort()).toEqual(['/feedback', '/generate']);
    expect(api.generateStreamMethod).toBeUndefined();
    expect(api.generateStreamUrl).toBeUndefined();
  });

  test('a streamed Lambda proxy integration (InvokeWithResponseStream) under /generate, 15 minutes, the same auth and validation', () => {
    const { stack, api, template } = apiStack();
    const methods = methodsByPath(template);
    expect(Object.keys(methods).sort()).toEqual(['/feedback', '/generate', '/generate/stream']);
    const stream = methods['/generate/stream'];
    const generate = methods['/generate'];
    const streamFn = logicalId(stack, stack.node.findChild('Stream') as lambda.Function);
    expect(stream.Integration).toEqual({
      Type: 'AWS_PROXY',
      IntegrationHttpMethod: 'POST',
      ResponseTransferMode: 'STREAM',
      TimeoutInMillis: 900000,
      Uri: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:', { Ref: 'AWS::Region' }, ':lambda:path/2021-11-15/functions/', { 'Fn::GetAtt': [streamFn, 'Arn'] }, '/response-streaming-invocations']],
      },
    });
    // the buffered route is unchanged: the classic invocation path, the default 29 s, no transfer mode
    expect(generate.Integration.Uri['Fn::Join'][1]).toContain('/invocations');
    expect(generate.Integration.ResponseTransferMode).toBeUndefined();
    expect(generate.Integration.TimeoutInMillis).toBeUndefined();
    for (const key of ['AuthorizationType', 'RequestValidatorId', 'RequestModels', 'ApiKeyRequired']) expect(stream[key]).toEqual(generate[key]);
    expect(stream.AuthorizationType).toBe('AWS_IAM');
    expect(stream.RequestModels).toEqual({ 'application/json': { Ref: expect.stringMatching(/^ApiGenerateModel/) } });
    expect(stack.resolve(api.generateStreamUrl)).toEqual({
      'Fn::Join': ['', ['https://', { Ref: expect.stringMatching(/^Api/) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: expect.stringMatching(/^ApiDeploymentStagev1/) }, '/generate/stream']],
    });
  });

  test('API Gateway may invoke the stream function only for that method of this stage', () => {
    const { stack, template } = apiStack();
    const streamFn = logicalId(stack, stack.node.findChild('Stream') as lambda.Function);
    const permissions = (Object.values(template.findResources('AWS::Lambda::Permission')) as any[]).filter((p) => p.Properties.FunctionName['Fn::GetAtt']?.[0] === streamFn);
    expect(permissions).toHaveLength(1);
    expect(permissions[0].Properties.Action).toBe('lambda:InvokeFunction');
    expect(permissions[0].Properties.Principal).toBe('apigateway.amazonaws.com');
    expect(permissions[0].Properties.SourceArn['Fn::Join'][1].slice(-3)).toEqual(['/', { Ref: expect.stringMatching(/^ApiDeploymentStagev1/) }, '/POST/generate/stream']);
  });

  test('streamTimeout sets the integration timeout', () => {
    const { template } = apiStack((stack) => ({ generateStreamFunction: fn(stack, 'Stream'), streamTimeout: Duration.minutes(6) }));
    expect(methodsByPath(template)['/generate/stream'].Integration.TimeoutInMillis).toBe(360000);
  });

  test('grantInvoke also allows the streaming route, and only then', () => {
    const grantStatements = (extra?: (stack: Stack) => Partial<GenAIApiProps>) => {
      const { stack, api } = apiStack(extra);
      api.grantInvoke(new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() }));
      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
      const statement = (Object.values(policies) as any[]).find((p) => p.Properties.Roles[0].Ref.startsWith('Client')).Properties.PolicyDocument.Statement[0];
      return (statement.Resource as any[]).map((r) => r['Fn::Join'][1].at(-1));
    };
    expect(grantStatements().sort()).toEqual(['/v1/POST/feedback', '/v1/POST/generate', '/v1/POST/generate/stream']);
    expect(grantStatements(() => ({})).sort()).toEqual(['/v1/POST/feedback', '/v1/POST/generate']);
  });

  test('an imported API with streaming: grantInvoke covers the streaming route', () => {
    const stack = new Stack(strictApp(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
    const imported = GenAIApi.fromApiAttributes(stack, 'Imported', { restApiId: 'a1b2c3d4e5', restApiName: 'acme', streaming: true });
    imported.grantInvoke(new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() }));
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0] as any;
    expect(policy.Properties.PolicyDocument.Statement[0].Resource).toEqual([
      'arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/v1/POST/feedback',
      'arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/v1/POST/generate',
      'arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/v1/POST/generate/stream',
    ]);
  });

  test.each<[string, (stack: Stack) => Partial<GenAIApiProps>, RegExp]>([
    ['a streamTimeout over 15 minutes', (stack) => ({ generateStreamFunction: fn(stack, 'Stream'), streamTimeout: Duration.minutes(16) }), /S\/Api: invalid streamTimeout: got "16 minutes"; allowed: from 1 second to 15 minutes/],
    ['a streamTimeout under a second', (stack) => ({ generateStreamFunction: fn(stack, 'Stream'), streamTimeout: Duration.millis(500) }), /S\/Api: invalid streamTimeout: got "500 millis"; allowed: from 1 second to 15 minutes/],
    ['a streamTimeout without a stream function', () => ({ streamTimeout: Duration.minutes(5) }), /S\/Api: invalid streamTimeout: got "5 minutes"; allowed: only with generateStreamFunction/],
  ])('rejects %s', (_name, extra, message) => {
    expect(() => apiStack(extra)).toThrow(GenAIValidationError);
    expect(() => apiStack(extra)).toThrow(message);
  });
});

// Compliance of the API with the streaming route: test/api/api-streaming.compliance.ts (checked in
// test/compliance/all.test.ts, with every other area's configurations).
