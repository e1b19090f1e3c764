import {
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { loadConfig } from '../../../lambda/model-promotion/config';

const sm = mockClient(SageMakerClient);
const ENDPOINT = 'gpu-endpoint-73916de0';
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/7';
const CONFIG = {
  endpointName: ENDPOINT,
  modelPackageGroupName: 'llm',
  executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
  endpointConfigTemplate: { ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 }] },
  deploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 } } },
};
const event = (group = 'llm') => ({
  source: 'aws.sagemaker',
  'detail-type': 'SageMaker Model Package State Change',
  detail: { ModelPackageGroupName: group, ModelPackageArn: ARN, ModelApprovalStatus: 'Approved' },
});

process.env.AWS_REGION = 'us-east-1';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.PROMOTION_CONFIG = JSON.stringify(CONFIG);
// Loaded after the environment is set; the mock patches the shared client class.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler: sharedHandler } = require('../../../lambda/model-promotion/index') as typeof import('../../../lambda/model-promotion/index');

async function loadHandler() {
  return sharedHandler;
}

/** A fresh copy of the module (its configuration is read on the first call), for configuration errors. */
function freshHandler() {
  let mod: typeof import('../../../lambda/model-promotion/index') | undefined;
  jest.isolateModules(() => {
    mod = require('../../../lambda/model-promotion/index');
  });
  return mod!.handler;
}

beforeEach(() => {
  sm.reset();
  process.env.PROMOTION_CONFIG = JSON.stringify(CONFIG);
});

describe('model-promotion handler', () => {
  test('a foreign group gets a 403 result and no SageMaker call', async () => {
    const handler = await loadHandler();
    await expect(handler(event('other'))).resolves.toMatchObject({ statusCode: 403, outcome: 'refused' });
    expect(sm.calls()).toHaveLength(0);
  });

  test('a bad event gets a 400 result, never a stack trace', async () => {
    const handler = await loadHandler();
    const result = await handler({ hello: 'world' });
    expect(result).toMatchObject({ statusCode: 400, outcome: 'rejected' });
    expect(JSON.stringify(result)).not.toMatch(/\bat .*\.ts:\d+/);
  });

  test('an unknown detail-type gets a 400 result, never a throw', async () => {
    const handler = await loadHandler();
    const result = await handler({ ...event(), 'detail-type': 'SageMaker Training Job State Change' });
    expect(result).toMatchObject({ statusCode: 400, outcome: 'rejected', reason: expect.stringMatching(/^not a model package state change/) });
    expect(sm.calls()).toHaveLength(0);
  });

  test('an endpoint state change without a scaling configuration is ignored: CloudFormation manages scaling', async () => {
    const handler = await loadHandler();
    const state = { source: 'aws.sagemaker', 'detail-type': 'SageMaker Endpoint State Change', detail: { EndpointName: ENDPOINT, EndpointStatus: 'IN_SERVICE' } };
    await expect(handler(state)).resolves.toEqual({ statusCode: 200, outcome: 'ignored', reason: 'CloudFormation manages scaling for this endpoint', endpointName: ENDPOINT });
    expect(sm.calls()).toHaveLength(0);
  });

  test('a SageMaker failure fails the invocation with a clear message (so Lambda retries and then dead-letters it)', async () => {
    sm.on(DescribeModelPackageCommand).resolves({ ModelPackageGroupName: 'llm', ModelApprovalStatus: 'Approved' });
    sm.on(DescribeEndpointCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const handler = await loadHandler();
    await expect(handler(event())).rejects.toThrow('model promotion failed: AccessDeniedException: User is not authorized');
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(0);
  });

  test('a missing or invalid configuration is a deployment error', async () => {
    delete process.env.PROMOTION_CONFIG;
    const handler = freshHandler();
    await expect(handler(event())).rejects.toThrow('PROMOTION_CONFIG is not set');
    expect(() => loadConfig(JSON.stringify({ ...CONFIG, executionRoleArn: 'role' }))).toThrow(/executionRoleArn/);
  });
});
