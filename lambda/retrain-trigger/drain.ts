import * as z from 'zod/mini';

/** The scheduled EventBridge event that invokes the function (only `id` is used, as idempotency token). */
export const ScheduledEventSchema = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9-]{8,100}$/)),
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

/** The part of an S3 "Object Created" EventBridge event (the body of a queued message) the function reads. */
export const ObjectCreatedEventSchema = z.object({
  time: z.iso.datetime({ offset: true }),
  detail: z.object({ object: z.object({ key: z.string() }) }),
});

/** One queued message. */
export interface QueuedMessage {
  readonly receiptHandle: string;
  readonly body: string;
}

/** The latest execution of the pipeline. */
export interface ExecutionSummary {
  readonly status: string;
  readonly startTime?: Date;
}

/** What the drain needs from the outside world (SageMaker and SQS in the handler, fakes in tests). */
export interface TriggerPorts {
  latestExecution(): Promise<ExecutionSummary | undefined>;
  receive(max: number): Promise<QueuedMessage[]>;
  delete(receiptHandles: string[]): Promise<void>;
  start(clientRequestToken: string, description: string): Promise<string | undefined>;
}

export interface DrainOptions {
  /** How many receive calls (of up to 10 messages) one invocation makes at most. */
  readonly maxBatches: number;
}

export type DrainAction = 'idle' | 'busy' | 'started' | 'covered';

/** The function's answer: 200 with what it did, or 400 for an event it does not handle. */
export interface DrainResult {
  readonly statusCode: 200 | 400;
  readonly action?: DrainAction;
  /** Messages received (and deleted). */
  readonly received?: number;
  /** Messages about objects newer than the latest execution. */
  readonly fresh?: number;
  /** Messages whose body was not an S3 Object Created event (deleted, not counted as new data). */
  readonly malformed?: number;
  readonly executionArn?: string;
  readonly error?: string;
}

/** Statuses in which an execution still runs: new data waits for the next window. */
export const ACTIVE_STATUSES = ['Executing', 'Stopping'];

/**
 * One debounce tick: unless an execution is running, receive every queued "Object Created" event, start
 * the pipeline once if any of them is newer than the latest execution, then delete them. Events older
 * than the latest execution's start are already covered by it and are only deleted.
 *
 * A failure to start throws before anything is deleted, so the events come back after the visibility
 * timeout; the EventBridge event id is the idempotency token, so a retried invocation never starts twice.
 */
export async function drain(event: unknown, ports: TriggerPorts, options: DrainOptions): Promise<DrainResult> {
  const parsed = ScheduledEventSchema.safeParse(event);
  if (!parsed.success) {
    return { statusCode: 400, error: 'expected an EventBridge "Scheduled Event" with an id' };
  }

  const latest = await ports.latestExecution();
  if (latest && ACTIVE_STATUSES.includes(latest.status)) {
    return { statusCode: 200, action: 'busy', received: 0, fresh: 0, malformed: 0 };
  }
  const since = latest?.startTime?.getTime();

  const handles: string[] = [];
  let fresh = 0;
  let malformed = 0;
  for (let batch = 0; batch < options.maxBatches; batch++) {
    const messages = await ports.receive(10);
    if (messages.length === 0) break;
    for (const m of messages) {
      handles.push(m.receiptHandle);
      const time = eventTime(m.body);
      if (time === undefined) malformed++;
      else if (since === undefined || time > since) fresh++;
    }
  }
  if (handles.length === 0) {
    return { statusCode: 200, action: 'idle', received: 0, fresh: 0, malformed: 0 };
  }

  let executionArn: string | undefined;
  if (fresh > 0) {
    executionArn = await ports.start(`retrain-${parsed.data.id}`, `Started by ${fresh} new object(s) in the data lake`);
  }
  await ports.delete(handles);
  return { statusCode: 200, action: fresh > 0 ? 'started' : 'covered', received: handles.length, fresh, malformed, executionArn };
}

/** Milliseconds of the event's `time`, or undefined when the body is not an Object Created event. */
export function eventTime(body: string): number | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = ObjectCreatedEventSchema.safeParse(json);
  return parsed.success ? Date.parse(parsed.data.time) : undefined;
}
