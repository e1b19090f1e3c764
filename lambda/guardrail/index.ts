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
import { HttpResponseWriter, streamingHandler } from '../shared/response-stream';
import { GuardrailConfig, loadConfig } from './config';
import { generationRecordConfig, recordGeneration, s3GenerationPut } from './generation-record';
import { callContext, CallContext, handleGenerate, MetricsSink, PipelineDeps } from './pipeline';
import { LocalChecks } from './local-checks';
import { awsModelStream, StreamModel } from './model-stream';
import { awsPorts, Ports } from './ports';
import { awsTemplatePorts, TemplateService } from './prompts/service';
import { RED_TEAM_DIMENSION, redTeamMarker, redTeamRequestId } from './red-team';
import { loadStreamConfig, sseEvent, StreamConfig, StreamingAnswer } from './stream';

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
let streamConfig: StreamConfig | undefined;
let streamModel: StreamModel | undefined;

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
  streamConfig = undefined;
  streamModel = undefined;
}

/** The configuration, ports and local checks, made once per container. */
function ready(): { config: GuardrailConfig; ports: Ports; checks: LocalChecks } {
  config ??= loadConfig(process.env);
  // Compiled once per container; a custom pattern that breaks the synth rule (RE2 syntax, bounded) fails here (synth should have caught it).
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
  return { config, ports, checks };
}

/** What the pipeline needs for one request. */
function pipelineDeps(metrics: Metrics, context: Context): PipelineDeps {
  return {
    ...ready(),
    templates,
    writeEmf: (line) => process.stdout.write(`${line}\n`),
    metrics: metricsSink(metrics),
    log: (level, message, details) => logger[level](message, { ...details }),
    now: () => performance.now(),
    date: () => new Date(),
    remainingMs: () => (typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Number.POSITIVE_INFINITY),
  };
}

/**
 * The record feedback is bound to (request id, caller hash and the prompt design of a template request,
 * which feedback records copy), after an answered or refused request; never fails the request.
 */
async function recordFor(ctx: CallContext, response: HttpResponse, metrics: Metrics, storageTimeoutMs: number): Promise<void> {
  await recordGeneration(
    ctx.requestId,
    ctx.caller,
    response.statusCode,
    {
      config: generationRecordConfig(process.env),
      put: s3GenerationPut(s3, storageTimeoutMs),
      log: (message, details) => logger.error(message, { ...details }),
      count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
    },
    responseDesign(response.body),
  );
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
    const deps = pipelineDeps(metrics, context);
    const response = await handleGenerate(event, ctx, deps);
    await recordFor(ctx, response, metrics, deps.config.storageTimeoutMs);
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

/**
 * `POST /v1/generate/stream` (API Gateway Lambda proxy integration, response transfer mode STREAM): the
 * same pipeline, with the answer streamed as server-sent events while it is guarded (stream.ts). The same
 * bundle as `handler`, deployed as a second function (its own timeout and concurrency).
 */
export const streamHandler = streamingHandler(async (event: APIGatewayProxyEvent, writer: HttpResponseWriter, context: Context) => {
  const startedAt = performance.now();
  const ctx = callContext(event, context?.awsRequestId ?? 'unknown');
  const metrics = new Metrics();
  try {
    const deps = pipelineDeps(metrics, context);
    streamConfig ??= loadStreamConfig(process.env);
    streamModel ??= awsModelStream(deps.config, { bedrock, sagemaker });
    const stage = new StreamingAnswer({ writer, ctx, pipeline: deps, config: streamConfig, streamModel, startedAt });
    const response = await handleGenerate(event, ctx, deps, stage);
    // Answered before the model's first text (invalid, refused, failed): a complete JSON response.
    if (!writer.started) await writer.send(response);
    await recordFor(ctx, response, metrics, deps.config.storageTimeoutMs);
  } catch (error) {
    logger.error('guardrail stream handler failed', { requestId: ctx.requestId, errorName: errorName(error) });
    if (!writer.started) {
      await writer.send(errorResponse(500, 'internal error', ctx.requestId));
    } else {
      writer.write(sseEvent('error', { requestId: ctx.requestId, outcome: 'ERROR', stopped: true, error: 'internal error', retryable: false }));
      await writer.end();
    }
  } finally {
    metrics.publishStoredMetrics();
  }
});
