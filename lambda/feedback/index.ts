import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handleFeedback } from './api';
import { HttpResponse, errorResponse } from './http';
import { awsPorts, FeedbackConfig, loadConfig } from './ports';
import { redrive } from './redrive';
import { errorName } from './record';

const logger = new Logger({ serviceName: 'feedback' });
// Short timeouts and one retry: a slow S3 sends the record to the fallback queue rather than time out.
const timeouts = { requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 }, maxAttempts: 2 };
const s3 = new S3Client(timeouts);
const sqs = new SQSClient(timeouts);
let config: FeedbackConfig | undefined;

function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as SQSEvent)?.Records;
  return Array.isArray(records) && records.length > 0 && records.every((r) => r?.eventSource === 'aws:sqs');
}

/**
 * Two triggers, one function: `POST /v1/feedback` through API Gateway (Lambda proxy), and the fallback
 * queue's event source mapping, which writes records S3 refused earlier.
 */
export async function handler(event: APIGatewayProxyEvent | SQSEvent): Promise<HttpResponse | SQSBatchResponse> {
  config ??= loadConfig(process.env);
  const ports = awsPorts(config, s3, sqs);
  if (isSqsEvent(event)) {
    return redrive(
      event,
      config.prefix,
      ports,
      (line) =>
        line.outcome === 'retry' || line.outcome === 'malformed' || line.outcome === 'unbound'
          ? logger.warn('feedback redrive', { ...line })
          : logger.info('feedback redrive', { ...line }),
      config.binding,
    );
  }
  const apiEvent = event as APIGatewayProxyEvent;
  try {
    return await handleFeedback(apiEvent, {
      prefix: config.prefix,
      ports,
      binding: config.binding,
      now: () => new Date(),
      writeEmf: (line) => process.stdout.write(`${line}\n`),
      log: (outcome, details) =>
        outcome === 'failed' ? logger.error('feedback', { outcome, ...details }) : logger.info('feedback', { outcome, ...details }),
    });
  } catch (error) {
    // Not expected (storeRecord never throws): answer with a JSON 500, never a stack trace.
    logger.error('feedback handler failed', { errorName: errorName(error) });
    return errorResponse(500, 'internal error; the feedback was not recorded', apiEvent?.requestContext?.requestId ?? 'unknown');
  }
}
