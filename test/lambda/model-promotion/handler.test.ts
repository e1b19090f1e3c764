import {
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { loadConfig } from '../../../lambda/model-promotion/config';

const sm = mockClient(SageMakerClient);
const sqs = mockClient(SQSClient);
const ENDPOINT = 'gpu-endpoint-73916de0';
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/7';
const CONFIG = {
  endpointName: ENDPOINT,
  modelPackageGroupName: 'llm',
  executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
  endpointConfigTemplate: { ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 }] },
  deploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 } } },
  queue: {
    url: 'https://sqs.us-east-1.amazonaws.com/123456789012/promotions.fifo',
    deadLetterUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/promotions-dlq.fifo',
    waitSeconds: 300,
    maxWaitSeconds: 86400,
  },
};
/** A version registered by one identity and approved by another (no pipeline run). */
const APPROVED = {
  ModelPackageGroupName: 'llm',
  ModelApprovalStatus: 'Approved',
  CreatedBy: { IamIdentity: { Arn: 'arn:aws:sts::123456789012:assumed-role/Registrar/x' } },
  LastModifiedBy: { IamIdentity: { Arn: 'arn:aws:sts::123456789012:assumed-role/Reviewer/y' } },
} as any;
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
  sqs.reset();
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
    sm.on(DescribeModelPackageCommand).resolves(APPROVED);
    sm.on(DescribeEndpointCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const handler = await loadHandler();
    await expect(handler(event())).rejects.toThrow('model promotion failed: AccessDeniedException: User is not authorized');
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(0);
  });

  test('SQS records of the approvals queue: a busy endpoint leaves the approval in the queue (partial batch response)', async () => {
    sm.on(DescribeModelPackageCommand).resolves(APPROVED);
    sm.on(DescribeEndpointCommand).resolves({ EndpointName: ENDPOINT, EndpointConfigName: 'c', EndpointStatus: 'Updating' } as any);
    sm.on(DescribeEndpointConfigCommand).rejects(Object.assign(new Error('Could not find endpoint configuration'), { name: 'ValidationException' }));
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const handler = await loadHandler();
    const record = { messageId: 'm1', receiptHandle: 'rh', eventSource: 'aws:sqs', body: JSON.stringify(event()), attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) } };
    await expect(handler({ Records: [record] })).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0].args[0].input).toEqual({ QueueUrl: CONFIG.queue.url, ReceiptHandle: 'rh', VisibilityTimeout: 300 });
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(0);
  });

  test('a missing or invalid configuration is a deployment error', async () => {
    delete process.env.PROMOTION_CONFIG;
    const handler = freshHandler();
    await expect(handler(event())).rejects.toThrow('PROMOTION_CONFIG is not set');
    expect(() => loadConfig(JSON.stringify({ ...CONFIG, executionRoleArn: 'role' }))).toThrow(/executionRoleArn/);
  });
});
