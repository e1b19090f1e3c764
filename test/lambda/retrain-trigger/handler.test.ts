import { ListPipelineExecutionsCommand, SageMakerClient, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';

const sagemaker = mockClient(SageMakerClient);
const sqs = mockClient(SQSClient);

process.env.PIPELINE_NAME = 'my-pipeline';
process.env.QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/queue';

// mockClient patches every client instance, including the handler's module-level ones; the handler reads
// its environment on the first call.
import { awsPorts, handler, loadConfig } from '../../../lambda/retrain-trigger/index';

const SCHEDULED = { id: '7bf73129-1428-4cd3-a780-95db273d1602', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
const body = (time: string) => JSON.stringify({ time, detail: { bucket: { name: 'b' }, object: { key: 'feedback/x.jsonl' } } });

beforeEach(() => {
  sagemaker.reset();
  sqs.reset();
});

describe('retrain-trigger handler', () => {
  test('new data: lists the latest execution, drains the queue, starts once and deletes in batches of 10', async () => {
    sagemaker.on(ListPipelineExecutionsCommand).resolves({
      PipelineExecutionSummaries: [{ PipelineExecutionStatus: 'Succeeded', StartTime: new Date('2026-11-24T00:00:00Z') }],
    });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: Array.from({ length: 10 }, (_, i) => ({ ReceiptHandle: `a${i}`, Body: body('2026-11-25T08:00:00Z') })) })
      .resolvesOnce({ Messages: [{ ReceiptHandle: 'b0', Body: body('2026-11-25T08:01:00Z') }, { Body: 'no handle' }] })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    sagemaker.on(StartPipelineExecutionCommand).resolves({ PipelineExecutionArn: 'arn:exec' });

    const result = await handler(SCHEDULED);

    expect(result).toEqual({ statusCode: 200, action: 'started', received: 11, fresh: 11, malformed: 0, executionArn: 'arn:exec' });
    expect(sagemaker.commandCalls(ListPipelineExecutionsCommand)[0].args[0].input).toEqual({
      PipelineName: 'my-pipeline',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 1,
    });
    expect(sqs.commandCalls(ReceiveMessageCommand)[0].args[0].input).toEqual({
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/queue',
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      VisibilityTimeout: 120,
    });
    expect(sagemaker.commandCalls(StartPipelineExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { PipelineName: 'my-pipeline', ClientRequestToken: 'retrain-7bf73129-1428-4cd3-a780-95db273d1602', PipelineExecutionDescription: 'Started by 11 new object(s) in the data lake' },
    ]);
    const deletes = sqs.commandCalls(DeleteMessageBatchCommand).map((c) => c.args[0].input.Entries!.map((e) => e.ReceiptHandle));
    expect(deletes).toEqual([Array.from({ length: 10 }, (_, i) => `a${i}`), ['b0']]);
  });

  test('no executions yet and an empty queue: idle', async () => {
    sagemaker.on(ListPipelineExecutionsCommand).resolves({});
    sqs.on(ReceiveMessageCommand).resolves({});
    expect(await handler(SCHEDULED)).toEqual({ statusCode: 200, action: 'idle', received: 0, fresh: 0, malformed: 0 });
    expect(sagemaker.commandCalls(StartPipelineExecutionCommand)).toHaveLength(0);
  });

  test('a running execution: busy, the queue is not read', async () => {
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [{ PipelineExecutionStatus: 'Executing', StartTime: new Date() }] });
    expect((await handler(SCHEDULED)).action).toBe('busy');
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
  });

  test('a foreign event: 400 answer, no AWS calls', async () => {
    expect(await handler({ hello: 'world' })).toEqual({ statusCode: 400, error: 'expected an EventBridge "Scheduled Event" with an id' });
    expect(sagemaker.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  test('SageMaker failure while listing: throws a clear error (Lambda retries, then the DLQ)', async () => {
    sagemaker.on(ListPipelineExecutionsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(handler(SCHEDULED)).rejects.toThrow('retrain trigger failed: AccessDeniedException: denied');
  });

  test('SageMaker failure while starting: throws and deletes nothing', async () => {
    sagemaker.on(ListPipelineExecutionsCommand).resolves({});
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [{ ReceiptHandle: 'h', Body: body('2026-11-25T08:00:00Z') }] }).resolves({});
    sagemaker.on(StartPipelineExecutionCommand).rejects(Object.assign(new Error('limit'), { name: 'ResourceLimitExceeded' }));
    await expect(handler(SCHEDULED)).rejects.toThrow('retrain trigger failed: ResourceLimitExceeded: limit');
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });

  test('SQS failure while receiving: throws', async () => {
    sagemaker.on(ListPipelineExecutionsCommand).resolves({});
    sqs.on(ReceiveMessageCommand).rejects(Object.assign(new Error('kms'), { name: 'KmsAccessDenied' }));
    await expect(handler(SCHEDULED)).rejects.toThrow('retrain trigger failed: KmsAccessDenied: kms');
  });

  test('partially failed deletes are logged, not fatal (the messages come back as covered)', async () => {
    sagemaker.on(ListPipelineExecutionsCommand).resolves({});
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [{ ReceiptHandle: 'h', Body: body('2026-11-25T08:00:00Z') }] }).resolves({});
    sagemaker.on(StartPipelineExecutionCommand).resolves({ PipelineExecutionArn: 'arn:exec' });
    sqs.on(DeleteMessageBatchCommand).resolves({ Failed: [{ Id: '0', SenderFault: false, Code: 'InternalError' }] });
    expect((await handler(SCHEDULED)).action).toBe('started');
  });
});

describe('configuration', () => {
  test('both variables are required', () => {
    expect(() => loadConfig({ PIPELINE_NAME: 'p' })).toThrow('PIPELINE_NAME and QUEUE_URL must be set');
    expect(() => loadConfig({ QUEUE_URL: 'q' })).toThrow('PIPELINE_NAME and QUEUE_URL must be set');
    expect(loadConfig({ PIPELINE_NAME: 'p', QUEUE_URL: 'q' })).toEqual({ pipelineName: 'p', queueUrl: 'q' });
  });

  test('an execution without a status is reported as Unknown', async () => {
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [{}] });
    const ports = awsPorts({ pipelineName: 'p', queueUrl: 'q' }, { sagemaker: new SageMakerClient({}), sqs: new SQSClient({}) });
    expect(await ports.latestExecution()).toEqual({ status: 'Unknown', startTime: undefined });
  });
});
