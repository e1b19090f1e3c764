import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { PromotionConfig } from '../../../lambda/model-promotion/config';
import { MODEL_PACKAGE_TAG, PromotionError, promote, resourceName } from '../../../lambda/model-promotion/promote';
import { RetriesExhaustedError, backoffDelay, isRetryable, withRetry } from '../../../lambda/model-promotion/retry';

const sm = mockClient(SageMakerClient);
const ENDPOINT = 'gpu-endpoint-73916de0';
const GROUP = 'llm';
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/7';
const NAME = resourceName(ENDPOINT, ARN);

const config: PromotionConfig = {
  endpointName: ENDPOINT,
  modelPackageGroupName: GROUP,
  executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
  endpointConfigTemplate: {
    ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1, InitialVariantWeight: 1 }],
    DataCaptureConfig: { EnableCapture: true, InitialSamplingPercentage: 100, DestinationS3Uri: 's3://capture/datacapture', CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }] },
  },
  deploymentConfig: {
    BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 600, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } }, TerminationWaitInSeconds: 600 },
    AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'errors' }, { AlarmName: 'latency' }] },
  },
};

function approval(detail: Record<string, unknown> = {}) {
  return {
    id: 'evt-1',
    source: 'aws.sagemaker',
    'detail-type': 'SageMaker Model Package State Change',
    detail: { ModelPackageGroupName: GROUP, ModelPackageArn: ARN, ModelPackageVersion: 7, ModelApprovalStatus: 'Approved', ...detail },
  };
}

const notFound = (what: string) => Object.assign(new Error(`Could not find ${what} "x".`), { name: 'ValidationException' });
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });

function logger() {
  const records: Array<[string, string, Record<string, unknown> | undefined]> = [];
  return {
    records,
    info: (m: string, e?: Record<string, unknown>) => records.push(['info', m, e]),
    warn: (m: string, e?: Record<string, unknown>) => records.push(['warn', m, e]),
  };
}

function deps(overrides: { sleep?: (ms: number) => Promise<void> } = {}) {
  const log = logger();
  const sleeps: number[] = [];
  const sleep = overrides.sleep ?? (async (ms: number) => void sleeps.push(ms));
  return { log, sleeps, deps: { sagemaker: new SageMakerClient({ region: 'us-east-1' }), config, logger: log, retry: { maxAttempts: 5, baseDelayMs: 250, sleep, random: () => 1 } } };
}

/** The registry approves the package; the endpoint runs version 6; nothing of version 7 exists yet. */
function runningEndpoint() {
  sm.on(DescribeModelPackageCommand).resolves({ ModelPackageGroupName: GROUP, ModelApprovalStatus: 'Approved' });
  sm.on(DescribeEndpointCommand).resolves({
    EndpointName: ENDPOINT,
    EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${ENDPOINT}`,
    EndpointConfigName: 'endpointconfig-abc',
    EndpointStatus: 'InService',
  } as any);
  sm.on(DescribeModelCommand).rejects(notFound('model'));
  sm.on(DescribeModelCommand, { ModelName: 'model-v6' }).resolves({ ModelName: 'model-v6', PrimaryContainer: { ModelPackageName: ARN.replace('/7', '/6') } } as any);
  sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: NAME }).rejects(notFound('endpoint configuration'));
  sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: 'endpointconfig-abc' }).resolves({
    EndpointConfigName: 'endpointconfig-abc',
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'model-v6', InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 2, InitialVariantWeight: 1 }],
    DataCaptureConfig: { EnableCapture: true, InitialSamplingPercentage: 50, DestinationS3Uri: 's3://capture/datacapture', CaptureOptions: [{ CaptureMode: 'Input' }] },
    KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
  } as any);
  sm.on(CreateModelCommand).resolves({});
  sm.on(CreateEndpointConfigCommand).resolves({});
  sm.on(UpdateEndpointCommand).resolves({});
  sm.on(AddTagsCommand).resolves({});
}

beforeEach(() => sm.reset());

describe('promote: an approved version of the group', () => {
  test('updates a running endpoint: new model and config copied from the current one, blue/green update, tags', async () => {
    runningEndpoint();
    const { deps: d, log } = deps();
    const result = await promote(approval(), d);

    expect(result).toEqual({ statusCode: 200, outcome: 'updated', modelPackageArn: ARN, endpointName: ENDPOINT, modelName: NAME, endpointConfigName: NAME });
    const tags = [
      { Key: MODEL_PACKAGE_TAG, Value: ARN },
      { Key: 'genai:promoted-by', Value: 'model-promotion' },
    ];
    expect(sm.commandCalls(DescribeModelPackageCommand)[0].args[0].input).toEqual({ ModelPackageName: ARN });
    expect(sm.commandCalls(CreateModelCommand).map((c) => c.args[0].input)).toEqual([
      { ModelName: NAME, ExecutionRoleArn: config.executionRoleArn, PrimaryContainer: { ModelPackageName: ARN }, EnableNetworkIsolation: true, Tags: tags },
    ]);
    expect(sm.commandCalls(CreateEndpointConfigCommand).map((c) => c.args[0].input)).toEqual([
      {
        EndpointConfigName: NAME,
        ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: NAME, InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 2, InitialVariantWeight: 1 }],
        DataCaptureConfig: { EnableCapture: true, InitialSamplingPercentage: 50, DestinationS3Uri: 's3://capture/datacapture', CaptureOptions: [{ CaptureMode: 'Input' }] },
        KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
        AsyncInferenceConfig: undefined,
        Tags: tags,
      },
    ]);
    expect(sm.commandCalls(UpdateEndpointCommand).map((c) => c.args[0].input)).toEqual([
      { EndpointName: ENDPOINT, EndpointConfigName: NAME, DeploymentConfig: config.deploymentConfig, RetainDeploymentConfig: false },
    ]);
    expect(sm.commandCalls(AddTagsCommand).map((c) => c.args[0].input)).toEqual([
      { ResourceArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${ENDPOINT}`, Tags: tags },
    ]);
    expect(sm.commandCalls(CreateEndpointCommand)).toHaveLength(0);
    expect(log.records.at(-1)).toEqual(['info', 'endpoint update started', { ...result, previousEndpointConfigName: 'endpointconfig-abc' }]);
  });

  test('the green fleet starts no smaller than the blue fleet has scaled to (per variant, same variant names)', async () => {
    runningEndpoint();
    sm.on(DescribeEndpointCommand).resolves({
      EndpointName: ENDPOINT,
      EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${ENDPOINT}`,
      EndpointConfigName: 'endpointconfig-abc',
      EndpointStatus: 'InService',
      ProductionVariants: [
        { VariantName: 'AllTraffic', CurrentInstanceCount: 5, DesiredInstanceCount: 5 },
        { VariantName: 'Small', CurrentInstanceCount: 1, DesiredInstanceCount: 1 },
      ],
    } as any);
    sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: 'endpointconfig-abc' }).resolves({
      EndpointConfigName: 'endpointconfig-abc',
      ProductionVariants: [
        { VariantName: 'AllTraffic', ModelName: 'model-v6', InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 2, InitialVariantWeight: 1 },
        { VariantName: 'Small', ModelName: 'model-v6', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 3, InitialVariantWeight: 0 },
        { VariantName: 'Serverless', ModelName: 'model-v6', ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } },
        { VariantName: 'NotRunning', ModelName: 'model-v6', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
      ],
    } as any);
    const { deps: d } = deps();

    expect((await promote(approval(), d)).outcome).toBe('updated');
    expect(sm.commandCalls(CreateEndpointConfigCommand)[0].args[0].input.ProductionVariants).toEqual([
      // Scaled out to 5 since the config said 2: the green fleet starts with 5.
      { VariantName: 'AllTraffic', ModelName: NAME, InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 5, InitialVariantWeight: 1 },
      // Scaled in below the config: the config's count stays.
      { VariantName: 'Small', ModelName: NAME, InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 3, InitialVariantWeight: 0 },
      // No instance count (serverless) and a variant the endpoint does not report: unchanged.
      { VariantName: 'Serverless', ModelName: NAME, ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } },
      { VariantName: 'NotRunning', ModelName: NAME, InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
    ]);
  });

  test('creates the endpoint when none exists, from the synthesized template, with the deployment config', async () => {
    sm.on(DescribeModelPackageCommand).resolves({ ModelPackageGroupName: GROUP, ModelApprovalStatus: 'Approved' });
    sm.on(DescribeEndpointCommand).rejects(notFound('endpoint'));
    sm.on(DescribeModelCommand).rejects(notFound('model'));
    sm.on(DescribeEndpointConfigCommand).rejects(notFound('endpoint configuration'));
    sm.on(CreateModelCommand).resolves({});
    sm.on(CreateEndpointConfigCommand).resolves({});
    sm.on(CreateEndpointCommand).resolves({});
    const { deps: d } = deps();

    const result = await promote(approval(), d);

    expect(result.outcome).toBe('created');
    expect(sm.commandCalls(CreateEndpointConfigCommand)[0].args[0].input).toMatchObject({
      EndpointConfigName: NAME,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: NAME, InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1, InitialVariantWeight: 1 }],
      DataCaptureConfig: config.endpointConfigTemplate.DataCaptureConfig,
      KmsKeyId: undefined,
    });
    expect(sm.commandCalls(CreateEndpointCommand).map((c) => c.args[0].input)).toEqual([
      { EndpointName: ENDPOINT, EndpointConfigName: NAME, DeploymentConfig: config.deploymentConfig, Tags: expect.arrayContaining([{ Key: MODEL_PACKAGE_TAG, Value: ARN }]) },
    ]);
    expect(sm.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    // Only the new config name was looked up: there is no current config to copy.
    expect(sm.commandCalls(DescribeEndpointConfigCommand).map((c) => c.args[0].input.EndpointConfigName)).toEqual([NAME]);
  });
});

describe('promote: idempotency (re-delivered events)', () => {
  test('the endpoint already runs this version: nothing is created or updated', async () => {
    sm.on(DescribeModelPackageCommand).resolves({ ModelPackageGroupName: GROUP, ModelApprovalStatus: 'Approved' });
    sm.on(DescribeEndpointCommand).resolves({ EndpointName: ENDPOINT, EndpointConfigName: NAME, EndpointStatus: 'InService' } as any);
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ statusCode: 200, outcome: 'already-deployed', modelName: NAME });
    for (const c of [CreateModelCommand, CreateEndpointConfigCommand, CreateEndpointCommand, UpdateEndpointCommand, AddTagsCommand]) {
      expect(sm.commandCalls(c as any)).toHaveLength(0);
    }
  });

  test('the endpoint is rolling this version out: nothing twice', async () => {
    sm.on(DescribeModelPackageCommand).resolves({ ModelPackageGroupName: GROUP, ModelApprovalStatus: 'Approved' });
    sm.on(DescribeEndpointCommand).resolves({ EndpointName: ENDPOINT, EndpointConfigName: 'old', EndpointStatus: 'Updating', PendingDeploymentSummary: { EndpointConfigName: NAME } } as any);
    const { deps: d } = deps();
    expect((await promote(approval(), d)).outcome).toBe('already-deployed');
    expect(sm.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
  });

  test('a first delivery that failed after creating the model and config: both are reused, the update is made once', async () => {
    runningEndpoint();
    sm.on(DescribeModelCommand, { ModelName: NAME }).resolves({ ModelName: NAME, PrimaryContainer: { ModelPackageName: ARN } } as any);
    sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: NAME }).resolves({ EndpointConfigName: NAME, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: NAME }] } as any);
    const { deps: d, log } = deps();
    expect((await promote(approval(), d)).outcome).toBe('updated');
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(0);
    expect(sm.commandCalls(CreateEndpointConfigCommand)).toHaveLength(0);
    expect(sm.commandCalls(UpdateEndpointCommand)).toHaveLength(1);
    expect(log.records.map((r) => r[1])).toEqual(expect.arrayContaining(['model exists (re-delivery)', 'endpoint config exists (re-delivery)']));
  });

  test('the endpoint already serves the version under another name (CloudFormation deployed it): nothing is created', async () => {
    runningEndpoint();
    sm.on(DescribeModelCommand, { ModelName: 'model-v6' }).resolves({ ModelName: 'model-v6', PrimaryContainer: { ModelPackageName: ARN } } as any);
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ statusCode: 200, outcome: 'already-deployed', reason: 'endpointconfig-abc already serves the version' });
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(0);
    expect(sm.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
  });

  test('names are deterministic, unique per package ARN and valid SageMaker names', () => {
    expect(resourceName(ENDPOINT, ARN)).toBe(NAME);
    expect(NAME).toMatch(new RegExp(`^${ENDPOINT}-7-[0-9a-f]{8}$`));
    expect(resourceName(ENDPOINT, ARN.replace('/7', '/8'))).not.toBe(NAME);
    const long = resourceName('a'.repeat(63), ARN);
    expect(long.length).toBeLessThanOrEqual(63);
  });
});

describe('promote: refusals and bad requests (no retry helps them)', () => {
  test('a package of another group is refused with 403 and no SageMaker call', async () => {
    const { deps: d, log } = deps();
    const result = await promote(approval({ ModelPackageGroupName: 'other', ModelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/other/1' }), d);
    expect(result).toMatchObject({ statusCode: 403, outcome: 'refused', reason: 'package group other is not llm' });
    expect(sm.calls()).toHaveLength(0);
    expect(log.records[0][0]).toBe('warn');
  });

  test('the registry puts the package in another group: refused', async () => {
    sm.on(DescribeModelPackageCommand).resolves({ ModelPackageGroupName: 'other', ModelApprovalStatus: 'Approved' });
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ statusCode: 403, outcome: 'refused' });
    expect(sm.commandCalls(DescribeEndpointCommand)).toHaveLength(0);
  });

  test('a status other than Approved is ignored', async () => {
    const { deps: d } = deps();
    expect(await promote(approval({ ModelApprovalStatus: 'Rejected' }), d)).toMatchObject({ statusCode: 200, outcome: 'ignored', reason: 'status is Rejected' });
    expect(sm.calls()).toHaveLength(0);
  });

  test('a version rejected again since the event is ignored', async () => {
    sm.on(DescribeModelPackageCommand).resolves({ ModelPackageGroupName: GROUP, ModelApprovalStatus: 'Rejected' });
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ outcome: 'ignored', reason: 'the registry says Rejected now' });
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(0);
  });

  test.each([
    ['not an object', 'hello'],
    ['another event type', { ...approval(), 'detail-type': 'SageMaker Endpoint State Change' }],
    ['a malformed package ARN', approval({ ModelPackageArn: 'not-an-arn' })],
    ['no detail', { source: 'aws.sagemaker', 'detail-type': 'SageMaker Model Package State Change' }],
  ])('%s is rejected with 400', async (_name, event) => {
    const { deps: d } = deps();
    const result = await promote(event, d);
    expect(result.statusCode).toBe(400);
    expect(result.outcome).toBe('rejected');
    expect(result.reason).toMatch(/^not a model package state change: /);
    expect(sm.calls()).toHaveLength(0);
  });
});

describe('promote: SageMaker errors fail the invocation (retried by Lambda, then the DLQ)', () => {
  test('access denied on CreateModel is not retried and propagates', async () => {
    runningEndpoint();
    sm.on(CreateModelCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const { deps: d, sleeps } = deps();
    await expect(promote(approval(), d)).rejects.toThrow('not authorized');
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(sm.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
  });

  test('a validation error on UpdateEndpoint propagates', async () => {
    runningEndpoint();
    sm.on(UpdateEndpointCommand).rejects(Object.assign(new Error('Cannot update in-progress endpoint'), { name: 'ValidationException' }));
    const { deps: d } = deps();
    await expect(promote(approval(), d)).rejects.toThrow('Cannot update in-progress endpoint');
  });

  test('an endpoint busy with another update: a clear, retryable failure', async () => {
    sm.on(DescribeModelPackageCommand).resolves({ ModelPackageGroupName: GROUP, ModelApprovalStatus: 'Approved' });
    sm.on(DescribeEndpointCommand).resolves({ EndpointName: ENDPOINT, EndpointConfigName: 'old', EndpointStatus: 'Updating' } as any);
    const { deps: d } = deps();
    await expect(promote(approval(), d)).rejects.toThrow(new PromotionError(`endpoint ${ENDPOINT} is Updating; ${ARN} will be retried`));
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(0);
  });

  test('a model with our name that serves another package is a conflict, not overwritten', async () => {
    runningEndpoint();
    sm.on(DescribeModelCommand, { ModelName: NAME }).resolves({ ModelName: NAME, PrimaryContainer: { ModelPackageName: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/1' } } as any);
    const { deps: d } = deps();
    await expect(promote(approval(), d)).rejects.toThrow(/model .* exists but serves .*model-package\/llm\/1, not .*llm\/7/);
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(0);
  });

  test('an endpoint config with our name that serves another model is a conflict', async () => {
    runningEndpoint();
    sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: NAME }).resolves({ ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'someone-else' }] } as any);
    const { deps: d } = deps();
    await expect(promote(approval(), d)).rejects.toThrow(`endpoint config ${NAME} exists but serves someone-else`);
  });

  test('DescribeEndpoint failing with anything but not-found propagates', async () => {
    sm.on(DescribeModelPackageCommand).resolves({ ModelPackageGroupName: GROUP, ModelApprovalStatus: 'Approved' });
    sm.on(DescribeEndpointCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    const { deps: d } = deps();
    await expect(promote(approval(), d)).rejects.toThrow('boom');
    expect(sm.commandCalls(CreateEndpointCommand)).toHaveLength(0);
  });
});

describe('promote: throttling', () => {
  test('throttled calls are retried with exponential backoff and then succeed', async () => {
    runningEndpoint();
    sm.on(CreateModelCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
    const { deps: d, sleeps } = deps();
    expect((await promote(approval(), d)).outcome).toBe('updated');
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
  });

  test('still throttled after 5 attempts: a clear failure naming the call (the event then goes to the DLQ)', async () => {
    runningEndpoint();
    sm.on(UpdateEndpointCommand).rejects(throttled());
    const { deps: d, sleeps } = deps();
    const error = await promote(approval(), d).catch((e) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toBe('SageMaker UpdateEndpoint still failing after 5 attempts: ThrottlingException: Rate exceeded');
    expect(sm.commandCalls(UpdateEndpointCommand)).toHaveLength(5);
    expect(sleeps).toEqual([250, 500, 1000, 2000]);
    expect(sm.commandCalls(AddTagsCommand)).toHaveLength(0);
  });
});

describe('retry helpers', () => {
  test.each([
    [{ name: 'ThrottlingException' }, true],
    [{ name: 'TooManyRequestsException' }, true],
    [{ name: 'ConcurrentUpdateException' }, true],
    [{ name: 'InternalServiceException' }, true],
    [{ name: 'X', $retryable: { throttling: true } }, true],
    [{ name: 'X', $metadata: { httpStatusCode: 429 } }, true],
    [{ name: 'X', $metadata: { httpStatusCode: 503 } }, true],
    [{ name: 'ValidationException', $metadata: { httpStatusCode: 400 } }, false],
    [{ name: 'AccessDeniedException' }, false],
    [undefined, false],
  ])('isRetryable(%j) is %s', (error, expected) => expect(isRetryable(error)).toBe(expected));

  test('equal-jitter backoff stays between half and all of the doubling ceiling', () => {
    expect(backoffDelay(1, { baseDelayMs: 100, random: () => 0 })).toBe(50);
    expect(backoffDelay(1, { baseDelayMs: 100, random: () => 1 })).toBe(100);
    expect(backoffDelay(4, { baseDelayMs: 100, random: () => 0.5 })).toBe(600);
  });

  test('withRetry returns the first success and passes other errors through untouched', async () => {
    const sleep = jest.fn(async () => undefined);
    const fn = jest.fn().mockRejectedValueOnce(throttled()).mockResolvedValue('ok');
    await expect(withRetry('Op', fn, { maxAttempts: 3, baseDelayMs: 10, sleep, random: () => 0 })).resolves.toBe('ok');
    expect(sleep).toHaveBeenCalledWith(5);
    const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException' });
    await expect(withRetry('Op', jest.fn().mockRejectedValue(denied), { maxAttempts: 3, baseDelayMs: 10, sleep, random: () => 0 })).rejects.toBe(denied);
  });
});
