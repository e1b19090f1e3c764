import { ApplicationAutoScalingClient, PutScalingPolicyCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  AddTagsCommand,
  CreateEndpointConfigCommand,
  CreateInferenceComponentCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeInferenceComponentCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateInferenceComponentCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { PromotionConfig, loadConfig } from '../../../lambda/model-promotion/config';
import { MODEL_PACKAGE_TAG, promote, resourceName } from '../../../lambda/model-promotion/promote';

const sm = mockClient(SageMakerClient);
const ct = mockClient(CloudTrailClient);
const aas = mockClient(ApplicationAutoScalingClient);
const cw = mockClient(CloudWatchClient);
const ENDPOINT = 'llm-endpoint';
const COMPONENT = 'llm-endpoint-llm';
const COMPONENT_ARN = `arn:aws:sagemaker:us-east-1:123456789012:inference-component/${COMPONENT}`;
const GROUP = 'llm';
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/7';
const NAME = resourceName(COMPONENT, ARN);
const REVIEWER = 'arn:aws:sts::123456789012:assumed-role/ModelReviewer/bob';
const PIPELINE_ROLE = 'arn:aws:sts::123456789012:assumed-role/TrainingPipelineRole1A2B/SageMaker';
const SPECIFICATION = {
  ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 1, MinMemoryRequiredInMb: 1024 },
  StartupParameters: { ContainerStartupHealthCheckTimeoutInSeconds: 600, ModelDataDownloadTimeoutInSeconds: 600 },
};
const ROLLING = {
  RollingUpdatePolicy: { MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 50 }, WaitIntervalInSeconds: 300, RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 100 } },
  AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'llm-5xx' }, { AlarmName: 'llm-p99' }] },
};
const SCALING = { minCopies: 0, maxCopies: 2, targetValue: 4, scaleInCooldownSeconds: 600, scaleOutCooldownSeconds: 120, scaleFromZero: true };

function config(overrides: Partial<PromotionConfig['inferenceComponent'] & object> = {}, top: Partial<PromotionConfig> = {}): PromotionConfig {
  return {
    endpointName: ENDPOINT,
    modelPackageGroupName: GROUP,
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    deploymentConfig: ROLLING,
    // The registry checks of separation of duties are the same for endpoints and components (promote.test.ts).
    allowSelfApproval: true,
    inferenceComponent: { name: COMPONENT, variantName: 'AllTraffic', specification: SPECIFICATION, copyCount: 1, ...overrides },
    ...top,
  };
}

function approval(arn = ARN) {
  return { id: 'e', source: 'aws.sagemaker', 'detail-type': 'SageMaker Model Package State Change', detail: { ModelPackageGroupName: GROUP, ModelPackageArn: arn, ModelApprovalStatus: 'Approved' } };
}

const notFound = (what: string) => Object.assign(new Error(`Could not find ${what} "x".`), { name: 'ValidationException' });

function deps(cfg: PromotionConfig) {
  const records: Array<[string, string, Record<string, unknown> | undefined]> = [];
  return {
    records,
    deps: {
      sagemaker: new SageMakerClient({ region: 'us-east-1' }),
      cloudtrail: new CloudTrailClient({ region: 'us-east-1' }),
      autoscaling: new ApplicationAutoScalingClient({ region: 'us-east-1' }),
      cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
      config: cfg,
      logger: { info: (m: string, e?: Record<string, unknown>) => records.push(['info', m, e]), warn: (m: string, e?: Record<string, unknown>) => records.push(['warn', m, e]) },
      retry: { maxAttempts: 2, baseDelayMs: 1, sleep: async () => undefined, random: () => 1 },
    },
  };
}

/** The registry approves version 7; the component serves version 6 with copies running. */
function servingVersion6(copies = 2, status = 'InService') {
  sm.on(DescribeModelPackageCommand).resolves({
    ModelPackageGroupName: GROUP,
    ModelApprovalStatus: 'Approved',
    CreatedBy: { IamIdentity: { Arn: PIPELINE_ROLE } },
    LastModifiedBy: { IamIdentity: { Arn: REVIEWER } },
  } as any);
  sm.on(DescribeInferenceComponentCommand).resolves({
    InferenceComponentName: COMPONENT,
    InferenceComponentArn: COMPONENT_ARN,
    EndpointName: ENDPOINT,
    InferenceComponentStatus: status,
    Specification: { ModelName: 'llm-v6', ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 1, MinMemoryRequiredInMb: 1024 } },
    RuntimeConfig: { DesiredCopyCount: copies, CurrentCopyCount: copies },
  } as any);
  sm.on(DescribeModelCommand).rejects(notFound('model'));
  sm.on(DescribeModelCommand, { ModelName: 'llm-v6' }).resolves({ ModelName: 'llm-v6', PrimaryContainer: { ModelPackageName: ARN.replace('/7', '/6') } } as any);
  sm.on(CreateModelCommand).resolves({});
  sm.on(UpdateInferenceComponentCommand).resolves({ InferenceComponentArn: COMPONENT_ARN });
  sm.on(AddTagsCommand).resolves({});
}

const TAGS = [
  { Key: MODEL_PACKAGE_TAG, Value: ARN },
  { Key: 'genai:promoted-by', Value: 'model-promotion' },
];

beforeEach(() => {
  sm.reset();
  ct.reset();
  aas.reset();
  cw.reset();
});

describe('promotion to an inference component', () => {
  test('the configuration takes an inferenceComponent instead of an endpoint config template, never both or neither', () => {
    const cfg = config();
    expect(loadConfig(JSON.stringify(cfg)).inferenceComponent?.name).toBe(COMPONENT);
    expect(() => loadConfig(JSON.stringify({ ...cfg, endpointConfigTemplate: { ProductionVariants: [{ VariantName: 'AllTraffic' }] } }))).toThrow(/exactly one of endpointConfigTemplate/);
    expect(() => loadConfig(JSON.stringify({ ...cfg, inferenceComponent: undefined }))).toThrow(/exactly one of endpointConfigTemplate/);
    expect(() => loadConfig(JSON.stringify(config({ scaling: { ...SCALING, minCopies: 3 } })))).toThrow(/minCopies must not exceed maxCopies/);
  });

  test('updates the component: a new model of the version, then UpdateInferenceComponent with the rolling update and rollback alarms; no endpoint change', async () => {
    servingVersion6();
    const { deps: d, records } = deps(config());
    const result = await promote(approval(), d);
    expect(result).toEqual(expect.objectContaining({ statusCode: 200, outcome: 'updated', inferenceComponentName: COMPONENT, modelName: NAME, endpointName: ENDPOINT }));
    expect(NAME.startsWith(`${COMPONENT}-7-`)).toBe(true);
    expect(sm.commandCalls(CreateModelCommand).map((c) => c.args[0].input)).toEqual([
      { ModelName: NAME, ExecutionRoleArn: 'arn:aws:iam::123456789012:role/exec', PrimaryContainer: { ModelPackageName: ARN }, EnableNetworkIsolation: true, VpcConfig: undefined, Tags: TAGS },
    ]);
    expect(sm.commandCalls(UpdateInferenceComponentCommand).map((c) => c.args[0].input)).toEqual([
      { InferenceComponentName: COMPONENT, Specification: { ...SPECIFICATION, ModelName: NAME }, DeploymentConfig: ROLLING },
    ]);
    expect(sm.commandCalls(AddTagsCommand).map((c) => c.args[0].input)).toEqual([{ ResourceArn: COMPONENT_ARN, Tags: TAGS }]);
    for (const c of [UpdateEndpointCommand, CreateEndpointConfigCommand, CreateInferenceComponentCommand]) expect(sm.commandCalls(c as any)).toHaveLength(0);
    expect(records).toContainEqual(['info', 'inference component update started', expect.objectContaining({ previousModelName: 'llm-v6', rolling: true })]);
  });

  test('a component scaled to zero copies is updated without a rolling update (nothing to roll or roll back)', async () => {
    servingVersion6(0);
    const { deps: d } = deps(config());
    expect((await promote(approval(), d)).outcome).toBe('updated');
    expect(sm.commandCalls(UpdateInferenceComponentCommand)[0].args[0].input.DeploymentConfig).toBeUndefined();
  });

  test('never backwards: a component that serves a newer version stays; one that serves this version is left alone', async () => {
    servingVersion6();
    const { deps: d } = deps(config());
    const older = await promote(approval(ARN.replace('/7', '/5')), d);
    expect(older).toEqual(expect.objectContaining({ statusCode: 200, outcome: 'superseded', deployedModelPackageArn: ARN.replace('/7', '/6') }));
    const same = await promote(approval(ARN.replace('/7', '/6')), d);
    expect(same).toEqual(expect.objectContaining({ outcome: 'already-deployed', reason: 'llm-v6 already serves the version' }));
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(0);
    expect(sm.commandCalls(UpdateInferenceComponentCommand)).toHaveLength(0);
  });

  test.each(['Creating', 'Updating', 'Deleting'])('a component that is %s: the approval waits in the queue (202)', async (status) => {
    servingVersion6(2, status);
    const { deps: d } = deps(config());
    const result = await promote(approval(), d);
    expect(result).toEqual(expect.objectContaining({ statusCode: 202, outcome: 'waiting', reason: expect.stringContaining(`inference component ${COMPONENT} is ${status}`) }));
    expect(sm.commandCalls(UpdateInferenceComponentCommand)).toHaveLength(0);
  });

  test('an update refused because another one started meanwhile waits; other errors are thrown', async () => {
    servingVersion6();
    sm.on(UpdateInferenceComponentCommand).rejects(Object.assign(new Error('Cannot update inference component while it is updating'), { name: 'ValidationException' }));
    const { deps: d } = deps(config());
    expect(await promote(approval(), d)).toEqual(expect.objectContaining({ statusCode: 202, outcome: 'waiting' }));
    sm.on(UpdateInferenceComponentCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(promote(approval(), d)).rejects.toThrow(/not authorized/);
  });

  test('a re-delivered approval finds its own model on the component: already deployed, nothing created', async () => {
    servingVersion6();
    sm.on(DescribeInferenceComponentCommand).resolves({ InferenceComponentName: COMPONENT, InferenceComponentArn: COMPONENT_ARN, InferenceComponentStatus: 'Updating', Specification: { ModelName: NAME } } as any);
    const { deps: d } = deps(config());
    expect(await promote(approval(), d)).toEqual(expect.objectContaining({ statusCode: 200, outcome: 'already-deployed', reason: `the component already rolls out ${NAME}` }));
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(0);
  });

  test('a component that failed with this version goes to an operator (thrown, so the queue dead-letters it)', async () => {
    servingVersion6();
    sm.on(DescribeInferenceComponentCommand).resolves({ InferenceComponentName: COMPONENT, InferenceComponentStatus: 'Failed', FailureReason: 'CUDA out of memory', Specification: { ModelName: NAME } } as any);
    const { deps: d } = deps(config());
    await expect(promote(approval(), d)).rejects.toThrow(/failed with .*CUDA out of memory/);
  });

  describe('first approval of a component the template does not manage', () => {
    function noComponent(endpointStatus = 'InService') {
      servingVersion6();
      sm.on(DescribeInferenceComponentCommand).rejects(notFound('inference component'));
      sm.on(DescribeEndpointCommand).resolves({ EndpointName: ENDPOINT, EndpointStatus: endpointStatus } as any);
      sm.on(CreateInferenceComponentCommand).resolves({ InferenceComponentArn: COMPONENT_ARN });
    }

    test('creates the component on the endpoint with the synthesized specification and copies, then waits to register its scaling', async () => {
      noComponent();
      const { deps: d } = deps(config({ scaling: SCALING }));
      const result = await promote(approval(), d);
      expect(result).toEqual(expect.objectContaining({ statusCode: 202, outcome: 'waiting', reason: expect.stringMatching(/created inference component .* copy scaling is registered once it is in service/) }));
      expect(sm.commandCalls(CreateInferenceComponentCommand).map((c) => c.args[0].input)).toEqual([
        { InferenceComponentName: COMPONENT, EndpointName: ENDPOINT, VariantName: 'AllTraffic', Specification: { ...SPECIFICATION, ModelName: NAME }, RuntimeConfig: { CopyCount: 1 }, Tags: TAGS },
      ]);
      expect(aas.calls()).toHaveLength(0);
    });

    test('without function-managed scaling the creation is the end of the promotion', async () => {
      noComponent();
      const { deps: d } = deps(config());
      expect(await promote(approval(), d)).toEqual(expect.objectContaining({ statusCode: 200, outcome: 'created' }));
    });

    test.each([['Creating'], ['Updating']])('waits while the endpoint is %s (a component needs an endpoint in service)', async (status) => {
      noComponent(status);
      const { deps: d } = deps(config({ scaling: SCALING }));
      expect(await promote(approval(), d)).toEqual(expect.objectContaining({ outcome: 'waiting', reason: expect.stringContaining(`endpoint ${ENDPOINT} is ${status}`) }));
      expect(sm.commandCalls(CreateInferenceComponentCommand)).toHaveLength(0);
    });

    test('waits while the endpoint does not exist', async () => {
      noComponent();
      sm.on(DescribeEndpointCommand).rejects(notFound('endpoint'));
      const { deps: d } = deps(config());
      expect(await promote(approval(), d)).toEqual(expect.objectContaining({ outcome: 'waiting', reason: expect.stringContaining('does not exist') }));
    });

    test('the returning approval registers copy scaling once the component is in service: target tracking, the step from zero and its alarm', async () => {
      servingVersion6();
      sm.on(DescribeInferenceComponentCommand).resolves({ InferenceComponentName: COMPONENT, InferenceComponentArn: COMPONENT_ARN, InferenceComponentStatus: 'InService', Specification: { ModelName: NAME } } as any);
      aas.on(RegisterScalableTargetCommand).resolves({});
      aas.on(PutScalingPolicyCommand).resolves({ PolicyARN: 'arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x:resource/sagemaker/inference-component/llm-endpoint-llm:policyName/step' });
      cw.on(PutMetricAlarmCommand).resolves({});
      const { deps: d } = deps(config({ scaling: SCALING }));
      const result = await promote(approval(), d);
      expect(result).toEqual(expect.objectContaining({ statusCode: 200, outcome: 'already-deployed', reason: `the component already serves ${NAME} (copy scaling registered)` }));
      const target = { ServiceNamespace: 'sagemaker', ResourceId: `inference-component/${COMPONENT}`, ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount' };
      expect(aas.commandCalls(RegisterScalableTargetCommand).map((c) => c.args[0].input)).toEqual([{ ...target, MinCapacity: 0, MaxCapacity: 2 }]);
      expect(aas.commandCalls(PutScalingPolicyCommand).map((c) => c.args[0].input)).toEqual([
        expect.objectContaining({
          ...target,
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 4,
            PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution' },
            ScaleInCooldown: 600,
            ScaleOutCooldown: 120,
          },
        }),
        expect.objectContaining({
          ...target,
          PolicyName: `${COMPONENT}-scale-from-zero`,
          PolicyType: 'StepScaling',
          StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', MetricAggregationType: 'Maximum', Cooldown: 120, StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
        }),
      ]);
      expect(cw.commandCalls(PutMetricAlarmCommand).map((c) => c.args[0].input)).toEqual([
        expect.objectContaining({
          AlarmName: `${COMPONENT}-scale-from-zero`,
          MetricName: 'NoCapacityInvocationFailures',
          Namespace: 'AWS/SageMaker',
          Dimensions: [{ Name: 'InferenceComponentName', Value: COMPONENT }],
          Statistic: 'Sum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: ['arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x:resource/sagemaker/inference-component/llm-endpoint-llm:policyName/step'],
        }),
      ]);
    });

    test('while the created component is still starting, the approval keeps waiting and registers nothing', async () => {
      servingVersion6();
      sm.on(DescribeInferenceComponentCommand).resolves({ InferenceComponentName: COMPONENT, InferenceComponentStatus: 'Creating', Specification: { ModelName: NAME } } as any);
      const { deps: d } = deps(config({ scaling: SCALING }));
      expect(await promote(approval(), d)).toEqual(expect.objectContaining({ statusCode: 202, outcome: 'waiting' }));
      expect(aas.calls()).toHaveLength(0);
    });

    test('a component that does not scale to zero gets target tracking only', async () => {
      servingVersion6();
      sm.on(DescribeInferenceComponentCommand).resolves({ InferenceComponentName: COMPONENT, InferenceComponentStatus: 'InService', Specification: { ModelName: NAME } } as any);
      aas.on(RegisterScalableTargetCommand).resolves({});
      aas.on(PutScalingPolicyCommand).resolves({ PolicyARN: 'p' });
      const { deps: d } = deps(config({ scaling: { ...SCALING, minCopies: 2, maxCopies: 4, scaleFromZero: false } }));
      await promote(approval(), d);
      expect(aas.commandCalls(PutScalingPolicyCommand).map((c) => c.args[0].input.PolicyType)).toEqual(['TargetTrackingScaling']);
      expect(cw.calls()).toHaveLength(0);
    });
  });

  test('separation of duties applies to components too: a version approved by its registrant is refused before anything changes', async () => {
    servingVersion6();
    sm.on(DescribeModelPackageCommand).resolves({ ModelPackageGroupName: GROUP, ModelApprovalStatus: 'Approved', CreatedBy: { IamIdentity: { Arn: PIPELINE_ROLE } }, LastModifiedBy: { IamIdentity: { Arn: PIPELINE_ROLE } } } as any);
    const { deps: d } = deps(config({}, { allowSelfApproval: undefined }));
    const result = await promote(approval(), d);
    expect(result).toEqual(expect.objectContaining({ statusCode: 403, outcome: 'refused', reason: expect.stringMatching(/^separation of duties/) }));
    expect(sm.commandCalls(DescribeInferenceComponentCommand)).toHaveLength(0);
  });
});
