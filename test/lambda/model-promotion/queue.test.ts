import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  AddTagsCommand,
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
import { ChangeMessageVisibilityCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { PromotionConfig, QueueConfig } from '../../../lambda/model-promotion/config';
import { PromotionResult, promote, resourceName } from '../../../lambda/model-promotion/promote';
import { FAILURE_ATTRIBUTE, QueueRecord, handleApprovals, isQueueEvent } from '../../../lambda/model-promotion/queue';

const sm = mockClient(SageMakerClient);
const ct = mockClient(CloudTrailClient);
const sqs = mockClient(SQSClient);

const ENDPOINT = 'gpu-endpoint-73916de0';
const GROUP = 'llm';
const arn = (version: number) => `arn:aws:sagemaker:us-east-1:123456789012:model-package/llm/${version}`;
const QUEUE: QueueConfig = {
  url: 'https://sqs.us-east-1.amazonaws.com/123456789012/promotions.fifo',
  deadLetterUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/promotions-dlq.fifo',
  waitSeconds: 300,
  maxWaitSeconds: 86400,
};
const config: PromotionConfig = {
  endpointName: ENDPOINT,
  modelPackageGroupName: GROUP,
  executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
  endpointConfigTemplate: { ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 2 }] },
  deploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 } } },
  queue: QUEUE,
};
const NOW = Date.parse('2030-01-02T00:00:00Z');

function record(version: number, extra: Partial<QueueRecord['attributes']> = {}, body?: string): QueueRecord {
  return {
    messageId: `m-${version}`,
    receiptHandle: `rh-${version}`,
    eventSource: 'aws:sqs',
    body:
      body ??
      JSON.stringify({
        id: `evt-${version}`,
        source: 'aws.sagemaker',
        'detail-type': 'SageMaker Model Package State Change',
        detail: { ModelPackageGroupName: GROUP, ModelPackageArn: arn(version), ModelApprovalStatus: 'Approved' },
      }),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(NOW - 60_000), MessageGroupId: ENDPOINT, ...extra },
  };
}

function logger() {
  const records: Array<[string, string, Record<string, unknown> | undefined]> = [];
  return { records, info: (m: string, e?: Record<string, unknown>) => records.push(['info', m, e]), warn: (m: string, e?: Record<string, unknown>) => records.push(['warn', m, e]) };
}

function queueDeps(promoteFn?: (event: unknown) => Promise<PromotionResult>) {
  const log = logger();
  const retry = { maxAttempts: 3, baseDelayMs: 1, sleep: async () => undefined, random: () => 0 };
  const promotionDeps = { sagemaker: new SageMakerClient({ region: 'us-east-1' }), cloudtrail: new CloudTrailClient({ region: 'us-east-1' }), config, logger: log, retry };
  return {
    log,
    deps: {
      sqs: new SQSClient({ region: 'us-east-1' }),
      queue: QUEUE,
      logger: log,
      now: () => NOW,
      retry,
      promote: promoteFn ?? ((event: unknown) => promote(event, promotionDeps)),
    },
  };
}

/** A reviewer approved every version; the run was started by someone else (CloudTrail). */
function approvedByReviewer() {
  sm.on(DescribeModelPackageCommand).resolves({
    ModelPackageGroupName: GROUP,
    ModelApprovalStatus: 'Approved',
    CreatedBy: { IamIdentity: { Arn: 'arn:aws:sts::123456789012:assumed-role/PipelineRole/SageMaker' } },
    LastModifiedBy: { IamIdentity: { Arn: 'arn:aws:sts::123456789012:assumed-role/Reviewer/bob' } },
  } as any);
}

/** The endpoint runs `live` and (while Updating) rolls out `pending`, each a model of that version. */
function endpoint(live: number, pending?: number) {
  sm.on(DescribeEndpointCommand).resolves({
    EndpointName: ENDPOINT,
    EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${ENDPOINT}`,
    EndpointConfigName: resourceName(ENDPOINT, arn(live)),
    EndpointStatus: pending ? 'Updating' : 'InService',
    ...(pending ? { PendingDeploymentSummary: { EndpointConfigName: resourceName(ENDPOINT, arn(pending)) } } : {}),
  } as any);
  for (const v of [live, pending].filter((x): x is number => x !== undefined)) {
    const name = resourceName(ENDPOINT, arn(v));
    sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: name }).resolves({ EndpointConfigName: name, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: name }] } as any);
    sm.on(DescribeModelCommand, { ModelName: name }).resolves({ ModelName: name, PrimaryContainer: { ModelPackageName: arn(v) } } as any);
  }
}

beforeEach(() => {
  sm.reset();
  ct.reset();
  sqs.reset();
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({});
  const notFound = Object.assign(new Error('Could not find it'), { name: 'ValidationException' });
  sm.on(DescribeModelCommand).rejects(notFound);
  sm.on(DescribeEndpointConfigCommand).rejects(notFound);
  sm.on(CreateModelCommand).resolves({});
  sm.on(CreateEndpointConfigCommand).resolves({});
  sm.on(UpdateEndpointCommand).resolves({});
  sm.on(AddTagsCommand).resolves({});
});

describe('the approvals queue', () => {
  test('a second approval during a blue/green update waits in the queue and is applied after it', async () => {
    approvedByReviewer();
    const { deps, log } = queueDeps();

    // Version 7 is being rolled out (a 25-minute blue/green); version 8 is approved meanwhile.
    endpoint(6, 7);
    expect(await handleApprovals({ Records: [record(8)] }, deps)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-8' }] });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE.url, ReceiptHandle: 'rh-8', VisibilityTimeout: 300 },
    ]);
    expect(sm.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(log.records.map((r) => r[1])).toEqual(expect.arrayContaining(['promotion waiting', 'approval stays in the queue']));

    // Still updating five minutes later: it waits again.
    expect(await handleApprovals({ Records: [record(8, { ApproximateReceiveCount: '2' })] }, deps)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-8' }] });

    // Version 7 is live: version 8 rolls out now, with a config built from the template.
    endpoint(7);
    expect(await handleApprovals({ Records: [record(8, { ApproximateReceiveCount: '3' })] }, deps)).toEqual({ batchItemFailures: [] });
    expect(sm.commandCalls(UpdateEndpointCommand).map((c) => c.args[0].input.EndpointConfigName)).toEqual([resourceName(ENDPOINT, arn(8))]);
    expect(sm.commandCalls(CreateEndpointConfigCommand)[0].args[0].input.ProductionVariants).toEqual([
      { VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 2, ModelName: resourceName(ENDPOINT, arn(8)) },
    ]);
  });

  test('a redriven older approval never replaces the newer live version: the message is consumed, nothing deployed', async () => {
    approvedByReviewer();
    endpoint(9);
    const { deps, log } = queueDeps();
    expect(await handleApprovals({ Records: [record(8)] }, deps)).toEqual({ batchItemFailures: [] });
    expect(sm.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(log.records.find((r) => r[1] === 'promotion superseded')?.[2]).toMatchObject({ outcome: 'superseded', deployedModelPackageArn: arn(9) });
  });

  test('waiting longer than maxWaitSeconds: moved to the dead-letter queue with the reason, not left to loop', async () => {
    approvedByReviewer();
    endpoint(6, 7);
    const { deps } = queueDeps();
    const old = record(8, { SentTimestamp: String(NOW - 86_300_000), ApproximateReceiveCount: '288' });
    expect(await handleApprovals({ Records: [old] }, deps)).toEqual({ batchItemFailures: [] });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
    const sent = sqs.commandCalls(SendMessageCommand)[0].args[0].input;
    expect(sent).toMatchObject({ QueueUrl: QUEUE.deadLetterUrl, MessageBody: old.body, MessageGroupId: ENDPOINT, MessageDeduplicationId: 'm-8' });
    expect(sent.MessageAttributes?.[FAILURE_ATTRIBUTE].StringValue).toMatch(/^gave up after waiting 86300 s \(at most 86400 s\): endpoint .* is Updating/);
  });

  test('an error no retry fixes goes to the dead-letter queue at once, with the error', async () => {
    const { deps } = queueDeps(async () => {
      throw Object.assign(new Error('not authorized to perform sagemaker:UpdateEndpoint'), { name: 'AccessDeniedException' });
    });
    expect(await handleApprovals({ Records: [record(8)] }, deps)).toEqual({ batchItemFailures: [] });
    expect(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageAttributes?.[FAILURE_ATTRIBUTE].StringValue).toBe(
      'promotion failed: AccessDeniedException: not authorized to perform sagemaker:UpdateEndpoint',
    );
  });

  test('throttling stays in the queue with a growing delay (30 s, 60 s, ... at most waitSeconds)', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const { deps } = queueDeps(async () => {
      throw throttled;
    });
    for (const receives of ['1', '2', '5']) {
      expect(await handleApprovals({ Records: [record(8, { ApproximateReceiveCount: receives })] }, deps)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-8' }] });
    }
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.VisibilityTimeout)).toEqual([30, 60, 300]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  test('FIFO: once a record stays in the queue, the records behind it are not processed in this batch', async () => {
    const seen: unknown[] = [];
    const { deps } = queueDeps(async (event) => {
      seen.push(event);
      return { statusCode: 202, outcome: 'waiting', reason: 'busy' };
    });
    expect(await handleApprovals({ Records: [record(8), record(9)] }, deps)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-8' }, { itemIdentifier: 'm-9' }] });
    expect(seen).toHaveLength(1);
  });

  test('a body that is not an approval is consumed (rejected with a 400 record), and SQS failures never lose a message', async () => {
    const { deps, log } = queueDeps();
    expect(await handleApprovals({ Records: [record(1, {}, 'not json')] }, deps)).toEqual({ batchItemFailures: [] });
    expect(log.records.find((r) => r[1] === 'promotion rejected')?.[2]).toMatchObject({ statusCode: 400 });

    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const failing = queueDeps(async () => {
      throw Object.assign(new Error('bad'), { name: 'ValidationException' });
    });
    expect(await handleApprovals({ Records: [record(8)] }, failing.deps)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-8' }] });
  });

  test('isQueueEvent recognises SQS records only', () => {
    expect(isQueueEvent({ Records: [record(1)] })).toBe(true);
    expect(isQueueEvent({ Records: [{ eventSource: 'aws:s3' }] })).toBe(false);
    expect(isQueueEvent({ 'detail-type': 'SageMaker Model Package State Change' })).toBe(false);
    expect(isQueueEvent(null)).toBe(false);
  });

  test('while it waits, the registry is read again each time (a version registered by hand needs no CloudTrail lookup)', async () => {
    approvedByReviewer();
    endpoint(6, 7);
    const { deps } = queueDeps();
    await handleApprovals({ Records: [record(8)] }, deps);
    expect(sm.commandCalls(DescribeModelPackageCommand)).toHaveLength(1);
    // No pipeline execution on this version: no CloudTrail lookup at all.
    expect(sm.commandCalls(DescribePipelineExecutionCommand)).toHaveLength(0);
    expect(ct.commandCalls(LookupEventsCommand)).toHaveLength(0);
  });
});
