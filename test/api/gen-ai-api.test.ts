import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ApiAuthorization, ApiWebAcl, GenAIApi, GenAIApiProps } from '../../lib/api/gen-ai-api';
import { DataZone } from '../../lib/data-lake/data-zone';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction } from '../../lib/guardrails/guardrail-function';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { GenAIValidationError } from '../../lib/core/errors';
import { ACCOUNT_LOGGING_ACTIONS } from '../../lib/api/private/account-logging';
import { FEEDBACK_LIMITS } from '../../lib/api/private/models';
import * as handlerSchema from '../../lambda/feedback/schema';
import { SecureFunction } from '../../lib/core/secure-function';
import { strictApp } from '../helpers/compliance';

type Extra = Partial<GenAIApiProps>;

function apiStack(extra: Extra = {}, lakeZones?: DataZone[]) {
  const stack = new Stack(strictApp(), 'S');
  const dataLake = new SecureDataLake(stack, 'Lake', lakeZones ? { zones: lakeZones } : {});
  const guardrailFunction = new GuardrailFunction(stack, 'Generate', {
    guardrail: new Guardrail(stack, 'Guardrail'),
    dataLake,
    modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'),
    invocationLogging: false,
  });
  const generateFunction = guardrailFunction.function;
  const api = new GenAIApi(stack, 'Api', { generateFunction, dataLake, ...extra });
  return {
    stack,
    api,
    dataLake,
    generateFunction,
    guardrailFunction,
    get template() {
      return Template.fromStack(stack);
    },
  };
}

/** The log groups of the API (not of the test's own generate function). */
function apiLogGroups(template: Template): Record<string, any> {
  return Object.fromEntries(Object.entries(template.findResources('AWS::Logs::LogGroup')).filter(([id]) => id.startsWith('Api')));
}

/** Actions per resource, over every statement of the role's policies (CDK merges statements). */
function actionsByResource(statements: any[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of statements) {
    const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    for (const r of resources) {
      const key = JSON.stringify(r) + (s.Condition ? ` if ${JSON.stringify(s.Condition)}` : '');
      out.set(key, [...new Set([...(out.get(key) ?? []), ...actions])].sort());
    }
  }
  return out;
}

/** The `kms:ViaService` condition of a grant through one service, as {@link actionsByResource} prints it. */
function via(service: string): string {
  return JSON.stringify({ StringEquals: { 'kms:ViaService': [{ 'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']] }] } });
}

function logicalId(stack: Stack, c: { node: { defaultChild?: unknown } } | unknown): string {
  const child = (c as any).node?.defaultChild ?? c;
  return stack.resolve((child as any).logicalId);
}

function policyStatements(template: Template, rolePrefix: RegExp): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => rolePrefix.test(r.Ref)))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('GenAIApi defaults', () => {
  const { stack, api, template, generateFunction, dataLake } = apiStack();
  const ref = (c: unknown) => JSON.stringify({ 'Fn::GetAtt': [logicalId(stack, c), 'Arn'] });

  test('a regional REST API with a generated name and no CloudWatch role of its own', () => {
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: Match.stringLikeRegexp('Api'),
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  test('routes: POST /generate and POST /feedback on the root of stage v1, so the paths are /v1/generate and /v1/feedback', () => {
    const resources = template.findResources('AWS::ApiGateway::Resource');
    expect(Object.values(resources).map((r: any) => r.Properties.PathPart).sort()).toEqual(['feedback', 'generate']);
    for (const r of Object.values(resources) as any[]) {
      expect(r.Properties.ParentId).toEqual({ 'Fn::GetAtt': [logicalId(stack, api.restApi), 'RootResourceId'] });
    }
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'v1' });
    const url = (u: string) => stack.resolve(u)['Fn::Join'][1].slice(-3);
    expect(url(api.generateUrl)).toEqual(['/', { Ref: expect.stringMatching(/^ApiDeploymentStagev1/) }, '/generate']);
    expect(url(api.feedbackUrl)).toEqual(['/', { Ref: expect.stringMatching(/^ApiDeploymentStagev1/) }, '/feedback']);
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as any[];
    expect(methods.map((m) => m.Properties.HttpMethod)).toEqual(['POST', 'POST']);
  });

  test('every method requires IAM authorization, a request validator and a JSON model', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as any[];
    expect(methods).toHaveLength(2);
    const validatorId = logicalId(stack, api.node.findChild('Resource').node.findChild('RequestValidator'));
    for (const m of methods) {
      expect(m.Properties).toMatchObject({
        AuthorizationType: 'AWS_IAM',
        ApiKeyRequired: false,
        RequestValidatorId: { Ref: validatorId },
        RequestModels: { 'application/json': { Ref: expect.stringMatching(/^Api(Generate|Feedback)Model/) } },
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
      });
    }
  });

  test('the request validator checks bodies and parameters', () => {
    template.resourceCountIs('AWS::ApiGateway::RequestValidator', 1);
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
  });

  test('models: a strict feedback schema and a generate schema that requires a prompt or a template', () => {
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: Match.objectLike({
        title: 'Feedback',
        required: ['requestId', 'rating'],
        additionalProperties: false,
        properties: {
          requestId: { type: 'string', pattern: FEEDBACK_LIMITS.requestIdPattern },
          rating: { type: 'integer', minimum: 1, maximum: 5 },
          correction: { type: 'string', minLength: 1, maxLength: 8000 },
          comment: { type: 'string', minLength: 1, maxLength: 2000 },
          flag: { type: 'string', enum: ['inaccurate', 'harmful', 'offensive', 'privacy', 'other'] },
        },
      }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      // a raw prompt or a catalog template (the handler validates every field itself)
      Schema: Match.objectLike({
        title: 'GenerateRequest',
        anyOf: [{ required: ['prompt'] }, { required: ['template'] }],
        properties: { prompt: { type: 'string', minLength: 1 }, template: { type: 'string', minLength: 1 }, variables: { type: 'object' } },
      }),
    });
  });

  test('the gateway model and the handler schema agree on every limit', () => {
    expect(FEEDBACK_LIMITS.requestIdPattern).toBe(handlerSchema.REQUEST_ID_PATTERN.source);
    expect(FEEDBACK_LIMITS.minRating).toBe(handlerSchema.MIN_RATING);
    expect(FEEDBACK_LIMITS.maxRating).toBe(handlerSchema.MAX_RATING);
    expect(FEEDBACK_LIMITS.maxCorrectionLength).toBe(handlerSchema.MAX_CORRECTION_LENGTH);
    expect(FEEDBACK_LIMITS.maxCommentLength).toBe(handlerSchema.MAX_COMMENT_LENGTH);
    expect([...FEEDBACK_LIMITS.flags]).toEqual([...handlerSchema.FLAGS]);
  });

  test('stage v1: X-Ray, JSON access logs to the encrypted group, ERROR execution logs without bodies, metrics, throttling 50/100', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0] as any;
    expect(stage.Properties).toMatchObject({
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: { 'Fn::Join': ['', expect.arrayContaining([':log-group:', { Ref: logicalId(stack, api.accessLogGroup) }])] } },
      MethodSettings: [
        { HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true, ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      ],
    });
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
    expect(format).toMatchObject({ apiRequestId: '$context.requestId', status: '$context.status', userArn: '$context.identity.userArn', wafStatus: '$context.waf.status' });
    expect(stage.Properties.AccessLogSetting.Format).not.toMatch(/requestBody|responseBody|\$input/);
    expect(stage.Properties.CacheClusterEnabled).toBeUndefined();
  });

  test('access, execution, WAF and function log groups are encrypted with the API key, kept a year and retained', () => {
    const keyId = logicalId(stack, api.encryptionKey);
    const groups = apiLogGroups(template);
    // access, execution, WAF, feedback function, feedback screening function, account settings check
    expect(Object.keys(groups)).toHaveLength(6);
    for (const g of Object.values(groups) as any[]) {
      expect(g.Properties).toMatchObject({ KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, RetentionInDays: 365 });
      expect(g.DeletionPolicy).toBe('Retain');
    }
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: logicalId(stack, api.restApi) }, '/v1']] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-') });
  });

  test('the stage waits for the execution log group and the account logging settings', () => {
    const stage = template.findResources('AWS::ApiGateway::Stage');
    const dependsOn = (Object.values(stage)[0] as any).DependsOn;
    expect(dependsOn).toEqual(expect.arrayContaining([logicalId(stack, api.executionLogGroup), expect.stringMatching(/^ApiAccount/)]));
  });

  test('account logging: a role without managed policies, write-only log actions, set in AWS::ApiGateway::Account, retained', () => {
    template.hasResource('AWS::ApiGateway::Account', {
      Properties: { CloudWatchRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiAccountLoggingRole'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] }),
        ManagedPolicyArns: Match.absent(),
        Policies: [
          {
            PolicyName: 'WriteLogs',
            PolicyDocument: Match.objectLike({
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ACCOUNT_LOGGING_ACTIONS,
                  Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:*']] },
                },
              ],
            }),
          },
        ],
      },
      DeletionPolicy: 'Retain',
    });
    expect(ACCOUNT_LOGGING_ACTIONS).toEqual(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents']);
  });

  test('gateway errors are JSON with the API request id', () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseTemplates: { 'application/json': '{"error":$context.error.messageString,"apiRequestId":"$context.requestId"}' },
      });
    }
  });

  test('without API keys the usage plan on stage v1 has no throttle or quota (they would apply to no request)', () => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: Match.absent(),
      Description: Match.stringLikeRegexp('No per-caller limits'),
      ApiStages: [{ ApiId: { Ref: logicalId(stack, api.restApi) }, Stage: { Ref: Match.stringLikeRegexp('^ApiDeploymentStagev1') } }],
      Quota: Match.absent(),
    });
  });

  test('a regional WAF web ACL with the managed common (body size only counted) and bad-inputs rule sets and a 1000/5 min per-IP limit', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          OverrideAction: { None: {} },
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesCommonRuleSet',
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            },
          },
        }),
        Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet', Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } } }),
        Match.objectLike({ Name: 'RateLimitPerIp', Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 1000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } }),
      ],
    });
  });

  test('the web ACL is associated with stage v1 and logs with the Authorization header redacted', () => {
    const webAclId = logicalId(stack, api.webAcl);
    template.hasResource('AWS::WAFv2::WebACLAssociation', {
      Properties: {
        WebACLArn: { 'Fn::GetAtt': [webAclId, 'Arn'] },
        ResourceArn: {
          'Fn::Join': ['', Match.arrayWith(['::/restapis/', { Ref: logicalId(stack, api.restApi) }, '/stages/', { Ref: Match.stringLikeRegexp('^ApiDeploymentStagev1') }])],
        },
      },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^ApiDeploymentStagev1')]),
    });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [webAclId, 'Arn'] },
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }],
      LogDestinationConfigs: [{ 'Fn::Join': ['', Match.arrayWith([':log-group:', { Ref: Match.stringLikeRegexp('^ApiWebAclLogGroup') }])] }],
    });
  });

  test('API Gateway may invoke each function only for its own method of this stage (no test-invoke permission)', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as any[];
    expect(permissions).toHaveLength(2);
    const byFunction = new Map(permissions.map((p) => [p.Properties.FunctionName['Fn::GetAtt'][0], p.Properties]));
    const generate = byFunction.get(logicalId(stack, generateFunction))!;
    const feedback = byFunction.get(logicalId(stack, api.feedbackFunction))!;
    for (const [p, path] of [
      [generate, '/POST/generate'],
      [feedback, '/POST/feedback'],
    ] as const) {
      expect(p.Principal).toBe('apigateway.amazonaws.com');
      const parts = p.SourceArn['Fn::Join'][1];
      expect(parts.slice(-3)).toEqual(['/', { Ref: expect.stringMatching(/^ApiDeploymentStagev1/) }, path]);
    }
  });

  test('the feedback function: environment, 20 s timeout, reserved concurrency, fallback queue as event source with partial batch failures', () => {
    const fnId = logicalId(stack, api.feedbackFunction);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          BUCKET_NAME: { Ref: logicalId(stack, dataLake.bucket(DataZone.FEEDBACK)) },
          // Records wait for screening in quarantine; the generation records they must name are the guardrail function's.
          KEY_PREFIX: 'quarantine/api-feedback/',
          FALLBACK_QUEUE_URL: { Ref: logicalId(stack, api.feedbackFallbackQueue) },
          GENERATION_BUCKET: { Ref: logicalId(stack, dataLake.bucket(DataZone.INFERENCE_CAPTURE)) },
          GENERATION_PREFIX: 'guardrail-generations/',
          FEEDBACK_WINDOW_SECONDS: String(30 * 86400),
        }),
      },
      Timeout: 20,
      ReservedConcurrentExecutions: 20,
      TracingConfig: { Mode: 'Active' },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, api.feedbackFallbackQueue), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('fallback queue: KMS, TLS-only, 14 days, 1 minute delay, dead-letter queue after 100 receives; both retained', () => {
    const keyArn = { 'Fn::GetAtt': [logicalId(stack, api.encryptionKey), 'Arn'] };
    template.hasResource('AWS::SQS::Queue', {
      Properties: {
        KmsMasterKeyId: keyArn,
        MessageRetentionPeriod: 1209600,
        DelaySeconds: 60,
        VisibilityTimeout: 120,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack, api.feedbackDeadLetterQueue), 'Arn'] }, maxReceiveCount: 100 },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::SQS::Queue', {
      Properties: { KmsMasterKeyId: keyArn, MessageRetentionPeriod: 1209600, RedrivePolicy: Match.absent() },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(stack, api.feedbackFallbackQueue) }],
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('the feedback role: exact S3, SQS and KMS actions, scoped to the quarantine prefix, the generation records, the queues and the keys (no list, no delete, nothing training reads)', () => {
    const byResource = actionsByResource(policyStatements(template, /^ApiFeedbackFunctionRole/));
    const bucket = dataLake.bucket(DataZone.FEEDBACK);
    const bucketArn = { 'Fn::GetAtt': [logicalId(stack, bucket), 'Arn'] };
    const objects = JSON.stringify({ 'Fn::Join': ['', [bucketArn, '/quarantine/api-feedback/*']] });
    const generations = JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, dataLake.bucket(DataZone.INFERENCE_CAPTURE)), 'Arn'] }, '/guardrail-generations/*']] });
    expect(Object.fromEntries(byResource)).toEqual({
      [ref((api.node.findChild('FeedbackFunction') as SecureFunction).logGroup)]: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      '"*"': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      [objects]: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject', 's3:PutObjectTagging'],
      [generations]: ['s3:GetObject'],
      [ref(api.feedbackFallbackQueue)]: [
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ],
      [ref((api.node.findChild('FeedbackFunction') as SecureFunction).deadLetterQueue)]: ['sqs:SendMessage'],
      // The SQS event source (aws-cdk-lib) decrypts without a condition; the library's own grants name the service.
      [ref(api.encryptionKey)]: ['kms:Decrypt'],
      [`${ref(api.encryptionKey)} if ${via('sqs')}`]: ['kms:Decrypt', 'kms:GenerateDataKey'],
      [`${ref(dataLake.encryptionKey)} if ${via('s3')}`]: ['kms:Decrypt', 'kms:GenerateDataKey'],
    });
  });

  test('alarms on 5XX errors, feedback fallback use and feedback dead letters notify the topic (alarm and OK)', () => {
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((id) => id.startsWith('Api'))).toHaveLength(4);
    const topic = { Ref: logicalId(stack, api.alarmTopic) };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topic],
      OKActions: [topic],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'NumberOfMessagesSent',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, api.feedbackFallbackQueue), 'QueueName'] } }],
      Threshold: 1,
      AlarmActions: [topic],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, api.feedbackDeadLetterQueue), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      AlarmActions: [topic],
    });
  });

  test('a new customer-managed key with rotation (retained) and an encrypted alarm topic', () => {
    template.hasResource('AWS::KMS::Key', { Properties: Match.objectLike({ EnableKeyRotation: true, Description: Match.stringLikeRegexp('GenAI API') }), DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack, api.encryptionKey), 'Arn'] } });
  });
});

describe('GenAIApi feedback binding and screening (verifyFeedback, the default)', () => {
  const { stack, api, template, dataLake, guardrailFunction } = apiStack();
  const feedbackBucket = () => ({ 'Fn::GetAtt': [logicalId(stack, dataLake.bucket(DataZone.FEEDBACK)), 'Arn'] });

  test('quarantined records are screened by the guardrail bundle\'s second entry, in a function of its own, fed by S3 events through EventBridge and SQS', () => {
    expect(api.feedbackQuarantinePrefix).toBe('quarantine/api-feedback/');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: logicalId(stack, dataLake.bucket(DataZone.FEEDBACK)) }] }, object: { key: [{ prefix: 'quarantine/api-feedback/' }] } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stack, api.feedbackScreeningQueue), 'Arn'] } })],
    });
    const fnId = logicalId(stack, api.feedbackScreeningFunction);
    const fn = template.toJSON().Resources[fnId];
    const guardrailCode = template.toJSON().Resources[logicalId(stack, guardrailFunction.function)].Properties.Code;
    expect(fn.Properties.Handler).toBe('index.screen');
    expect(fn.Properties.Code).toEqual(guardrailCode);
    expect(fn.Properties.Environment.Variables).toEqual(
      expect.objectContaining({
        FEEDBACK_BUCKET: { Ref: logicalId(stack, dataLake.bucket(DataZone.FEEDBACK)) },
        QUARANTINE_PREFIX: 'quarantine/api-feedback/',
        TRAINING_PREFIX: 'api-feedback/',
        GUARDRAIL_ID: stack.resolve(guardrailFunction.guardrail.guardrailId),
        GUARDRAIL_VERSION: stack.resolve(guardrailFunction.guardrail.guardrailVersion),
        REVIEW_QUEUE_URL: { Ref: logicalId(stack, guardrailFunction.reviewQueue) },
      }),
    );
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, api.feedbackScreeningQueue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack, api.feedbackScreeningDeadLetterQueue), 'Arn'] }, maxReceiveCount: 10 },
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack, api.encryptionKey), 'Arn'] },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, api.feedbackScreeningDeadLetterQueue), 'QueueName'] } }],
    });
  });

  test('the screening role reads only the quarantine, writes only what training reads (never deletes), applies the guardrail, sends to the review queue', () => {
    const statements = policyStatements(template, /^ApiFeedbackScreeningFunctionRole/);
    const s3 = statements.filter((st) => [].concat(st.Action).some((a: string) => a.startsWith('s3:')));
    const objects = (prefix: string) => ({ 'Fn::Join': ['', [feedbackBucket(), `/${prefix}*`]] });
    expect(s3).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectTagging', 's3:GetObjectVersion'], Resource: objects('quarantine/api-feedback/') },
        { Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectTagging'], Resource: objects('api-feedback/') },
      ]),
    );
    expect(JSON.stringify(s3)).not.toMatch(/Delete/);
    for (const st of s3.filter((x) => [].concat(x.Action).some((a: string) => a.startsWith('s3:PutObject')))) expect(JSON.stringify(st.Resource)).not.toContain('quarantine');
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'bedrock:ApplyGuardrail' }),
        expect.objectContaining({ Action: expect.arrayContaining(['sqs:SendMessage']), Resource: { 'Fn::GetAtt': [logicalId(stack, guardrailFunction.reviewQueue), 'Arn'] } }),
      ]),
    );
  });

  test('the feedback function cannot write what training reads', () => {
    const writes = policyStatements(template, /^ApiFeedbackFunctionRole/).filter((st) => [].concat(st.Action).includes('s3:PutObject' as never));
    expect(writes.map((st) => JSON.stringify(st.Resource))).toEqual([JSON.stringify({ 'Fn::Join': ['', [feedbackBucket(), '/quarantine/api-feedback/*']] })]);
  });

  test('verifyFeedback: false stores feedback directly where training reads, unbound and unscreened, from any generate function', () => {
    const stack2 = new Stack(strictApp(), 'Plain');
    const lake = new SecureDataLake(stack2, 'Lake');
    const generateFunction = lambda.Function.fromFunctionArn(stack2, 'Gen', 'arn:aws:lambda:us-east-1:123456789012:function:gen');
    const plain = new GenAIApi(stack2, 'Api', { generateFunction, dataLake: lake, verifyFeedback: false });
    const t = Template.fromStack(stack2);
    expect(plain.feedbackQuarantinePrefix).toBeUndefined();
    expect(plain.feedbackScreeningFunction).toBeUndefined();
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ KEY_PREFIX: 'api-feedback/', GENERATION_PREFIX: Match.absent() }) } });
    t.resourceCountIs('AWS::Events::Rule', 0);
  });

  test('a generate function that is not a GuardrailFunction\'s cannot verify feedback: a clear error naming the opt-out', () => {
    const stack2 = new Stack(strictApp(), 'Other');
    const generateFunction = lambda.Function.fromFunctionArn(stack2, 'Gen', 'arn:aws:lambda:us-east-1:123456789012:function:gen');
    expect(() => new GenAIApi(stack2, 'Api', { generateFunction, dataLake: new SecureDataLake(stack2, 'Lake') })).toThrow(
      'Other/Api: invalid generateFunction: got "Other/Gen"; allowed: the `function` of a GuardrailFunction (feedback is bound to its generation records and screened with its guardrail), or set verifyFeedback: false to store feedback unverified and unscreened',
    );
  });

  test.each([
    ['overlaps feedbackPrefix (training would read unscreened feedback)', { feedbackQuarantinePrefix: 'api-feedback/quarantine/' }, /S\/Api: invalid feedbackQuarantinePrefix: got "api-feedback\/quarantine\/"; allowed: a prefix that does not overlap feedbackPrefix \(api-feedback\/\): training must never read unscreened feedback/],
    ['is not a relative prefix', { feedbackQuarantinePrefix: '/quarantine' }, /S\/Api: invalid feedbackQuarantinePrefix: got "\/quarantine"; allowed: a relative S3 key prefix ending with "\/"/],
  ])('a quarantine prefix that %s is rejected', (_n, extra, message) => {
    expect(() => apiStack(extra)).toThrow(message);
  });
});

describe('GenAIApi options', () => {
  test('Cognito authorization: a user pool authorizer on every method, with scopes', () => {
    const stack = new Stack(strictApp(), 'Pool');
    const userPool = cognito.UserPool.fromUserPoolArn(stack, 'Pool', 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc');
    const dataLake = new SecureDataLake(stack, 'Lake');
    const generateFunction = lambda.Function.fromFunctionArn(stack, 'Gen', 'arn:aws:lambda:us-east-1:123456789012:function:gen');
    const api = new GenAIApi(stack, 'Api', { generateFunction, dataLake, authorization: ApiAuthorization.cognito(userPool, ['genai/invoke']), verifyFeedback: false });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      ProviderARNs: ['arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc'],
      IdentitySource: 'method.request.header.Authorization',
    });
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as any[];
    expect(methods).toHaveLength(2);
    for (const m of methods) {
      expect(m.Properties).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: expect.stringMatching(/^ApiAuthorizer/) },
        AuthorizationScopes: ['genai/invoke'],
      });
    }
    expect(api.restApi).toBeDefined();
  });

  test('ApiAuthorization.iam() is the default and renders AWS_IAM', () => {
    expect(ApiAuthorization.iam().authorizationType).toBe(apigw.AuthorizationType.IAM);
    expect(ApiAuthorization.iam().userPool).toBeUndefined();
  });

  test('an existing web ACL is associated and no web ACL is created', () => {
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/corp/1234';
    const { template, api } = apiStack({ webAcl: ApiWebAcl.fromWebAclArn(arn) });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: arn });
    expect(api.webAclArn).toBe(arn);
    expect(api.webAcl).toBeUndefined();
  });

  test('ApiWebAcl.none(): no association and a warning', () => {
    const { template, stack } = apiStack({ webAcl: ApiWebAcl.none() });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    Annotations.fromStack(stack).hasWarning('/S/Api', Match.stringLikeRegexp('no AWS WAF web ACL'));
  });

  test('a managed web ACL with its own per-IP rate limit and more count-only common rules', () => {
    const { template } = apiStack({ webAcl: ApiWebAcl.managed({ rateLimitPerIp: 300, countOnlyRules: ['CrossSiteScripting_BODY', 'SizeRestrictions_BODY'] }) });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({
              RuleActionOverrides: [
                { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
                { Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } },
              ],
            }),
          },
        }),
        Match.objectLike({ Name: 'RateLimitPerIp', Statement: { RateBasedStatement: Match.objectLike({ Limit: 300 }) } }),
      ]),
    });
  });

  test('grantInvoke warns when the API uses Cognito (IAM is not checked)', () => {
    const stack = new Stack(strictApp(), 'Warn');
    const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_abc');
    const generateFunction = lambda.Function.fromFunctionArn(stack, 'Gen', 'arn:aws:lambda:us-east-1:123456789012:function:gen');
    const api = new GenAIApi(stack, 'Api', { generateFunction, dataLake: new SecureDataLake(stack, 'Lake'), authorization: ApiAuthorization.cognito(userPool), verifyFeedback: false });
    expect(api.authorizationType).toBe(apigw.AuthorizationType.COGNITO);
    api.grantInvoke(new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() }));
    Annotations.fromStack(stack).hasWarning('/Warn/Api', Match.stringLikeRegexp('grantInvoke has no effect'));
  });

  test('throttling props reach the stage and the usage plan; API keys and a daily quota', () => {
    const { template, stack } = apiStack({ throttlingRateLimit: 5, throttlingBurstLimit: 10, apiKeyRequired: true, quotaRequestsPerDay: 1000 });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 })],
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 5, BurstLimit: 10 }, Quota: { Limit: 1000, Period: 'DAY' } });
    for (const m of Object.values(template.findResources('AWS::ApiGateway::Method')) as any[]) {
      expect(m.Properties.ApiKeyRequired).toBe(true);
    }
    Annotations.fromStack(stack).hasNoWarning('/S/Api', Match.anyValue());
  });

  test('a quota without API keys warns that it does not apply', () => {
    const { stack } = apiStack({ quotaRequestsPerDay: 1000 });
    Annotations.fromStack(stack).hasWarning('/S/Api', Match.stringLikeRegexp('quotaRequestsPerDay only applies'));
  });

  test('the account setting is checked before it changes: the deployment fails on someone else\'s role unless taken over', () => {
    for (const [extra, takeOver] of [[{}, 'false'], [{ takeOverAccountSettings: true }, 'true']] as const) {
      const { template, stack } = apiStack(extra);
      const checks = template.findResources('Custom::ApiGatewayAccountCheck');
      expect(Object.values(checks)).toEqual([
        expect.objectContaining({
          Properties: {
            ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccountSettingsCheck.*/), 'Arn'] },
            RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccountLoggingRole/), 'Arn'] },
            TakeOver: takeOver,
          },
        }),
      ]);
      const account = Object.values(template.findResources('AWS::ApiGateway::Account'))[0] as any;
      expect(account.DependsOn).toEqual(expect.arrayContaining([Object.keys(checks)[0]]));
      // The check only reads the account settings.
      const statements = policyStatements(template, /^ApiAccountSettingsCheckRole/).filter((st) => !String(st.Action).startsWith('logs:') && !String(st.Action).includes('xray') && st.Action !== 'sqs:SendMessage');
      expect(statements).toEqual([
        { Effect: 'Allow', Action: 'apigateway:GET', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:', { Ref: 'AWS::Region' }, '::/account']] } },
      ]);
      expect(stack.resolve(Object.keys(checks))).toHaveLength(1);
    }
  });

  test('two APIs in one stack share ONE account logging setting, and both stages wait for it', () => {
    const { stack, dataLake, generateFunction } = apiStack();
    const second = new GenAIApi(stack, 'Second', { generateFunction, dataLake, feedbackPrefix: 'second-feedback/' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    template.resourceCountIs('Custom::ApiGatewayAccountCheck', 1);
    const accountId = Object.keys(template.findResources('AWS::ApiGateway::Account'))[0];
    const stages = template.findResources('AWS::ApiGateway::Stage');
    expect(Object.keys(stages)).toHaveLength(2);
    for (const stage of Object.values(stages) as any[]) expect(stage.DependsOn).toEqual(expect.arrayContaining([accountId]));
    expect(second.restApi).toBeDefined();
  });

  test('configureAccountLogging: false creates no account settings or role, and the stage does not wait for them', () => {
    const { template } = apiStack({ configureAccountLogging: false });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    const roles = Object.values(template.findResources('AWS::IAM::Role')) as any[];
    expect(roles.filter((r) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('apigateway.amazonaws.com'))).toEqual([]);
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0] as any;
    expect(stage.DependsOn.filter((d: string) => d.startsWith('ApiAccount'))).toEqual([]);
  });

  test('INFO execution logging (still without bodies)', () => {
    const { template } = apiStack({ loggingLevel: apigw.MethodLoggingLevel.INFO });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ LoggingLevel: 'INFO', DataTraceEnabled: false })] });
  });

  test('a given key and topic are used; no key or topic is created', () => {
    const stack = new Stack(strictApp(), 'Given');
    const encryptionKey = kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const alarmTopic = sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:123456789012:ops');
    const dataLake = SecureDataLake.fromDataLakeAttributes(stack, 'Lake', {
      encryptionKey,
      feedbackBucket: (new SecureDataLake(stack, 'Real', { encryptionKey }) as SecureDataLake).bucket(DataZone.FEEDBACK),
    });
    const generateFunction = lambda.Function.fromFunctionArn(stack, 'Gen', 'arn:aws:lambda:us-east-1:123456789012:function:gen');
    new GenAIApi(stack, 'Api', { generateFunction, dataLake, encryptionKey, alarmTopic, verifyFeedback: false });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: encryptionKey.keyArn });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [alarmTopic.topicArn] });
  });

  test('feedbackPrefix, logRetention, serverErrorThreshold and removalPolicy DESTROY', () => {
    const { template } = apiStack({
      feedbackPrefix: 'feedback/api/',
      logRetention: logs.RetentionDays.ONE_MONTH,
      serverErrorThreshold: 20,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ KEY_PREFIX: 'quarantine/feedback/api/' }) } });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ TRAINING_PREFIX: 'feedback/api/', QUARANTINE_PREFIX: 'quarantine/feedback/api/' }) } });
    for (const g of Object.values(apiLogGroups(template)) as any[]) {
      expect(g.Properties.RetentionInDays).toBe(30);
      expect(g.DeletionPolicy).toBe('Delete');
    }
    // The API's queues (the generate function's review queues have their own removal policy).
    for (const [id, q] of Object.entries(template.findResources('AWS::SQS::Queue')) as [string, any][]) if (id.startsWith('Api')) expect(q.DeletionPolicy).toBe('Delete');
    // The account setting outlives the stack, so its role is never deleted with it.
    template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] }) }, DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5XXError', Threshold: 20 });
    const statements = policyStatements(template, /^ApiFeedbackFunctionRole/);
    expect(JSON.stringify(statements)).toContain('/feedback/api/*');
  });
});

describe('GenAIApi name, throttling default, import and metrics', () => {
  test('restApiName names the REST API and its metrics; the default stays generated', () => {
    const { api, template } = apiStack({ restApiName: 'acme-genai-prod' });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'acme-genai-prod' });
    expect(api.restApiName).toBe('acme-genai-prod');
    expect(api.metricCount().dimensions).toEqual({ ApiName: 'acme-genai-prod', Stage: 'v1' });
    const generated = apiStack();
    expect(generated.api.restApiName).toMatch(/^S-Api-[A-Z0-9]+$/);
    generated.template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: generated.api.restApiName });
  });

  test('a rate above 100 without a burst gets a burst equal to the rate (API Gateway rejects a lower one)', () => {
    const { template } = apiStack({ throttlingRateLimit: 250.5 });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 250.5, ThrottlingBurstLimit: 251 })] });
    // per-caller limits only apply with API keys (without them the usage plan has no throttle)
    apiStack({ throttlingRateLimit: 250.5, apiKeyRequired: true }).template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 250.5, BurstLimit: 251 } });
  });

  test('metrics: AWS/ApiGateway with ApiName and Stage, sums for counts, averages for latencies', () => {
    const { api, stack } = apiStack();
    const dimensions = { ApiName: api.restApiName, Stage: 'v1' };
    for (const [metric, name, statistic] of [
      [api.metricCount(), 'Count', 'Sum'],
      [api.metricClientError(), '4XXError', 'Sum'],
      [api.metricServerError(), '5XXError', 'Sum'],
      [api.metricLatency(), 'Latency', 'Average'],
      [api.metricIntegrationLatency(), 'IntegrationLatency', 'Average'],
    ] as const) {
      expect(metric).toMatchObject({ namespace: 'AWS/ApiGateway', metricName: name, statistic, dimensions });
      expect(metric.period.toSeconds()).toBe(300);
      expect(metric.unit).toBeUndefined();
    }
    expect(api.metricLatency({ statistic: 'p99' }).statistic).toBe('p99');
    expect(stack.resolve(api.restApiId)).toEqual({ Ref: logicalId(stack, api.restApi) });
  });

  test('fromApiAttributes: URL, grants and metrics of an existing API', () => {
    const stack = new Stack(strictApp(), 'Client', { env: { account: '111122223333', region: 'eu-west-1' } });
    const imported = GenAIApi.fromApiAttributes(stack, 'Existing', { restApiId: 'a1b2c3d4e5', restApiName: 'acme-genai-prod' });
    expect(imported.stageName).toBe('v1');
    expect(stack.resolve(imported.url)).toEqual({ 'Fn::Join': ['', ['https://a1b2c3d4e5.execute-api.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/v1/']] });
    expect(imported.metricServerError()).toMatchObject({ metricName: '5XXError', dimensions: { ApiName: 'acme-genai-prod', Stage: 'v1' } });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    imported.grantInvoke(role);
    expect(policyStatements(Template.fromStack(stack), /^Caller/)).toEqual([
      {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: [
          'arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/v1/POST/feedback',
          'arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/v1/POST/generate',
        ],
      },
    ]);
    const staged = GenAIApi.fromApiAttributes(stack, 'Staged', { restApiId: 'a1b2c3d4e5', restApiName: 'x', stageName: 'prod' });
    expect(staged.metricCount().dimensions).toEqual({ ApiName: 'x', Stage: 'prod' });
  });

  test('fromApiAttributes rejects what API Gateway would not have', () => {
    const stack = new Stack(strictApp(), 'S');
    expect(() => GenAIApi.fromApiAttributes(stack, 'A', { restApiId: 'https://a1b2c3d4e5.execute-api', restApiName: 'x' })).toThrow(/^S: invalid restApiId: got "https:\/\/a1b2c3d4e5.execute-api"; allowed: a REST API id/);
    expect(() => GenAIApi.fromApiAttributes(stack, 'B', { restApiId: 'a1b2c3d4e5', restApiName: '' })).toThrow(/invalid restApiName: got ""/);
    expect(() => GenAIApi.fromApiAttributes(stack, 'C', { restApiId: 'a1b2c3d4e5', restApiName: 'x', stageName: 'v 1' })).toThrow(/invalid stageName: got "v 1"/);
  });
});

describe('GenAIApi.grantInvoke', () => {
  test('execute-api:Invoke on exactly POST /generate and POST /feedback of stage v1', () => {
    const { stack, api } = apiStack();
    const role = new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = api.grantInvoke(role);
    expect(grant.success).toBe(true);
    const statements = policyStatements(Template.fromStack(stack), /^Client/);
    const apiRef = { Ref: logicalId(stack, api.restApi) };
    const arn = (path: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', apiRef, path]],
    });
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [arn('/v1/POST/feedback'), arn('/v1/POST/generate')] }]);
    Annotations.fromStack(stack).hasNoWarning('/S/Api', Match.anyValue());
  });
});

describe('GenAIApi validation', () => {
  test.each<[string, Extra, RegExp]>([
    ['throttlingRateLimit', { throttlingRateLimit: 0 }, /S\/Api: invalid throttlingRateLimit: got 0; allowed: a number from 1 to 10000/],
    ['throttlingBurstLimit', { throttlingBurstLimit: 1.5 }, /invalid throttlingBurstLimit: got 1.5; allowed: an integer from 1 to 5000/],
    ['a burst below the rate', { throttlingRateLimit: 200, throttlingBurstLimit: 150 }, /S\/Api: invalid throttlingBurstLimit: got 150; allowed: at least throttlingRateLimit \(200\): API Gateway rejects a usage plan whose burst is below its rate/],
    ['a default burst below a rate above 5000', { throttlingRateLimit: 6000 }, /S\/Api: invalid throttlingBurstLimit: got "5000 \(the default\)"; allowed: at least throttlingRateLimit \(6000\)/],
    ['an empty restApiName', { restApiName: '' }, /S\/Api: invalid restApiName: got ""; allowed: 1 to 1024 printable ASCII characters, not only spaces \(the name is the ApiName dimension of the API Gateway metrics\)/],
    ['a blank restApiName', { restApiName: '   ' }, /invalid restApiName: got "   "/],
    ['a restApiName with a line break', { restApiName: 'genai\napi' }, /invalid restApiName: got "genai\\napi"/],
    ['a restApiName over 1024 characters', { restApiName: 'a'.repeat(1025) }, /invalid restApiName: got "a{1025}"/],
    ['quotaRequestsPerDay', { quotaRequestsPerDay: 0, apiKeyRequired: true }, /invalid quotaRequestsPerDay: got 0/],
    ['serverErrorThreshold', { serverErrorThreshold: 0 }, /invalid serverErrorThreshold: got 0/],
    ['rateLimitPerIp', { webAcl: ApiWebAcl.managed({ rateLimitPerIp: 5 }) }, /invalid webAcl.rateLimitPerIp: got 5; allowed: an integer from 10 to 2000000000/],
    ['countOnlyRules', { webAcl: ApiWebAcl.managed({ countOnlyRules: ['bad rule!'] }) }, /invalid webAcl.countOnlyRules: got "bad rule!"/],
    ['logRetention', { logRetention: 8 as logs.RetentionDays }, /invalid logRetention: got 8/],
    ['loggingLevel OFF', { loggingLevel: apigw.MethodLoggingLevel.OFF }, /invalid loggingLevel: got "OFF"; allowed: one of ERROR, INFO/],
    ['feedbackPrefix without slash', { feedbackPrefix: 'feedback' }, /invalid feedbackPrefix: got "feedback"; allowed: a relative S3 key prefix ending with "\/"/],
    ['feedbackPrefix absolute', { feedbackPrefix: '/feedback/' }, /invalid feedbackPrefix: got "\/feedback\/"/],
  ])('rejects %s', (_name, extra, message) => {
    expect(() => apiStack(extra)).toThrow(GenAIValidationError);
    expect(() => apiStack(extra)).toThrow(message);
  });

  test('rejects a lake without a FEEDBACK zone', () => {
    expect(() => apiStack({}, [DataZone.RAW, DataZone.INFERENCE_CAPTURE])).toThrow(/invalid zone: got "feedback"; allowed: a zone this lake has: raw, inference-capture/);
  });
});
