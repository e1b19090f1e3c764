import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction, GuardrailFunctionProps } from '../../lib/guardrails/guardrail-function';
import { BedrockInvocationLogging } from '../../lib/guardrails/invocation-logging';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { InferenceComponent } from '../../lib/inference/inference-component';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';

type Extra = (stack: Stack) => Partial<GuardrailFunctionProps>;

function build(extra: Extra = () => ({})) {
  const stack = new Stack(new App(), 'S');
  const dataLake = new SecureDataLake(stack, 'Lake');
  const guardrail = new Guardrail(stack, 'Guardrail');
  const fn = new GuardrailFunction(stack, 'Fn', { guardrail, dataLake, modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'), ...extra(stack) });
  return { stack, fn, dataLake, guardrail };
}

function template(extra?: Extra) {
  return Template.fromStack(build(extra).stack);
}

const ref = (prefix: string, attr = 'Arn') => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}`), attr] });
const via = (service: string) => ({ StringEquals: { 'kms:ViaService': [{ 'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']] }] } });

describe('GuardrailFunction', () => {
  test('defaults: Node 24 arm64 function with its configuration in encrypted environment variables', () => {
    template().hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 29,
      MemorySize: 1024,
      ReservedConcurrentExecutions: 20,
      TracingConfig: { Mode: 'Active' },
      KmsKeyArn: ref('FnKey'),
      Environment: {
        Variables: {
          GUARDRAIL_ID: ref('Guardrail', 'GuardrailId'),
          GUARDRAIL_VERSION: ref('GuardrailVersion', 'Version'),
          MODEL_KIND: 'bedrock',
          MODEL_ID: 'amazon.nova-lite-v1:0',
          TRACE_BUCKET: { Ref: Match.stringLikeRegexp('^LakeInferenceCaptureBucket') },
          TRACE_PREFIX: 'guardrail-traces/',
          TRACE_KEY_ARN: ref('FnTraceKey'),
          REVIEW_QUEUE_URL: { Ref: Match.stringLikeRegexp('^FnReviewQueue') },
          GROUNDING_REVIEW_THRESHOLD: '0.85',
          MAX_TOKENS: '1024',
          MAX_BODY_BYTES: '262144',
          MODEL_TIMEOUT_MS: '20000',
          GUARDRAIL_TIMEOUT_MS: '5000',
          POWERTOOLS_METRICS_NAMESPACE: 'GenAI/Guardrail',
          POWERTOOLS_SERVICE_NAME: Match.stringLikeRegexp('^S-Fn-'),
        },
      },
    });
  });

  test('the role may do exactly this: apply the guardrail, invoke the model, data keys, write traces, send reviews', () => {
    template().hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FnRole') }],
      PolicyDocument: {
        Statement: [
          { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: ref('FnLogGroup') },
          { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: ref('FnDeadLetterQueue') },
          { Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Effect: 'Allow', Resource: '*' },
          { Action: 'bedrock:ApplyGuardrail', Effect: 'Allow', Resource: ref('Guardrail', 'GuardrailArn') },
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: ref('GuardrailKey') },
          {
            Action: 'bedrock:InvokeModel',
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, '::foundation-model/amazon.nova-lite-v1:0']] },
          },
          {
            Action: 'kms:GenerateDataKey',
            Effect: 'Allow',
            Resource: ref('FnTraceKey'),
            Condition: {
              StringEquals: { 'kms:EncryptionContext:purpose': 'genai-guardrail-trace', 'kms:EncryptionContext:bucket': { Ref: Match.stringLikeRegexp('^LakeInferenceCaptureBucket') } },
            },
          },
          {
            Action: ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', [ref('LakeInferenceCaptureBucket'), '/guardrail-traces/*']] },
          },
          { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: ref('LakeKey'), Condition: via('s3') },
          // One generation record (request id, caller hash) per answered request, which feedback is bound to.
          {
            Action: ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', [ref('LakeInferenceCaptureBucket'), '/guardrail-generations/*']] },
          },
          { Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], Effect: 'Allow', Resource: ref('FnReviewQueue') },
          { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: ref('FnKey'), Condition: via('sqs') },
        ],
      },
    });
  });

  test('the trace key is its own retained CMK with rotation; the function cannot decrypt with it', () => {
    const t = template();
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { Description: Match.stringLikeRegexp('^Envelope-encrypts prompts'), EnableKeyRotation: true } });
    const policies = JSON.stringify(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^FnRole') }] } }));
    expect(policies).not.toMatch(/"kms:Decrypt","Effect":"Allow","Resource":\{"Fn::GetAtt":\["FnTraceKey/);
  });

  test('review queue: KMS-encrypted, TLS only, DLQ after 5 receives, retained', () => {
    const t = template();
    t.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      Properties: {
        KmsMasterKeyId: ref('FnKey'),
        MessageRetentionPeriod: 1209600,
        VisibilityTimeout: 900,
        RedrivePolicy: { deadLetterTargetArn: ref('FnReviewDeadLetterQueue'), maxReceiveCount: 5 },
      },
    });
    t.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Retain', Properties: { KmsMasterKeyId: ref('FnKey'), RedrivePolicy: Match.absent() } });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: Match.stringLikeRegexp('^FnReviewQueue') }],
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('alarms: block rate and ungrounded rate as metric math with a minimum volume, model throttles, recording errors; all notify the topic', () => {
    const t = template();
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 20,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^FnAlarmTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^FnAlarmTopic') }],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(FILL(d, 0) >= 20, 100 * FILL(n, 0) / d, 0)', Label: 'Block rate (%)' }),
        Match.objectLike({ Id: 'n', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Blocked', Namespace: 'GenAI/Guardrail' }) }) }),
        Match.objectLike({ Id: 'd', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Requests' }) }) }),
      ]),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 10,
      Metrics: Match.arrayWith([
        Match.objectLike({ Label: 'Ungrounded rate (%)' }),
        Match.objectLike({ Id: 'n', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Ungrounded' }) }) }),
        Match.objectLike({ Id: 'd', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'GroundingChecks' }) }) }),
      ]),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1, Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(t, 0) + FILL(r, 0)' })]) });
    // Model throttles: SageMaker has no throttling metric for endpoints, so the caller counts them.
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ModelThrottles',
      Namespace: 'GenAI/Guardrail',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 10,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    t.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: ref('FnKey') });
  });

  test('alarm props and an existing topic', () => {
    const t = template((stack) => ({
      blockRateAlarmPercent: 5,
      ungroundedRateAlarmPercent: 3,
      alarmMinimumRequests: 100,
      alarmTopic: sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:111122223333:alarms'),
    }));
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 5, AlarmActions: ['arn:aws:sns:us-east-1:111122223333:alarms'], Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(FILL(d, 0) >= 100, 100 * FILL(n, 0) / d, 0)' })]) });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 3 });
    t.resourceCountIs('AWS::SNS::Topic', 0);
  });

  test('Bedrock target: invocation logging custom resource into the INFERENCE_CAPTURE zone, scoped bucket and key policies', () => {
    const t = template();
    // Metadata only (no prompt text beside the encrypted traces), and someone else's setting fails the deployment.
    t.hasResourceProperties('Custom::BedrockInvocationLogging', {
      ServiceToken: ref('FnInvocationLoggingProvider'),
      BucketName: { Ref: Match.stringLikeRegexp('^LakeInferenceCaptureBucket') },
      KeyPrefix: 'bedrock-invocation-logs/',
      TextDelivery: 'false',
      TakeOver: 'false',
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FnInvocationLoggingProviderRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration', 'bedrock:GetModelInvocationLoggingConfiguration'],
            Effect: 'Allow',
            Resource: '*',
          },
        ]),
      },
    });
    const sourceConditions = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*']] } },
    };
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^LakeInferenceCaptureBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowBedrockInvocationLogs',
            Effect: 'Allow',
            Principal: { Service: 'bedrock.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [ref('LakeInferenceCaptureBucket'), '/bedrock-invocation-logs/*']] },
            Condition: sourceConditions,
          },
        ]),
      },
    });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          { Sid: 'AllowBedrockInvocationLogs', Effect: 'Allow', Principal: { Service: 'bedrock.amazonaws.com' }, Action: 'kms:GenerateDataKey', Resource: '*', Condition: sourceConditions },
        ]),
      },
    });
    const cr = t.findResources('Custom::BedrockInvocationLogging');
    const deps: string[] = (Object.values(cr)[0] as any).DependsOn;
    expect(deps).toEqual(expect.arrayContaining([expect.stringMatching(/^LakeInferenceCaptureBucketPolicy/), expect.stringMatching(/^FnInvocationLoggingProviderRole/)]));
  });

  test('takeOverAccountSettings reaches the invocation logging', () => {
    template(() => ({ takeOverAccountSettings: true })).hasResourceProperties('Custom::BedrockInvocationLogging', { TakeOver: 'true' });
  });

  test('one invocation logging per stack: a second Bedrock GuardrailFunction does not turn it on again; an explicit second is an error', () => {
    const { stack, dataLake, guardrail } = build();
    const second = new GuardrailFunction(stack, 'Second', { guardrail, dataLake, modelTarget: ModelTarget.bedrock('amazon.nova-pro-v1:0') });
    expect(second.invocationLogging).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('Custom::BedrockInvocationLogging', 1);
    expect(() => new GuardrailFunction(stack, 'Third', { guardrail, dataLake, modelTarget: ModelTarget.bedrock('amazon.nova-pro-v1:0'), invocationLogging: true })).toThrow(
      /S\/Third\/InvocationLogging: invalid scope: got "a second BedrockInvocationLogging in the stack S"; allowed: at most one per stack \(Bedrock invocation logging is one setting per account and region\); the stack has S\/Fn\/InvocationLogging/,
    );
  });

  test('invocationLogging: false leaves the account setting alone', () => {
    template(() => ({ invocationLogging: false })).resourceCountIs('Custom::BedrockInvocationLogging', 0);
  });

  test('SageMaker target: InvokeEndpoint on the endpoint only, endpoint name in the environment, no invocation logging', () => {
    const t = template((stack) => ({
      modelTarget: ModelTarget.sagemakerEndpoint(InferenceEndpoint.fromEndpointAttributes(stack, 'Endpoint', { endpointName: 'my-endpoint' })),
    }));
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ MODEL_KIND: 'sagemaker', ENDPOINT_NAME: 'my-endpoint', MODEL_ID: Match.absent() }) } });
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FnRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sagemaker:InvokeEndpoint']),
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':endpoint/my-endpoint']] },
          }),
        ]),
      },
    });
    const policy = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policy).not.toContain('bedrock:InvokeModel');
    t.resourceCountIs('Custom::BedrockInvocationLogging', 0);
  });

  test('inference component target: InvokeEndpoint on the endpoint and the component only, both names and the fallback in the environment', () => {
    const t = template((stack) => ({
      modelTarget: ModelTarget.inferenceComponent(
        InferenceComponent.fromInferenceComponentAttributes(stack, 'Component', {
          endpoint: InferenceEndpoint.fromEndpointName(stack, 'Endpoint', 'llm-ep'),
          inferenceComponentName: 'llm-ep-llm',
        }),
        { fallbackBedrockModelId: 'amazon.nova-lite-v1:0' },
      ),
    }));
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MODEL_KIND: 'sagemaker', ENDPOINT_NAME: 'llm-ep', INFERENCE_COMPONENT_NAME: 'llm-ep-llm', FALLBACK_MODEL_ID: 'amazon.nova-lite-v1:0' }) },
    });
    const arn = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]] });
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FnRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['sagemaker:InvokeEndpoint']), Resource: [arn('endpoint/llm-ep'), arn('inference-component/llm-ep-llm')] })]),
      },
    });
  });

  test('SageMaker target with a Bedrock fallback: invoke on both exactly, fallback model in the environment, invocation logging on', () => {
    const t = template((stack) => ({
      modelTarget: ModelTarget.sagemakerEndpoint(InferenceEndpoint.fromEndpointAttributes(stack, 'Endpoint', { endpointName: 'my-endpoint' }), {
        fallbackBedrockModelId: 'amazon.nova-lite-v1:0',
      }),
    }));
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MODEL_KIND: 'sagemaker', ENDPOINT_NAME: 'my-endpoint', FALLBACK_MODEL_ID: 'amazon.nova-lite-v1:0' }) },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FnRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['sagemaker:InvokeEndpoint']) }),
          Match.objectLike({
            Action: 'bedrock:InvokeModel',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, '::foundation-model/amazon.nova-lite-v1:0']] },
          }),
        ]),
      },
    });
    t.resourceCountIs('Custom::BedrockInvocationLogging', 1);
  });

  test('a fallback that is not a foundation-model id is a clear error', () => {
    expect(() =>
      build((stack) => ({
        modelTarget: ModelTarget.sagemakerEndpoint(InferenceEndpoint.fromEndpointAttributes(stack, 'Endpoint', { endpointName: 'e' }), { fallbackBedrockModelId: 'us.amazon.nova-lite-v1:0' }),
      })),
    ).toThrow(/invalid modelTarget.fallbackBedrockModelId: got "us.amazon.nova-lite-v1:0"; allowed: a foundation-model id served in this region/);
  });

  test('props: prefix, keys, limits, timeouts, removal policy', () => {
    const t = template((stack) => ({
      tracePrefix: 'traces/chat/',
      traceKey: kms.Key.fromKeyArn(stack, 'TK', 'arn:aws:kms:us-east-1:111122223333:key/trace'),
      maxTokens: 2048,
      groundingReviewThreshold: 0.9,
      maxBodyBytes: 65536,
      modelTimeout: Duration.seconds(10),
      guardrailTimeout: Duration.seconds(3),
      timeout: Duration.seconds(20),
      memorySize: 2048,
      reservedConcurrentExecutions: 50,
      reviewRetention: Duration.days(4),
      removalPolicy: RemovalPolicy.DESTROY,
    }));
    t.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 20,
      MemorySize: 2048,
      ReservedConcurrentExecutions: 50,
      Environment: {
        Variables: Match.objectLike({
          TRACE_PREFIX: 'traces/chat/',
          TRACE_KEY_ARN: 'arn:aws:kms:us-east-1:111122223333:key/trace',
          MAX_TOKENS: '2048',
          GROUNDING_REVIEW_THRESHOLD: '0.9',
          MAX_BODY_BYTES: '65536',
          MODEL_TIMEOUT_MS: '10000',
          GUARDRAIL_TIMEOUT_MS: '3000',
        }),
      },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'kms:GenerateDataKey', Resource: 'arn:aws:kms:us-east-1:111122223333:key/trace' }),
          Match.objectLike({ Resource: { 'Fn::Join': ['', [ref('LakeInferenceCaptureBucket'), '/traces/chat/*']] } }),
        ]),
      },
    });
    t.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Delete', Properties: { MessageRetentionPeriod: 345600 } });
  });

  test('generation records: their prefix in the environment, expiring a day after the feedback window, readable through grantReadGenerationRecords', () => {
    const { stack, fn } = build(() => ({ feedbackWindow: Duration.days(7) }));
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    fn.grantReadGenerationRecords(reader);
    const t = Template.fromStack(stack);
    expect(fn.generationRecordPrefix).toBe('guardrail-generations/');
    expect(fn.feedbackWindow.toDays()).toBe(7);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ GENERATION_PREFIX: 'guardrail-generations/', TRACE_PREFIX: 'guardrail-traces/' }) } });
    t.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([{ Id: 'ExpireGenerationRecords-guardrail-generations', Prefix: 'guardrail-generations/', ExpirationInDays: 8, Status: 'Enabled' }]) },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
      PolicyDocument: { Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [ref('LakeInferenceCaptureBucket'), '/guardrail-generations/*']] } }] },
    });
  });

  test('metric helpers carry the service dimension', () => {
    const { stack, fn } = build();
    expect(stack.resolve(fn.metric('Blocked').dimensions)).toEqual({ service: fn.metricsServiceName });
    expect(fn.metricBlockRate().expression).toBe('IF(FILL(d, 0) >= 1, 100 * FILL(n, 0) / d, 0)');
  });

  describe('validation', () => {
    test.each<[string, Extra, RegExp]>([
      ['maxTokens', () => ({ maxTokens: 0 }), /S\/Fn: invalid maxTokens: got 0; allowed: an integer from 1 to 32768/],
      ['groundingReviewThreshold', () => ({ groundingReviewThreshold: 1.5 }), /invalid groundingReviewThreshold: got 1.5/],
      ['maxBodyBytes', () => ({ maxBodyBytes: 10 }), /invalid maxBodyBytes: got 10/],
      ['blockRateAlarmPercent', () => ({ blockRateAlarmPercent: 0 }), /invalid blockRateAlarmPercent: got 0/],
      ['ungroundedRateAlarmPercent', () => ({ ungroundedRateAlarmPercent: 101 }), /invalid ungroundedRateAlarmPercent: got 101/],
      ['alarmMinimumRequests', () => ({ alarmMinimumRequests: 0.5 }), /invalid alarmMinimumRequests: got 0.5/],
      ['logRetention', () => ({ logRetention: 12 as any }), /invalid logRetention: got 12/],
      ['modelTimeout too short', () => ({ modelTimeout: Duration.millis(10) }), /invalid modelTimeout: got "10 millis"; allowed: from 1 second to 15 minutes/],
      ['timeouts exceed the function', () => ({ modelTimeout: Duration.seconds(28), guardrailTimeout: Duration.seconds(10) }), /invalid modelTimeout: got "28 seconds \+ 2 x 10 seconds"; allowed: at most the function timeout/],
      ['tracePrefix', () => ({ tracePrefix: 'no-slash' }), /invalid tracePrefix: got "no-slash"/],
      ['generationRecordPrefix', () => ({ generationRecordPrefix: 'gen' }), /S\/Fn: invalid generationRecordPrefix: got "gen"; allowed: a key prefix of safe characters ending with '\/'/],
      ['generationRecordPrefix inside the traces', () => ({ generationRecordPrefix: 'guardrail-traces/generations/' }), /S\/Fn: invalid generationRecordPrefix: got "guardrail-traces\/generations\/"; allowed: a prefix that does not overlap tracePrefix \(guardrail-traces\/\)/],
      ['feedbackWindow', () => ({ feedbackWindow: Duration.hours(12) }), /S\/Fn: invalid feedbackWindow: got "12 hours"; allowed: a whole number of days from 1 to 365/],
      ['invocation logging with SageMaker', (stack) => ({ invocationLogging: true, modelTarget: ModelTarget.sagemakerEndpoint(InferenceEndpoint.fromEndpointAttributes(stack, 'E', { endpointName: 'e' })) }), /invalid invocationLogging: got true/],
      ['inference profile', () => ({ modelTarget: ModelTarget.bedrock('us.anthropic.claude-3-haiku-20240307-v1:0') }), /invalid modelTarget: got "us.anthropic.claude-3-haiku-20240307-v1:0"; allowed: a foundation-model id served in this region/],
      ['model id', () => ({ modelTarget: ModelTarget.bedrock('arn:aws:bedrock:us-east-1::foundation-model/x') }), /invalid modelTarget: got "arn:aws:bedrock/],
    ])('%s', (_name, extra, message) => {
      expect(() => build(extra)).toThrow(message);
    });
  });
});

describe('BedrockInvocationLogging', () => {
  test('custom prefix and its own key', () => {
    const stack = new Stack(new App(), 'S');
    const dataLake = new SecureDataLake(stack, 'Lake');
    new BedrockInvocationLogging(stack, 'Logging', { dataLake, keyPrefix: 'bedrock/' });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('Custom::BedrockInvocationLogging', { KeyPrefix: 'bedrock/' });
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 1, KmsKeyArn: ref('LoggingKey') });
  });

  test('textDelivery logs prompt text only when asked, with a warning that says who can read it', () => {
    const stack = new Stack(new App(), 'S');
    const dataLake = new SecureDataLake(stack, 'Lake');
    const logging = new BedrockInvocationLogging(stack, 'Logging', { dataLake, textDelivery: true });
    expect(logging.textDelivery).toBe(true);
    Template.fromStack(stack).hasResourceProperties('Custom::BedrockInvocationLogging', { TextDelivery: 'true' });
    Annotations.fromStack(stack).hasWarning('/S/Logging', Match.stringLikeRegexp('readable by every principal that may read that zone'));
  });

  test('rejects a prefix without a trailing slash', () => {
    const stack = new Stack(new App(), 'S');
    const dataLake = new SecureDataLake(stack, 'Lake');
    expect(() => new BedrockInvocationLogging(stack, 'Logging', { dataLake, keyPrefix: 'logs' })).toThrow(/S\/Logging: invalid keyPrefix: got "logs"/);
  });

  test('a lake without an INFERENCE_CAPTURE zone is rejected', () => {
    const stack = new Stack(new App(), 'S');
    const dataLake = new SecureDataLake(stack, 'Lake', { zones: [require('../../lib').DataZone.RAW] });
    expect(() => new BedrockInvocationLogging(stack, 'Logging', { dataLake })).toThrow(/invalid zone: got "inference-capture"/);
  });
});
