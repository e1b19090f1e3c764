import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { OutputEvaluation } from '../../lib/evaluation/output-evaluation';
import { RedTeam, RedTeamCategory, RedTeamProps } from '../../lib/evaluation/red-team';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction } from '../../lib/guardrails/guardrail-function';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { DeploymentStrategy } from '../../lib/inference/deployment-strategy';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';
import { ModelSource } from '../../lib/inference/model-source';

function build(extra: Partial<RedTeamProps> = {}, env = { account: '123456789012', region: 'us-east-1' }) {
  const stack = new Stack(new App(), 'S', { env });
  const dataLake = new SecureDataLake(stack, 'Lake');
  const guardrail = new Guardrail(stack, 'Guardrail');
  const generate = new GuardrailFunction(stack, 'Generate', { guardrail, dataLake, modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0') });
  const redTeam = new RedTeam(stack, 'RedTeam', { guardrailFunction: generate, dataLake, ...extra });
  return { stack, dataLake, generate, redTeam };
}

function endpoint(stack: Stack, dataLake: SecureDataLake, strategy = DeploymentStrategy.canary(10, Duration.minutes(10)), group?: string) {
  return new InferenceEndpoint(stack, 'Endpoint', {
    dataLake,
    model: group ? undefined : ModelSource.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/group/1'),
    modelPackageGroupName: group,
    instanceType: 'ml.g5.xlarge',
    minCapacity: 2,
    deploymentStrategy: strategy,
  });
}

const fnRef = (prefix: string) => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}`), 'Arn'] });

function statementsOf(t: Template, rolePrefix: string): any[] {
  const policies = t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${rolePrefix}`) }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('RedTeam', () => {
  const { stack, generate, redTeam } = build();
  const t = Template.fromStack(stack);
  const guardrailArn = stack.resolve(generate.function.functionArn);
  const redTeamArn = stack.resolve(redTeam.function.functionArn);

  test('a function that replays against the guardrail function: env, 15-minute timeout, two reserved slots', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Red-team runs against S/Generate'),
      Timeout: 900,
      ReservedConcurrentExecutions: 2,
      Environment: {
        Variables: Match.objectLike({
          METRICS_NAMESPACE: 'GenAI/Evaluation',
          GUARDRAIL_FUNCTION: guardrailArn,
          REPORT_PREFIX: 'red-team-reports/',
          TRACE_PREFIX: 'guardrail-traces/',
          CONCURRENCY: '4',
          MAX_MODEL_CALLS: '200',
          TOLERANCE: '0',
        }),
      },
    });
    expect(stack.resolve(generate.metricsServiceName)).toBeDefined();
  });

  test('least privilege: invoke exactly the guardrail function, write reports under the prefix, send to the review queue', () => {
    const statements = statementsOf(t, 'RedTeamRole');
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: guardrailArn });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: stack.resolve(generate.reviewQueue.queueArn) });
    const put = statements.find((s) => [s.Action].flat().includes('s3:PutObject'));
    expect(JSON.stringify(put.Resource)).toContain('/red-team-reports/*');
    // never the trace prefix, never a wildcard invoke
    expect(JSON.stringify(statements)).not.toContain('guardrail-traces');
    expect(JSON.stringify(statements.filter((s) => [s.Action].flat().includes('lambda:InvokeFunction')))).not.toContain(':*');
  });

  test('an EventBridge Scheduler schedule (weekly by default) invokes the run with its own role, no retries', () => {
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 ? * MON *)',
      Target: {
        Arn: redTeamArn,
        Input: JSON.stringify({ kind: 'run', trigger: 'scheduled' }),
        RetryPolicy: { MaximumRetryAttempts: 0 },
        RoleArn: fnRef('RedTeamScheduleRole'),
        DeadLetterConfig: { Arn: fnRef('RedTeamDeadLetterQueue') },
      },
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ],
      },
    });
    expect(statementsOf(t, 'RedTeamScheduleRole')).toContainEqual({ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: redTeamArn });
  });

  test('alarms: a category below its baseline, and any secret leak', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Regressions',
      Namespace: 'GenAI/Evaluation',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^GenerateAlarmTopic') }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SecretLeaks', Threshold: 1 });
  });

  test('props: cap, concurrency, tolerance, baselines (as rates) and custom cases from the CURATED zone', () => {
    const b = build({
      maxModelCalls: 50,
      concurrency: 2,
      tolerancePercent: 5,
      customCasesPrefix: 'red-team-cases/',
      baselines: [{ category: RedTeamCategory.TOXICITY, minBlockRatePercent: 90 }, { category: RedTeamCategory.PII_LEAKAGE, maxLeakRatePercent: 0 }],
      schedule: undefined,
    });
    const tt = Template.fromStack(b.stack);
    tt.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          MAX_MODEL_CALLS: '50',
          CONCURRENCY: '2',
          TOLERANCE: '0.05',
          BASELINES: JSON.stringify({ TOXICITY: { minBlockRate: 0.9 }, PII_LEAKAGE: { maxLeakRate: 0 } }),
          CUSTOM_PREFIX: 'red-team-cases/',
          CUSTOM_BUCKET: { Ref: Match.stringLikeRegexp('^LakeCurated') },
        }),
      },
    });
    const get = statementsOf(tt, 'RedTeamRole').find((s) => [s.Action].flat().includes('s3:GetObject'));
    expect(JSON.stringify(get.Resource)).toContain('/red-team-cases/*');
  });

  test('grantRun grants invoking the red-team function only', () => {
    const b = build();
    const operator = new iam.Role(b.stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    b.redTeam.grantRun(operator);
    expect(statementsOf(Template.fromStack(b.stack), 'Operator')).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: b.stack.resolve(b.redTeam.function.functionArn) }]);
  });

  test.each([
    [{ maxModelCalls: 0 }, /maxModelCalls.*from 1 to 5000/],
    [{ maxModelCalls: 1.5 }, /maxModelCalls.*an integer/],
    [{ concurrency: 21 }, /concurrency.*from 1 to 20/],
    [{ tolerancePercent: 60 }, /tolerancePercent.*from 0 to 50/],
    [{ reportPrefix: 'reports' }, /reportPrefix.*ending with '\/'/],
    [{ reportPrefix: 'guardrail-traces/reports/' }, /reportPrefix.*apart from the guardrail's trace prefix/],
    [{ customCasesPrefix: 'my cases/' }, /customCasesPrefix/],
    [{ baselines: [{ category: RedTeamCategory.JAILBREAK }, { category: RedTeamCategory.JAILBREAK }] }, /baselines.*one baseline per category/],
    [{ baselines: [{ category: RedTeamCategory.JAILBREAK, minBlockRatePercent: 120 }] }, /minBlockRatePercent.*from 0 to 100/],
  ] as Array<[Partial<RedTeamProps>, RegExp]>)('validation: %j', (extra, message) => {
    expect(() => build(extra)).toThrow(message);
  });
});

describe('RedTeam promotion gate', () => {
  const b = build();
  const ep = endpoint(b.stack, b.dataLake);
  const evaluation = new OutputEvaluation(b.stack, 'Evaluation', { guardrailFunction: b.generate, dataLake: b.dataLake });
  const alarm = b.redTeam.addPromotionGate(ep, { evaluation, timeout: Duration.minutes(45) });
  const t = Template.fromStack(b.stack);

  test('the gate alarm (GateFailed of the endpoint) is one of the endpoint rollback alarms', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'GenAI/Evaluation',
      MetricName: 'GateFailed',
      Dimensions: [{ Name: 'EndpointName', Value: ep.endpointName }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    const endpoints = Object.values(t.findResources('AWS::SageMaker::Endpoint')) as any[];
    const alarms = endpoints[0].Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms;
    expect(alarms).toContainEqual({ AlarmName: b.stack.resolve(alarm.alarmName) });
    expect(alarms.length).toBe(ep.rollbackAlarms.length);
    // SageMaker reads the alarm with the endpoint's execution role
    expect(statementsOf(t, 'Endpoint')).toContainEqual({ Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: b.stack.resolve(alarm.alarmArn) });
  });

  test('an update of the endpoint starts the gate through an encrypted queue only the rule may write to', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.sagemaker'], 'detail-type': ['SageMaker Endpoint State Change'], detail: { EndpointName: [ep.endpointName], EndpointStatus: ['UPDATING', 'Updating'] } },
      Targets: [Match.objectLike({ Arn: fnRef('RedTeamGateQueue'), InputTransformer: { InputPathsMap: { time: '$.time' }, InputTemplate: `{"endpointName":"${ep.endpointName}","startedAt":<time>}` } })],
    });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'GateRequestsFromTheGateRule', Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': fnRef('RedTeamGateRule') } } })]) },
    });
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue(), VisibilityTimeout: 960 });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: fnRef('RedTeamGateQueue'), BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GATE_TIMEOUT_SECONDS: '2700', EVALUATION_FUNCTION: b.stack.resolve(evaluation.function.functionArn), GATE_QUEUE_URL: { Ref: Match.stringLikeRegexp('^RedTeamGateQueue') } }) },
    });
    const statements = statementsOf(t, 'RedTeamRole');
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeEndpoint', Resource: b.stack.resolve(ep.endpointArn) });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: b.stack.resolve(evaluation.function.functionArn) });
    expect(statements.filter((s) => s.Action === 'sqs:SendMessage').map((s) => JSON.stringify(s.Resource))).toContain(JSON.stringify({ 'Fn::GetAtt': [b.stack.resolve((b.redTeam.node.findChild('GateQueue') as any).node.defaultChild.logicalId), 'Arn'] }));
  });

  test('the promotion function rolls out with the gate alarm too (endpoint created by the first approval)', () => {
    const g = build();
    const promoted = endpoint(g.stack, g.dataLake, DeploymentStrategy.canary(10, Duration.minutes(10)), 'models');
    const gate = g.redTeam.addPromotionGate(promoted);
    const fns = Object.values(Template.fromStack(g.stack).findResources('AWS::Lambda::Function')) as any[];
    const promotion = fns.find((f) => f.Properties.Environment?.Variables?.PROMOTION_CONFIG);
    const config = JSON.stringify(promotion.Properties.Environment.Variables.PROMOTION_CONFIG);
    expect(config).toContain('AutoRollbackConfiguration');
    expect(config).toContain('AlarmName');
    // the alarm's name is the part right after `"AlarmName":"` in the rendered JSON
    const parts = promotion.Properties.Environment.Variables.PROMOTION_CONFIG['Fn::Join'][1] as unknown[];
    const names = parts.filter((_p, i) => i > 0 && typeof parts[i - 1] === 'string' && (parts[i - 1] as string).endsWith('{\"AlarmName\":\"'));
    expect(names).toContainEqual(g.stack.resolve(gate.alarmName));
    expect(names.length).toBe(promoted.rollbackAlarms.length);
  });

  test.each([
    ['an all-at-once strategy', () => DeploymentStrategy.allAtOnce(Duration.minutes(10)), {}, /a canary or linear shift/],
    ['a bake shorter than 5 minutes', () => DeploymentStrategy.canary(10, Duration.minutes(2)), {}, /wait of at least 300 seconds/],
    ['a 5-minute gate timeout', () => DeploymentStrategy.canary(10, Duration.minutes(10)), { timeout: Duration.minutes(5) }, /timeout.*from 10 minutes to 6 hours/],
  ])('validation: %s', (_name, strategy, options, message) => {
    const g = build();
    expect(() => g.redTeam.addPromotionGate(endpoint(g.stack, g.dataLake, strategy()), options)).toThrow(message);
  });

  test('validation: the gated endpoint must be in the RedTeam\'s stack (across stacks the two would depend on each other)', () => {
    const g = build();
    const other = new Stack(g.stack.node.root as App, 'Serving', { env: { account: '123456789012', region: 'us-east-1' } });
    expect(() => g.redTeam.addPromotionGate(endpoint(other, g.dataLake))).toThrow(
      /S\/RedTeam: invalid endpoint: got "Serving\/Endpoint \(stack Serving\)"; allowed: an endpoint in this RedTeam's stack \(S\)/,
    );
  });

  test('validation: one gated endpoint per RedTeam; at most 10 rollback alarms', () => {
    const g = build();
    const e = endpoint(g.stack, g.dataLake);
    g.redTeam.addPromotionGate(e);
    expect(() => g.redTeam.addPromotionGate(e)).toThrow(/one gated endpoint per RedTeam/);
    for (let i = e.rollbackAlarms.length; i < 10; i++) e.addRollbackAlarm(new cloudwatch.Alarm(g.stack, `A${i}`, { metric: new cloudwatch.Metric({ namespace: 'x', metricName: 'y' }), threshold: 1, evaluationPeriods: 1 }));
    expect(() => e.addRollbackAlarm(new cloudwatch.Alarm(g.stack, 'Eleventh', { metric: new cloudwatch.Metric({ namespace: 'x', metricName: 'y' }), threshold: 1, evaluationPeriods: 1 }))).toThrow(/rollbackAlarms.*at most 10/);
  });
});
