import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { DeploymentStrategy, InferenceEndpoint, ModelSource, SecureDataLake } from '../../lib';
import { complianceFindings, strictApp } from '../helpers/compliance';

const PACKAGE = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/3';
const TGI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04';
const MONITOR = '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer:latest';

describe('InferenceEndpoint compliance (every pack, Control Tower, strict schema)', () => {
  test('GPU NVMe variant from the registry, with promotion and drift monitoring: zero findings, no KMS key, annotated', () => {
    const app = strictApp();
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
    expect(endpoint.storageEncryptedWithKey).toBe(false);
    Annotations.fromStack(stack).hasInfo('/Gpu/Endpoint', Match.stringLikeRegexp('local NVMe storage'));
    expect(complianceFindings(app)).toEqual([]);
  });

  test('CPU variant from an image with model data, async: zero findings, storage key set', () => {
    const app = strictApp();
    const stack = new Stack(app, 'Cpu');
    const lake = new SecureDataLake(stack, 'Lake');
    const endpoint = new InferenceEndpoint(stack, 'Endpoint', {
      dataLake: lake,
      model: ModelSource.fromImageUri(TGI, { modelDataKey: 'models/small/model.tar.gz' }),
      instanceType: 'ml.m5.xlarge',
      asyncInference: {},
    });
    expect(endpoint.storageEncryptedWithKey).toBe(true);
    expect(complianceFindings(app)).toEqual([]);
  });

  test('in a VPC with monitoring and promotion: zero findings', () => {
    const app = strictApp();
    const stack = new Stack(app, 'InVpc');
    const lake = new SecureDataLake(stack, 'Lake');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      flowLogs: { All: {} },
    });
    new InferenceEndpoint(stack, 'Endpoint', {
      dataLake: lake,
      model: ModelSource.fromModelPackage(PACKAGE),
      modelPackageGroupName: 'llm',
      minCapacity: 2,
      vpc,
      monitoring: { imageUri: MONITOR, baselineStatisticsKey: 's.json', baselineConstraintsKey: 'c.json' },
    });
    const findings = complianceFindings(app);
    // The VPC itself is the test's, not the construct's: only findings on the endpoint count.
    expect(findings.filter((f) => f.includes('InVpc/Endpoint'))).toEqual([]);
  });

  test('promotion only (no model yet): zero findings', () => {
    const app = strictApp();
    const stack = new Stack(app, 'Empty');
    const lake = new SecureDataLake(stack, 'Lake');
    new InferenceEndpoint(stack, 'Endpoint', { dataLake: lake, modelPackageGroupName: 'llm' });
    expect(complianceFindings(app)).toEqual([]);
  });

  test('promotion only, asynchronous (the function registers scale-to-zero scaling): zero findings', () => {
    const app = strictApp();
    const stack = new Stack(app, 'EmptyAsync');
    const lake = new SecureDataLake(stack, 'Lake');
    new InferenceEndpoint(stack, 'Endpoint', { dataLake: lake, modelPackageGroupName: 'llm', asyncInference: {}, instanceType: 'ml.m5.xlarge' });
    expect(complianceFindings(app)).toEqual([]);
  });

  test('two GPU variants at two instances each, rollback on one of them: zero findings', () => {
    const app = strictApp();
    const stack = new Stack(app, 'Variants');
    const lake = new SecureDataLake(stack, 'Lake');
    new InferenceEndpoint(stack, 'Endpoint', {
      dataLake: lake,
      model: ModelSource.fromModelPackage(PACKAGE),
      modelPackageGroupName: 'llm',
      requireGpu: true,
      minCapacity: 2,
      maxCapacity: 6,
      variants: [
        { variantName: 'g5', instanceType: 'ml.g5.2xlarge', initialVariantWeight: 4 },
        { variantName: 'g6', instanceType: 'ml.g6.2xlarge', initialVariantWeight: 1 },
      ],
      rollbackAlarmVariants: ['g5'],
    });
    expect(complianceFindings(app)).toEqual([]);
  });
});

test('a variant left at one instance gets the multi-instance warning even when another variant has two', () => {
  const app = strictApp();
  const stack = new Stack(app, 'Mixed');
  const lake = new SecureDataLake(stack, 'Lake');
  new InferenceEndpoint(stack, 'Endpoint', {
    dataLake: lake,
    model: ModelSource.fromModelPackage(PACKAGE),
    variants: [{ variantName: 'a', minCapacity: 2 }, { variantName: 'b' }],
  });
  expect(complianceFindings(app)).toEqual(['GenAI GenAI-SageMakerEndpointMultiInstance @ Mixed/Endpoint/Resource']);
});

test('an endpoint left at the default single instance gets the GenAIChecks multi-instance warning; an explicit choice is acknowledged', () => {
  const app = strictApp();
  const stack = new Stack(app, 'Single');
  const lake = new SecureDataLake(stack, 'Lake');
  new InferenceEndpoint(stack, 'Default', { dataLake: lake, model: ModelSource.fromModelPackage(PACKAGE) });
  new InferenceEndpoint(stack, 'Chosen', { dataLake: lake, model: ModelSource.fromModelPackage(PACKAGE), minCapacity: 1 });
  expect(complianceFindings(app)).toEqual(['GenAI GenAI-SageMakerEndpointMultiInstance @ Single/Default/Resource']);
});
