import type { GuardrailContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Envelope } from '../shared/envelope';
import { errorResponse, HttpResponse, jsonResponse, readJsonBody } from '../shared/http';
import { errorName, errorStatus } from '../shared/logging';
import { Budget } from './budget';
import type { GuardrailVerdict } from './assessments';
import type { GuardrailConfig } from './config';
import { Inspection, LocalChecks } from './local-checks';
import type { ModelAnswer, Ports } from './ports';
import { RED_TEAM_TRACE_PARTITION, RedTeamMarker } from './red-team';
import { GenerateRequest, parseGenerateRequest } from './schema';
import type { PromptDesign } from '../shared/prompt-design';
import { promptDesign, variantMetrics } from './prompts/design';
import { fitBudget, joined, render } from './prompts/fill';
import type { TemplatePlan, TemplateService } from './prompts/service';

/** The format of trace records (bump when fields change meaning). */
export const TRACE_SCHEMA = 'genai.guardrail.trace/v1';
/** Bedrock's contextual grounding accepts a query of at most this many characters. */
export const MAX_GROUNDING_QUERY_CHARS = 1000;
/** What callers read when a local check blocks (the raw text is never echoed). */
export const LOCAL_BLOCK_MESSAGE = 'The request was blocked by a content policy.';
export const LOCAL_OUTPUT_BLOCK_MESSAGE = 'The answer was withheld by a content policy.';

/** Metric sink (Powertools Metrics in the Lambda, a recorder in tests). */
export interface MetricsSink {
  count(name: string, value?: number, dimensions?: { [name: string]: string }): void;
  value(name: string, value: number, unit: 'Milliseconds' | 'None' | 'Count'): void;
}

/** Everything the pipeline needs besides the request. */
export interface PipelineDeps {
  readonly config: GuardrailConfig;
  readonly ports: Ports;
  /** The deployment's compiled local checks. */
  readonly checks: LocalChecks;
  readonly metrics: MetricsSink;
  readonly log: (level: 'info' | 'warn' | 'error', message: string, details: object) => void;
  /** Monotonic milliseconds (stage latencies). */
  readonly now: () => number;
  /** Wall clock (trace time and key). */
  readonly date: () => Date;
  /** Milliseconds the function has left (Lambda's `getRemainingTimeInMillis`); every call is budgeted from it. */
  readonly remainingMs: () => number;
  /** The deployment's prompt templates, when it has a catalog (lambda/guardrail/prompts). */
  readonly templates?: TemplateService;
  /** Writes one embedded-metric-format line (the per-variant metrics of template requests). */
  readonly writeEmf?: (line: string) => void;
}

/**
 * The additional authenticated data of an encrypted trace field: the request id and the field, so a prompt
 * cannot be passed off as another request's prompt or as this request's response.
 */
export function traceAad(requestId: string, field: 'prompt' | 'response' | 'variables'): string {
  return `${TRACE_SCHEMA}|${requestId}|${field}`;
}

/** Who is calling and which request this is. */
export interface CallContext {
  readonly requestId: string;
  readonly caller: string;
  /** Set on red-team requests (a direct invoke with the marker, red-team.ts). */
  readonly redTeam?: RedTeamMarker;
}

/** `CANCELLED`: the caller went away during a streamed answer. */
type Outcome = 'ANSWERED' | 'INPUT_BLOCKED' | 'OUTPUT_BLOCKED' | 'ERROR' | 'CANCELLED';
/** `stream`: the whole streamed answer (model, guardrail windows, local checks), stream.ts. */
export type Stage = 'validate' | 'template' | 'encryptionKey' | 'localInput' | 'guardrailInput' | 'model' | 'guardrailOutput' | 'localOutput' | 'stream';

/** What an {@link AnswerStage} gets: the request after its input passed every check. */
export interface AnswerStageInput {
  readonly request: GenerateRequest;
  /** The prompt as the model gets it (locally redacted, masked by the guardrail). */
  readonly prompt: string;
  readonly maxTokens: number;
  /** The local checks of the grounding sources (their redacted text goes to the guardrail). */
  readonly sourceChecks: Inspection[];
  /** True when the input was redacted or masked on its way to the model. */
  readonly anonymizedInput: boolean;
  readonly budget: Budget;
}

/** How an {@link AnswerStage} ended; the pipeline records it like a buffered answer. */
export interface AnswerStageResult {
  readonly outcome: 'ANSWERED' | 'OUTPUT_BLOCKED' | 'ERROR' | 'CANCELLED';
  /** True once the stage has answered the caller itself (the pipeline's response is then unused). */
  readonly started: boolean;
  /** The model's answer: its raw text (encrypted in the trace) and summary. */
  readonly answer?: ModelAnswer;
  /** The guardrail's verdicts on the answer, merged. */
  readonly guardOut?: GuardrailVerdict;
  /** The local checks of the answer, merged. */
  readonly localOut?: Inspection;
  /** The policies that stopped the answer. */
  readonly policies: string[];
  /** The call that failed, for `ERROR`. */
  readonly failure?: { readonly stage: Stage; readonly error: unknown };
  /** Added to the trace as `stream`. */
  readonly trace?: object;
}

/**
 * Steps 5 to 7 done another way: `POST /v1/generate/stream` (stream.ts) calls the model, guards and sends
 * the answer itself; validation, the input checks and the recording stay the pipeline's.
 */
export interface AnswerStage {
  run(input: AnswerStageInput): Promise<AnswerStageResult>;
}

/**
 * What ApplyGuardrail judges on the way out: the answer, and with grounding sources also the (redacted)
 * sources and the query, qualified for the contextual grounding check.
 */
export function outputGuardContent(sourceChecks: Inspection[], grounded: boolean, prompt: string, text: string): GuardrailContentBlock[] {
  const content: GuardrailContentBlock[] = [];
  for (const source of sourceChecks) content.push({ text: { text: source.redacted, qualifiers: ['grounding_source'] } });
  if (grounded) content.push({ text: { text: prompt.slice(0, MAX_GROUNDING_QUERY_CHARS), qualifiers: ['query'] } });
  content.push({ text: { text, qualifiers: grounded ? ['guard_content'] : undefined } });
  return content;
}

/** The request id and caller of an API Gateway proxy event (the Lambda request id when there is no gateway). */
export function callContext(event: APIGatewayProxyEvent, lambdaRequestId: string): CallContext {
  const rc = event?.requestContext;
  const identity = rc?.identity;
  const claims = (rc?.authorizer as { claims?: { sub?: string } } | undefined)?.claims;
  return {
    requestId: rc?.requestId ?? lambdaRequestId,
    caller: identity?.userArn ?? (claims?.sub ? `cognito:${claims.sub}` : undefined) ?? identity?.caller ?? 'unknown',
  };
}

/** 503 for throttling, capacity and timeouts (retry later), 502 for everything else a dependency got wrong. */
export function downstreamStatus(error: unknown): 502 | 503 {
  const name = errorName(error);
  const status = errorStatus(error);
  const retryable = new Set([
    'ThrottlingException',
    'TooManyRequestsException',
    'ServiceUnavailableException',
    'ServiceUnavailable',
    'ModelNotReadyException',
    'ModelTimeoutException',
    'TimeoutError',
    'AbortError',
    'RequestTimeout',
    'BudgetExhausted',
  ]);
  if (retryable.has(name) || status === 429 || status === 503) return 503;
  return 502;
}

/** True when the model refused the call for its rate (Bedrock or SageMaker throttling, HTTP 429). */
export function isThrottling(error: unknown): boolean {
  const name = errorName(error);
  return name === 'ThrottlingException' || name === 'TooManyRequestsException' || errorStatus(error) === 429;
}

function summary(i: Inspection): { blocked: boolean; types: { [type: string]: number } } {
  const types: { [type: string]: number } = {};
  for (const f of i.findings) types[f.type] = (types[f.type] ?? 0) + 1;
  return { blocked: i.blocked, types };
}

/** The findings of several inspections as one (for the trace summary). */
function merged(list: Inspection[]): Inspection {
  return { blocked: list.some((i) => i.blocked), findings: list.flatMap((i) => i.findings), redacted: '' };
}

function verdictRecord(v: GuardrailVerdict | undefined) {
  if (!v) return undefined;
  return { intervened: v.intervened, blocked: v.blocked, blockedPolicies: v.blockedPolicies, anonymizedPolicies: v.anonymizedPolicies, assessments: v.assessments };
}

/** The policies that blocked: every finding type whose action is BLOCK. */
function localPolicies(i: Inspection, checks: LocalChecks): string[] {
  return [...new Set(i.findings.filter((f) => checks.action(f.type) === 'BLOCK').map((f) => `LOCAL:${f.type}`))];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * `POST /v1/generate`: validate, local checks, guardrail on the input, model, guardrail on the output (with
 * grounding sources), local checks on the output, answer or refusal, trace, review queue, metrics.
 *
 * Fails closed: text that was not checked by the guardrail is never returned. Every request that passed
 * validation leaves a trace record, errors included.
 */
export async function handleGenerate(event: APIGatewayProxyEvent, ctx: CallContext, deps: PipelineDeps, stage?: AnswerStage): Promise<HttpResponse> {
  const { config, ports, metrics } = deps;
  const started = deps.now();
  const latency: Partial<Record<Stage | 'total', number>> = {};
  const timed = async <T>(stage: Stage, fn: () => Promise<T> | T): Promise<T> => {
    const t = deps.now();
    try {
      return await fn();
    } finally {
      latency[stage] = deps.now() - t;
    }
  };

  metrics.count('Requests');
  // Recording after the calls (encrypting, the trace, the review message) keeps this much of the time.
  const budget = new Budget(deps.remainingMs, 2 * config.storageTimeoutMs + 500);

  // 1. Validate.
  const body = await timed('validate', () => readJsonBody(event?.body, event?.isBase64Encoded, config.maxBodyBytes));
  if (!body.ok) {
    metrics.count('InvalidRequests');
    return errorResponse(body.statusCode, body.error, ctx.requestId);
  }
  const parsed = parseGenerateRequest(body.json, config.maxTokens);
  if (!parsed.ok) {
    metrics.count('InvalidRequests');
    return errorResponse(400, parsed.error, ctx.requestId, parsed.details);
  }
  const { request } = parsed;
  const maxTokens = request.maxTokens ?? config.maxTokens;

  // 1b. Templates (issue 18): resolve the caller's variant and check the variables before anything runs.
  let plan: TemplatePlan | undefined;
  let design: PromptDesign | undefined;
  if (request.template !== undefined) {
    if (stage) {
      // The stream path sends a prompt text to the model; a template's system prompt and settings would be
      // lost on the way, so templates are refused here rather than served differently.
      metrics.count('InvalidRequests');
      return errorResponse(400, 'invalid request', ctx.requestId, ['template: POST /v1/generate/stream takes a prompt; use POST /v1/generate for templates']);
    }
    if (!deps.templates) {
      metrics.count('InvalidRequests');
      return errorResponse(400, 'invalid request', ctx.requestId, ['template: this deployment has no prompt catalog; send a prompt']);
    }
    const prepared = await timed('template', () => deps.templates!.prepare(request.template!, request.variables, ctx.caller, () => budget.call('template', config.storageTimeoutMs)));
    if (!prepared.ok && 'details' in prepared) {
      metrics.count('InvalidRequests');
      return errorResponse(400, 'invalid request', ctx.requestId, prepared.details);
    }
    if (!prepared.ok) {
      // Nothing was sent to a model: answered like a failed dependency, counted and logged, no trace.
      const status = downstreamStatus(prepared.error);
      metrics.count('DownstreamErrors', 1, { Stage: 'template' });
      deps.log('error', 'template resolution failed', { requestId: ctx.requestId, errorName: errorName(prepared.error), statusCode: status });
      return errorResponse(status, 'the prompt template could not be resolved; try again later', ctx.requestId, undefined, status === 503 ? { 'Retry-After': '2' } : {});
    }
    plan = prepared.plan;
    design = promptDesign(deps.templates.catalog.name, plan.version, 'function', 0);
  } else if (!config.allowRawPrompts) {
    metrics.count('InvalidRequests');
    return errorResponse(400, 'invalid request', ctx.requestId, ['prompt: raw prompts are turned off for this deployment; send a template and its variables']);
  }

  let outcome: Outcome = 'ANSWERED';
  let statusCode = 200;
  let failure: { stage: Stage; name: string } | undefined;
  let localIn: Inspection | undefined;
  let localOut: Inspection | undefined;
  let sourceChecks: Inspection[] = [];
  let guardIn: GuardrailVerdict | undefined;
  let guardOut: GuardrailVerdict | undefined;
  let answer: ModelAnswer | undefined;
  let response: HttpResponse;
  let encryptionReady = true;
  let streamed: AnswerStageResult | undefined;
  const refusedBy: string[] = [];

  const fail = (stage: Stage, error: unknown, status: 502 | 503, message: string): HttpResponse => {
    outcome = 'ERROR';
    statusCode = status;
    failure = { stage, name: errorName(error) };
    metrics.count('DownstreamErrors', 1, { Stage: stage });
    // SageMaker publishes no throttling metric for endpoints: the caller counts what it was refused.
    if (stage === 'model' && isThrottling(error)) metrics.count('ModelThrottles');
    deps.log('error', 'downstream call failed', { requestId: ctx.requestId, stage, errorName: failure.name, statusCode: status });
    return errorResponse(status, message, ctx.requestId, undefined, status === 503 ? { 'Retry-After': '2' } : {});
  };

  run: {
    // 2. A data key for the trace, before any paid call: prompts are never stored unencrypted.
    try {
      await timed('encryptionKey', () => ports.prepareEncryption(budget.call('encryptionKey', config.storageTimeoutMs), plan ? 3 : 2));
    } catch (error) {
      encryptionReady = false;
      response = fail('encryptionKey', error, 503, 'the request could not be recorded securely; try again later');
      break run;
    }

    // 3. Local checks on the input and the grounding sources; PII is redacted before anything leaves the
    // function, and a secret or an injection in a source refuses the request like one in the prompt.
    let variableChecks: { [name: string]: Inspection } = {};
    localIn = await timed('localInput', () => {
      sourceChecks = (request.groundingSources ?? []).map((source) => deps.checks.inspect(source));
      if (!plan) return deps.checks.inspect(parsed.prompt);
      // A template: every variable is checked on its own, before it is filled in.
      for (const name of Object.keys(plan.values)) variableChecks[name] = deps.checks.inspect(plan.values[name]);
      return merged(Object.values(variableChecks));
    });
    const blockedSources = sourceChecks.filter((i) => i.blocked);
    if (localIn.blocked || blockedSources.length > 0) {
      outcome = 'INPUT_BLOCKED';
      refusedBy.push(...new Set([localIn, ...blockedSources].flatMap((i) => localPolicies(i, deps.checks))));
      response = jsonResponse(200, { requestId: ctx.requestId, outcome, blocked: true, policies: refusedBy, message: LOCAL_BLOCK_MESSAGE, promptDesign: design });
      break run;
    }
    let prompt = localIn.redacted;
    let filled: ReturnType<typeof render> | undefined;
    let templateRedacted = false;
    if (plan) {
      // The redacted values, within the context budget (redaction markers can lengthen a value a little:
      // the excess is trimmed like TRUNCATE_LONGEST), filled into the version's messages.
      const redacted: { [name: string]: string } = {};
      for (const name of Object.keys(plan.values)) redacted[name] = variableChecks[name].redacted;
      templateRedacted = Object.keys(redacted).some((n) => redacted[n] !== plan!.values[n]);
      const fit = fitBudget(plan.version, redacted, 'TRUNCATE_LONGEST');
      const values = fit.ok ? fit.values : redacted;
      filled = render(plan.version.messages, values);
      prompt = joined(filled);
      variableChecks = Object.fromEntries(Object.keys(values).map((n) => [n, { ...variableChecks[n], redacted: values[n] }]));
      design = promptDesign(deps.templates!.catalog.name, plan.version, 'function', fit.ok ? fit.truncatedChars : 0);
    }

    // 4. The Bedrock guardrail on the input.
    try {
      guardIn = await timed('guardrailInput', () => ports.applyGuardrail('INPUT', [{ text: { text: prompt } }], budget.call('guardrailInput', config.guardrailTimeoutMs)));
    } catch (error) {
      response = fail('guardrailInput', error, downstreamStatus(error), 'the guardrail service failed; try again later');
      break run;
    }
    if (guardIn.blocked) {
      outcome = 'INPUT_BLOCKED';
      refusedBy.push(...guardIn.blockedPolicies);
      response = jsonResponse(200, { requestId: ctx.requestId, outcome, blocked: true, policies: refusedBy, message: guardIn.outputText ?? LOCAL_BLOCK_MESSAGE, promptDesign: design });
      break run;
    }
    if (guardIn.intervened && guardIn.outputText !== undefined) prompt = guardIn.outputText;
    const masked = guardIn.intervened && guardIn.outputText !== undefined;

    // 5-7, streamed: the stage calls the model and guards and sends the answer window by window (stream.ts).
    if (stage) {
      const anonymizedInput = guardIn.anonymizedPolicies.length > 0 || localIn.redacted !== parsed.prompt;
      streamed = await timed('stream', () => stage.run({ request, prompt, maxTokens, sourceChecks, anonymizedInput, budget }));
      ({ answer, guardOut, localOut } = streamed);
      refusedBy.push(...streamed.policies);
      outcome = streamed.outcome;
      response = jsonResponse(200, { requestId: ctx.requestId, outcome });
      if (streamed.failure) {
        const status = downstreamStatus(streamed.failure.error);
        const message = streamed.failure.stage === 'model' ? 'the model failed to answer; try again later' : 'the guardrail service failed; try again later';
        response = fail(streamed.failure.stage, streamed.failure.error, status, message);
        // The status line went out with the first event: the failure was reported in the stream.
        if (streamed.started) statusCode = 200;
      }
      break run;
    }

    // 5. The model.
    try {
      answer = await timed('model', () => {
        if (!plan) return ports.invokeModel(prompt, maxTokens, budget.call('model', config.modelTimeoutMs));
        const v = plan.version;
        // Bedrock renders the version when it is bound to a model and the guardrail masked nothing; text the
        // guardrail masked goes on as one user message, so the unmasked values never reach the model.
        if (config.model.kind === 'bedrock' && v.modelId !== undefined && !masked) {
          design = { ...design!, rendering: 'bedrock' };
          const variables = Object.fromEntries(Object.entries(variableChecks).map(([n, i]) => [n, i.redacted]));
          return deps.templates!.ports.invoke({ kind: 'prompt', arn: v.arn, modelId: v.modelId, variables }, budget.call('model', config.modelTimeoutMs));
        }
        const messages = masked ? [{ role: 'user' as const, text: prompt }] : filled!;
        return deps.templates!.ports.invoke({ kind: 'rendered', modelId: v.modelId, system: v.system, messages, inference: v.inference, maxTokens: v.inference.maxTokens ?? config.maxTokens }, budget.call('model', config.modelTimeoutMs));
      });
    } catch (error) {
      response = fail('model', error, downstreamStatus(error), 'the model failed to answer; try again later');
      break run;
    }

    // 6. The guardrail on the output, with grounding sources when the request has them.
    const content = outputGuardContent(sourceChecks, request.groundingSources !== undefined, prompt, answer.text);
    try {
      guardOut = await timed('guardrailOutput', () => ports.applyGuardrail('OUTPUT', content, budget.call('guardrailOutput', config.guardrailTimeoutMs)));
    } catch (error) {
      response = fail('guardrailOutput', error, downstreamStatus(error), 'the guardrail service failed; try again later');
      break run;
    }
    if (guardOut.blocked) {
      outcome = 'OUTPUT_BLOCKED';
      refusedBy.push(...guardOut.blockedPolicies);
      response = jsonResponse(200, { requestId: ctx.requestId, outcome, blocked: true, policies: refusedBy, message: guardOut.outputText ?? LOCAL_OUTPUT_BLOCK_MESSAGE, promptDesign: design });
      break run;
    }
    const checked = guardOut.intervened && guardOut.outputText !== undefined ? guardOut.outputText : answer.text;

    // 7. Local checks on the output.
    localOut = await timed('localOutput', () => deps.checks.inspect(checked));
    if (localOut.blocked) {
      outcome = 'OUTPUT_BLOCKED';
      refusedBy.push(...localPolicies(localOut, deps.checks));
      response = jsonResponse(200, { requestId: ctx.requestId, outcome, blocked: true, policies: refusedBy, message: LOCAL_OUTPUT_BLOCK_MESSAGE, promptDesign: design });
      break run;
    }
    const inputRedacted = plan ? templateRedacted : localIn.redacted !== parsed.prompt;
    const anonymized = (guardIn?.anonymizedPolicies.length ?? 0) + (guardOut.anonymizedPolicies.length ?? 0) > 0 || inputRedacted || localOut.redacted !== checked;
    response = jsonResponse(200, {
      requestId: ctx.requestId,
      outcome,
      blocked: false,
      output: localOut.redacted,
      anonymized,
      grounding: guardOut.grounding ? { score: guardOut.grounding.score, relevance: guardOut.grounding.relevance } : undefined,
      model: answer.modelVersion,
      stopReason: answer.stopReason,
      promptDesign: design,
    });
  }
  latency.total = deps.now() - started;

  // 8. Human review: blocked outputs and weakly grounded answers.
  const reviewReasons: string[] = [];
  if (outcome === 'OUTPUT_BLOCKED') reviewReasons.push('OUTPUT_BLOCKED');
  const groundingScore = guardOut?.grounding?.score;
  if (groundingScore !== undefined && groundingScore < config.groundingReviewThreshold) reviewReasons.push('LOW_GROUNDING');

  // 9. The trace: metadata in clear, prompt and response envelope-encrypted and bound to the request id.
  const time = deps.date();
  // Red-team traces: a partition of their own, which samplers of production traffic never list.
  const traceKey = ctx.redTeam
    ? `${config.tracePrefix}${RED_TEAM_TRACE_PARTITION}run=${ctx.redTeam.runId}/${ctx.requestId}.json`
    : `${config.tracePrefix}year=${time.getUTCFullYear()}/month=${pad(time.getUTCMonth() + 1)}/day=${pad(time.getUTCDate())}/${ctx.requestId}.json`;
  let contentRecord: { prompt: Envelope; response?: Envelope; variables?: Envelope } | { unavailable: string };
  if (encryptionReady) {
    try {
      const within = budget.record('encrypt', config.storageTimeoutMs);
      contentRecord = {
        // A template's prompt: its messages filled with the caller's values (before redaction and truncation).
        prompt: await ports.encrypt(plan ? joined(render(plan.version.messages, plan.values)) : parsed.prompt, traceAad(ctx.requestId, 'prompt'), within),
        response: answer ? await ports.encrypt(answer.text, traceAad(ctx.requestId, 'response'), within) : undefined,
        variables: plan ? await ports.encrypt(JSON.stringify(plan.values), traceAad(ctx.requestId, 'variables'), within) : undefined,
      };
    } catch (error) {
      contentRecord = { unavailable: errorName(error) };
    }
  } else {
    contentRecord = { unavailable: failure?.name ?? 'EncryptionUnavailable' };
  }
  const trace = {
    schema: TRACE_SCHEMA,
    requestId: ctx.requestId,
    time: time.toISOString(),
    caller: ctx.caller,
    redTeam: ctx.redTeam,
    outcome,
    statusCode,
    error: failure,
    model: {
      kind: config.model.kind,
      id: config.model.kind === 'bedrock' ? config.model.modelId : config.model.endpointName,
      version: answer?.modelVersion,
      inputTokens: answer?.inputTokens,
      outputTokens: answer?.outputTokens,
      stopReason: answer?.stopReason,
    },
    promptTemplate: request.promptTemplateId ? { id: request.promptTemplateId, version: request.promptTemplateVersion } : undefined,
    // The prompt design (issue 18): template, version, variant, resolved settings, the version's ARN and the
    // caller's point in the sticky assignment.
    promptDesign: design && plan ? { ...design, arn: plan.version.arn, assignment: { point: plan.point }, cached: plan.cached } : undefined,
    maxTokens,
    policies: refusedBy,
    localChecks: { input: localIn && summary(localIn), sources: sourceChecks.length > 0 ? summary(merged(sourceChecks)) : undefined, output: localOut && summary(localOut) },
    guardrail: { id: config.guardrailId, version: config.guardrailVersion, input: verdictRecord(guardIn), output: verdictRecord(guardOut) },
    grounding: guardOut?.grounding ? { ...guardOut.grounding, sources: request.groundingSources?.length ?? 0 } : undefined,
    review: reviewReasons.length > 0 ? reviewReasons : undefined,
    latencyMs: latency,
    timeoutsMs: budget.granted,
    stream: streamed?.trace,
    content: contentRecord,
  };
  let traced = true;
  try {
    await ports.putTrace(traceKey, JSON.stringify(trace), budget.record('trace', config.storageTimeoutMs));
  } catch (error) {
    traced = false;
    metrics.count('TraceWriteErrors');
    deps.log('error', 'trace write failed', { requestId: ctx.requestId, errorName: errorName(error) });
  }

  // Red-team cases are not queued here: the red-team function queues the ones that fail.
  if (reviewReasons.length > 0 && !ctx.redTeam) {
    try {
      await ports.sendForReview({
        requestId: ctx.requestId,
        reasons: reviewReasons,
        policies: refusedBy,
        grounding: guardOut?.grounding,
        model: trace.model.id,
        trace: traced ? { bucket: config.traceBucket, key: traceKey } : undefined,
        time: trace.time,
      }, budget.record('review', config.storageTimeoutMs));
      metrics.count('ReviewsQueued');
    } catch (error) {
      metrics.count('ReviewQueueErrors');
      deps.log('error', 'review queue send failed', { requestId: ctx.requestId, errorName: errorName(error) });
    }
  }

  // 10. Metrics: outcomes, policies, grounding scores, stage latencies.
  if (outcome === 'INPUT_BLOCKED' || outcome === 'OUTPUT_BLOCKED') {
    metrics.count('Blocked');
    metrics.count(outcome === 'INPUT_BLOCKED' ? 'InputBlocked' : 'OutputBlocked');
    for (const policy of refusedBy) metrics.count('PolicyBlocks', 1, { Policy: policy.split(':')[0] === 'TOPIC' ? 'TOPIC' : policy });
  } else if (outcome === 'ANSWERED') {
    metrics.count('Answered');
  }
  if (groundingScore !== undefined) {
    metrics.value('GroundingScore', groundingScore, 'None');
    metrics.count('GroundingChecks');
    if (reviewReasons.includes('LOW_GROUNDING') || guardOut?.blockedPolicies.includes('GROUNDING:GROUNDING')) metrics.count('Ungrounded');
  }
  if (guardOut?.grounding?.relevance !== undefined) metrics.value('RelevanceScore', guardOut.grounding.relevance, 'None');
  for (const [stage, ms] of Object.entries(latency)) metrics.value(`Latency.${stage}`, ms as number, 'Milliseconds');
  if (design) {
    const intervened = refusedBy.length > 0 || !!guardIn?.intervened || !!guardOut?.intervened || (localIn?.findings.length ?? 0) > 0 || (localOut?.findings.length ?? 0) > 0;
    deps.writeEmf?.(variantMetrics(design, { outcome, intervened, latencyMs: latency.total, inputTokens: answer?.inputTokens, outputTokens: answer?.outputTokens }, time));
  }

  deps.log((outcome as Outcome) === 'ERROR' ? 'warn' : 'info', 'generate', { requestId: ctx.requestId, outcome, statusCode, policies: refusedBy, review: reviewReasons, totalMs: latency.total });
  return response;
}
