import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Acknowledgements } from '../../../lib/core/acknowledgements';
import { GenAIChecks } from '../../../lib/core/genai-checks/genai-checks';
import { acknowledge } from '../../../lib/core/acknowledgements';
import { newStack, ruleFindings } from './helpers';

const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0';
const ROLE = 'arn:aws:iam::123456789012:role/model';

function model(stack: Stack, props: Partial<sagemaker.CfnModelProps> = {}): sagemaker.CfnModel {
  return new sagemaker.CfnModel(stack, 'Model', { executionRoleArn: ROLE, primaryContainer: { image: IMAGE }, ...props });
}

function variant(instanceType: string, extra: Partial<sagemaker.CfnEndpointConfig.ProductionVariantProperty> = {}): sagemaker.CfnEndpointConfig.ProductionVariantProperty {
  return { variantName: 'AllTraffic', modelName: 'm', instanceType, initialInstanceCount: 1, initialVariantWeight: 1, ...extra };
}

describe('GenAI-SageMakerModelNetworkIsolation', () => {
  test('network isolation on: compliant', () => {
    const stack = newStack();
    model(stack, { enableNetworkIsolation: true });
    expect(ruleFindings(stack, 'SageMakerModelNetworkIsolation')).toEqual([]);
  });

  test('a VPC config instead of isolation: compliant', () => {
    const stack = newStack();
    model(stack, { vpcConfig: { securityGroupIds: ['sg-1'], subnets: ['subnet-1'] } });
    expect(ruleFindings(stack, 'SageMakerModelNetworkIsolation')).toEqual([]);
  });

  test('neither: non-compliant', () => {
    const stack = newStack();
    model(stack);
    expect(ruleFindings(stack, 'SageMakerModelNetworkIsolation')).toEqual(['GenAI-SageMakerModelNetworkIsolation @ S/Model']);
  });

  test('isolation explicitly off: non-compliant', () => {
    const stack = newStack();
    model(stack, { enableNetworkIsolation: false });
    expect(ruleFindings(stack, 'SageMakerModelNetworkIsolation')).toEqual(['GenAI-SageMakerModelNetworkIsolation @ S/Model']);
  });

  test('an escape-hatch override that turns isolation off is seen', () => {
    const stack = newStack();
    model(stack, { enableNetworkIsolation: true }).addPropertyOverride('EnableNetworkIsolation', false);
    expect(ruleFindings(stack, 'SageMakerModelNetworkIsolation')).toEqual(['GenAI-SageMakerModelNetworkIsolation @ S/Model']);
  });

  test('a raw CfnResource of the type is checked too', () => {
    const stack = newStack();
    new CfnResource(stack, 'Raw', {
      type: 'AWS::SageMaker::Model',
      properties: { ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE } },
    });
    expect(ruleFindings(stack, 'SageMakerModelNetworkIsolation')).toEqual(['GenAI-SageMakerModelNetworkIsolation @ S/Raw']);
  });
});

describe('GenAI-SageMakerEndpointConfigKMSKey', () => {
  test('EBS-backed instance type with a key: compliant', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    new sagemaker.CfnEndpointConfig(stack, 'Config', { productionVariants: [variant('ml.m5.xlarge')], kmsKeyId: key.keyArn });
    expect(ruleFindings(stack, 'SageMakerEndpointConfigKMSKey')).toEqual([]);
  });

  test('EBS-backed instance type without a key: non-compliant', () => {
    const stack = newStack();
    new sagemaker.CfnEndpointConfig(stack, 'Config', { productionVariants: [variant('ml.m5.xlarge')] });
    expect(ruleFindings(stack, 'SageMakerEndpointConfigKMSKey')).toEqual(['GenAI-SageMakerEndpointConfigKMSKey @ S/Config']);
  });

  test('GPU type without NVMe storage (ml.p3) still needs the key', () => {
    const stack = newStack();
    new sagemaker.CfnEndpointConfig(stack, 'Config', { productionVariants: [variant('ml.p3.2xlarge')] });
    expect(ruleFindings(stack, 'SageMakerEndpointConfigKMSKey')).toEqual(['GenAI-SageMakerEndpointConfigKMSKey @ S/Config']);
  });

  test.each(['ml.g5.2xlarge', 'ml.g4dn.xlarge', 'ml.p4d.24xlarge', 'ml.m5d.large'])('%s has local NVMe storage: exempt without a key', (type) => {
    const stack = newStack();
    new sagemaker.CfnEndpointConfig(stack, 'Config', { productionVariants: [variant(type)] });
    expect(ruleFindings(stack, 'SageMakerEndpointConfigKMSKey')).toEqual([]);
  });

  test('a shadow variant on NVMe storage exempts the config (SageMaker rejects the key for the whole config)', () => {
    const stack = newStack();
    new sagemaker.CfnEndpointConfig(stack, 'Config', {
      productionVariants: [variant('ml.m5.xlarge')],
      shadowProductionVariants: [variant('ml.g5.xlarge', { variantName: 'Shadow' })],
    });
    expect(ruleFindings(stack, 'SageMakerEndpointConfigKMSKey')).toEqual([]);
  });

  test('serverless variants are exempt', () => {
    const stack = newStack();
    new sagemaker.CfnEndpointConfig(stack, 'Config', {
      productionVariants: [{ variantName: 'AllTraffic', modelName: 'm', serverlessConfig: { maxConcurrency: 5, memorySizeInMb: 2048 } }],
    });
    expect(ruleFindings(stack, 'SageMakerEndpointConfigKMSKey')).toEqual([]);
  });
});

describe('GenAI-SageMakerDataCaptureKMSKey', () => {
  const capture = (extra: Partial<sagemaker.CfnEndpointConfig.DataCaptureConfigProperty>): sagemaker.CfnEndpointConfig.DataCaptureConfigProperty => ({
    captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
    destinationS3Uri: 's3://capture/datacapture',
    initialSamplingPercentage: 100,
    ...extra,
  });

  test('capture with a key: compliant', () => {
    const stack = newStack();
    new sagemaker.CfnEndpointConfig(stack, 'Config', { productionVariants: [variant('ml.g5.xlarge')], dataCaptureConfig: capture({ kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abc' }) });
    expect(ruleFindings(stack, 'SageMakerDataCaptureKMSKey')).toEqual([]);
  });

  test('capture without a key: non-compliant (on NVMe types too: the capture key is always allowed)', () => {
    const stack = newStack();
    new sagemaker.CfnEndpointConfig(stack, 'Config', { productionVariants: [variant('ml.g5.xlarge')], dataCaptureConfig: capture({}) });
    expect(ruleFindings(stack, 'SageMakerDataCaptureKMSKey')).toEqual(['GenAI-SageMakerDataCaptureKMSKey @ S/Config']);
  });

  test('capture turned off: not applicable', () => {
    const stack = newStack();
    new sagemaker.CfnEndpointConfig(stack, 'Config', { productionVariants: [variant('ml.g5.xlarge')], dataCaptureConfig: capture({ enableCapture: false }) });
    expect(ruleFindings(stack, 'SageMakerDataCaptureKMSKey')).toEqual([]);
  });

  test('no capture: not applicable', () => {
    const stack = newStack();
    new sagemaker.CfnEndpointConfig(stack, 'Config', { productionVariants: [variant('ml.g5.xlarge')] });
    expect(ruleFindings(stack, 'SageMakerDataCaptureKMSKey')).toEqual([]);
  });
});

describe('GenAI-SageMakerAsyncOutputKMSKey', () => {
  test('async output with a key: compliant', () => {
    const stack = newStack();
    new sagemaker.CfnEndpointConfig(stack, 'Config', {
      productionVariants: [variant('ml.g5.xlarge')],
      asyncInferenceConfig: { outputConfig: { s3OutputPath: 's3://out/', kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abc' } },
    });
    expect(ruleFindings(stack, 'SageMakerAsyncOutputKMSKey')).toEqual([]);
  });

  test('async output without a key: non-compliant', () => {
    const stack = newStack();
    new sagemaker.CfnEndpointConfig(stack, 'Config', {
      productionVariants: [variant('ml.g5.xlarge')],
      asyncInferenceConfig: { outputConfig: { s3OutputPath: 's3://out/' } },
    });
    expect(ruleFindings(stack, 'SageMakerAsyncOutputKMSKey')).toEqual(['GenAI-SageMakerAsyncOutputKMSKey @ S/Config']);
  });
});

/** An endpoint config with one variant and an endpoint on it; `rollback` adds a deployment config with an alarm. */
function endpoint(stack: Stack, opts: { count?: number; name?: string; rollback?: boolean; variantName?: string } = {}) {
  const config = new sagemaker.CfnEndpointConfig(stack, 'Config', {
    productionVariants: [variant('ml.g5.xlarge', { initialInstanceCount: opts.count ?? 1, variantName: opts.variantName ?? 'AllTraffic' })],
  });
  return new sagemaker.CfnEndpoint(stack, 'Endpoint', {
    endpointConfigName: config.attrEndpointConfigName,
    endpointName: opts.name,
    deploymentConfig: opts.rollback
      ? {
        autoRollbackConfiguration: { alarms: [{ alarmName: 'errors' }] },
        blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'ALL_AT_ONCE' } },
      }
      : undefined,
  });
}

describe('GenAI-SageMakerEndpointAutoRollback', () => {
  test('deployment config with rollback alarms: compliant', () => {
    const stack = newStack();
    endpoint(stack, { rollback: true });
    expect(ruleFindings(stack, 'SageMakerEndpointAutoRollback')).toEqual([]);
  });

  test('no deployment config: non-compliant', () => {
    const stack = newStack();
    endpoint(stack);
    expect(ruleFindings(stack, 'SageMakerEndpointAutoRollback')).toEqual(['GenAI-SageMakerEndpointAutoRollback @ S/Endpoint']);
  });

  test('a deployment config without alarms: non-compliant', () => {
    const stack = newStack();
    endpoint(stack, { rollback: true }).addPropertyOverride('DeploymentConfig.AutoRollbackConfiguration.Alarms', []);
    expect(ruleFindings(stack, 'SageMakerEndpointAutoRollback')).toEqual(['GenAI-SageMakerEndpointAutoRollback @ S/Endpoint']);
  });
});

describe('GenAI-SageMakerEndpointMultiInstance (a warning)', () => {
  function scalingTarget(stack: Stack, resourceId: string, minCapacity: number) {
    new appscaling.CfnScalableTarget(stack, 'Target', {
      serviceNamespace: 'sagemaker',
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      resourceId,
      minCapacity,
      maxCapacity: 4,
    });
  }

  test('two initial instances: compliant', () => {
    const stack = newStack();
    endpoint(stack, { count: 2, rollback: true });
    expect(ruleFindings(stack, 'SageMakerEndpointMultiInstance')).toEqual([]);
  });

  test('one instance, no scaling target: a warning', () => {
    const stack = newStack();
    endpoint(stack, { rollback: true });
    expect(ruleFindings(stack, 'SageMakerEndpointMultiInstance')).toEqual(['GenAI-SageMakerEndpointMultiInstance @ S/Endpoint']);
    const report = new GenAIChecks().validateScope(stack);
    expect(report.violations.find((v) => v.ruleName === 'GenAI-SageMakerEndpointMultiInstance')?.severity).toBe('warning');
  });

  test('one instance and a scaling target with min 2 on the literal endpoint name: compliant', () => {
    const stack = newStack();
    endpoint(stack, { name: 'llm', rollback: true });
    scalingTarget(stack, 'endpoint/llm/variant/AllTraffic', 2);
    expect(ruleFindings(stack, 'SageMakerEndpointMultiInstance')).toEqual([]);
  });

  test('a scaling target that references the endpoint name attribute: compliant', () => {
    const stack = newStack();
    const ep = endpoint(stack, { rollback: true });
    scalingTarget(stack, `endpoint/${ep.attrEndpointName}/variant/AllTraffic`, 3);
    expect(ruleFindings(stack, 'SageMakerEndpointMultiInstance')).toEqual([]);
  });

  test('a scaling target with min 1: a warning', () => {
    const stack = newStack();
    endpoint(stack, { name: 'llm', rollback: true });
    scalingTarget(stack, 'endpoint/llm/variant/AllTraffic', 1);
    expect(ruleFindings(stack, 'SageMakerEndpointMultiInstance')).toEqual(['GenAI-SageMakerEndpointMultiInstance @ S/Endpoint']);
  });

  test('a scaling target of another variant or endpoint does not count', () => {
    const stack = newStack();
    endpoint(stack, { name: 'llm', rollback: true });
    scalingTarget(stack, 'endpoint/other/variant/AllTraffic', 2);
    expect(ruleFindings(stack, 'SageMakerEndpointMultiInstance')).toEqual(['GenAI-SageMakerEndpointMultiInstance @ S/Endpoint']);
  });

  test('acknowledged on purpose for a development endpoint', () => {
    const stack = newStack();
    const ep = endpoint(stack, { rollback: true });
    acknowledge(ep, Acknowledgements.singleInstanceEndpoint);
    expect(ruleFindings(stack, 'SageMakerEndpointMultiInstance')).toEqual([]);
  });
});
