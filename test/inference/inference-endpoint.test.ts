import { Aws, CfnParameter, Duration, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { DeploymentStrategy } from '../../lib/inference/deployment-strategy';
import { InferenceEndpoint, InferenceEndpointProps } from '../../lib/inference/inference-endpoint';
import { ModelSource } from '../../lib/inference/model-source';
import { TrainingImage } from '../../lib/training/training-pipeline';
import { Construct } from 'constructs';
import { strictApp } from '../helpers/compliance';

const PACKAGE = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/3';
const TGI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04';
const MONITOR = '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer:latest';

function build(props: Partial<InferenceEndpointProps> = {}, withModel = true) {
  const stack = new Stack(strictApp(), 'S');
  const lake = new SecureDataLake(stack, 'Lake');
  const endpoint = new InferenceEndpoint(stack, 'Endpoint', {
    dataLake: lake,
    model: withModel ? ModelSource.fromModelPackage(PACKAGE) : undefined,
    ...props,
  });
  return { stack, lake, endpoint, template: Template.fromStack(stack) };
}

/** An imported lake with the zones an endpoint uses (cheaper than a new lake per endpoint). */
const LAKE_ATTRS = (scope: Construct) => ({
  encryptionKey: kms.Key.fromKeyArn(scope, 'LakeKey', Stack.of(scope).formatArn({ service: 'kms', resource: 'key', resourceName: '1234abcd-12ab-34cd-56ef-1234567890ab' })),
  modelArtifactsBucket: s3.Bucket.fromBucketName(scope, 'Artifacts', 'acme-model-artifacts'),
  inferenceCaptureBucket: s3.Bucket.fromBucketName(scope, 'Capture', 'acme-inference-capture'),
});

const ref = (prefix: string) => ({ Ref: Match.stringLikeRegexp(`^${prefix}`) });
/** The same as `ref`/`arnOf`, for plain jest matchers. */
const jref = (prefix: string) => ({ Ref: expect.stringMatching(new RegExp(`^${prefix}`)) });
/** The lake's grants name its key for use through S3 only. */
const VIA_S3 = { StringEquals: { 'kms:ViaService': [{ 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] }] } };
const jarn = (prefix: string) => ({ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${prefix}`)), 'Arn'] });
const objects = (bucketPrefix: string, suffix: string) => ({ 'Fn::Join': ['', [jarn(bucketPrefix), suffix]] });
const arnOf = (prefix: string) => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}`), 'Arn'] });

/** The statements of the policy attached to the role whose logical id starts with `rolePrefix`. */
function statements(template: Template, rolePrefix: string): any[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const policy = Object.values(policies).find((p: any) => p.Properties.Roles.some((r: any) => r.Ref.startsWith(rolePrefix))) as any;
  expect(policy).toBeDefined();
  return policy.Properties.PolicyDocument.Statement;
}

/** The promotion function's configuration as JSON, with CloudFormation references replaced by "<ref>". */
function parsedPromotionConfig(template: Template): any {
  const raw = promotionConfig(template);
  const text = typeof raw === 'string' ? raw : raw['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : '<ref>')).join('');
  return JSON.parse(text);
}

function promotionConfig(template: Template): any {
  const fns = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
  const fn = fns.find((f) => f.Properties.Environment?.Variables?.PROMOTION_CONFIG);
  return fn.Properties.Environment.Variables.PROMOTION_CONFIG;
}

describe('InferenceEndpoint defaults (registry version on ml.g5.xlarge)', () => {
  const { stack, endpoint, template } = build();

  test('the model serves the package with network isolation and its own role', () => {
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: { ModelPackageName: PACKAGE },
      EnableNetworkIsolation: true,
      ExecutionRoleArn: arnOf('EndpointExecutionRole'),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('one variant, no KMS key on NVMe storage, full capture into INFERENCE_CAPTURE with a capture key of its own', () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      KmsKeyId: Match.absent(),
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointModel'), 'ModelName'] },
          InstanceType: 'ml.g5.xlarge',
          InitialInstanceCount: 1,
          InitialVariantWeight: 1,
          ContainerStartupHealthCheckTimeoutInSeconds: 600,
          ModelDataDownloadTimeoutInSeconds: 600,
        },
      ],
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 100,
        DestinationS3Uri: { 'Fn::Join': ['', ['s3://', ref('LakeInferenceCaptureBucket'), '/datacapture']] },
        KmsKeyId: arnOf('EndpointCaptureKey'),
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
        CaptureContentTypeHeader: { JsonContentTypes: ['application/json'] },
      },
      AsyncInferenceConfig: Match.absent(),
    });
    expect(endpoint.storageEncryptedWithKey).toBe(false);
    expect(endpoint.captureKey).toBeDefined();
    Annotations.fromStack(stack).hasInfo('/S/Endpoint', Match.stringLikeRegexp('ml.g5.xlarge has local NVMe storage'));
  });

  test('captured prompts: the capture key lets the account administer it but not use it; only the execution role writes', () => {
    const keys = template.findResources('AWS::KMS::Key');
    const captureKey = Object.entries(keys).find(([id]) => id.startsWith('EndpointCaptureKey'))![1] as any;
    const statements = captureKey.Properties.KeyPolicy.Statement as any[];
    const root = statements.find((st) => st.Sid === 'AccountAdministersOnly');
    expect(root.Principal).toEqual({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } });
    for (const use of ['kms:*', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncrypt*']) expect(root.Action).not.toContain(use);
    const usage = statements.filter((st) => st.Effect === 'Allow' && st.Sid !== 'AccountAdministersOnly');
    expect(usage).toEqual([
      {
        Sid: 'CaptureWriter',
        Effect: 'Allow',
        Principal: { AWS: jarn('EndpointExecutionRole') },
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: VIA_S3,
      },
    ]);
    expect(captureKey.DeletionPolicy).toBe('Retain');
    // The capture bucket accepts puts that name the capture key (and its own key), nothing else.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref('LakeInferenceCaptureBucket'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'DenyOtherKmsKeys', Condition: { StringNotLikeIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': [arnOf('LakeKey'), arnOf('EndpointCaptureKey')] } } }),
        ]),
      },
    });
  });

  test('grantReadCapture names the reader in the capture key policy and grants the capture prefix only', () => {
    const stack = new Stack(strictApp(), 'S');
    const endpoint = new InferenceEndpoint(stack, 'Endpoint', { dataLake: new SecureDataLake(stack, 'Lake'), model: ModelSource.fromModelPackage(PACKAGE) });
    const reviewer = new iam.Role(stack, 'Reviewer', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.grantReadCapture(reviewer);
    const t = Template.fromStack(stack);
    const b = { endpoint };
    const captureKey = Object.entries(t.findResources('AWS::KMS::Key')).find(([id]) => id.startsWith('EndpointCaptureKey'))![1] as any;
    expect(captureKey.Properties.KeyPolicy.Statement).toContainEqual({
      Sid: 'CaptureReader1',
      Effect: 'Allow',
      Principal: { AWS: jarn('Reviewer') },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: VIA_S3,
    });
    expect(statements(t, 'Reviewer')).toEqual(
      expect.arrayContaining([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectTagging', 's3:GetObjectVersion'], Resource: objects('LakeInferenceCaptureBucket', `/datacapture/${b.endpoint.endpointName}/*`) }]),
    );
    const offStack = new Stack(strictApp(), 'S');
    const off = new InferenceEndpoint(offStack, 'Endpoint', { dataLake: new SecureDataLake(offStack, 'Lake'), model: ModelSource.fromModelPackage(PACKAGE), captureSamplingPercentage: 0 });
    expect(off.captureKey).toBeUndefined();
    expect(() => off.grantReadCapture(new iam.Role(offStack, 'R', { assumedBy: new iam.AccountRootPrincipal() }))).toThrow(
      /S\/Endpoint: invalid captureSamplingPercentage: got 0; allowed: from 1 to 100 to grant reading the captured data \(grantReadCapture\)/,
    );
  });

  test('endpoint with a generated lower-case name, canary 10% / 10 min, rollback on 5XX and p99 alarms, 10 min termination wait', () => {
    expect(endpoint.endpointName).toMatch(/^s-endpoint-[0-9a-f]{8}$/);
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      EndpointName: endpoint.endpointName,
      EndpointConfigName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointEndpointConfig'), 'EndpointConfigName'] },
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 }, WaitIntervalInSeconds: 600 },
          TerminationWaitInSeconds: 600,
        },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: ref('EndpointServerErrorsAlarm') }, { AlarmName: ref('EndpointLatencyP99Alarm') }] },
      },
    });
    expect(stack.resolve(endpoint.endpointArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:endpoint/${endpoint.endpointName}`]],
    });
  });

  test('autoscaling 1..2 on the variant through the service-linked role, target tracking on invocations per instance', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ResourceId: `endpoint/${endpoint.endpointName}/variant/AllTraffic`,
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MinCapacity: 1,
      MaxCapacity: 2,
      RoleARN: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint']],
      },
    });
    template.hasResource('AWS::ApplicationAutoScaling::ScalableTarget', { DependsOn: Match.arrayWith([Match.stringLikeRegexp('^Endpoint[0-9A-F]{8}$')]) });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        TargetValue: 20,
        ScaleInCooldown: 600,
        ScaleOutCooldown: 120,
      },
    });
    expect(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget')).not.toHaveProperty('ScheduledActions');
  });

  test('alarms on 5XX, p99 and p50 latency, 4XX, memory, disk, CPU and GPU, all notifying the encrypted topic', () => {
    const dims = [
      { Name: 'EndpointName', Value: endpoint.endpointName },
      { Name: 'VariantName', Value: 'AllTraffic' },
    ];
    const expectAlarm = (props: Record<string, unknown>) =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...props,
        Dimensions: dims,
        AlarmActions: [ref('EndpointAlarmTopic')],
        OKActions: [ref('EndpointAlarmTopic')],
        TreatMissingData: 'notBreaching',
      });
    expectAlarm({ Namespace: 'AWS/SageMaker', MetricName: 'Invocation5XXErrors', Statistic: 'Sum', Period: 60, Threshold: 5, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expectAlarm({ Namespace: 'AWS/SageMaker', MetricName: 'ModelLatency', ExtendedStatistic: 'p99', Period: 60, Threshold: 30000000, EvaluationPeriods: 3, DatapointsToAlarm: 2, ComparisonOperator: 'GreaterThanThreshold' });
    expectAlarm({ Namespace: 'AWS/SageMaker', MetricName: 'ModelLatency', ExtendedStatistic: 'p50', Period: 300, Threshold: 10000000, EvaluationPeriods: 3 });
    expectAlarm({ Namespace: 'AWS/SageMaker', MetricName: 'Invocation4XXErrors', Statistic: 'Sum', Period: 300, Threshold: 100 });
    expectAlarm({ Namespace: '/aws/sagemaker/Endpoints', MetricName: 'MemoryUtilization', Statistic: 'Average', Threshold: 90 });
    expectAlarm({ Namespace: '/aws/sagemaker/Endpoints', MetricName: 'DiskUtilization', Statistic: 'Average', Threshold: 90 });
    // ml.g5.xlarge: 4 vCPUs and 1 GPU; SageMaker sums utilization over them.
    expectAlarm({ Namespace: '/aws/sagemaker/Endpoints', MetricName: 'CPUUtilization', Statistic: 'Average', Period: 300, Threshold: 360, EvaluationPeriods: 3 });
    expectAlarm({ Namespace: '/aws/sagemaker/Endpoints', MetricName: 'GPUUtilization', Statistic: 'Average', Period: 300, Threshold: 90, EvaluationPeriods: 3 });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    expect(endpoint.alarms).toHaveLength(8);
    expect(endpoint.rollbackAlarms).toHaveLength(2);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf('EndpointKey') });
  });

  test('the execution role: model artifacts read, capture write under its own prefix, scoped ECR and logs', () => {
    const s = statements(template, 'EndpointExecutionRole');
    expect(s).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectTagging', 's3:GetObjectVersion'], Resource: objects('LakeModelArtifactsBucket', '/*') },
      { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: jarn('LakeModelArtifactsBucket') },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: jarn('LakeKey'), Condition: VIA_S3 },
      { Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectTagging'], Resource: objects('LakeInferenceCaptureBucket', `/datacapture/${endpoint.endpointName}/*`) },
      // A registry version names its image only at run time: this account's repositories of the region, no other account.
      { Effect: 'Allow', Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':repository/*']] } },
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:log-group:/aws/sagemaker/Endpoints/${endpoint.endpointName}:*`]] },
      },
    ]);
  });

  test('no promotion machinery without a model package group, and dashboard widgets for the endpoint', () => {
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::SageMaker::MonitoringSchedule', 0);
    expect(endpoint.promotionFunction).toBeUndefined();
    // invocations, latency, CPU/memory, GPU, disk, alarm status
    expect(endpoint.widgets).toHaveLength(6);
  });
});

describe('InferenceEndpoint props', () => {
  test('a CPU instance type gets the storage key', () => {
    const { endpoint, template } = build({ instanceType: 'ml.m5.xlarge' });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', { KmsKeyId: arnOf('EndpointKey') });
    expect(endpoint.storageEncryptedWithKey).toBe(true);
    expect(endpoint.widgets).toHaveLength(5);
  });

  test('an unknown instance family fails synthesis unless allowUnlistedInstanceType: then it keeps the key and is only noted', () => {
    expect(() => build({ instanceType: 'ml.x99.large' })).toThrow(
      /S\/Endpoint: invalid instanceType: got "ml.x99.large"; allowed: an instance type of a family SageMaker offers for hosting \(endpoints\) and this library knows \(.*\); or set allowUnlistedInstanceType: true/,
    );
    const { stack, template } = build({ instanceType: 'ml.x99.large', allowUnlistedInstanceType: true });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', { KmsKeyId: arnOf('EndpointKey'), ProductionVariants: [Match.objectLike({ InstanceType: 'ml.x99.large' })] });
    const annotations = Annotations.fromStack(stack);
    annotations.hasInfo('/S/Endpoint', Match.stringLikeRegexp('instanceType ml.x99.large is not in this library.s instance tables .*sets the KMS key'));
    annotations.hasNoWarning('/S/Endpoint', Match.anyValue());
  });

  test('Inf1 with a canary warns that SageMaker falls back to all at once; all at once does not', () => {
    const { stack } = build({ instanceType: 'ml.inf1.xlarge' });
    Annotations.fromStack(stack).hasWarning('/S/Endpoint', Match.stringLikeRegexp('does not shift traffic gradually on Inf1'));
    const quiet = build({ instanceType: 'ml.inf1.xlarge', deploymentStrategy: DeploymentStrategy.allAtOnce() });
    Annotations.fromStack(quiet.stack).hasNoWarning('/S/Endpoint', Match.anyValue());
  });

  test('an image URI with compressed model data: pulls from that repository only, reads the archive folder only', () => {
    const { endpoint, template } = build({
      model: ModelSource.fromImageUri(TGI, { modelDataKey: 'models/llm/model.tar.gz', environment: { SM_NUM_GPUS: '1' } }),
    });
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        Image: TGI,
        Environment: { SM_NUM_GPUS: '1' },
        ModelDataUrl: { 'Fn::Join': ['', ['s3://', ref('LakeModelArtifactsBucket'), '/models/llm/model.tar.gz']] },
      },
    });
    const s = statements(template, 'EndpointExecutionRole');
    expect(s).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:763104351884:repository/huggingface-pytorch-tgi-inference']] },
        },
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectTagging', 's3:GetObjectVersion'], Resource: objects('LakeModelArtifactsBucket', '/models/llm/*') },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: jarn('LakeModelArtifactsBucket'), Condition: { StringLike: { 's3:prefix': ['models/llm/*'] } } },
      ]),
    );
    expect(endpoint.model).toBeDefined();
  });

  test('registry versions with modelPackageImages: pulls from exactly those repositories, in their own registry accounts', () => {
    const dlc = `763104351884.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/pytorch-inference:2.5.1-gpu-py311`;
    const { template: t } = build({ modelPackageImages: [TrainingImage.fromImageUri(dlc), TrainingImage.fromImageUri(TGI)] });
    const pulls = statements(t, 'EndpointExecutionRole').filter((x) => [x.Action].flat().includes('ecr:BatchGetImage'));
    expect(pulls).toEqual([
      {
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':763104351884:repository/pytorch-inference']] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:763104351884:repository/huggingface-pytorch-tgi-inference']] },
        ],
      },
    ]);
    expect(JSON.stringify(t.toJSON())).not.toContain(':*:repository');
  });

  test('a promotion-only endpoint pulls from its own account unless modelPackageImages names the registry', () => {
    const pulls = (t: Template) => statements(t, 'EndpointExecutionRole').find((x) => [x.Action].flat().includes('ecr:BatchGetImage')).Resource;
    expect(pulls(build({ modelPackageGroupName: 'llm' }, false).template)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':repository/*']],
    });
    expect(pulls(build({ modelPackageGroupName: 'llm', modelPackageImages: [TrainingImage.fromImageUri(TGI)] }, false).template)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:763104351884:repository/huggingface-pytorch-tgi-inference']],
    });
    // An image model that also promotes registry versions may pull both.
    const both = pulls(build({ model: ModelSource.fromImageUri(TGI), modelPackageGroupName: 'llm' }).template);
    expect(both).toHaveLength(2);
  });

  test('an image URI with tokens in the registry region and suffix is still scoped to its repository', () => {
    const uri = `763104351884.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/huggingface-pytorch-tgi-inference:2.4.0`;
    const { template: t } = build({ model: ModelSource.fromImageUri(uri) });
    const pulls = statements(t, 'EndpointExecutionRole').find((x) => [x.Action].flat().includes('ecr:BatchGetImage'));
    expect(pulls.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':763104351884:repository/huggingface-pytorch-tgi-inference']] });
  });

  test('an image URI that is a token as a whole (a parameter): your own account\'s repositories, not every account\'s', () => {
    const stack = new Stack(strictApp(), 'S');
    const lake = new SecureDataLake(stack, 'Lake');
    const uri = new CfnParameter(stack, 'ImageUri').valueAsString;
    new InferenceEndpoint(stack, 'Endpoint', { dataLake: lake, model: ModelSource.fromImageUri(uri) });
    const pulls = statements(Template.fromStack(stack), 'EndpointExecutionRole').find((x) => [x.Action].flat().includes('ecr:BatchGetImage'));
    expect(pulls.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':repository/*']] });
  });

  test.each([
    [{ model: ModelSource.fromImageUri(TGI), modelPackageImages: [TrainingImage.fromImageUri(TGI)] }, /modelPackageImages.*only with ModelSource.fromModelPackage or modelPackageGroupName/],
    [{ modelPackageImages: [] }, /modelPackageImages.*\[\].*at least one TrainingImage/],
    [{ modelPackageImages: [TrainingImage.fromImageUri('docker.io/library/python:3')] }, /modelPackageImages\[0\].*docker\.io\/library\/python:3.*an ECR image URI/],
  ])('modelPackageImages is validated (%#)', (props, message) => {
    expect(() => build(props as Partial<InferenceEndpointProps>)).toThrow(message);
  });

  test('uncompressed model data is loaded from a prefix; an ECR repository of your own is pulled by ARN', () => {
    const stack = new Stack(strictApp(), 'S');
    const lake = new SecureDataLake(stack, 'Lake');
    const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'my-llm');
    new InferenceEndpoint(stack, 'Endpoint', {
      dataLake: lake,
      model: ModelSource.fromEcrImage(repository, 'v1', { modelDataKey: 'models/llm', modelDataCompressed: false }),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        ModelDataUrl: Match.absent(),
        ModelDataSource: { S3DataSource: { S3Uri: { 'Fn::Join': ['', ['s3://', ref('LakeModelArtifactsBucket'), '/models/llm/']] }, S3DataType: 'S3Prefix', CompressionType: 'None' } },
      },
    });
    expect(statements(template, 'EndpointExecutionRole')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':repository/my-llm']] },
        }),
      ]),
    );
  });

  test.each([
    ['linear', DeploymentStrategy.linear(20, Duration.minutes(3)), { Type: 'LINEAR', LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 20 }, WaitIntervalInSeconds: 180 }],
    ['all at once', DeploymentStrategy.allAtOnce(), { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 }],
    ['all at once with a wait', DeploymentStrategy.allAtOnce(Duration.minutes(5)), { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 300 }],
  ])('%s deployment strategy', (_n, deploymentStrategy, routing) => {
    const { template } = build({ deploymentStrategy, terminationWait: Duration.minutes(30) });
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: routing, TerminationWaitInSeconds: 1800 } },
    });
  });

  test('capacity, cooldowns, target, thresholds and scheduled scaling', () => {
    const { endpoint, template } = build({
      minCapacity: 2,
      maxCapacity: 6,
      targetInvocationsPerInstance: 50,
      scaleInCooldown: Duration.minutes(15),
      scaleOutCooldown: Duration.minutes(1),
      serverErrorThreshold: 2,
      clientErrorThreshold: 10,
      latencyP99Threshold: Duration.seconds(5),
      latencyP50Threshold: Duration.seconds(1),
      containerStartupTimeout: Duration.minutes(20),
      variantName: 'Primary',
      scheduledScaling: [
        { id: 'BusinessHours', schedule: appscaling.Schedule.cron({ hour: '8', minute: '0', weekDay: 'MON-FRI' }), minCapacity: 4 },
        { id: 'Night', schedule: appscaling.Schedule.cron({ hour: '20', minute: '0' }), minCapacity: 2, maxCapacity: 3 },
      ],
    });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ VariantName: 'Primary', InitialInstanceCount: 2, ContainerStartupHealthCheckTimeoutInSeconds: 1200 })],
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ResourceId: `endpoint/${endpoint.endpointName}/variant/Primary`,
      MinCapacity: 2,
      MaxCapacity: 6,
      ScheduledActions: [
        { ScheduledActionName: 'BusinessHours', Schedule: 'cron(0 8 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 4 } },
        { ScheduledActionName: 'Night', Schedule: 'cron(0 20 * * ? *)', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 3 } },
      ],
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 50, ScaleInCooldown: 900, ScaleOutCooldown: 60 }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Invocation5XXErrors', Threshold: 2 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Invocation4XXErrors', Threshold: 10 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', ExtendedStatistic: 'p99', Threshold: 5000000 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', ExtendedStatistic: 'p50', Threshold: 1000000 });
  });

  test('sampling 20% captures a sample; 0 turns capture off', () => {
    build({ captureSamplingPercentage: 20 }).template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: Match.objectLike({ EnableCapture: true, InitialSamplingPercentage: 20 }),
    });
    build({ captureSamplingPercentage: 0 }).template.hasResourceProperties('AWS::SageMaker::EndpointConfig', { DataCaptureConfig: Match.absent() });
  });

  test('asynchronous inference: output to the lake, encrypted topics, scale to zero, wake on backlog', () => {
    const { endpoint, template } = build({ asyncInference: { maxConcurrentInvocationsPerInstance: 2, targetBacklogPerInstance: 3 } });
    const name = endpoint.endpointName;
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      AsyncInferenceConfig: {
        ClientConfig: { MaxConcurrentInvocationsPerInstance: 2 },
        OutputConfig: {
          S3OutputPath: { 'Fn::Join': ['', ['s3://', ref('LakeInferenceCaptureBucket'), `/async-output/${name}/`]] },
          S3FailurePath: { 'Fn::Join': ['', ['s3://', ref('LakeInferenceCaptureBucket'), `/async-failures/${name}/`]] },
          KmsKeyId: arnOf('LakeKey'),
          NotificationConfig: {
            SuccessTopic: ref('EndpointAsyncSuccessTopic'),
            ErrorTopic: ref('EndpointAsyncErrorTopic'),
            IncludeInferenceResponseIn: ['SUCCESS_NOTIFICATION_TOPIC', 'ERROR_NOTIFICATION_TOPIC'],
          },
        },
      },
      ProductionVariants: [Match.objectLike({ InitialInstanceCount: 1 })],
    });
    template.resourceCountIs('AWS::SNS::Topic', 3);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 2 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        CustomizedMetricSpecification: { MetricName: 'ApproximateBacklogSizePerInstance', Namespace: 'AWS/SageMaker', Statistic: 'Average', Dimensions: [{ Name: 'EndpointName', Value: name }] },
        TargetValue: 3,
      }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', Cooldown: 120, MetricAggregationType: 'Average', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HasBacklogWithoutCapacity',
      Threshold: 0.5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 2,
      AlarmActions: [ref('EndpointScalableTargetWakeOnBacklogUpperPolicy')],
    });
    expect(statements(template, 'EndpointExecutionRole')).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: 'sns:Publish', Resource: [jref('EndpointAsyncErrorTopic'), jref('EndpointAsyncSuccessTopic')] },
        { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: jarn('EndpointKey') },
        { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: jarn('LakeKey'), Condition: VIA_S3 },
        {
          Effect: 'Allow',
          Action: ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectTagging'],
          Resource: [
            objects('LakeInferenceCaptureBucket', `/async-failures/${name}/*`),
            objects('LakeInferenceCaptureBucket', `/async-output/${name}/*`),
            objects('LakeInferenceCaptureBucket', `/datacapture/${name}/*`),
          ],
        },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectTagging', 's3:GetObjectVersion'],
          Resource: [objects('LakeInferenceCaptureBucket', `/async-input/${name}/*`), objects('LakeModelArtifactsBucket', '/*')],
        },
      ]),
    );
  });

  test('your own key and alarm topic are used', () => {
    const stack = new Stack(strictApp(), 'S');
    const lake = new SecureDataLake(stack, 'Lake');
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    const topic = sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:us-east-1:123456789012:oncall');
    const endpoint = new InferenceEndpoint(stack, 'Endpoint', { dataLake: lake, model: ModelSource.fromModelPackage(PACKAGE), instanceType: 'ml.c5.2xlarge', encryptionKey: key, alarmTopic: topic });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', { KmsKeyId: key.keyArn });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topic.topicArn] });
    template.resourceCountIs('AWS::SNS::Topic', 0);
    expect(endpoint.encryptionKey).toBe(key);
    expect(template.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('inference endpoint') } })).toEqual({});
  });
});

describe('InferenceEndpoint in a VPC', () => {
  const stack = new Stack(strictApp(), 'S');
  const lake = new SecureDataLake(stack, 'Lake');
  const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const endpoint = new InferenceEndpoint(stack, 'Endpoint', {
    dataLake: lake,
    model: ModelSource.fromModelPackage(PACKAGE),
    modelPackageGroupName: 'llm',
    vpc,
    monitoring: { imageUri: MONITOR, baselineStatisticsKey: 's.json', baselineConstraintsKey: 'c.json' },
  });
  const template = Template.fromStack(stack);
  const vpcConfig = { SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointSecurityGroup'), 'GroupId'] }], Subnets: vpc.isolatedSubnets.map((s) => stack.resolve(s.subnetId)) };

  test('the model and the monitoring job run in the isolated subnets with a new HTTPS-only security group', () => {
    template.hasResourceProperties('AWS::SageMaker::Model', { VpcConfig: vpcConfig, EnableNetworkIsolation: true });
    template.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', { NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true, VpcConfig: vpcConfig } });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
      SecurityGroupIngress: Match.absent(),
    });
    expect(endpoint.securityGroups).toHaveLength(1);
  });

  test('the roles may create network interfaces only in that VPC', () => {
    for (const role of ['EndpointExecutionRole', 'EndpointMonitoringRole']) {
      const s = statements(template, role);
      expect(s).toEqual(
        expect.arrayContaining([
          // Merged with ECR login, the only other statement on "*".
          {
            Effect: 'Allow',
            Action: ['ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ecr:GetAuthorizationToken'],
            Resource: '*',
          },
          expect.objectContaining({
            Action: ['ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
            Condition: { ArnEquals: { 'ec2:Vpc': stack.resolve(vpc.vpcArn) } },
          }),
        ]),
      );
    }
  });

  test('models the promotion function creates get the same VPC config', () => {
    const config = JSON.stringify(promotionConfig(template));
    expect(config).toContain('\\"vpcConfig\\":{\\"SecurityGroupIds\\":[\\"');
  });

  test('your own security groups are used as given', () => {
    const s2 = new Stack(strictApp(), 'S2');
    const v = new ec2.Vpc(s2, 'Vpc');
    const sg = new ec2.SecurityGroup(s2, 'Sg', { vpc: v });
    const e = new InferenceEndpoint(s2, 'Endpoint', { dataLake: new SecureDataLake(s2, 'Lake'), model: ModelSource.fromModelPackage(PACKAGE), vpc: v, securityGroups: [sg] });
    expect(e.securityGroups).toEqual([sg]);
    Template.fromStack(s2).hasResourceProperties('AWS::SageMaker::Model', {
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Sg'), 'GroupId'] }], Subnets: v.privateSubnets.map((x) => s2.resolve(x.subnetId)) },
    });
  });
});

describe('InferenceEndpoint drift monitoring', () => {
  const { endpoint, template } = build({
    monitoring: { imageUri: MONITOR, baselineStatisticsKey: 'baselines/llm/statistics.json', baselineConstraintsKey: 'baselines/llm/constraints.json' },
  });
  const name = endpoint.endpointName;

  test('data-quality job against the baseline, KMS, network isolation, reports to the lake', () => {
    template.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', {
      JobDefinitionName: `${name}-data-quality`,
      RoleArn: arnOf('EndpointMonitoringRole'),
      DataQualityAppSpecification: { ImageUri: MONITOR },
      DataQualityBaselineConfig: {
        StatisticsResource: { S3Uri: { 'Fn::Join': ['', ['s3://', ref('LakeModelArtifactsBucket'), '/baselines/llm/statistics.json']] } },
        ConstraintsResource: { S3Uri: { 'Fn::Join': ['', ['s3://', ref('LakeModelArtifactsBucket'), '/baselines/llm/constraints.json']] } },
      },
      DataQualityJobInput: { EndpointInput: { EndpointName: name, LocalPath: '/opt/ml/processing/input/endpoint' } },
      DataQualityJobOutputConfig: {
        KmsKeyId: arnOf('LakeKey'),
        MonitoringOutputs: [{ S3Output: { LocalPath: '/opt/ml/processing/output', S3Uri: { 'Fn::Join': ['', ['s3://', ref('LakeInferenceCaptureBucket'), `/monitoring/${name}`]] }, S3UploadMode: 'EndOfJob' } }],
      },
      JobResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 20, VolumeKmsKeyId: arnOf('EndpointKey') } },
      NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    });
  });

  test('hourly schedule after the endpoint exists', () => {
    template.hasResource('AWS::SageMaker::MonitoringSchedule', {
      Properties: {
        MonitoringScheduleName: `${name}-data-quality`,
        MonitoringScheduleConfig: { MonitoringJobDefinitionName: `${name}-data-quality`, MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } },
      },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^EndpointDataQualityJobDefinition'), Match.stringLikeRegexp('^Endpoint[0-9A-F]{8}$')]),
    });
  });

  test('violations notify the topic and raise an alarm', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Processing Job State Change'],
        detail: { MonitoringScheduleArn: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointMonitoringSchedule'), 'MonitoringScheduleArn'] }], ExitMessage: [{ prefix: 'CompletedWithViolations' }] },
      },
      Targets: [Match.objectLike({ Arn: ref('EndpointAlarmTopic') })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'TriggeredRules',
      Dimensions: [{ Name: 'RuleName', Value: ref('EndpointDriftViolationsRule') }],
      Threshold: 1,
      AlarmActions: [ref('EndpointAlarmTopic')],
    });
    expect(endpoint.alarms).toHaveLength(9);
    expect(endpoint.monitoringSchedule).toBeDefined();
  });

  test('the capture key policy names the monitoring role as a reader (through S3 only)', () => {
    const captureKey = Object.entries(template.findResources('AWS::KMS::Key')).find(([id]) => id.startsWith('EndpointCaptureKey'))![1] as any;
    expect(captureKey.Properties.KeyPolicy.Statement).toContainEqual({
      Sid: 'CaptureReaderMonitoring',
      Effect: 'Allow',
      Principal: { AWS: jarn('EndpointMonitoringRole') },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: VIA_S3,
    });
  });

  test('the monitoring role reads capture and baselines, writes reports, nothing more', () => {
    expect(statements(template, 'EndpointMonitoringRole')).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectTagging', 's3:GetObjectVersion'], Resource: objects('LakeInferenceCaptureBucket', `/datacapture/${name}/*`) },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: jarn('LakeInferenceCaptureBucket'), Condition: { StringLike: { 's3:prefix': [`datacapture/${name}/*`] } } },
      { Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: jarn('LakeInferenceCaptureBucket') },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: jarn('LakeKey'), Condition: VIA_S3 },
      { Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectTagging'], Resource: objects('LakeInferenceCaptureBucket', `/monitoring/${name}/*`) },
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [objects('LakeModelArtifactsBucket', '/baselines/llm/constraints.json'), objects('LakeModelArtifactsBucket', '/baselines/llm/statistics.json')],
      },
      {
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:156813124566:repository/sagemaker-model-monitor-analyzer']] },
      },
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:/aws/sagemaker/ProcessingJobs:*']] },
      },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'], Resource: jarn('EndpointKey') },
      { Effect: 'Allow', Action: 'kms:CreateGrant', Resource: jarn('EndpointKey'), Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
    ]);
  });
});

describe('InferenceEndpoint model promotion', () => {
  const { endpoint, template } = build({ modelPackageGroupName: 'llm' });
  const name = endpoint.endpointName;

  test('approvals of the group go to an encrypted FIFO queue (one group per endpoint), with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        detail: { ModelPackageGroupName: ['llm'], ModelApprovalStatus: ['Approved'] },
      },
      Targets: [
        Match.objectLike({
          Arn: arnOf('EndpointPromotionQueue'),
          SqsParameters: { MessageGroupId: name },
          DeadLetterConfig: { Arn: arnOf('EndpointPromotionDeadLetterQueue') },
          RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: arnOf('EndpointKey'), MessageRetentionPeriod: 1209600 });
    expect(endpoint.promotionQueue).toBeDefined();
  });

  test('the queue waits durably: FIFO, encrypted, TLS only, a FIFO dead-letter queue, consumed one approval at a time', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: true,
      KmsMasterKeyId: arnOf('EndpointKey'),
      VisibilityTimeout: 720,
      MessageRetentionPeriod: 345600,
      RedrivePolicy: { deadLetterTargetArn: arnOf('EndpointPromotionQueueDeadLetterQueue'), maxReceiveCount: 308 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, KmsMasterKeyId: arnOf('EndpointKey'), MessageRetentionPeriod: 1209600, RedrivePolicy: Match.absent() });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf('EndpointPromotionQueue'),
      FunctionName: ref('EndpointPromotionFunction'),
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // EventBridge may send only to this queue, from this rule; nothing but TLS.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref('EndpointPromotionQueue')],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          { Sid: 'ApprovalsFromThePromotionRule', Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' }, Resource: arnOf('EndpointPromotionQueue'), Condition: { ArnEquals: { 'aws:SourceArn': arnOf('EndpointPromotionRule') } } },
        ]),
      },
    });
    const queuePolicy = Object.values(template.findResources('AWS::SQS::QueuePolicy')).find((p: any) => p.Properties.Queues[0].Ref.startsWith('EndpointPromotionQueue') && !p.Properties.Queues[0].Ref.includes('DeadLetter')) as any;
    expect(queuePolicy.Properties.PolicyDocument.Statement).toHaveLength(2);
    const config = parsedPromotionConfig(template);
    expect(config.queue).toEqual({ url: '<ref>', deadLetterUrl: '<ref>', waitSeconds: 300, maxWaitSeconds: 86400 });
    expect(config.allowSelfApproval).toBeUndefined();
  });

  test('the function: promotions serialized by the queue, its config names the endpoint, role, template and deployment config', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 2, Timeout: 120, Runtime: 'nodejs24.x' });
    const config = JSON.stringify(promotionConfig(template));
    expect(config).toContain(`\\"endpointName\\":\\"${name}\\"`);
    expect(config).toContain('\\"modelPackageGroupName\\":\\"llm\\"');
    expect(config).toContain('\\"ProductionVariants\\":[{\\"VariantName\\":\\"AllTraffic\\",\\"InstanceType\\":\\"ml.g5.xlarge\\",\\"InitialInstanceCount\\":1');
    expect(config).toContain('\\"BlueGreenUpdatePolicy\\":{\\"TrafficRoutingConfiguration\\":{\\"Type\\":\\"CANARY\\",\\"WaitIntervalInSeconds\\":600,\\"CanarySize\\":{\\"Type\\":\\"CAPACITY_PERCENT\\",\\"Value\\":10}},\\"TerminationWaitInSeconds\\":600}');
    expect(config).toContain('EndpointServerErrorsAlarm');
    expect(config).not.toContain('ModelName');
  });

  test('the function role: exactly the SageMaker, PassRole and KMS statements it needs', () => {
    const sm = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]] });
    const s = statements(template, 'EndpointPromotionFunctionRole');
    // The queue, through the event source mapping (receive, delete, set the retry delay).
    expect(s.slice(3, 5)).toEqual([
      { Effect: 'Allow', Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'], Resource: jarn('EndpointPromotionQueue') },
      // Decrypt to receive; GenerateDataKey to move what gives up to the dead-letter queue.
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: jarn('EndpointKey') },
    ]);
    // Send to its own dead-letter queues only (the function's, and the queue's, where it moves what gives up).
    expect(s[1]).toEqual({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: [jarn('EndpointPromotionFunctionDeadLetterQueue'), jarn('EndpointPromotionQueueDeadLetterQueue')] });
    expect(s.slice(5)).toEqual([
      { Effect: 'Allow', Action: ['sagemaker:AddTags', 'sagemaker:CreateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpoint'], Resource: sm(`endpoint/${name}`) },
      {
        Effect: 'Allow',
        Action: ['sagemaker:AddTags', 'sagemaker:CreateEndpointConfig', 'sagemaker:CreateModel', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel'],
        Resource: [sm(`endpoint-config/${name}-*`), sm(`model/${name}-*`)],
      },
      { Effect: 'Allow', Action: 'sagemaker:DescribeEndpointConfig', Resource: jref('EndpointEndpointConfig') },
      { Effect: 'Allow', Action: 'sagemaker:DescribeModel', Resource: jref('EndpointModel') },
      { Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: sm('model-package/llm/*') },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: jarn('EndpointExecutionRole'), Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } },
      { Effect: 'Allow', Action: ['kms:CreateGrant', 'kms:DescribeKey'], Resource: [jarn('EndpointCaptureKey'), jarn('LakeKey')], Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
      // Who started the run of an approved version: the execution, read-only.
      { Effect: 'Allow', Action: 'sagemaker:DescribePipelineExecution', Resource: sm('pipeline/*/execution/*') },
    ]);
    // CloudTrail's LookupEvents has no resource-level permissions: alone in a managed policy of this role only.
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }] },
      Roles: [ref('EndpointPromotionFunctionRole')],
    });
  });

  test('allowSelfApproval: the function is told so and gets no identity lookups', () => {
    const { template: t } = build({ modelPackageGroupName: 'llm', allowSelfApproval: true });
    expect(parsedPromotionConfig(t).allowSelfApproval).toBe(true);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(JSON.stringify(statements(t, 'EndpointPromotionFunctionRole'))).not.toContain('DescribePipelineExecution');
    expect(() => build({ allowSelfApproval: true })).toThrow(/allowSelfApproval.*got true.*only with modelPackageGroupName/);
  });

  test('alarms on failed promotions and undelivered events', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointPromotionQueueDeadLetterQueue'), 'QueueName'] } }],
      AlarmActions: [ref('EndpointAlarmTopic')],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointPromotionDeadLetterQueue'), 'QueueName'] } }],
    });
    expect(endpoint.alarms).toHaveLength(10);
  });
});

describe('InferenceEndpoint without a model (the first approval creates the endpoint)', () => {
  const { endpoint, template } = build({ modelPackageGroupName: 'llm', instanceType: 'ml.m5.large' }, false);

  test('only the promotion machinery, alarms and role: no model, config, endpoint or scaling', () => {
    for (const type of ['AWS::SageMaker::Model', 'AWS::SageMaker::EndpointConfig', 'AWS::SageMaker::Endpoint', 'AWS::ApplicationAutoScaling::ScalableTarget']) {
      template.resourceCountIs(type, 0);
    }
    template.resourceCountIs('AWS::Lambda::Function', 1);
    expect(endpoint.endpoint).toBeUndefined();
    // ml.m5.large: the standard alarms with CPU (2 vCPUs) but no GPU alarm, and the three promotion alarms
    // (failed promotions, undelivered events, failed scaling registrations).
    template.resourceCountIs('AWS::CloudWatch::Alarm', 10);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointPromotionFunctionDeadLetterQueue'), 'QueueName'] } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CPUUtilization', Threshold: 180 });
  });

  test('the template the function creates the endpoint from carries the storage key and capture', () => {
    const config = JSON.stringify(promotionConfig(template));
    expect(config).toContain('\\"InstanceType\\":\\"ml.m5.large\\"');
    expect(config).toContain('\\"KmsKeyId\\":\\"');
    expect(config).toContain('EndpointKey');
    expect(config).toContain('\\"DataCaptureConfig\\":{\\"EnableCapture\\":true,\\"InitialSamplingPercentage\\":100');
    // The function may read only the configs it creates, and grants on the storage key too.
    const s = statements(template, 'EndpointPromotionFunctionRole');
    expect(s.filter((x) => x.Action === 'sagemaker:DescribeEndpointConfig' || x.Action === 'sagemaker:DescribeModel')).toEqual([]);
    expect(s.find((x) => x.Action?.[0] === 'kms:CreateGrant').Resource).toEqual([jarn('EndpointCaptureKey'), jarn('EndpointKey'), jarn('LakeKey')]);
  });

  test('the function registers the autoscaling of the endpoint it creates: config, rule and exact grants', () => {
    const config = parsedPromotionConfig(template);
    expect(config.scaling).toEqual({
      variants: [{ variantName: 'AllTraffic', minCapacity: 1, maxCapacity: 2 }],
      policy: { type: 'invocations', targetValue: 20, scaleInCooldownSeconds: 600, scaleOutCooldownSeconds: 120 },
      scheduled: [],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Endpoint State Change'],
        detail: { EndpointName: [endpoint.endpointName], EndpointStatus: ['IN_SERVICE', 'InService'] },
      },
      Targets: [Match.objectLike({ Arn: arnOf('EndpointPromotionFunction'), DeadLetterConfig: { Arn: arnOf('EndpointPromotionDeadLetterQueue') }, RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 } })],
    });
    expect(endpoint.promotionScalingRule).toBeDefined();
    const s = statements(template, 'EndpointPromotionFunctionRole');
    const find = (action: string) => s.find((x) => [x.Action].flat().includes(action));
    expect(find('application-autoscaling:RegisterScalableTarget')).toMatchObject({
      Action: ['application-autoscaling:PutScalingPolicy', 'application-autoscaling:PutScheduledAction', 'application-autoscaling:RegisterScalableTarget'],
      Resource: { 'Fn::Join': ['', expect.arrayContaining([':scalable-target/*'])] },
    });
    expect(find('sagemaker:UpdateEndpointWeightsAndCapacities').Resource).toEqual({ 'Fn::Join': ['', expect.arrayContaining([`:endpoint/${endpoint.endpointName}`])] });
    const alarms = find('cloudwatch:PutMetricAlarm');
    expect(alarms.Action).toEqual(['cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm']);
    expect(JSON.stringify(alarms.Resource)).toContain(`:alarm:TargetTracking-endpoint/${endpoint.endpointName}/*`);
    expect(JSON.stringify(alarms.Resource)).toContain(`:alarm:${endpoint.endpointName}-wake-on-backlog`);
    expect(find('iam:CreateServiceLinkedRole').Condition).toEqual({ StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } });
    // Nothing that deletes or deregisters.
    expect(JSON.stringify(s)).not.toMatch(/Deregister|DeleteScalingPolicy|DeleteEndpoint/);
  });

  test('an async endpoint created by the function gets backlog scaling and scheduled bounds', () => {
    const { template: t } = build(
      {
        modelPackageGroupName: 'llm',
        instanceType: 'ml.m5.large',
        asyncInference: { targetBacklogPerInstance: 3 },
        scheduledScaling: [{ id: 'Night', schedule: appscaling.Schedule.cron({ hour: '20', minute: '0' }), maxCapacity: 1 }],
      },
      false,
    );
    expect(parsedPromotionConfig(t).scaling).toEqual({
      variants: [{ variantName: 'AllTraffic', minCapacity: 0, maxCapacity: 2 }],
      policy: { type: 'backlog', targetValue: 3, scaleInCooldownSeconds: 600, scaleOutCooldownSeconds: 120 },
      scheduled: [{ name: 'Night', schedule: 'cron(0 20 * * ? *)', maxCapacity: 1 }],
    });
  });

  test('an endpoint CloudFormation manages is scaled by CloudFormation, not the function', () => {
    const { template: t, endpoint: e } = build({ modelPackageGroupName: 'llm' });
    expect(JSON.stringify(promotionConfig(t))).not.toContain('scaling');
    expect(e.promotionScalingRule).toBeUndefined();
    t.resourceCountIs('AWS::Events::Rule', 1);
  });

  test('the endpoint name is generated at synthesis and stable', () => {
    const again = build({ modelPackageGroupName: 'llm' }, false).endpoint;
    expect(again.endpointName).toBe(endpoint.endpointName);
    expect(endpoint.endpointName).toMatch(/^[a-z0-9-]{1,40}$/);
  });
});

describe('grants, metrics and import', () => {
  test('grantInvoke allows exactly the invoke actions on this endpoint', () => {
    const stack = new Stack(strictApp(), 'S');
    const endpoint = new InferenceEndpoint(stack, 'Endpoint', { dataLake: new SecureDataLake(stack, 'Lake'), model: ModelSource.fromModelPackage(PACKAGE) });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const grant = endpoint.grantInvoke(role);
    expect(grant.success).toBe(true);
    expect(statements(Template.fromStack(stack), 'Caller')).toEqual([
      {
        Effect: 'Allow',
        Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'],
        Resource: stack.resolve(endpoint.endpointArn),
      },
    ]);
  });

  test('metrics carry endpoint and variant dimensions', () => {
    const { stack, endpoint } = build({ variantName: 'Blue' });
    const dims = { EndpointName: endpoint.endpointName, VariantName: 'Blue' };
    expect(endpoint.metricLatency()).toMatchObject({ namespace: 'AWS/SageMaker', metricName: 'ModelLatency', statistic: 'Average', dimensions: dims });
    expect(endpoint.metricLatency().period.toSeconds()).toBe(60);
    expect(endpoint.metricLatency({ statistic: 'p99' })).toMatchObject({ metricName: 'ModelLatency', statistic: 'p99', dimensions: dims });
    expect(endpoint.metricInvocations()).toMatchObject({ metricName: 'Invocations', statistic: 'Sum', dimensions: dims });
    expect(endpoint.metricErrors({ period: Duration.minutes(5) })).toMatchObject({ metricName: 'Invocation5XXErrors', statistic: 'Sum', dimensions: dims });
    expect(endpoint.metricErrors({ period: Duration.minutes(5) }).period.toSeconds()).toBe(300);
    expect(stack).toBeDefined();
  });

  test('fromEndpointAttributes: ARN, grants and metrics of an existing endpoint', () => {
    const stack = new Stack(strictApp(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const imported = InferenceEndpoint.fromEndpointAttributes(stack, 'Existing', { endpointName: 'my-llm' });
    expect(stack.resolve(imported.endpointArn)).toBe('arn:aws:sagemaker:eu-west-1:123456789012:endpoint/my-llm');
    expect(imported.metricLatency()).toMatchObject({ dimensions: { EndpointName: 'my-llm', VariantName: 'AllTraffic' } });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    imported.grantInvoke(role);
    expect(statements(Template.fromStack(stack), 'Caller')).toEqual([
      {
        Effect: 'Allow',
        Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'],
        Resource: 'arn:aws:sagemaker:eu-west-1:123456789012:endpoint/my-llm',
      },
    ]);
  });
});

describe('InferenceEndpoint with several production variants', () => {
  const { endpoint, template } = build({
    minCapacity: 2,
    maxCapacity: 4,
    variants: [
      { variantName: 'Large', instanceType: 'ml.g5.12xlarge', initialVariantWeight: 3 },
      { variantName: 'small-gpu', instanceType: 'ml.g5.xlarge', initialVariantWeight: 1, minCapacity: 1, maxCapacity: 8 },
    ],
    rollbackAlarmVariants: ['Large'],
    cpuUtilizationThreshold: 80,
  });

  test('one config with both variants, their instance types and weights (and no key: both are NVMe types)', () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [
        Match.objectLike({ VariantName: 'Large', InstanceType: 'ml.g5.12xlarge', InitialInstanceCount: 2, InitialVariantWeight: 3 }),
        Match.objectLike({ VariantName: 'small-gpu', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1, InitialVariantWeight: 1 }),
      ],
      KmsKeyId: Match.absent(),
    });
    expect(endpoint.variantNames).toEqual(['Large', 'small-gpu']);
    expect(endpoint.variantName).toBe('Large');
  });

  test('each variant scales on its own bounds', () => {
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 2);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ResourceId: `endpoint/${endpoint.endpointName}/variant/Large`,
      MinCapacity: 2,
      MaxCapacity: 4,
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ResourceId: `endpoint/${endpoint.endpointName}/variant/small-gpu`,
      MinCapacity: 1,
      MaxCapacity: 8,
    });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 2);
    expect(endpoint.scalableTargets).toHaveLength(2);
    expect(endpoint.scalableTarget).toBe(endpoint.scalableTargets[0]);
  });

  test('alarms per variant; only the chosen variant rolls a deployment back', () => {
    const alarmsOf = (variant: string) =>
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a: any) =>
        (a.Properties.Dimensions ?? []).some((d: any) => d.Name === 'VariantName' && d.Value === variant),
      ) as any[];
    expect(alarmsOf('Large')).toHaveLength(8);
    expect(alarmsOf('small-gpu')).toHaveLength(8);
    // CPU and GPU thresholds scale with the instance: g5.12xlarge has 48 vCPUs and 4 GPUs, g5.xlarge 4 and 1.
    const threshold = (variant: string, metric: string) => alarmsOf(variant).find((a) => a.Properties.MetricName === metric).Properties.Threshold;
    expect(threshold('Large', 'CPUUtilization')).toBe(80 * 48);
    expect(threshold('Large', 'GPUUtilization')).toBe(90 * 4);
    expect(threshold('small-gpu', 'CPUUtilization')).toBe(80 * 4);
    expect(threshold('small-gpu', 'GPUUtilization')).toBe(90);

    const rollback = template.findResources('AWS::SageMaker::Endpoint');
    const alarms = (Object.values(rollback)[0] as any).Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms;
    expect(alarms).toHaveLength(2);
    expect(endpoint.rollbackAlarms).toHaveLength(2);
    for (const a of endpoint.rollbackAlarms) {
      expect((a.node.defaultChild as any).dimensions).toEqual(expect.arrayContaining([{ name: 'VariantName', value: 'Large' }]));
    }
  });

  test('dashboard lines are labelled per variant', () => {
    const stack = Stack.of(endpoint);
    const json = JSON.stringify(stack.resolve(endpoint.widgets.map((w) => w.toJson())));
    expect(json).toContain('"label":"Large p99"');
    expect(json).toContain('"label":"small-gpu p99"');
  });
});

describe('InferenceEndpoint validation', () => {
  const expectError = (props: Partial<InferenceEndpointProps>, pattern: RegExp, withModel = true) =>
    expect(() => build(props, withModel)).toThrow(pattern);

  test.each<[string, Partial<InferenceEndpointProps>, RegExp, boolean?]>([
    ['minCapacity > maxCapacity', { minCapacity: 3, maxCapacity: 2 }, /S\/Endpoint: invalid maxCapacity: got 2; allowed: at least minCapacity \(3\)/],
    ['capacity < 1 for a real-time variant', { minCapacity: 0 }, /S\/Endpoint: invalid minCapacity: got 0; allowed: an integer from 1 to 1000/],
    ['fractional capacity', { minCapacity: 1.5 }, /invalid minCapacity: got 1.5/],
    ['maxCapacity 0', { asyncInference: {}, minCapacity: 0, maxCapacity: 0 }, /invalid maxCapacity: got 0; allowed: an integer from 1 to 1000/],
    ['negative async capacity', { asyncInference: {}, minCapacity: -1 }, /invalid minCapacity: got -1; allowed: an integer from 0 to 1000/],
    ['sampling above 100', { captureSamplingPercentage: 101 }, /invalid captureSamplingPercentage: got 101; allowed: an integer from 0 to 100/],
    ['sampling below 0', { captureSamplingPercentage: -1 }, /invalid captureSamplingPercentage: got -1/],
    ['canary 0%', { deploymentStrategy: DeploymentStrategy.canary(0, Duration.minutes(5)) }, /S\/Endpoint: invalid deploymentStrategy canary percent: got 0; allowed: an integer from 1 to 99/],
    ['canary 100%', { deploymentStrategy: DeploymentStrategy.canary(100, Duration.minutes(5)) }, /S\/Endpoint: invalid deploymentStrategy canary percent: got 100; allowed: an integer from 1 to 99/],
    ['canary 99% (SageMaker allows at most half the fleet)', { deploymentStrategy: DeploymentStrategy.canary(99, Duration.minutes(5)) }, /canary percent: got 99; allowed: at most 50: SageMaker requires/],
    ['linear step 0', { deploymentStrategy: DeploymentStrategy.linear(0, Duration.minutes(5)) }, /linear step percent: got 0/],
    ['wait over an hour', { deploymentStrategy: DeploymentStrategy.canary(10, Duration.hours(2)) }, /invalid deploymentStrategy wait: got "2 hours"; allowed: whole seconds from 0 to 3600/],
    ['termination wait over an hour', { terminationWait: Duration.hours(2) }, /invalid terminationWait \(seconds\): got 7200/],
    ['fractional termination wait', { terminationWait: Duration.millis(1500) }, /invalid terminationWait \(seconds\): got 1.5; allowed: an integer from 0 to 3600/],
    ['monitoring longer than a day', { monitoring: { imageUri: MONITOR, baselineConstraintsKey: 'c', baselineStatisticsKey: 's', maxRuntime: Duration.hours(25) } }, /invalid monitoring.maxRuntime \(seconds\): got 90000/],
    ['CPU family when a GPU is required', { instanceType: 'ml.c5.xlarge', requireGpu: true }, /S\/Endpoint: invalid instanceType: got "ml.c5.xlarge"; allowed: a GPU family \(requireGpu is set\)/],
    ['Inferentia when a GPU is required', { instanceType: 'ml.inf2.xlarge', requireGpu: true }, /invalid instanceType: got "ml.inf2.xlarge"; allowed: a GPU family/],
    ['malformed instance type', { instanceType: 'g5.xlarge' }, /invalid instanceType: got "g5.xlarge"; allowed: a SageMaker instance type for hosting \(endpoints\): ml.<family>.<size>/],
    ['an instance size that does not exist', { instanceType: 'ml.g5.huge' }, /S\/Endpoint: invalid instanceType: got "ml.g5.huge"; allowed: a size SageMaker offers for ml.g5 hosting \(endpoints\): ml.g5.xlarge, ml.g5.2xlarge, .* \(no huge\); or set allowUnlistedInstanceType: true/],
    ['a training-only family', { instanceType: 'ml.p3dn.24xlarge' }, /invalid instanceType: got "ml.p3dn.24xlarge"; allowed: an instance type of a family SageMaker offers for hosting/],
    ['a variant size that does not exist', { variants: [{ variantName: 'Gpu' }, { variantName: 'Cheap', instanceType: 'ml.g4dn.3xlarge' }] }, /S\/Endpoint: invalid variants\[1\].instanceType: got "ml.g4dn.3xlarge"; allowed: a size SageMaker offers for ml.g4dn/],
    ['a monitoring instance size that does not exist', { monitoring: { imageUri: MONITOR, baselineConstraintsKey: 'c', baselineStatisticsKey: 's', instanceType: 'ml.m5.huge' } }, /invalid monitoring.instanceType: got "ml.m5.huge"; allowed: a size SageMaker offers for ml.m5 processing jobs/],
    ['promoting from another group than the served package', { modelPackageGroupName: 'other-llm' }, /S\/Endpoint: invalid modelPackageGroupName: got "other-llm"; allowed: "llm", the group of the model package the endpoint serves \(model\)/],
    ['an endpoint name with capitals', { endpointName: 'Llm-Prod' }, /S\/Endpoint: invalid endpointName: got "Llm-Prod"; allowed: lower-case letters, digits and hyphens, starting and ending with a letter or digit, 1 to 63 characters/],
    ['an endpoint name with an underscore', { endpointName: 'llm_prod' }, /invalid endpointName: got "llm_prod"/],
    ['an endpoint name ending in a hyphen', { endpointName: 'llm-' }, /invalid endpointName: got "llm-"/],
    ['an endpoint name over 63 characters', { endpointName: 'a'.repeat(64) }, /invalid endpointName: got "a{64}"; allowed: .*1 to 63 characters$/],
    ['an endpoint name over 40 characters with promotion', { endpointName: 'a'.repeat(41), modelPackageGroupName: 'llm' }, /invalid endpointName: got "a{41}"; allowed: .*1 to 40 characters \(at most 40 with modelPackageGroupName or monitoring: the promotion function and the monitoring schedule name their resources <endpointName>-<suffix>/],
    ['bad variant name', { variantName: 'all traffic' }, /invalid variantName: got "all traffic"/],
    ['bad group name', { modelPackageGroupName: 'my_group' }, /invalid modelPackageGroupName: got "my_group"/],
    ['neither model nor group', {}, /invalid model: got undefined; allowed: a ModelSource, or a modelPackageGroupName/, false],
    ['monitoring without model', { modelPackageGroupName: 'llm', monitoring: { imageUri: MONITOR, baselineConstraintsKey: 'c', baselineStatisticsKey: 's' } }, /invalid monitoring: got "set without model"/, false],
    ['monitoring without capture', { captureSamplingPercentage: 0, monitoring: { imageUri: MONITOR, baselineConstraintsKey: 'c', baselineStatisticsKey: 's' } }, /invalid captureSamplingPercentage: got 0; allowed: from 1 to 100 when monitoring is set/],
    ['monitoring image outside ECR', { monitoring: { imageUri: 'docker.io/monitor:latest', baselineConstraintsKey: 'c', baselineStatisticsKey: 's' } }, /invalid monitoring.imageUri: got "docker.io\/monitor:latest"/],
    ['monitoring schedule not cron', { monitoring: { imageUri: MONITOR, baselineConstraintsKey: 'c', baselineStatisticsKey: 's', scheduleExpression: 'rate(1 hour)' } }, /invalid monitoring.scheduleExpression: got "rate\(1 hour\)"/],
    ['scheduled min > max', { scheduledScaling: [{ id: 'Peak', schedule: appscaling.Schedule.rate(Duration.hours(1)), minCapacity: 5, maxCapacity: 2 }] }, /invalid scheduledScaling\[Peak\].maxCapacity: got 2; allowed: at least its minCapacity \(5\)/],
    ['scheduled action without bounds', { scheduledScaling: [{ id: 'Peak', schedule: appscaling.Schedule.rate(Duration.hours(1)) }] }, /invalid scheduledScaling\[Peak\]: got "no bounds"/],
    ['target of 0 invocations', { targetInvocationsPerInstance: 0 }, /invalid targetInvocationsPerInstance: got 0/],
    ['container startup under a minute', { containerStartupTimeout: Duration.seconds(10) }, /invalid containerStartupTimeout \(seconds\): got 10/],
    ['a model package ARN without version', { model: ModelSource.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package-group/llm') }, /invalid model: got "arn:aws:sagemaker:us-east-1:123456789012:model-package-group\/llm"; allowed: a versioned model package ARN/],
    ['an image outside ECR', { model: ModelSource.fromImageUri('nginx:latest') }, /invalid model: got "nginx:latest"; allowed: an ECR image URI/],
    ['an s3:// model data key', { model: ModelSource.fromImageUri(TGI, { modelDataKey: 's3://bucket/model.tar.gz' }) }, /invalid model modelDataKey: got "s3:\/\/bucket\/model.tar.gz"/],
    ['alarms referencing a variant that does not exist', { variants: [{ variantName: 'Gpu' }, { variantName: 'Cheap', instanceType: 'ml.g4dn.xlarge' }], rollbackAlarmVariants: ['Gpu', 'Blue'] }, /S\/Endpoint: invalid rollbackAlarmVariants: got "Blue"; allowed: names of production variants of this endpoint: Gpu, Cheap/],
    ['rollback alarms on the default variant by another name', { rollbackAlarmVariants: ['Main'] }, /invalid rollbackAlarmVariants: got "Main"; allowed: names of production variants of this endpoint: AllTraffic/],
    ['no rollback alarm at all', { rollbackAlarmVariants: [] }, /invalid rollbackAlarmVariants: got "\[\]"; allowed: 1 to 5 variants/],
    ['more than 10 rollback alarms', { variants: ['a', 'b', 'c', 'd', 'e', 'f'].map((variantName) => ({ variantName })) }, /invalid rollbackAlarmVariants: got "every variant \(6\)"; allowed: 1 to 5 variants: SageMaker takes at most 10 rollback alarms/],
    ['more than 10 variants', { variants: Array.from({ length: 11 }, (_, i) => ({ variantName: `v${i}` })) }, /invalid variants: got "11 variants"; allowed: 1 to 10 production variants/],
    ['no variant', { variants: [] }, /invalid variants: got "0 variants"/],
    ['duplicate variant names', { variants: [{ variantName: 'Blue' }, { variantName: 'blue' }] }, /invalid variants\[1\].variantName: got "blue"; allowed: a name unique among the variants/],
    ['variantName and variants together', { variantName: 'Main', variants: [{ variantName: 'Gpu' }] }, /invalid variantName: got "Main"; allowed: no variantName when variants is set/],
    ['a CPU variant when a GPU is required', { requireGpu: true, variants: [{ variantName: 'Gpu' }, { variantName: 'Cheap', instanceType: 'ml.m5.xlarge' }] }, /S\/Endpoint: invalid variants\[1\].instanceType: got "ml.m5.xlarge"; allowed: a GPU family \(requireGpu is set\)/],
    ['variant minCapacity > its maxCapacity', { variants: [{ variantName: 'Gpu', minCapacity: 4, maxCapacity: 3 }] }, /invalid variants\[0\].maxCapacity: got 3; allowed: at least its minCapacity \(4\)/],
    ['variant minCapacity above the endpoint maxCapacity', { maxCapacity: 2, variants: [{ variantName: 'Gpu', minCapacity: 3 }] }, /invalid variants\[0\].minCapacity: got 3; allowed: at most maxCapacity \(2\)/],
    ['variant capacity < 1 (real time)', { variants: [{ variantName: 'Gpu', minCapacity: 0 }] }, /invalid variants\[0\].minCapacity: got 0; allowed: an integer from 1 to 1000/],
    ['negative weight', { variants: [{ variantName: 'Gpu', initialVariantWeight: -1 }] }, /invalid variants\[0\].initialVariantWeight: got -1/],
    ['every weight 0', { variants: [{ variantName: 'Gpu', initialVariantWeight: 0 }] }, /invalid variants: got "every initialVariantWeight is 0"/],
    ['malformed variant instance type', { variants: [{ variantName: 'Gpu', instanceType: 'gpu' }] }, /invalid variants\[0\].instanceType: got "gpu"/],
    ['a malformed instance type also with allowUnlistedInstanceType', { instanceType: 'g7.xlarge', allowUnlistedInstanceType: true }, /invalid instanceType: got "g7.xlarge"; allowed: a SageMaker instance type/],
    ['several variants on an async endpoint', { asyncInference: {}, variants: [{ variantName: 'Gpu' }, { variantName: 'Cheap', instanceType: 'ml.g4dn.xlarge' }] }, /invalid variants: got "2 variants"; allowed: exactly one variant with asyncInference/],
    ['CPU threshold above 100%', { cpuUtilizationThreshold: 120 }, /invalid cpuUtilizationThreshold: got 120; allowed: a number from 1 to 100/],
    ['GPU threshold 0', { gpuUtilizationThreshold: 0 }, /invalid gpuUtilizationThreshold: got 0/],
    ['an async concurrency of 0', { asyncInference: { maxConcurrentInvocationsPerInstance: 0 } }, /invalid asyncInference.maxConcurrentInvocationsPerInstance: got 0/],
  ])('%s', (_name, props, pattern, withModel = true) => expectError(props, pattern, withModel));

  test('the error is a GenAIValidationError naming path and property', () => {
    try {
      build({ minCapacity: 3, maxCapacity: 2 });
      fail('expected an error');
    } catch (e: any) {
      expect(e.name).toBe('GenAIValidationError');
      expect(e.constructPath).toBe('S/Endpoint');
      expect(e.property).toBe('maxCapacity');
    }
  });
});

describe('physical name, instance tables, one promotion function per model package group', () => {
  test('endpointName names the endpoint, its ARN, grants, metrics and the promotion function\'s resources', () => {
    const { stack, endpoint, template } = build({ endpointName: 'acme-llm-prod', modelPackageGroupName: 'llm' });
    expect(endpoint.endpointName).toBe('acme-llm-prod');
    template.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: 'acme-llm-prod' });
    expect(stack.resolve(endpoint.endpointArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':endpoint/acme-llm-prod']] });
    expect(endpoint.metricInvocations().dimensions).toEqual({ EndpointName: 'acme-llm-prod', VariantName: 'AllTraffic' });
    expect(parsedPromotionConfig(template).endpointName).toBe('acme-llm-prod');
  });

  test('without promotion or monitoring the name may use all 63 characters SageMaker allows', () => {
    const name = `llm-${'a'.repeat(59)}`;
    build({ endpointName: name }).template.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: name });
  });

  test('the default name stays generated from the construct path', () => {
    const { endpoint, template } = build();
    expect(endpoint.endpointName).toMatch(/^s-endpoint-[a-z0-9]+$/);
    template.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: endpoint.endpointName });
  });

  test('allowUnlistedInstanceType: a newer variant type is noted, not checked for a GPU, and SageMaker gets it as given', () => {
    const { stack, template } = build({ requireGpu: true, allowUnlistedInstanceType: true, variants: [{ variantName: 'G5' }, { variantName: 'G7', instanceType: 'ml.g7.2xlarge' }] });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ InstanceType: 'ml.g5.xlarge' }), Match.objectLike({ InstanceType: 'ml.g7.2xlarge' })],
    });
    Annotations.fromStack(stack).hasInfo('/S/Endpoint', Match.stringLikeRegexp('variants\\[1\\].instanceType ml.g7.2xlarge is not in this library.s instance tables'));
    // a known family that is not a GPU still fails requireGpu with the escape hatch
    expect(() => build({ requireGpu: true, allowUnlistedInstanceType: true, instanceType: 'ml.m5.xlarge' })).toThrow(/invalid instanceType: got "ml.m5.xlarge"; allowed: a GPU family/);
  });

  test('the served package and the promoted group agree: literal ARNs, ARNs with tokens, token groups', () => {
    const stack = new Stack(strictApp(), 'S');
    const lake = new SecureDataLake(stack, 'Lake');
    const arn = stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: 'team-llm/4' });
    new InferenceEndpoint(stack, 'Pinned', { dataLake: lake, model: ModelSource.fromModelPackage(arn), modelPackageGroupName: 'team-llm' });
    expect(() => new InferenceEndpoint(stack, 'Mixed', { dataLake: lake, model: ModelSource.fromModelPackage(arn), modelPackageGroupName: 'team-llm-2' })).toThrow(
      /S\/Mixed: invalid modelPackageGroupName: got "team-llm-2"; allowed: "team-llm", the group of the model package/,
    );
    // a token group (e.g. from a parameter) is not compared
    const group = new CfnParameter(stack, 'Group').valueAsString;
    expect(() => new InferenceEndpoint(stack, 'FromParameter', { dataLake: lake, model: ModelSource.fromModelPackage(PACKAGE), modelPackageGroupName: group })).not.toThrow();
  });

  describe('two endpoints promoting from one group', () => {
    const endpointIn = (stack: Stack, id: string, group: string | undefined) => {
      const lakeScope = new Construct(stack, `${id}Lake`);
      const dataLake = SecureDataLake.fromDataLakeAttributes(lakeScope, 'Lake', LAKE_ATTRS(lakeScope));
      return new InferenceEndpoint(stack, id, { dataLake, modelPackageGroupName: group, model: group ? undefined : ModelSource.fromModelPackage(PACKAGE) });
    };

    test('in two stacks of one app (both environment-agnostic): the second fails, naming the first', () => {
      const app = strictApp();
      endpointIn(new Stack(app, 'Blue'), 'Endpoint', 'llm');
      expect(() => endpointIn(new Stack(app, 'Green'), 'Endpoint', 'llm')).toThrow(
        /^Green\/Endpoint: invalid modelPackageGroupName: got "llm"; allowed: a model package group that no other InferenceEndpoint of this app promotes from in the same account and region: Blue\/Endpoint promotes from "llm" already, and two promotion functions would race on every approval/,
      );
    });

    test('in two stages of one app with the same environment: the second fails', () => {
      const app = strictApp();
      const env = { account: '111122223333', region: 'eu-west-1' };
      endpointIn(new Stack(new Stage(app, 'Dev', { env }), 'Serving'), 'Endpoint', 'llm');
      expect(() => endpointIn(new Stack(new Stage(app, 'Test', { env }), 'Serving'), 'Endpoint', 'llm')).toThrow(/Test\/Serving\/Endpoint: invalid modelPackageGroupName: got "llm".*Dev\/Serving\/Endpoint promotes from "llm" already/);
    });

    test('other accounts or regions, other groups, token groups and endpoints without promotion do not collide', () => {
      const app = strictApp();
      endpointIn(new Stack(app, 'Eu', { env: { account: '111122223333', region: 'eu-west-1' } }), 'Endpoint', 'llm');
      endpointIn(new Stack(app, 'Us', { env: { account: '111122223333', region: 'us-east-1' } }), 'Endpoint', 'llm');
      endpointIn(new Stack(app, 'Other', { env: { account: '444455556666', region: 'eu-west-1' } }), 'Endpoint', 'llm');
      const stack = new Stack(app, 'Same', { env: { account: '111122223333', region: 'eu-west-1' } });
      endpointIn(stack, 'OtherGroup', 'llm-2');
      endpointIn(stack, 'NoPromotion', undefined);
      const token = new CfnParameter(stack, 'Group').valueAsString;
      endpointIn(stack, 'TokenA', token);
      expect(() => endpointIn(stack, 'TokenB', token)).not.toThrow();
      expect(() => endpointIn(stack, 'Again', 'llm')).toThrow(/Same\/Again: invalid modelPackageGroupName: got "llm".*Eu\/Endpoint promotes from "llm" already/);
    });
  });
});

describe('metrics as aws-cdk-lib users expect them', () => {
  test('an alarm on metricLatency() watches the average, without a unit filter; the construct\'s own latency alarms keep their percentiles', () => {
    const stack = new Stack(strictApp(), 'S');
    const endpoint = new InferenceEndpoint(stack, 'Endpoint', { dataLake: new SecureDataLake(stack, 'Lake'), model: ModelSource.fromModelPackage(PACKAGE) });
    endpoint.metricLatency().createAlarm(stack, 'MyLatency', { threshold: 2_000_000, evaluationPeriods: 1 });
    const template = Template.fromStack(stack);
    const mine = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).find(([id]) => id.startsWith('MyLatency'))![1] as any;
    expect(mine.Properties).toMatchObject({ MetricName: 'ModelLatency', Statistic: 'Average', Period: 60 });
    expect(mine.Properties.Unit).toBeUndefined();
    expect(mine.Properties.ExtendedStatistic).toBeUndefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', ExtendedStatistic: 'p99', Period: 60 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', ExtendedStatistic: 'p50', Period: 300 });
  });

  test('fromEndpointName: an existing endpoint by name, metrics about AllTraffic; a bad name fails', () => {
    const stack = new Stack(strictApp(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const imported = InferenceEndpoint.fromEndpointName(stack, 'Existing', 'my-llm');
    expect(stack.resolve(imported.endpointArn)).toBe('arn:aws:sagemaker:eu-west-1:123456789012:endpoint/my-llm');
    expect(imported.metricErrors()).toMatchObject({ metricName: 'Invocation5XXErrors', statistic: 'Sum', dimensions: { EndpointName: 'my-llm', VariantName: 'AllTraffic' } });
    expect(() => InferenceEndpoint.fromEndpointName(stack, 'Bad', 'my llm')).toThrow(/^S: invalid endpointName: got "my llm"; allowed: an endpoint name/);
  });
});
