import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { DeploymentStrategy } from '../../lib/inference/deployment-strategy';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';
import { ModelSource } from '../../lib/inference/model-source';
import { TrainingImage } from '../../lib/training/training-pipeline';
import { sharedMatrix } from '../helpers/compliance';

const PACKAGE = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/3';
/** A version of another group: two endpoints of one app must not promote from the same group. */
const packageOf = (group: string) => `arn:aws:sagemaker:us-east-1:123456789012:model-package/${group}/3`;
const TGI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04';
const MONITOR = '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer:latest';

// Every configuration of this file is checked in one app and one synth (see ComplianceMatrix).
const matrix = sharedMatrix().section('Inference');

describe('InferenceEndpoint compliance (every pack, Control Tower, strict schema)', () => {
  const gpu = matrix.add('Gpu', (app) => {
    const stack = new Stack(app, 'Gpu');
    const lake = new SecureDataLake(stack, 'Lake');
    const endpoint = new InferenceEndpoint(stack, 'Endpoint', {
      dataLake: lake,
      model: ModelSource.fromModelPackage(PACKAGE),
      modelPackageGroupName: 'llm',
      instanceType: 'ml.g5.2xlarge',
      requireGpu: true,
      minCapacity: 2,
      maxCapacity: 4,
      deploymentStrategy: DeploymentStrategy.canary(25, Duration.minutes(5)),
      monitoring: { imageUri: MONITOR, baselineStatisticsKey: 'baselines/llm/statistics.json', baselineConstraintsKey: 'baselines/llm/constraints.json' },
    });
    return endpoint;
  });
  test('GPU NVMe variant from the registry, with promotion and drift monitoring: zero findings, no KMS key, annotated', () => {
    expect(gpu().storageEncryptedWithKey).toBe(false);
    expect(matrix.messages('Gpu', 'info')).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/Gpu/Endpoint', data: expect.stringMatching(/local NVMe storage/) })]));
    expect(matrix.findings('Gpu')).toEqual([]);
  });

  const cpu = matrix.add('Cpu', (app) => {
    const stack = new Stack(app, 'Cpu');
    const lake = new SecureDataLake(stack, 'Lake');
    const endpoint = new InferenceEndpoint(stack, 'Endpoint', {
      dataLake: lake,
      model: ModelSource.fromImageUri(TGI, { modelDataKey: 'models/small/model.tar.gz' }),
      instanceType: 'ml.m5.xlarge',
      asyncInference: {},
    });
    return endpoint;
  });
  test('CPU variant from an image with model data, async: zero findings, storage key set', () => {
    expect(cpu().storageEncryptedWithKey).toBe(true);
    expect(matrix.findings('Cpu')).toEqual([]);
  });

  matrix.add('InVpc', (app) => {
    const stack = new Stack(app, 'InVpc');
    const lake = new SecureDataLake(stack, 'Lake');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      flowLogs: { All: {} },
    });
    new InferenceEndpoint(stack, 'Endpoint', {
      dataLake: lake,
      model: ModelSource.fromModelPackage(packageOf('llm-vpc')),
      modelPackageGroupName: 'llm-vpc',
      modelPackageImages: [TrainingImage.fromImageUri(TGI)],
      minCapacity: 2,
      vpc,
      monitoring: { imageUri: MONITOR, baselineStatisticsKey: 's.json', baselineConstraintsKey: 'c.json' },
    });
  });
  test('in a VPC with monitoring, promotion and named registry images: zero findings', () => {
    // The VPC itself is the test's, not the construct's: only findings on the endpoint count.
    expect(matrix.findings('InVpc/Endpoint')).toEqual([]);
  });

  matrix.add('Empty', (app) => {
    const stack = new Stack(app, 'Empty');
    const lake = new SecureDataLake(stack, 'Lake');
    new InferenceEndpoint(stack, 'Endpoint', { dataLake: lake, modelPackageGroupName: 'llm-empty' });
  });
  test('promotion only (no model yet): zero findings', () => {
    expect(matrix.findings('Empty')).toEqual([]);
  });

  matrix.add('EmptyAsync', (app) => {
    const stack = new Stack(app, 'EmptyAsync');
    const lake = new SecureDataLake(stack, 'Lake');
    new InferenceEndpoint(stack, 'Endpoint', { dataLake: lake, modelPackageGroupName: 'llm-async', asyncInference: {}, instanceType: 'ml.m5.xlarge' });
  });
  test('promotion only, asynchronous (the function registers scale-to-zero scaling): zero findings', () => {
    expect(matrix.findings('EmptyAsync')).toEqual([]);
  });

  matrix.add('Variants', (app) => {
    const stack = new Stack(app, 'Variants');
    const lake = new SecureDataLake(stack, 'Lake');
    new InferenceEndpoint(stack, 'Endpoint', {
      dataLake: lake,
      model: ModelSource.fromModelPackage(packageOf('llm-variants')),
      modelPackageGroupName: 'llm-variants',
      requireGpu: true,
      minCapacity: 2,
      maxCapacity: 6,
      variants: [
        { variantName: 'g5', instanceType: 'ml.g5.2xlarge', initialVariantWeight: 4 },
        { variantName: 'g6', instanceType: 'ml.g6.2xlarge', initialVariantWeight: 1 },
      ],
      rollbackAlarmVariants: ['g5'],
    });
  });
  test('two GPU variants at two instances each, rollback on one of them: zero findings', () => {
    expect(matrix.findings('Variants')).toEqual([]);
  });
});

matrix.add('Mixed', (app) => {
  const stack = new Stack(app, 'Mixed');
  const lake = new SecureDataLake(stack, 'Lake');
  new InferenceEndpoint(stack, 'Endpoint', {
    dataLake: lake,
    model: ModelSource.fromModelPackage(PACKAGE),
    variants: [{ variantName: 'a', minCapacity: 2 }, { variantName: 'b' }],
  });
});
test('a variant left at one instance gets the multi-instance warning even when another variant has two', () => {
  expect(matrix.findings('Mixed')).toEqual(['GenAI GenAI-SageMakerEndpointMultiInstance @ Mixed/Endpoint/Resource']);
});

matrix.add('Single', (app) => {
  const stack = new Stack(app, 'Single');
  const lake = new SecureDataLake(stack, 'Lake');
  new InferenceEndpoint(stack, 'Default', { dataLake: lake, model: ModelSource.fromModelPackage(PACKAGE) });
  new InferenceEndpoint(stack, 'Chosen', { dataLake: lake, model: ModelSource.fromModelPackage(PACKAGE), minCapacity: 1 });
});
test('an endpoint left at the default single instance gets the GenAIChecks multi-instance warning; an explicit choice is acknowledged', () => {
  expect(matrix.findings('Single')).toEqual(['GenAI GenAI-SageMakerEndpointMultiInstance @ Single/Default/Resource']);
});
