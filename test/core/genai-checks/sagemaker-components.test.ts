import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Stack } from 'aws-cdk-lib';
import { newStack, ruleFindings } from './helpers';

const ROLE = 'arn:aws:iam::123456789012:role/endpoint';

/** An endpoint whose config hosts inference components (no model on the variant), and one component. */
function componentEndpoint(stack: Stack, config: Partial<sagemaker.CfnEndpointConfigProps> = {}, component: Partial<sagemaker.CfnInferenceComponentProps> = {}) {
  const endpointConfig = new sagemaker.CfnEndpointConfig(stack, 'Config', {
    executionRoleArn: ROLE,
    enableNetworkIsolation: true,
    productionVariants: [
      { variantName: 'AllTraffic', instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, managedInstanceScaling: { status: 'ENABLED', minInstanceCount: 0, maxInstanceCount: 2 } },
    ],
    ...config,
  });
  const endpoint = new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: endpointConfig.attrEndpointConfigName });
  const ic = new sagemaker.CfnInferenceComponent(stack, 'Component', {
    inferenceComponentName: 'ep-llm',
    endpointName: endpoint.attrEndpointName,
    specification: { modelName: 'm', computeResourceRequirements: { numberOfAcceleratorDevicesRequired: 1, minMemoryRequiredInMb: 1024 } },
    runtimeConfig: { copyCount: 1 },
    deploymentConfig: {
      rollingUpdatePolicy: { maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 50 }, waitIntervalInSeconds: 300 },
      autoRollbackConfiguration: { alarms: [{ alarmName: 'errors' }] },
    },
    ...component,
  });
  return { endpoint, ic };
}

function copyTarget(stack: Stack, min: number, resourceId = 'inference-component/ep-llm') {
  new appscaling.CfnScalableTarget(stack, `Target${min}`, {
    serviceNamespace: 'sagemaker',
    resourceId,
    scalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
    minCapacity: min,
    maxCapacity: 4,
  });
}

describe('GenAIChecks on endpoints with inference components', () => {
  test('auto-rollback: the endpoint is not checked (its models roll out per component); a component with rollback alarms complies', () => {
    const stack = newStack();
    componentEndpoint(stack);
    expect(ruleFindings(stack, 'SageMakerEndpointAutoRollback')).toEqual([]);
  });

  test('auto-rollback: a component without rollback alarms is a finding', () => {
    const stack = newStack();
    componentEndpoint(stack, {}, { deploymentConfig: { rollingUpdatePolicy: { maximumBatchSize: { type: 'COPY_COUNT', value: 1 }, waitIntervalInSeconds: 0 } } });
    expect(ruleFindings(stack, 'SageMakerEndpointAutoRollback')).toEqual(['GenAI-SageMakerEndpointAutoRollback @ S/Component']);
  });

  test('auto-rollback: a classic endpoint (variant with a model) is still checked', () => {
    const stack = newStack();
    const config = new sagemaker.CfnEndpointConfig(stack, 'Config', { productionVariants: [{ variantName: 'v', modelName: 'm', instanceType: 'ml.g5.xlarge', initialInstanceCount: 2 }] });
    new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: config.attrEndpointConfigName });
    expect(ruleFindings(stack, 'SageMakerEndpointAutoRollback')).toEqual(['GenAI-SageMakerEndpointAutoRollback @ S/Endpoint']);
  });

  test('multi-instance: the fleet follows the copies, so the endpoint is not checked; a component with one copy and no scaling warns', () => {
    const stack = newStack();
    componentEndpoint(stack);
    expect(ruleFindings(stack, 'SageMakerEndpointMultiInstance')).toEqual(['GenAI-SageMakerEndpointMultiInstance @ S/Component']);
  });

  test('multi-instance: the copy scaling floor decides (2 complies, 0 warns even with two initial copies)', () => {
    const warm = newStack('Warm');
    componentEndpoint(warm);
    copyTarget(warm, 2);
    expect(ruleFindings(warm, 'SageMakerEndpointMultiInstance')).toEqual([]);

    const toZero = newStack('Zero');
    componentEndpoint(toZero, {}, { runtimeConfig: { copyCount: 2 } });
    copyTarget(toZero, 0);
    expect(ruleFindings(toZero, 'SageMakerEndpointMultiInstance')).toEqual(['GenAI-SageMakerEndpointMultiInstance @ Zero/Component']);
  });

  test('multi-instance: two copies without a scaling target comply; a target of another component does not count', () => {
    const stack = newStack();
    componentEndpoint(stack, {}, { runtimeConfig: { copyCount: 2 } });
    copyTarget(stack, 0, 'inference-component/other');
    expect(ruleFindings(stack, 'SageMakerEndpointMultiInstance')).toEqual([]);
  });

  test('network isolation: an endpoint config with an execution role (it runs component containers) needs isolation or a VPC', () => {
    const isolated = newStack('Isolated');
    componentEndpoint(isolated);
    expect(ruleFindings(isolated, 'SageMakerModelNetworkIsolation')).toEqual([]);

    const open = newStack('Open');
    componentEndpoint(open, { enableNetworkIsolation: undefined });
    expect(ruleFindings(open, 'SageMakerModelNetworkIsolation')).toEqual(['GenAI-SageMakerModelNetworkIsolation @ Open/Config']);

    const inVpc = newStack('InVpc');
    componentEndpoint(inVpc, { enableNetworkIsolation: undefined, vpcConfig: { securityGroupIds: ['sg-1'], subnets: ['subnet-1'] } });
    expect(ruleFindings(inVpc, 'SageMakerModelNetworkIsolation')).toEqual([]);
  });

  test('network isolation: a classic endpoint config (no execution role) is not checked', () => {
    const stack = newStack();
    new sagemaker.CfnEndpointConfig(stack, 'Config', { productionVariants: [{ variantName: 'v', modelName: 'm', instanceType: 'ml.g5.xlarge', initialInstanceCount: 2 }] });
    expect(ruleFindings(stack, 'SageMakerModelNetworkIsolation')).toEqual([]);
  });
});
