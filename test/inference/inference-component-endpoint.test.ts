import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { InferenceComponent, InferenceComponentOptions } from '../../lib/inference/inference-component';
import { InferenceComponentEndpoint, InferenceComponentEndpointProps } from '../../lib/inference/inference-component-endpoint';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';
import { ModelSource } from '../../lib/inference/model-source';
import { TrainingImage } from '../../lib/training/training-pipeline';
import { strictApp } from '../helpers/compliance';

const PACKAGE = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/3';
const TGI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04';

function build(props: Partial<InferenceComponentEndpointProps> = {}, components: Record<string, InferenceComponentOptions> = { Llm: { model: ModelSource.fromModelPackage(PACKAGE) } }) {
  const stack = new Stack(strictApp(), 'S');
  const lake = new SecureDataLake(stack, 'Lake');
  const endpoint = new InferenceComponentEndpoint(stack, 'Endpoint', { dataLake: lake, endpointName: 'llm-ep', ...props });
  const added = Object.entries(components).map(([id, options]) => endpoint.addComponent(id, options));
  return {
    stack,
    lake,
    endpoint,
    components: added,
    get template() {
      return Template.fromStack(stack);
    },
  };
}

/** Builds an endpoint with one component and returns the error message (or undefined). */
function errorOf(props: Partial<InferenceComponentEndpointProps>, options: InferenceComponentOptions = { model: ModelSource.fromModelPackage(PACKAGE) }): string {
  try {
    build(props, { Llm: options });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a validation error');
}

function statements(template: Template, rolePrefix: string): any[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
  const policy = policies.find((p) => p.Properties.Roles.some((r: any) => r.Ref.startsWith(rolePrefix)));
  expect(policy).toBeDefined();
  return policy.Properties.PolicyDocument.Statement;
}

function promotionConfig(template: Template): any {
  const fn = (Object.values(template.findResources('AWS::Lambda::Function')) as any[]).find((f) => f.Properties.Environment?.Variables?.PROMOTION_CONFIG);
  const raw = fn.Properties.Environment.Variables.PROMOTION_CONFIG;
  const text = typeof raw === 'string' ? raw : raw['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : '<ref>')).join('');
  return JSON.parse(text);
}

const IC_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':inference-component/llm-ep-llm']] };
const EP_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':endpoint/llm-ep']] };

describe('InferenceComponentEndpoint: the fleet', () => {
  test('defaults: managed instance scaling from 0 to 2 instances, no model on the variant, role and network isolation on the config, capture into the lake', () => {
    const { template, endpoint } = build();
    expect(endpoint.minInstanceCount).toBe(0);
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointExecutionRole'), 'Arn'] },
      EnableNetworkIsolation: true,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          InstanceType: 'ml.g5.xlarge',
          InitialInstanceCount: 1,
          ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 2 },
          RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
        },
      ],
      DataCaptureConfig: Match.objectLike({ EnableCapture: true, InitialSamplingPercentage: 100, CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }] }),
    });
    const config = Object.values(template.findResources('AWS::SageMaker::EndpointConfig'))[0] as any;
    expect(config.Properties.ProductionVariants[0].ModelName).toBeUndefined();
    // ml.g5 has local NVMe storage: SageMaker rejects a key there.
    expect(config.Properties.KmsKeyId).toBeUndefined();
    expect(endpoint.storageEncryptedWithKey).toBe(false);
    template.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: 'llm-ep', DeploymentConfig: Match.absent() });
  });

  test('an EBS instance type carries the storage key; capture can be turned off; bounds are set', () => {
    const { template } = build({ instanceType: 'ml.m5.xlarge', captureSamplingPercentage: 0, minInstanceCount: 2, maxInstanceCount: 5 }, { Small: { model: ModelSource.fromImageUri(TGI), cpuCoreCount: 1 } });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointKey'), 'Arn'] },
      DataCaptureConfig: Match.absent(),
      ProductionVariants: [Match.objectLike({ InitialInstanceCount: 2, ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 2, MaxInstanceCount: 5 } })],
    });
    template.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      Specification: Match.objectLike({ ComputeResourceRequirements: { NumberOfCpuCoresRequired: 1, MinMemoryRequiredInMb: 1024 } }),
    });
  });

  test('the execution role writes capture and logs of this endpoint and its components only, and reads each component model', () => {
    const { template } = build({}, { Llm: { model: ModelSource.fromImageUri(TGI, { modelDataKey: 'models/llm/model.tar.gz' }) } });
    const s = statements(template, 'EndpointExecutionRole');
    const logs = s.filter((x) => JSON.stringify(x.Action).includes('logs:PutLogEvents')).flatMap((x) => [x.Resource].flat().map((r: unknown) => JSON.stringify(r)));
    expect(logs).toEqual([expect.stringContaining('/aws/sagemaker/Endpoints/llm-ep:*'), expect.stringContaining('/aws/sagemaker/InferenceComponents/llm-ep-llm:*')]);
    const pulls = s.find((x) => JSON.stringify(x.Action).includes('ecr:BatchGetImage'));
    expect(JSON.stringify(pulls.Resource)).toContain(':repository/huggingface-pytorch-tgi-inference');
    expect(JSON.stringify(pulls.Resource)).not.toContain(':repository/*');
    const reads = s.filter((x) => JSON.stringify(x.Action).includes('s3:GetObject'));
    expect(JSON.stringify(reads)).toContain('/models/llm/*');
  });

  test('imported into platform code as an IInferenceEndpoint: name, ARN and variant metrics', () => {
    const { endpoint, stack } = build();
    expect(stack.resolve(endpoint.endpointArn)).toEqual(EP_ARN);
    expect(stack.resolve(endpoint.metricInvocations().dimensions)).toEqual({ EndpointName: 'llm-ep', VariantName: 'AllTraffic' });
  });
});

describe('InferenceComponentEndpoint: a component', () => {
  test('its model (network isolation), its compute per copy, copies and the rolling update with its rollback alarms', () => {
    const { template, components } = build({}, { Llm: { model: ModelSource.fromModelPackage(PACKAGE), minMemory: Size.gibibytes(8), maxCopies: 3 } });
    const [llm] = components;
    expect(llm.inferenceComponentName).toBe('llm-ep-llm');
    template.hasResourceProperties('AWS::SageMaker::Model', { EnableNetworkIsolation: true, PrimaryContainer: { ModelPackageName: PACKAGE } });
    template.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      InferenceComponentName: 'llm-ep-llm',
      EndpointName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'EndpointName'] },
      VariantName: 'AllTraffic',
      Specification: {
        ModelName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointLlmModel'), 'ModelName'] },
        ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 1, MinMemoryRequiredInMb: 8192 },
        StartupParameters: { ContainerStartupHealthCheckTimeoutInSeconds: 600, ModelDataDownloadTimeoutInSeconds: 600 },
      },
      RuntimeConfig: { CopyCount: 1 },
      DeploymentConfig: {
        RollingUpdatePolicy: {
          MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 50 },
          WaitIntervalInSeconds: 300,
          RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 100 },
        },
        AutoRollbackConfiguration: {
          Alarms: [{ AlarmName: { Ref: Match.stringLikeRegexp('^EndpointLlmServerErrorsAlarm') } }, { AlarmName: { Ref: Match.stringLikeRegexp('^EndpointLlmLatencyP99Alarm') } }],
        },
      },
    });
    expect(llm.rollbackAlarms).toHaveLength(2);
  });

  test('rollback alarms watch the component: 5XX per minute and p99 latency (microseconds), notifying the alarm topic', () => {
    const { template } = build({ serverErrorThreshold: 3, latencyP99Threshold: Duration.seconds(20) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Invocation5XXErrors',
      Namespace: 'AWS/SageMaker',
      Dimensions: [{ Name: 'InferenceComponentName', Value: 'llm-ep-llm' }],
      Statistic: 'Sum',
      Period: 60,
      Threshold: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^EndpointAlarmTopic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ModelLatency',
      Dimensions: [{ Name: 'InferenceComponentName', Value: 'llm-ep-llm' }],
      ExtendedStatistic: 'p99',
      Threshold: 20_000_000,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
  });

  test('a custom rolling update', () => {
    const { template } = build({}, {
      Llm: { model: ModelSource.fromModelPackage(PACKAGE), rollingUpdate: { maximumBatchPercent: 25, waitInterval: Duration.minutes(10), rollbackMaximumBatchPercent: 50, maximumExecutionTimeout: Duration.hours(2) } },
    });
    template.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      DeploymentConfig: Match.objectLike({
        RollingUpdatePolicy: { MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 25 }, WaitIntervalInSeconds: 600, RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 50 }, MaximumExecutionTimeoutInSeconds: 7200 },
      }),
    });
  });

  test('warm copies: target tracking on concurrent requests per copy, no scale-from-zero step', () => {
    const { template } = build({}, { Llm: { model: ModelSource.fromModelPackage(PACKAGE), minCopies: 2, maxCopies: 6, targetConcurrentRequestsPerCopy: 8 } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ResourceId: 'inference-component/llm-ep-llm',
      ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
      MinCapacity: 2,
      MaxCapacity: 6,
      RoleARN: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint')])] }),
    });
    template.hasResourceProperties('AWS::SageMaker::InferenceComponent', { RuntimeConfig: { CopyCount: 2 } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution' },
        TargetValue: 8,
        ScaleInCooldown: 600,
        ScaleOutCooldown: 120,
      },
    });
    template.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'StepScaling' }, 0);
    // The target is registered after the component exists.
    const target = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0] as any;
    expect(target.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^EndpointLlm[0-9A-F]{8}$/)]));
  });

  test('scale to zero: copies down to 0, and the NoCapacityInvocationFailures alarm triggers a step policy that adds one copy', () => {
    const { template } = build({}, { Llm: { model: ModelSource.fromModelPackage(PACKAGE), minCopies: 0, maxCopies: 1 } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 1, ResourceId: 'inference-component/llm-ep-llm' });
    // A new component starts with one copy; autoscaling takes it to zero when idle.
    template.hasResourceProperties('AWS::SageMaker::InferenceComponent', { RuntimeConfig: { CopyCount: 1 } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity',
        MetricAggregationType: 'Maximum',
        Cooldown: 120,
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      },
    });
    const policies = template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', { Properties: { PolicyType: 'StepScaling' } });
    const [stepId] = Object.keys(policies);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NoCapacityInvocationFailures',
      Namespace: 'AWS/SageMaker',
      Dimensions: [{ Name: 'InferenceComponentName', Value: 'llm-ep-llm' }],
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: stepId }],
    });
    // Scaling in to zero is target tracking's job: no lower step alarm.
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'NoCapacityInvocationFailures' }, 1);
  });

  test('several models share the fleet, each with its own compute, copies and alarms', () => {
    const { template, components } = build({ instanceType: 'ml.g5.12xlarge', maxInstanceCount: 4 }, {
      Chat: { model: ModelSource.fromModelPackage(PACKAGE), acceleratorCount: 2, minCopies: 2 },
      Embed: { model: ModelSource.fromImageUri(TGI), componentName: 'embeddings', acceleratorCount: 1, minMemory: Size.gibibytes(4), minCopies: 2 },
    });
    expect(components.map((c) => c.inferenceComponentName)).toEqual(['llm-ep-chat', 'llm-ep-embeddings']);
    template.resourceCountIs('AWS::SageMaker::InferenceComponent', 2);
    template.resourceCountIs('AWS::SageMaker::Model', 2);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 2);
    template.hasResourceProperties('AWS::SageMaker::InferenceComponent', { InferenceComponentName: 'llm-ep-chat', Specification: Match.objectLike({ ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 2, MinMemoryRequiredInMb: 1024 } }) });
    template.hasResourceProperties('AWS::SageMaker::InferenceComponent', { InferenceComponentName: 'llm-ep-embeddings', Specification: Match.objectLike({ ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 1, MinMemoryRequiredInMb: 4096 } }) });
  });

  test('grants: the component grants invoke on its endpoint and itself; the endpoint on itself and its components', () => {
    const { stack, endpoint, components } = build();
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    components[0].grantInvoke(caller);
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.grantInvoke(other);
    const template = Template.fromStack(stack);
    const actions = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'];
    expect(statements(template, 'Caller')).toEqual([{ Effect: 'Allow', Action: actions, Resource: [EP_ARN, IC_ARN] }]);
    expect(statements(template, 'Other')).toEqual([{ Effect: 'Allow', Action: actions, Resource: [EP_ARN, IC_ARN] }]);
  });

  test('an existing component can be imported, with its metrics and grant', () => {
    const { stack } = build();
    const imported = InferenceComponent.fromInferenceComponentAttributes(stack, 'Imported', {
      endpoint: InferenceEndpoint.fromEndpointName(stack, 'Ep', 'existing'),
      inferenceComponentName: 'existing-chat',
    });
    expect(stack.resolve(imported.metricNoCapacityFailures().dimensions)).toEqual({ InferenceComponentName: 'existing-chat' });
    expect(imported.metricLatency({ statistic: 'p99' }).statistic).toBe('p99');
    expect(stack.resolve(imported.inferenceComponentArn)['Fn::Join'][1]).toContain(':inference-component/existing-chat');
    expect(() => InferenceComponent.fromInferenceComponentAttributes(stack, 'Bad', { endpoint: imported.endpoint, inferenceComponentName: 'has space' })).toThrow(/inferenceComponentName/);
  });
});

describe('InferenceComponentEndpoint: promotion to a component', () => {
  test('a component CloudFormation manages: the function updates it (rolling update, rollback alarms), CloudFormation keeps its scaling', () => {
    const { template } = build({}, { Llm: { model: ModelSource.fromModelPackage(PACKAGE), modelPackageGroupName: 'llm', minCopies: 0 } });
    const config = promotionConfig(template);
    expect(config.endpointConfigTemplate).toBeUndefined();
    expect(config.inferenceComponent).toEqual({
      name: 'llm-ep-llm',
      variantName: 'AllTraffic',
      specification: {
        ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 1, MinMemoryRequiredInMb: 1024 },
        StartupParameters: { ContainerStartupHealthCheckTimeoutInSeconds: 600, ModelDataDownloadTimeoutInSeconds: 600 },
      },
      copyCount: 1,
    });
    expect(config.deploymentConfig).toEqual({
      RollingUpdatePolicy: { MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 50 }, WaitIntervalInSeconds: 300, RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 100 } },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: '<ref>' }, { AlarmName: '<ref>' }] },
    });
    const s = statements(template, 'EndpointLlmPromotionFunction');
    const byAction = (action: string) => s.filter((x) => [x.Action].flat().includes(action));
    expect(byAction('sagemaker:UpdateInferenceComponent')).toEqual([expect.objectContaining({ Resource: IC_ARN })]);
    expect(byAction('sagemaker:CreateInferenceComponent').map((x) => x.Resource)).toEqual([IC_ARN, EP_ARN]);
    expect(JSON.stringify(byAction('sagemaker:CreateModel')[0].Resource)).toContain(':model/llm-ep-llm-*');
    // The function never touches the endpoint or its configs, and registers no scaling here.
    for (const action of ['sagemaker:UpdateEndpoint', 'sagemaker:CreateEndpoint', 'sagemaker:CreateEndpointConfig', 'application-autoscaling:RegisterScalableTarget', 'kms:CreateGrant']) {
      expect(byAction(action)).toEqual([]);
    }
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { detail: { ModelPackageGroupName: ['llm'], ModelApprovalStatus: ['Approved'] } },
      Targets: [Match.objectLike({ SqsParameters: { MessageGroupId: 'llm-ep-llm' } })],
    });
  });

  test('a component the first approval creates: no component in the template, the function registers its copy scaling (and nothing else)', () => {
    const { template, components } = build({}, { Llm: { modelPackageGroupName: 'llm', minCopies: 0, maxCopies: 1 } });
    expect(components[0].resource).toBeUndefined();
    template.resourceCountIs('AWS::SageMaker::InferenceComponent', 0);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    // The rollback alarms exist already: the function's rolling updates use them.
    expect(components[0].rollbackAlarms).toHaveLength(2);
    const config = promotionConfig(template);
    expect(config.inferenceComponent.scaling).toEqual({ minCopies: 0, maxCopies: 1, targetValue: 4, scaleInCooldownSeconds: 600, scaleOutCooldownSeconds: 120, scaleFromZero: true });
    const s = statements(template, 'EndpointLlmPromotionFunction');
    const byAction = (action: string) => s.filter((x) => [x.Action].flat().includes(action));
    expect(byAction('sagemaker:UpdateInferenceComponentRuntimeConfig')).toEqual([expect.objectContaining({ Resource: IC_ARN })]);
    expect(JSON.stringify(byAction('cloudwatch:PutMetricAlarm')[0].Resource)).toContain('alarm:TargetTracking-inference-component/llm-ep-llm-*');
    expect(JSON.stringify(byAction('cloudwatch:PutMetricAlarm')[0].Resource)).toContain('alarm:llm-ep-llm-scale-from-zero');
    expect(byAction('sagemaker:UpdateEndpointWeightsAndCapacities')).toEqual([]);
    // No endpoint state-change rule: the queue brings the approval back until the component is in service.
    template.resourcePropertiesCountIs('AWS::Events::Rule', { EventPattern: { 'detail-type': ['SageMaker Endpoint State Change'] } }, 0);
  });

  test('two components of one app cannot promote from the same group', () => {
    expect(() => build({}, { A: { modelPackageGroupName: 'llm' }, B: { modelPackageGroupName: 'llm' } })).toThrow(/promotes from "llm" already/);
  });
});

describe('InferenceComponentEndpoint: validation (synth-time errors naming path, prop, value and what is allowed)', () => {
  test.each<[string, Partial<InferenceComponentEndpointProps>, InferenceComponentOptions, RegExp]>([
    ['more GPUs per copy than the instance has', {}, { model: ModelSource.fromModelPackage(PACKAGE), acceleratorCount: 2 }, /S\/Endpoint\/Llm: invalid acceleratorCount.*2.*at most 1, the GPUs of one ml\.g5\.xlarge/],
    ['GPUs on a CPU instance type', { instanceType: 'ml.m5.xlarge' }, { model: ModelSource.fromImageUri(TGI), acceleratorCount: 1 }, /acceleratorCount.*none on ml\.m5\.xlarge/],
    ['more CPU cores than the instance has', { instanceType: 'ml.g5.xlarge' }, { model: ModelSource.fromModelPackage(PACKAGE), cpuCoreCount: 8 }, /cpuCoreCount.*8.*at most 4, the vCPUs of one ml\.g5\.xlarge/],
    ['more memory than the instance has', {}, { model: ModelSource.fromModelPackage(PACKAGE), minMemory: Size.gibibytes(32) }, /minMemory.*32768 MiB.*at most 16384 MiB \(16 GiB\), the memory of one ml\.g5\.xlarge/],
    ['zero copies without managed scaling to zero', { minInstanceCount: 1 }, { model: ModelSource.fromModelPackage(PACKAGE), minCopies: 0 }, /minCopies.*0.*at least 1 on a real-time endpoint without managed scaling to zero.*minInstanceCount 1/],
    ['maxCopies below minCopies', {}, { model: ModelSource.fromModelPackage(PACKAGE), minCopies: 3, maxCopies: 2 }, /maxCopies.*2.*at least minCopies \(3\)/],
    ['a fractional copy count', {}, { model: ModelSource.fromModelPackage(PACKAGE), minCopies: 1.5 }, /minCopies.*1\.5.*an integer from 0 to 1000/],
    ['a batch above half the copies', {}, { model: ModelSource.fromModelPackage(PACKAGE), rollingUpdate: { maximumBatchPercent: 60 } }, /rollingUpdate\.maximumBatchPercent.*60.*from 5 to 50/],
    ['a bake longer than an hour', {}, { model: ModelSource.fromModelPackage(PACKAGE), rollingUpdate: { waitInterval: Duration.hours(2) } }, /rollingUpdate\.waitInterval \(seconds\).*7200/],
    ['an update timeout under 10 minutes', {}, { model: ModelSource.fromModelPackage(PACKAGE), rollingUpdate: { maximumExecutionTimeout: Duration.minutes(5) } }, /maximumExecutionTimeout \(seconds\).*300.*from 600 to 28800/],
    ['neither a model nor a group', {}, {}, /model.*a ModelSource, or a modelPackageGroupName/],
    ['a bad component name', {}, { model: ModelSource.fromModelPackage(PACKAGE), componentName: 'Chat_Model' }, /componentName.*Chat_Model.*lower-case letters/],
    ['a long component name', {}, { model: ModelSource.fromModelPackage(PACKAGE), componentName: 'a-very-long-component-name' }, /componentName.*at most 16 characters/],
    ['a concurrency target of zero', {}, { model: ModelSource.fromModelPackage(PACKAGE), targetConcurrentRequestsPerCopy: 0 }, /targetConcurrentRequestsPerCopy.*0/],
    ['a startup timeout under a minute', {}, { model: ModelSource.fromModelPackage(PACKAGE), containerStartupTimeout: Duration.seconds(30) }, /containerStartupTimeout \(seconds\).*30/],
    ['images with an image model', {}, { model: ModelSource.fromImageUri(TGI), modelPackageImages: [TrainingImage.fromImageUri(TGI)] }, /modelPackageImages.*only with ModelSource\.fromModelPackage or modelPackageGroupName/],
    ['self approval without a group', {}, { model: ModelSource.fromModelPackage(PACKAGE), allowSelfApproval: true }, /allowSelfApproval.*only with modelPackageGroupName/],
    ['a model of another group', {}, { model: ModelSource.fromModelPackage(PACKAGE), modelPackageGroupName: 'other' }, /modelPackageGroupName.*other.*"llm", the group of the model package/],
    ['an endpoint name too long for component names', { endpointName: 'a'.repeat(31) }, { model: ModelSource.fromModelPackage(PACKAGE) }, /endpointName.*at most 30/],
    ['fewer max than min instances', { minInstanceCount: 3, maxInstanceCount: 2 }, { model: ModelSource.fromModelPackage(PACKAGE) }, /maxInstanceCount.*2.*at least minInstanceCount \(3\)/],
    ['a negative instance floor', { minInstanceCount: -1 }, { model: ModelSource.fromModelPackage(PACKAGE) }, /minInstanceCount.*-1.*from 0 to 1000/],
    ['requireGpu on a CPU type', { instanceType: 'ml.m5.xlarge', requireGpu: true }, { model: ModelSource.fromImageUri(TGI) }, /instanceType.*ml\.m5\.xlarge.*a GPU family/],
    ['an instance type SageMaker does not host on', { instanceType: 'ml.g5.3xlarge' }, { model: ModelSource.fromModelPackage(PACKAGE) }, /instanceType.*ml\.g5\.3xlarge/],
    ['capture above 100 percent', { captureSamplingPercentage: 101 }, { model: ModelSource.fromModelPackage(PACKAGE) }, /captureSamplingPercentage.*101/],
  ])('%s', (_name, props, options, message) => {
    expect(errorOf(props, options)).toMatch(message);
  });

  test('two components with the same name', () => {
    expect(() => build({}, { Llm: { model: ModelSource.fromModelPackage(PACKAGE) }, Other: { model: ModelSource.fromModelPackage(PACKAGE), componentName: 'llm' } })).toThrow(
      /S\/Endpoint\/Other: invalid componentName.*llm.*a name no other component of S\/Endpoint has \(S\/Endpoint\/Llm has it\)/,
    );
  });

  test('the largest GPU instance takes all its GPUs and memory per copy; an unlisted type skips the compute checks with an info', () => {
    expect(() => build({ instanceType: 'ml.g5.48xlarge' }, { Llm: { model: ModelSource.fromModelPackage(PACKAGE), acceleratorCount: 8, minMemory: Size.gibibytes(700) } })).not.toThrow();
    const { stack } = build({ instanceType: 'ml.g9.xlarge', allowUnlistedInstanceType: true }, { Llm: { model: ModelSource.fromModelPackage(PACKAGE), acceleratorCount: 8 } });
    Annotations.fromStack(stack).hasInfo('/S/Endpoint', Match.stringLikeRegexp('ml.g9.xlarge is not in this library'));
  });
});
