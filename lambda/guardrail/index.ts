import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { EnvelopeEncryptor } from '../shared/envelope';
import { errorResponse, HttpResponse } from '../shared/http';
import { createLogger, errorName } from '../shared/logging';
import { GuardrailConfig, loadConfig } from './config';
import { callContext, handleGenerate, MetricsSink } from './pipeline';
import { LocalChecks } from './local-checks';
import { awsPorts, Ports } from './ports';
import { RED_TEAM_DIMENSION, redTeamMarker, redTeamRequestId } from './red-team';

export { inspectText } from './local-checks';

const logger = createLogger('guardrail');
// Connection and socket timeouts on every client; each call also has its own abort signal (ports.ts).
const requestHandler = { connectionTimeout: 1000, requestTimeout: 30_000 };
const bedrock = new BedrockRuntimeClient({ requestHandler, maxAttempts: 2 });
const sagemaker = new SageMakerRuntimeClient({ requestHandler, maxAttempts: 1 });
const s3 = new S3Client({ requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 }, maxAttempts: 2 });
const sqs = new SQSClient({ requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 }, maxAttempts: 2 });
const kms = new KMSClient({ requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 }, maxAttempts: 2 });

let config: GuardrailConfig | undefined;
let ports: Ports | undefined;
let checks: LocalChecks | undefined;

/** The EMF metric sink; namespace and service come from POWERTOOLS_METRICS_NAMESPACE / POWERTOOLS_SERVICE_NAME. */
function metricsSink(metrics: Metrics): MetricsSink {
  return {
    count(name, value = 1, dimensions) {
      if (dimensions) {
        const single = metrics.singleMetric();
        for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
        single.addMetric(name, MetricUnit.Count, value);
      } else {
        metrics.addMetric(name, MetricUnit.Count, value);
      }
    },
    value(name, value, unit) {
      metrics.addMetric(name, unit === 'Milliseconds' ? MetricUnit.Milliseconds : unit === 'Count' ? MetricUnit.Count : MetricUnit.NoUnit, value);
    },
  };
}

/** Drops the cached configuration (tests). */
export function reset(): void {
  config = undefined;
  ports = undefined;
  checks = undefined;
}

/** `POST /v1/generate` (API Gateway Lambda proxy integration). */
export async function handler(event: APIGatewayProxyEvent, context: Context): Promise<HttpResponse> {
  // A direct invoke of the red-team function carries a marker API Gateway can never produce (red-team.ts).
  const marked = redTeamMarker(event);
  if (marked.kind === 'invalid') return errorResponse(400, marked.error, context?.awsRequestId ?? 'unknown');
  const ctx =
    marked.kind === 'red-team'
      ? { requestId: redTeamRequestId(marked.marker), caller: `red-team:${marked.marker.runId}`, redTeam: marked.marker }
      : callContext(event, context?.awsRequestId ?? 'unknown');
  const metrics = new Metrics(marked.kind === 'red-team' ? { defaultDimensions: { ...RED_TEAM_DIMENSION } } : undefined);
  try {
    config ??= loadConfig(process.env);
    // Compiled once per container; a custom pattern RE2 rejects fails here (synth should have caught it).
    checks ??= new LocalChecks(config.localChecks);
    ports ??= awsPorts(config, {
      bedrock,
      sagemaker,
      s3,
      sqs,
      encryptor: new EnvelopeEncryptor({
        kms,
        keyId: config.traceKeyArn,
        encryptionContext: { purpose: 'genai-guardrail-trace', bucket: config.traceBucket },
      }),
    });
    return await handleGenerate(event, ctx, {
      config,
      ports,
      checks,
      metrics: metricsSink(metrics),
      log: (level, message, details) => logger[level](message, { ...details }),
      now: () => performance.now(),
      date: () => new Date(),
      remainingMs: () => (typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Number.POSITIVE_INFINITY),
    });
  } catch (error) {
    // Not expected (the pipeline catches downstream errors): a JSON 500, never a stack trace.
    logger.error('guardrail handler failed', { requestId: ctx.requestId, errorName: errorName(error) });
    return errorResponse(500, 'internal error', ctx.requestId);
  } finally {
    metrics.publishStoredMetrics();
  }
}
