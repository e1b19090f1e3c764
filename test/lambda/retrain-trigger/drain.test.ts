import { DrainOptions, ExecutionSummary, QueuedMessage, TriggerPorts, drain, eventTime } from '../../../lambda/retrain-trigger/drain';

const SCHEDULED = { id: '7bf73129-1428-4cd3-a780-95db273d1602', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
const OPTIONS: DrainOptions = { maxBatches: 100 };

function objectCreated(time: string, key = 'feedback/a.jsonl'): string {
  return JSON.stringify({ source: 'aws.s3', 'detail-type': 'Object Created', time, detail: { bucket: { name: 'b' }, object: { key } } });
}

/** A fake world: a queue of messages and a pipeline whose latest execution can be set. */
class Fake implements TriggerPorts {
  public readonly started: Array<{ token: string; description: string }> = [];
  public readonly deleted: string[] = [];
  public readonly receiveCalls: number[] = [];
  public failStart?: Error;
  constructor(
    private readonly queue: QueuedMessage[],
    private readonly latest?: ExecutionSummary,
  ) {}
  async latestExecution() {
    return this.latest;
  }
  async receive(max: number) {
    this.receiveCalls.push(max);
    return this.queue.splice(0, max);
  }
  async delete(handles: string[]) {
    this.deleted.push(...handles);
  }
  async start(token: string, description: string) {
    if (this.failStart) throw this.failStart;
    this.started.push({ token, description });
    return 'arn:aws:sagemaker:eu-west-1:111122223333:pipeline/p/execution/abc';
  }
}

function messages(...times: string[]): QueuedMessage[] {
  return times.map((t, i) => ({ receiptHandle: `h${i}`, body: objectCreated(t) }));
}

describe('drain (one debounce tick)', () => {
  test('an empty queue is idle and starts nothing', async () => {
    const fake = new Fake([]);
    expect(await drain(SCHEDULED, fake, OPTIONS)).toEqual({ statusCode: 200, action: 'idle', received: 0, fresh: 0, malformed: 0 });
    expect(fake.started).toEqual([]);
  });

  test('many new objects start exactly one execution, with the event id as idempotency token, and are all deleted', async () => {
    const times = Array.from({ length: 25 }, (_, i) => `2026-11-25T08:${String(i).padStart(2, '0')}:00Z`);
    const fake = new Fake(messages(...times), { status: 'Succeeded', startTime: new Date('2026-11-24T00:00:00Z') });
    const result = await drain(SCHEDULED, fake, OPTIONS);
    expect(result).toEqual({
      statusCode: 200,
      action: 'started',
      received: 25,
      fresh: 25,
      malformed: 0,
      executionArn: 'arn:aws:sagemaker:eu-west-1:111122223333:pipeline/p/execution/abc',
    });
    expect(fake.started).toEqual([{ token: 'retrain-7bf73129-1428-4cd3-a780-95db273d1602', description: 'Started by 25 new object(s) in the data lake' }]);
    expect(fake.deleted).toHaveLength(25);
    expect(fake.receiveCalls).toEqual([10, 10, 10, 10]);
  });

  test('a pipeline that never ran starts on the first data', async () => {
    const fake = new Fake(messages('2026-11-25T08:00:00Z'));
    expect((await drain(SCHEDULED, fake, OPTIONS)).action).toBe('started');
  });

  test('events older than the latest execution are covered by it: deleted, nothing started', async () => {
    const fake = new Fake(messages('2026-11-25T07:00:00Z', '2026-11-25T07:59:59Z'), { status: 'Failed', startTime: new Date('2026-11-25T08:00:00Z') });
    expect(await drain(SCHEDULED, fake, OPTIONS)).toEqual({ statusCode: 200, action: 'covered', received: 2, fresh: 0, malformed: 0, executionArn: undefined });
    expect(fake.started).toEqual([]);
    expect(fake.deleted).toEqual(['h0', 'h1']);
  });

  test.each(['Executing', 'Stopping'])('a running execution (%s) leaves the queue untouched for the next window', async (status) => {
    const fake = new Fake(messages('2026-11-25T08:00:00Z'), { status, startTime: new Date('2026-11-25T07:00:00Z') });
    expect(await drain(SCHEDULED, fake, OPTIONS)).toEqual({ statusCode: 200, action: 'busy', received: 0, fresh: 0, malformed: 0 });
    expect(fake.receiveCalls).toEqual([]);
    expect(fake.deleted).toEqual([]);
  });

  test('malformed messages are deleted and do not count as new data', async () => {
    const fake = new Fake([
      { receiptHandle: 'bad-json', body: '{not json' },
      { receiptHandle: 'bad-shape', body: JSON.stringify({ hello: 'world' }) },
    ]);
    expect(await drain(SCHEDULED, fake, OPTIONS)).toEqual({ statusCode: 200, action: 'covered', received: 2, fresh: 0, malformed: 2, executionArn: undefined });
    expect(fake.deleted).toEqual(['bad-json', 'bad-shape']);
  });

  test('the number of receive calls per tick is capped', async () => {
    const fake = new Fake(messages(...Array.from({ length: 50 }, () => '2026-11-25T08:00:00Z')));
    const result = await drain(SCHEDULED, fake, { maxBatches: 2 });
    expect(result.received).toBe(20);
    expect(fake.started).toHaveLength(1);
  });

  test('a failed start throws before anything is deleted (the events come back)', async () => {
    const fake = new Fake(messages('2026-11-25T08:00:00Z'));
    fake.failStart = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    await expect(drain(SCHEDULED, fake, OPTIONS)).rejects.toThrow('Rate exceeded');
    expect(fake.deleted).toEqual([]);
  });

  test.each([
    ['not an object', 'hello'],
    ['no id', { source: 'aws.events', 'detail-type': 'Scheduled Event' }],
    ['another event', { id: '7bf73129-1428-4cd3-a780-95db273d1602', source: 'aws.s3', 'detail-type': 'Object Created' }],
    ['an id that is not a token', { ...SCHEDULED, id: 'x y' }],
  ])('a foreign event (%s) gets a 400 answer and touches nothing', async (_name, event) => {
    const fake = new Fake(messages('2026-11-25T08:00:00Z'));
    expect(await drain(event, fake, OPTIONS)).toEqual({ statusCode: 400, error: 'expected an EventBridge "Scheduled Event" with an id' });
    expect(fake.receiveCalls).toEqual([]);
    expect(fake.started).toEqual([]);
  });
});

describe('eventTime', () => {
  test('reads the time of an Object Created event', () => {
    expect(eventTime(objectCreated('2026-11-25T08:00:00Z'))).toBe(Date.parse('2026-11-25T08:00:00Z'));
  });
  test('undefined for anything else', () => {
    expect(eventTime('')).toBeUndefined();
    expect(eventTime(JSON.stringify({ time: 'yesterday', detail: { object: { key: 'k' } } }))).toBeUndefined();
  });
});
