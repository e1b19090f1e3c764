import {
  ApplicationAutoScalingClient,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { PromotionConfig, PromotionConfigSchema, loadConfig } from '../../../lambda/model-promotion/config';
import { RetriesExhaustedError } from '../../../lambda/model-promotion/retry';
import { applyScaling, scalingNames, variantResourceId, wakeAlarmName } from '../../../lambda/model-promotion/scaling';

const sm = mockClient(SageMakerClient);
const aas = mockClient(ApplicationAutoScalingClient);
const cw = mockClient(CloudWatchClient);

const ENDPOINT = 'gpu-endpoint-73916de0';
const ACCOUNT = '123456789012';
const TARGET = (variant: string) => ({
  ServiceNamespace: 'sagemaker',
  ResourceId: `endpoint/${ENDPOINT}/variant/${variant}`,
  ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
});
const policyArn = (name: string) =>
  `arn:aws:autoscaling:us-east-1:${ACCOUNT}:scalingPolicy:0000-1111:resource/sagemaker/endpoint/${ENDPOINT}/variant/AllTraffic:policyName/${name}`;
const WAKE_POLICY = `${ENDPOINT}-AllTraffic-wake-on-backlog`;

const BASE = {
  endpointName: ENDPOINT,
  modelPackageGroupName: 'llm',
  executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/exec`,
  endpointConfigTemplate: { ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 }] },
  deploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 } } },
};
const INVOCATIONS = {
  variants: [{ variantName: 'AllTraffic', minCapacity: 1, maxCapacity: 4 }],
  policy: { type: 'invocations', targetValue: 123, scaleInCooldownSeconds: 300, scaleOutCooldownSeconds: 60 },
  scheduled: [],
};
const BACKLOG = {
  variants: [{ variantName: 'AllTraffic', minCapacity: 0, maxCapacity: 2 }],
  policy: { type: 'backlog', targetValue: 5, scaleInCooldownSeconds: 600, scaleOutCooldownSeconds: 120 },
  scheduled: [],
};

/** Configurations go through the schema, so the tests also prove the construct's shape is accepted. */
function configWith(scaling?: unknown): PromotionConfig {
  return PromotionConfigSchema.parse({ ...BASE, ...(scaling ? { scaling } : {}) });
}

function inService(detail: Record<string, unknown> = {}) {
  return {
    id: 'evt-2',
    source: 'aws.sagemaker',
    'detail-type': 'SageMaker Endpoint State Change',
    detail: { EndpointName: ENDPOINT, EndpointArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/${ENDPOINT}`, EndpointStatus: 'IN_SERVICE', ...detail },
  };
}

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
const concurrent = () => Object.assign(new Error('You already have a pending update to an Auto Scaling resource.'), { name: 'ConcurrentUpdateException', $metadata: { httpStatusCode: 400 } });
const notFound = () => Object.assign(new Error(`Could not find endpoint "${ENDPOINT}".`), { name: 'ValidationException' });

function logger() {
  const records: Array<[string, string, Record<string, unknown> | undefined]> = [];
  return {
    records,
    info: (m: string, e?: Record<string, unknown>) => records.push(['info', m, e]),
    warn: (m: string, e?: Record<string, unknown>) => records.push(['warn', m, e]),
  };
}

function deps(config: PromotionConfig) {
  const log = logger();
  const sleeps: number[] = [];
  return {
    log,
    sleeps,
    deps: {
      sagemaker: new SageMakerClient({ region: 'us-east-1' }),
      autoscaling: new ApplicationAutoScalingClient({ region: 'us-east-1' }),
      cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
      config,
      logger: log,
      retry: { maxAttempts: 5, baseDelayMs: 250, sleep: async (ms: number) => void sleeps.push(ms), random: () => 1 },
    },
  };
}

/** An InService endpoint with the given variants; every Application Auto Scaling and CloudWatch call succeeds. */
function endpointInService(variants: string[] = ['AllTraffic'], status = 'InService') {
  sm.on(DescribeEndpointCommand).resolves({
    EndpointName: ENDPOINT,
    EndpointStatus: status,
    ProductionVariants: variants.map((VariantName) => ({ VariantName, CurrentInstanceCount: 1, DesiredInstanceCount: 1 })),
  } as any);
  aas.on(RegisterScalableTargetCommand).resolves({ ScalableTargetARN: `arn:aws:application-autoscaling:us-east-1:${ACCOUNT}:scalable-target/abc` });
  aas.on(PutScalingPolicyCommand).callsFake((input) => ({ PolicyARN: policyArn(input.PolicyName), Alarms: [] }));
  aas.on(PutScheduledActionCommand).resolves({});
  cw.on(PutMetricAlarmCommand).resolves({});
}

/** The inputs the mock received for one command class, in call order. */
const inputs = (mock: { commandCalls: (command: any) => Array<{ args: any[] }> }, command: unknown): any[] =>
  mock.commandCalls(command).map((c) => c.args[0].input);

function allCalls() {
  return [...sm.calls(), ...aas.calls(), ...cw.calls()];
}

beforeEach(() => {
  sm.reset();
  aas.reset();
  cw.reset();
});

describe('applyScaling: refusals and nothing to do', () => {
  test('another endpoint is refused with 403 and no AWS call', async () => {
    const { deps: d, log } = deps(configWith(INVOCATIONS));
    const result = await applyScaling(inService({ EndpointName: 'someone-elses-endpoint' }), d);
    expect(result).toEqual({ statusCode: 403, outcome: 'refused', reason: `endpoint someone-elses-endpoint is not ${ENDPOINT}`, endpointName: ENDPOINT });
    expect(allCalls()).toHaveLength(0);
    expect(log.records).toEqual([['warn', 'scaling refused', { ...result }]]);
  });

  test('no scaling configuration: CloudFormation manages scaling, the event is ignored without a call', async () => {
    const { deps: d } = deps(configWith());
    expect(await applyScaling(inService(), d)).toEqual({
      statusCode: 200,
      outcome: 'ignored',
      reason: 'CloudFormation manages scaling for this endpoint',
      endpointName: ENDPOINT,
    });
    expect(allCalls()).toHaveLength(0);
  });

  test.each(['Updating', 'Creating', 'Failed', 'RollingBack'])('an endpoint that is %s now (a stale event) is ignored', async (status) => {
    endpointInService(['AllTraffic'], status);
    const { deps: d } = deps(configWith(INVOCATIONS));
    expect(await applyScaling(inService(), d)).toMatchObject({ statusCode: 200, outcome: 'ignored', reason: `endpoint is ${status}, not InService` });
    expect(inputs(sm, DescribeEndpointCommand)).toEqual([{ EndpointName: ENDPOINT }]);
    expect(aas.calls()).toHaveLength(0);
    expect(cw.calls()).toHaveLength(0);
  });

  test('an endpoint deleted since the event is ignored', async () => {
    sm.on(DescribeEndpointCommand).rejects(notFound());
    const { deps: d } = deps(configWith(INVOCATIONS));
    expect(await applyScaling(inService(), d)).toMatchObject({ statusCode: 200, outcome: 'ignored', reason: `endpoint ${ENDPOINT} does not exist` });
    expect(aas.calls()).toHaveLength(0);
  });

  test.each([
    ['not an object', 'hello'],
    ['a model package event', { source: 'aws.sagemaker', 'detail-type': 'SageMaker Model Package State Change', detail: {} }],
    ['no endpoint name', { ...inService(), detail: { EndpointStatus: 'IN_SERVICE' } }],
    ['another source', { ...inService(), source: 'my.app' }],
  ])('%s is rejected with 400 and no AWS call', async (_name, event) => {
    const { deps: d } = deps(configWith(INVOCATIONS));
    const result = await applyScaling(event, d);
    expect(result.statusCode).toBe(400);
    expect(result.outcome).toBe('rejected');
    expect(result.reason).toMatch(/^not an endpoint state change: /);
    expect(allCalls()).toHaveLength(0);
  });
});

describe('applyScaling: an endpoint the function created is InService', () => {
  test('invocations: registers the scalable target and a target tracking policy on invocations per instance', async () => {
    endpointInService();
    const { deps: d, log } = deps(configWith(INVOCATIONS));
    const result = await applyScaling(inService(), d);

    expect(result).toEqual({
      statusCode: 200,
      outcome: 'scaling-applied',
      endpointName: ENDPOINT,
      variants: ['AllTraffic'],
      policyNames: [`${ENDPOINT}-AllTraffic-invocations`],
      scheduledActionNames: [],
      alarmNames: [],
    });
    expect(inputs(sm, DescribeEndpointCommand)).toEqual([{ EndpointName: ENDPOINT }]);
    // No RoleARN: the service-linked role is used.
    expect(inputs(aas, RegisterScalableTargetCommand)).toEqual([{ ...TARGET('AllTraffic'), MinCapacity: 1, MaxCapacity: 4 }]);
    expect(inputs(aas, PutScalingPolicyCommand)).toEqual([
      {
        ...TARGET('AllTraffic'),
        PolicyName: `${ENDPOINT}-AllTraffic-invocations`,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 123,
          PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
          ScaleInCooldown: 300,
          ScaleOutCooldown: 60,
        },
      },
    ]);
    expect(aas.commandCalls(PutScheduledActionCommand)).toHaveLength(0);
    expect(cw.calls()).toHaveLength(0);
    // The target is registered before its policy.
    expect(aas.calls().map((c) => c.args[0].constructor.name)).toEqual(['RegisterScalableTargetCommand', 'PutScalingPolicyCommand']);
    expect(log.records.at(-1)).toEqual(['info', 'scaling applied', { ...result, policyType: 'invocations' }]);
  });

  test('backlog (async): target tracking on the backlog, a wake-up step policy and the alarm that triggers it', async () => {
    endpointInService();
    const { deps: d } = deps(configWith(BACKLOG));
    const result = await applyScaling(inService(), d);

    expect(result).toMatchObject({
      outcome: 'scaling-applied',
      policyNames: [`${ENDPOINT}-AllTraffic-backlog`, WAKE_POLICY],
      alarmNames: [`${ENDPOINT}-wake-on-backlog`],
    });
    expect(inputs(aas, RegisterScalableTargetCommand)).toEqual([{ ...TARGET('AllTraffic'), MinCapacity: 0, MaxCapacity: 2 }]);
    expect(inputs(aas, PutScalingPolicyCommand)).toEqual([
      {
        ...TARGET('AllTraffic'),
        PolicyName: `${ENDPOINT}-AllTraffic-backlog`,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 5,
          CustomizedMetricSpecification: {
            MetricName: 'ApproximateBacklogSizePerInstance',
            Namespace: 'AWS/SageMaker',
            Dimensions: [{ Name: 'EndpointName', Value: ENDPOINT }],
            Statistic: 'Average',
          },
          ScaleInCooldown: 600,
          ScaleOutCooldown: 120,
        },
      },
      {
        ...TARGET('AllTraffic'),
        PolicyName: WAKE_POLICY,
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          Cooldown: 120,
          MetricAggregationType: 'Average',
          StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
        },
      },
    ]);
    expect(inputs(cw, PutMetricAlarmCommand)).toEqual([
      {
        AlarmName: `${ENDPOINT}-wake-on-backlog`,
        AlarmDescription: expect.stringContaining(ENDPOINT),
        MetricName: 'HasBacklogWithoutCapacity',
        Namespace: 'AWS/SageMaker',
        Dimensions: [{ Name: 'EndpointName', Value: ENDPOINT }],
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        // The ARN PutScalingPolicy returned for the step policy, not the target tracking one.
        AlarmActions: [policyArn(WAKE_POLICY)],
      },
    ]);
  });

  test('a step policy without an ARN in the response fails instead of creating an alarm with no action', async () => {
    endpointInService();
    aas.on(PutScalingPolicyCommand, { PolicyName: WAKE_POLICY }).resolves({});
    const { deps: d } = deps(configWith(BACKLOG));
    await expect(applyScaling(inService(), d)).rejects.toThrow(`PutScalingPolicy returned no PolicyARN for ${WAKE_POLICY}`);
    expect(cw.calls()).toHaveLength(0);
  });

  test('scheduled actions: one per entry and variant, named <endpoint>-<variant>-<name>', async () => {
    endpointInService(['AllTraffic', 'Shadow']);
    const { deps: d } = deps(
      configWith({
        ...INVOCATIONS,
        variants: [
          { variantName: 'AllTraffic', minCapacity: 1, maxCapacity: 4 },
          { variantName: 'Shadow', minCapacity: 1, maxCapacity: 2 },
        ],
        scheduled: [
          { name: 'business-hours', schedule: 'cron(0 8 ? * MON-FRI *)', minCapacity: 2, maxCapacity: 4 },
          { name: 'night', schedule: 'cron(0 20 ? * * *)', minCapacity: 1 },
        ],
      }),
    );
    const result = await applyScaling(inService(), d);

    expect(result.scheduledActionNames).toEqual([
      `${ENDPOINT}-AllTraffic-business-hours`,
      `${ENDPOINT}-AllTraffic-night`,
      `${ENDPOINT}-Shadow-business-hours`,
      `${ENDPOINT}-Shadow-night`,
    ]);
    expect(inputs(aas, PutScheduledActionCommand)).toEqual([
      { ...TARGET('AllTraffic'), ScheduledActionName: `${ENDPOINT}-AllTraffic-business-hours`, Schedule: 'cron(0 8 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 4 } },
      { ...TARGET('AllTraffic'), ScheduledActionName: `${ENDPOINT}-AllTraffic-night`, Schedule: 'cron(0 20 ? * * *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: undefined } },
      { ...TARGET('Shadow'), ScheduledActionName: `${ENDPOINT}-Shadow-business-hours`, Schedule: 'cron(0 8 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 4 } },
      { ...TARGET('Shadow'), ScheduledActionName: `${ENDPOINT}-Shadow-night`, Schedule: 'cron(0 20 ? * * *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: undefined } },
    ]);
    expect(inputs(aas, RegisterScalableTargetCommand)).toEqual([
      { ...TARGET('AllTraffic'), MinCapacity: 1, MaxCapacity: 4 },
      { ...TARGET('Shadow'), MinCapacity: 1, MaxCapacity: 2 },
    ]);
    expect(inputs(aas, PutScalingPolicyCommand).map((i: any) => i.PolicyName)).toEqual([`${ENDPOINT}-AllTraffic-invocations`, `${ENDPOINT}-Shadow-invocations`]);
  });

  test('a configured variant the endpoint does not run is skipped with a warning; the others are applied', async () => {
    endpointInService(['AllTraffic']);
    const { deps: d, log } = deps(
      configWith({
        ...INVOCATIONS,
        variants: [
          { variantName: 'Gone', minCapacity: 1, maxCapacity: 2 },
          { variantName: 'AllTraffic', minCapacity: 1, maxCapacity: 4 },
        ],
        scheduled: [{ name: 'night', schedule: 'cron(0 20 ? * * *)', maxCapacity: 1 }],
      }),
    );
    const result = await applyScaling(inService(), d);

    expect(result).toMatchObject({ outcome: 'scaling-applied', variants: ['AllTraffic'], scheduledActionNames: [`${ENDPOINT}-AllTraffic-night`] });
    for (const command of [RegisterScalableTargetCommand, PutScalingPolicyCommand, PutScheduledActionCommand]) {
      expect(inputs(aas, command).map((i: any) => i.ResourceId)).toEqual([`endpoint/${ENDPOINT}/variant/AllTraffic`]);
    }
    expect(log.records).toContainEqual(['warn', 'configured variant is not on the endpoint; skipped', { endpointName: ENDPOINT, variantName: 'Gone', endpointVariants: ['AllTraffic'] }]);
  });

  test('no configured variant runs on the endpoint: ignored with a warning, nothing registered', async () => {
    endpointInService(['Other']);
    const { deps: d, log } = deps(configWith(INVOCATIONS));
    expect(await applyScaling(inService(), d)).toMatchObject({ statusCode: 200, outcome: 'ignored', reason: 'none of the configured variants runs on the endpoint' });
    expect(aas.calls()).toHaveLength(0);
    expect(log.records.at(-1)?.[0]).toBe('warn');
  });

  test('a re-delivered (or the next update\'s) InService event makes the same upserts and does not fail', async () => {
    endpointInService();
    const config = configWith({ ...BACKLOG, scheduled: [{ name: 'night', schedule: 'cron(0 20 ? * * *)', maxCapacity: 0 }] });
    const { deps: d } = deps(config);

    const first = await applyScaling(inService(), d);
    const snapshot = () => ({
      targets: inputs(aas, RegisterScalableTargetCommand),
      policies: inputs(aas, PutScalingPolicyCommand),
      scheduled: inputs(aas, PutScheduledActionCommand),
      alarms: inputs(cw, PutMetricAlarmCommand),
    });
    const afterFirst = snapshot();
    aas.resetHistory();
    cw.resetHistory();
    const second = await applyScaling(inService(), d);

    expect(second).toEqual(first);
    expect(snapshot()).toEqual(afterFirst);
    expect(afterFirst.targets).toHaveLength(1);
    expect(afterFirst.policies).toHaveLength(2);
    expect(afterFirst.scheduled).toHaveLength(1);
    expect(afterFirst.alarms).toHaveLength(1);
  });
});

describe('applyScaling: throttling and errors', () => {
  test('throttling and concurrent updates are retried with backoff, then succeed', async () => {
    endpointInService();
    aas.on(RegisterScalableTargetCommand).rejectsOnce(throttled()).rejectsOnce(concurrent()).resolves({});
    const { deps: d, sleeps } = deps(configWith(INVOCATIONS));
    expect((await applyScaling(inService(), d)).outcome).toBe('scaling-applied');
    expect(aas.commandCalls(RegisterScalableTargetCommand)).toHaveLength(3);
    expect(aas.commandCalls(PutScalingPolicyCommand)).toHaveLength(1);
    expect(sleeps).toEqual([250, 500]);
  });

  test('a throttled DescribeEndpoint and a throttled PutMetricAlarm are retried too', async () => {
    endpointInService();
    sm.on(DescribeEndpointCommand)
      .rejectsOnce(throttled())
      .resolves({ EndpointName: ENDPOINT, EndpointStatus: 'InService', ProductionVariants: [{ VariantName: 'AllTraffic' }] } as any);
    cw.on(PutMetricAlarmCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })).resolves({});
    const { deps: d, sleeps } = deps(configWith(BACKLOG));
    expect((await applyScaling(inService(), d)).outcome).toBe('scaling-applied');
    expect(sm.commandCalls(DescribeEndpointCommand)).toHaveLength(2);
    expect(cw.commandCalls(PutMetricAlarmCommand)).toHaveLength(2);
    expect(sleeps).toEqual([250, 250]);
  });

  test('still throttled after 5 attempts: RetriesExhaustedError naming the call; nothing after it is attempted', async () => {
    endpointInService();
    aas.on(PutScalingPolicyCommand).rejects(concurrent());
    const { deps: d, sleeps } = deps(configWith({ ...INVOCATIONS, scheduled: [{ name: 'night', schedule: 'cron(0 20 ? * * *)', minCapacity: 1 }] }));
    const error = await applyScaling(inService(), d).catch((e) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toBe(
      'Application Auto Scaling PutScalingPolicy still failing after 5 attempts: ConcurrentUpdateException: You already have a pending update to an Auto Scaling resource.',
    );
    expect(error.attempts).toBe(5);
    expect(aas.commandCalls(PutScalingPolicyCommand)).toHaveLength(5);
    expect(sleeps).toEqual([250, 500, 1000, 2000]);
    expect(aas.commandCalls(PutScheduledActionCommand)).toHaveLength(0);
  });

  test('a CloudWatch alarm throttled until retries run out fails naming CloudWatch', async () => {
    endpointInService();
    cw.on(PutMetricAlarmCommand).rejects(throttled());
    const { deps: d } = deps(configWith(BACKLOG));
    const error = await applyScaling(inService(), d).catch((e) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toMatch(/^CloudWatch PutMetricAlarm still failing after 5 attempts: ThrottlingException/);
  });

  test('a validation or access error is not retried and propagates', async () => {
    endpointInService();
    aas.on(RegisterScalableTargetCommand).rejects(Object.assign(new Error('not authorized to perform: iam:CreateServiceLinkedRole'), { name: 'AccessDeniedException' }));
    const { deps: d, sleeps } = deps(configWith(INVOCATIONS));
    await expect(applyScaling(inService(), d)).rejects.toThrow('not authorized to perform: iam:CreateServiceLinkedRole');
    expect(aas.commandCalls(RegisterScalableTargetCommand)).toHaveLength(1);
    expect(aas.commandCalls(PutScalingPolicyCommand)).toHaveLength(0);
    expect(sleeps).toEqual([]);
  });

  test('DescribeEndpoint failing with anything but not-found propagates', async () => {
    sm.on(DescribeEndpointCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { deps: d } = deps(configWith(INVOCATIONS));
    await expect(applyScaling(inService(), d)).rejects.toThrow('denied');
    expect(aas.calls()).toHaveLength(0);
  });
});

describe('scaling configuration (the construct passes this shape)', () => {
  const parse = (scaling: unknown) => PromotionConfigSchema.safeParse({ ...BASE, scaling });

  test('both policy types, scheduled entries and an absent scaling are accepted', () => {
    expect(parse(INVOCATIONS).success).toBe(true);
    expect(parse({ ...BACKLOG, scheduled: [{ name: 'night', schedule: 'cron(0 20 ? * * *)', maxCapacity: 0 }] }).success).toBe(true);
    expect(configWith().scaling).toBeUndefined();
    expect(configWith(BACKLOG).scaling?.policy.type).toBe('backlog');
  });

  test.each([
    ['an unknown policy type', { ...INVOCATIONS, policy: { ...INVOCATIONS.policy, type: 'cpu' } }, /policy/],
    ['no variants', { ...INVOCATIONS, variants: [] }, /variants/],
    ['minCapacity above maxCapacity', { ...INVOCATIONS, variants: [{ variantName: 'AllTraffic', minCapacity: 5, maxCapacity: 2 }] }, /minCapacity must not exceed maxCapacity/],
    ['maxCapacity 0', { ...INVOCATIONS, variants: [{ variantName: 'AllTraffic', minCapacity: 0, maxCapacity: 0 }] }, /maxCapacity/],
    ['a fractional capacity', { ...INVOCATIONS, variants: [{ variantName: 'AllTraffic', minCapacity: 1.5, maxCapacity: 2 }] }, /minCapacity/],
    ['a fractional cooldown', { ...INVOCATIONS, policy: { ...INVOCATIONS.policy, scaleInCooldownSeconds: 1.5 } }, /scaleInCooldownSeconds/],
    ['no scheduled list', { variants: INVOCATIONS.variants, policy: INVOCATIONS.policy }, /scheduled/],
    ['a scheduled action without capacities', { ...INVOCATIONS, scheduled: [{ name: 'n', schedule: 'rate(1 day)' }] }, /set minCapacity, maxCapacity or both/],
    ['a malformed schedule', { ...INVOCATIONS, scheduled: [{ name: 'n', schedule: '0 8 * * *', minCapacity: 1 }] }, /at\(\.\.\.\), rate\(\.\.\.\) or cron/],
  ])('%s is a configuration error', (_name, scaling, message) => {
    expect(() => loadConfig(JSON.stringify({ ...BASE, scaling }))).toThrow(message);
  });

  test('names and resource ids', () => {
    expect(variantResourceId(ENDPOINT, 'AllTraffic')).toBe(`endpoint/${ENDPOINT}/variant/AllTraffic`);
    expect(wakeAlarmName(ENDPOINT)).toBe(`${ENDPOINT}-wake-on-backlog`);
    const names = scalingNames(ENDPOINT, 'AllTraffic');
    expect([names.invocationsPolicy, names.backlogPolicy, names.wakePolicy, names.scheduledAction('night')]).toEqual([
      `${ENDPOINT}-AllTraffic-invocations`,
      `${ENDPOINT}-AllTraffic-backlog`,
      `${ENDPOINT}-AllTraffic-wake-on-backlog`,
      `${ENDPOINT}-AllTraffic-night`,
    ]);
  });
});

describe('handler: dispatch on detail-type (with a scaling configuration)', () => {
  let handler: typeof import('../../../lambda/model-promotion/index').handler;
  beforeAll(() => {
    process.env.AWS_REGION = 'us-east-1';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    process.env.PROMOTION_CONFIG = JSON.stringify({ ...BASE, scaling: INVOCATIONS });
    // Loaded after the environment is set (the configuration is read on the first call); the mocks patch the
    // client classes the module shares with this file.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = (require('../../../lambda/model-promotion/index') as typeof import('../../../lambda/model-promotion/index')).handler;
  });

  test('an endpoint state change registers scaling through the module\'s clients', async () => {
    endpointInService();
    await expect(handler(inService())).resolves.toMatchObject({ statusCode: 200, outcome: 'scaling-applied', variants: ['AllTraffic'] });
    expect(inputs(aas, RegisterScalableTargetCommand)).toEqual([{ ...TARGET('AllTraffic'), MinCapacity: 1, MaxCapacity: 4 }]);
    expect(aas.commandCalls(PutScalingPolicyCommand)).toHaveLength(1);
  });

  test.each([
    ['an unknown detail-type', { ...inService(), 'detail-type': 'SageMaker Training Job State Change' }],
    ['no detail-type', { detail: { EndpointName: ENDPOINT } }],
    ['null', null],
  ])('%s gets a 400 result, never a throw', async (_name, event) => {
    const result = await handler(event);
    expect(result).toMatchObject({ statusCode: 400, outcome: 'rejected' });
    expect(allCalls()).toHaveLength(0);
  });

  test('a malformed endpoint state change gets a 400 from the scaling path', async () => {
    await expect(handler({ ...inService(), detail: {} })).resolves.toMatchObject({ statusCode: 400, outcome: 'rejected', reason: expect.stringMatching(/^not an endpoint state change/) });
  });

  test('an AWS failure while scaling fails the invocation with a clear message (Lambda retries, then the DLQ)', async () => {
    endpointInService();
    aas.on(PutScalingPolicyCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    await expect(handler(inService())).rejects.toThrow('endpoint scaling failed: AccessDeniedException: User is not authorized');
  });
});
