import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
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
import { generationRecordConfig, recordGeneration, s3GenerationPut } from './generation-record';
import { callContext, handleGenerate, MetricsSink } from './pipeline';
import { LocalChecks } from './local-checks';
import { awsPorts, Ports } from './ports';
import { awsTemplatePorts, TemplateService } from './prompts/service';

export { inspectText } from './local-checks';
// The second, non-API entry: feedback screening (`index.screen`, its own function and role).
export { screen } from './screening-entry';

const logger = createLogger('guardrail');
// Connection and socket timeouts on every client; each call also has its own abort signal (ports.ts).
const requestHandler = { connectionTimeout: 1000, requestTimeout: 30_000 };
const bedrock = new BedrockRuntimeClient({ requestHandler, maxAttempts: 2 });
const sagemaker = new SageMakerRuntimeClient({ requestHandler, maxAttempts: 1 });
const s3 = new S3Client({ requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 }, maxAttempts: 2 });
const sqs = new SQSClient({ requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 }, maxAttempts: 2 });
const kms = new KMSClient({ requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 }, maxAttempts: 2 });
const agent = new BedrockAgentClient({ requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 }, maxAttempts: 2 });

let config: GuardrailConfig | undefined;
let ports: Ports | undefined;
let checks: LocalChecks | undefined;
let templates: TemplateService | undefined;

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
  templates = undefined;
}

/** `POST /v1/generate` (API Gateway Lambda proxy integration). */
export async function handler(event: APIGatewayProxyEvent, context: Context): Promise<HttpResponse> {
  const ctx = callContext(event, context?.awsRequestId ?? 'unknown');
  const metrics = new Metrics();
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
    if (config.promptCatalog) templates ??= new TemplateService(config.promptCatalog, awsTemplatePorts(config, { agent, bedrock, sagemaker }), () => performance.now());
    const response = await handleGenerate(event, ctx, {
      templates,
      writeEmf: (line) => process.stdout.write(`${line}\n`),
      config,
      ports,
      checks,
      metrics: metricsSink(metrics),
      log: (level, message, details) => logger[level](message, { ...details }),
      now: () => performance.now(),
      date: () => new Date(),
      remainingMs: () => (typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Number.POSITIVE_INFINITY),
    });
    // The record feedback is bound to (request id, caller hash and the prompt design of a template
    // request, which feedback records copy); never fails the request.
    await recordGeneration(
      ctx.requestId,
      ctx.caller,
      response.statusCode,
      {
        config: generationRecordConfig(process.env),
        put: s3GenerationPut(s3, config.storageTimeoutMs),
        log: (message, details) => logger.error(message, { ...details }),
        count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
      },
      responseDesign(response.body),
    );
    return response;
  } catch (error) {
    // Not expected (the pipeline catches downstream errors): a JSON 500, never a stack trace.
    logger.error('guardrail handler failed', { requestId: ctx.requestId, errorName: errorName(error) });
    return errorResponse(500, 'internal error', ctx.requestId);
  } finally {
    metrics.publishStoredMetrics();
  }
}

/** The `promptDesign` of a generate response body (template requests), for the generation record. */
function responseDesign(body: string | undefined): object | undefined {
  if (!body) return undefined;
  try {
    const design = (JSON.parse(body) as { promptDesign?: unknown }).promptDesign;
    return design && typeof design === 'object' ? (design as object) : undefined;
  } catch {
    return undefined;
  }
}
