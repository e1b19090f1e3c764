import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  DescribePipelineExecutionCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { PromotionConfig } from '../../../lambda/model-promotion/config';
import { MODEL_PACKAGE_TAG, promote, resourceName } from '../../../lambda/model-promotion/promote';
import { RetriesExhaustedError, backoffDelay, isRetryable, withRetry } from '../../../lambda/model-promotion/retry';

const sm = mockClient(SageMakerClient);
const ct = mockClient(CloudTrailClient);
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

function deps(overrides: { sleep?: (ms: number) => Promise<void>; config?: Partial<PromotionConfig> } = {}) {
  const log = logger();
  const sleeps: number[] = [];
  const sleep = overrides.sleep ?? (async (ms: number) => void sleeps.push(ms));
  return {
    log,
    sleeps,
    deps: {
      sagemaker: new SageMakerClient({ region: 'us-east-1' }),
      cloudtrail: new CloudTrailClient({ region: 'us-east-1' }),
      config: { ...config, ...overrides.config },
      logger: log,
      retry: { maxAttempts: 5, baseDelayMs: 250, sleep, random: () => 1 },
    },
  };
}

// Who is who: the pipeline's execution role registers versions, an engineer starts runs, a reviewer approves.
const PIPELINE_ROLE = 'arn:aws:sts::123456789012:assumed-role/TrainingPipelineRole1A2B/SageMaker';
const ENGINEER = 'arn:aws:sts::123456789012:assumed-role/MLEngineer/alice';
const REVIEWER = 'arn:aws:sts::123456789012:assumed-role/ModelReviewer/bob';
const EXECUTION = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/train-llm/execution/abc123def456';
const STARTED = new Date('2030-01-01T02:00:00Z');

/** What DescribeModelPackage says of an approved version of the group registered by a pipeline run. */
function approvedRecord(approver = REVIEWER, extra: Record<string, unknown> = {}) {
  return {
    ModelPackageGroupName: GROUP,
    ModelApprovalStatus: 'Approved',
    CreatedBy: { IamIdentity: { Arn: PIPELINE_ROLE } },
    LastModifiedBy: { IamIdentity: { Arn: approver } },
    MetadataProperties: { GeneratedBy: EXECUTION },
    ...extra,
  } as any;
}

/** The CloudTrail record of the StartPipelineExecution call that created EXECUTION. */
function startEvent(starter = ENGINEER, executionArn = EXECUTION) {
  return {
    EventName: 'StartPipelineExecution',
    CloudTrailEvent: JSON.stringify({
      eventName: 'StartPipelineExecution',
      userIdentity: { type: 'AssumedRole', arn: starter, sessionContext: { sessionIssuer: { arn: starter.replace(':sts::', ':iam::').replace(/assumed-role\/([^/]+)\/.*/, 'role/$1') } } },
      responseElements: { pipelineExecutionArn: executionArn },
    }),
  };
}

/** The registry approves the package (a reviewer, not the starter); SageMaker does not record the starter, CloudTrail does. */
function approvedByReviewer() {
  sm.on(DescribeModelPackageCommand).resolves(approvedRecord());
  sm.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION, CreationTime: STARTED, CreatedBy: {} } as any);
  ct.on(LookupEventsCommand).resolves({ Events: [startEvent('arn:aws:sts::123456789012:assumed-role/Other/x', EXECUTION.replace('abc', 'zzz')), startEvent()] });
}

/** The registry approves the package; the endpoint runs version 6; nothing of version 7 exists yet. */
function runningEndpoint() {
  approvedByReviewer();
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

beforeEach(() => {
  sm.reset();
  ct.reset();
});

describe('promote: an approved version of the group', () => {
  test('updates a running endpoint: new model, a config built from the synthesized template (not the live one), blue/green, tags', async () => {
    runningEndpoint();
    const { deps: d, log } = deps();
    const result = await promote(approval(), d);

    expect(result).toEqual({
      statusCode: 200,
      outcome: 'updated',
      modelPackageArn: ARN,
      endpointName: ENDPOINT,
      modelName: NAME,
      endpointConfigName: NAME,
      approvedBy: REVIEWER,
      registeredBy: PIPELINE_ROLE,
      startedBy: ENGINEER,
      pipelineExecutionArn: EXECUTION,
      separationOfDuties: 'enforced',
    });
    const tags = [
      { Key: MODEL_PACKAGE_TAG, Value: ARN },
      { Key: 'genai:promoted-by', Value: 'model-promotion' },
    ];
    expect(sm.commandCalls(DescribeModelPackageCommand)[0].args[0].input).toEqual({ ModelPackageName: ARN });
    expect(sm.commandCalls(CreateModelCommand).map((c) => c.args[0].input)).toEqual([
      { ModelName: NAME, ExecutionRoleArn: config.executionRoleArn, PrimaryContainer: { ModelPackageName: ARN }, EnableNetworkIsolation: true, Tags: tags },
    ]);
    // The live config was changed by hand (ml.g5.2xlarge, 50 % capture of inputs only, another key): none of it
    // is carried forward; the new config is exactly the synthesized one with the new model.
    expect(sm.commandCalls(CreateEndpointConfigCommand).map((c) => c.args[0].input)).toEqual([
      {
        EndpointConfigName: NAME,
        ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: NAME, InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1, InitialVariantWeight: 1 }],
        DataCaptureConfig: config.endpointConfigTemplate!.DataCaptureConfig,
        KmsKeyId: undefined,
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
    const variants = [
      { VariantName: 'AllTraffic', InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 2, InitialVariantWeight: 1 },
      { VariantName: 'Small', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 3, InitialVariantWeight: 0 },
      { VariantName: 'Serverless', ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } },
      { VariantName: 'NotRunning', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
    ];
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
      ProductionVariants: variants.map((v) => ({ ...v, ModelName: 'model-v6' })),
    } as any);
    const { deps: d } = deps({ config: { endpointConfigTemplate: { ProductionVariants: variants } } });

    expect((await promote(approval(), d)).outcome).toBe('updated');
    expect(sm.commandCalls(CreateEndpointConfigCommand)[0].args[0].input.ProductionVariants).toEqual([
      // Scaled out to 5 since the template said 2: the green fleet starts with 5.
      { VariantName: 'AllTraffic', ModelName: NAME, InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 5, InitialVariantWeight: 1 },
      // Scaled in below the template: the template's count stays.
      { VariantName: 'Small', ModelName: NAME, InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 3, InitialVariantWeight: 0 },
      // No instance count (serverless) and a variant the endpoint does not report: unchanged.
      { VariantName: 'Serverless', ModelName: NAME, ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } },
      { VariantName: 'NotRunning', ModelName: NAME, InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
    ]);
  });

  test('creates the endpoint when none exists, from the synthesized template, with the deployment config', async () => {
    approvedByReviewer();
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
      DataCaptureConfig: config.endpointConfigTemplate!.DataCaptureConfig,
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
    approvedByReviewer();
    sm.on(DescribeEndpointCommand).resolves({ EndpointName: ENDPOINT, EndpointConfigName: NAME, EndpointStatus: 'InService' } as any);
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ statusCode: 200, outcome: 'already-deployed', modelName: NAME });
    for (const c of [CreateModelCommand, CreateEndpointConfigCommand, CreateEndpointCommand, UpdateEndpointCommand, AddTagsCommand]) {
      expect(sm.commandCalls(c as any)).toHaveLength(0);
    }
  });

  test('the endpoint is rolling this version out: nothing twice', async () => {
    approvedByReviewer();
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
    sm.on(DescribeModelPackageCommand).resolves(approvedRecord(REVIEWER, { ModelPackageGroupName: 'other' }));
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
    sm.on(UpdateEndpointCommand).rejects(Object.assign(new Error('The deployment config is invalid'), { name: 'ValidationException' }));
    const { deps: d } = deps();
    await expect(promote(approval(), d)).rejects.toThrow('The deployment config is invalid');
  });

  test('an update that another caller started since DescribeEndpoint: the promotion waits (202), nothing fails', async () => {
    runningEndpoint();
    sm.on(UpdateEndpointCommand).rejects(Object.assign(new Error('Cannot update in-progress endpoint "x".'), { name: 'ValidationException' }));
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ statusCode: 202, outcome: 'waiting', reason: expect.stringMatching(/started another update.*waits in the queue/) });
  });

  test('an endpoint busy with another update: the promotion waits (202) before creating anything', async () => {
    approvedByReviewer();
    sm.on(DescribeEndpointCommand).resolves({ EndpointName: ENDPOINT, EndpointConfigName: 'old', EndpointStatus: 'Updating' } as any);
    sm.on(DescribeEndpointConfigCommand).rejects(notFound('endpoint configuration'));
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({
      statusCode: 202,
      outcome: 'waiting',
      reason: `endpoint ${ENDPOINT} is Updating; the approval waits in the queue and is retried`,
      modelPackageArn: ARN,
      approvedBy: REVIEWER,
    });
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(0);
    expect(sm.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
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
    approvedByReviewer();
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

describe('promote: separation of duties (who approved is read from the registry, not the event)', () => {
  /** Nothing may be created or changed on the endpoint. */
  function expectNothingDeployed() {
    for (const c of [DescribeEndpointCommand, CreateModelCommand, CreateEndpointConfigCommand, CreateEndpointCommand, UpdateEndpointCommand]) {
      expect(sm.commandCalls(c as any)).toHaveLength(0);
    }
  }

  test('approved by the pipeline\'s own role (the version\'s registrant, any session name): refused, and the record says so', async () => {
    sm.on(DescribeModelPackageCommand).resolves(approvedRecord('arn:aws:sts::123456789012:assumed-role/TrainingPipelineRole1A2B/another-session'));
    const { deps: d, log } = deps();
    const result = await promote(approval(), d);
    expect(result).toEqual({
      statusCode: 403,
      outcome: 'refused',
      reason: `separation of duties: approved by the identity that registered it (${PIPELINE_ROLE}): a version registered by a pipeline must be approved by someone other than the pipeline's own role`,
      modelPackageArn: ARN,
      endpointName: ENDPOINT,
      approvedBy: 'arn:aws:sts::123456789012:assumed-role/TrainingPipelineRole1A2B/another-session',
      registeredBy: PIPELINE_ROLE,
      separationOfDuties: 'enforced',
    });
    expect(log.records.at(-1)).toEqual(['warn', 'promotion refused', result]);
    expectNothingDeployed();
  });

  test('a version registered as Approved by the pipeline itself (no separate approval): refused', async () => {
    sm.on(DescribeModelPackageCommand).resolves(approvedRecord(PIPELINE_ROLE));
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ statusCode: 403, outcome: 'refused', reason: expect.stringMatching(/^separation of duties: approved by the identity that registered it/) });
    expectNothingDeployed();
  });

  test('approved by the identity that started the run (found in the CloudTrail event history): refused', async () => {
    approvedByReviewer();
    sm.on(DescribeModelPackageCommand).resolves(approvedRecord('arn:aws:sts::123456789012:assumed-role/MLEngineer/alice-again'));
    const { deps: d } = deps();
    const result = await promote(approval(), d);
    expect(result).toMatchObject({
      statusCode: 403,
      outcome: 'refused',
      reason: `separation of duties: approved by the identity that started the pipeline execution (${ENGINEER}); the approver must be someone else`,
      startedBy: ENGINEER,
      pipelineExecutionArn: EXECUTION,
    });
    // The lookup is narrow: StartPipelineExecution calls around the execution's creation.
    expect(sm.commandCalls(DescribePipelineExecutionCommand)[0].args[0].input).toEqual({ PipelineExecutionArn: EXECUTION });
    expect(ct.commandCalls(LookupEventsCommand)[0].args[0].input).toEqual({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StartPipelineExecution' }],
      StartTime: new Date(STARTED.getTime() - 300_000),
      EndTime: new Date(STARTED.getTime() + 300_000),
      MaxResults: 50,
      NextToken: undefined,
    });
    expectNothingDeployed();
  });

  const PROFILE = 'arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/carol';
  const STUDIO_ROLE = 'arn:aws:sts::123456789012:assumed-role/StudioExecution/SageMaker';

  test('approved by the Studio user who started the run (SageMaker records the user profile): refused', async () => {
    sm.on(DescribeModelPackageCommand).resolves(approvedRecord(REVIEWER, { LastModifiedBy: { UserProfileArn: PROFILE, UserProfileName: 'carol', DomainId: 'd-abc', IamIdentity: { Arn: 'arn:aws:sts::123456789012:assumed-role/Approvers/carol' } } }));
    sm.on(DescribePipelineExecutionCommand).resolves({ CreationTime: STARTED, CreatedBy: { UserProfileArn: PROFILE, UserProfileName: 'carol', DomainId: 'd-abc' } } as any);
    ct.on(LookupEventsCommand).resolves({ Events: [] });
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ statusCode: 403, outcome: 'refused', startedBy: PROFILE, reason: expect.stringMatching(/started the pipeline execution/) });
  });

  test('a Studio user who started the run cannot approve through the CLI with the same role: refused', async () => {
    sm.on(DescribeModelPackageCommand).resolves(approvedRecord('arn:aws:sts::123456789012:assumed-role/StudioExecution/cli'));
    sm.on(DescribePipelineExecutionCommand).resolves({ CreationTime: STARTED, CreatedBy: { UserProfileArn: PROFILE, UserProfileName: 'carol', DomainId: 'd-abc' } } as any);
    ct.on(LookupEventsCommand).resolves({ Events: [startEvent(STUDIO_ROLE)] });
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ statusCode: 403, outcome: 'refused', startedBy: STUDIO_ROLE });
  });

  test.each([
    ['no approver recorded', approvedRecord(REVIEWER, { LastModifiedBy: undefined }), 'the registry does not record who approved the version (no LastModifiedBy identity)'],
    ['an empty approver record', approvedRecord(REVIEWER, { LastModifiedBy: {} }), 'the registry does not record who approved the version (no LastModifiedBy identity)'],
    ['no registrant recorded', approvedRecord(REVIEWER, { CreatedBy: undefined }), 'the registry does not record who registered the version (no CreatedBy identity)'],
  ])('fails closed when the registry cannot prove it: %s', async (_name, record, reason) => {
    sm.on(DescribeModelPackageCommand).resolves(record);
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ statusCode: 403, outcome: 'refused', reason: `separation of duties: ${reason}` });
    expectNothingDeployed();
  });

  test('fails closed when nobody records who started the run (not SageMaker, not CloudTrail)', async () => {
    sm.on(DescribeModelPackageCommand).resolves(approvedRecord());
    sm.on(DescribePipelineExecutionCommand).resolves({ CreationTime: STARTED, CreatedBy: {} } as any);
    ct.on(LookupEventsCommand).resolvesOnce({ Events: [startEvent(ENGINEER, EXECUTION.replace('abc', 'zzz'))], NextToken: 'p2' }).resolves({ Events: [] });
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({
      statusCode: 403,
      outcome: 'refused',
      reason: `separation of duties: neither SageMaker nor the CloudTrail event history records who started the pipeline execution ${EXECUTION}, so separation of duties cannot be proven`,
      pipelineExecutionArn: EXECUTION,
    });
    expect(ct.commandCalls(LookupEventsCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'p2']);
    expectNothingDeployed();
  });

  test('fails closed when the run no longer exists', async () => {
    sm.on(DescribeModelPackageCommand).resolves(approvedRecord());
    sm.on(DescribePipelineExecutionCommand).rejects(notFound('pipeline execution'));
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ statusCode: 403, reason: expect.stringMatching(/no longer exists, so who started it cannot be proven/) });
  });

  test('a version registered by hand (no pipeline run): the approver only has to differ from the registrant', async () => {
    runningEndpoint();
    sm.on(DescribeModelPackageCommand).resolves(approvedRecord(REVIEWER, { CreatedBy: { IamIdentity: { Arn: ENGINEER } }, MetadataProperties: undefined }));
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ outcome: 'updated', approvedBy: REVIEWER, registeredBy: ENGINEER, startedBy: undefined });
    expect(sm.commandCalls(DescribePipelineExecutionCommand)).toHaveLength(0);
  });

  test('allowSelfApproval: no identity check, and the record says it was not enforced', async () => {
    runningEndpoint();
    sm.on(DescribeModelPackageCommand).resolves(approvedRecord(PIPELINE_ROLE));
    const { deps: d } = deps({ config: { allowSelfApproval: true } });
    expect(await promote(approval(), d)).toMatchObject({ outcome: 'updated', approvedBy: PIPELINE_ROLE, separationOfDuties: 'not enforced' });
    expect(sm.commandCalls(DescribePipelineExecutionCommand)).toHaveLength(0);
    expect(ct.calls()).toHaveLength(0);
  });
});

describe('promote: never backwards', () => {
  const v = (n: number) => ARN.replace(/\/7$/, `/${n}`);

  /** The endpoint runs `live` (and rolls out `pending`), each from a model created from that version. */
  function endpointWith(live: number, pending?: number, status = pending ? 'Updating' : 'InService') {
    approvedByReviewer();
    sm.on(DescribeEndpointCommand).resolves({
      EndpointName: ENDPOINT,
      EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${ENDPOINT}`,
      EndpointConfigName: `config-v${live}`,
      EndpointStatus: status,
      ...(pending ? { PendingDeploymentSummary: { EndpointConfigName: `config-v${pending}` } } : {}),
    } as any);
    for (const n of [live, pending].filter((x): x is number => x !== undefined)) {
      sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: `config-v${n}` }).resolves({ ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: `model-v${n}` }] } as any);
      sm.on(DescribeModelCommand, { ModelName: `model-v${n}` }).resolves({ PrimaryContainer: { ModelPackageName: v(n) } } as any);
    }
  }

  test('an older version never replaces a newer live one (e.g. a late or redriven approval)', async () => {
    endpointWith(8);
    const { deps: d, log } = deps();
    const result = await promote(approval(), d);
    expect(result).toMatchObject({
      statusCode: 200,
      outcome: 'superseded',
      reason: 'the endpoint runs version 8, newer than 7: an older version never replaces a newer one',
      deployedModelPackageArn: v(8),
    });
    expect(log.records.at(-1)?.[1]).toBe('promotion superseded');
    for (const c of [CreateModelCommand, CreateEndpointConfigCommand, UpdateEndpointCommand]) expect(sm.commandCalls(c as any)).toHaveLength(0);
  });

  test('an older version does not wait behind a newer one being rolled out: superseded at once', async () => {
    endpointWith(6, 8);
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ outcome: 'superseded', reason: expect.stringMatching(/^the endpoint is rolling out version 8, newer than 7/) });
  });

  test('a newer version waits while an older one is rolled out', async () => {
    endpointWith(5, 6);
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ statusCode: 202, outcome: 'waiting' });
    expect(sm.commandCalls(CreateModelCommand)).toHaveLength(0);
  });

  test('a newer version replaces an older live one', async () => {
    endpointWith(6);
    sm.on(DescribeModelCommand, { ModelName: NAME }).rejects(notFound('model'));
    sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: NAME }).rejects(notFound('endpoint configuration'));
    sm.on(CreateModelCommand).resolves({});
    sm.on(CreateEndpointConfigCommand).resolves({});
    sm.on(UpdateEndpointCommand).resolves({});
    sm.on(AddTagsCommand).resolves({});
    const { deps: d } = deps();
    expect(await promote(approval(), d)).toMatchObject({ outcome: 'updated' });
    expect(sm.commandCalls(UpdateEndpointCommand)[0].args[0].input.EndpointConfigName).toBe(NAME);
  });
});
