/**
 * `POST /v1/generate/stream`: the answer is sent as it is generated, and guarded on the way.
 *
 * The pipeline (pipeline.ts) validates the request and checks the input exactly as for `POST /v1/generate`;
 * then {@link StreamingAnswer} takes over steps 5 to 7:
 *
 *   model stream ─chunks─> local checks (every chunk boundary, carry-over, stream-guard.ts)
 *                ─cleared text─> windows ─> ApplyGuardrail (one window at a time, while the model goes on)
 *                ─checked text─> `delta` events to the caller
 *
 * Text reaches the caller only after both the local checks and the guardrail passed it. A block stops the
 * model and ends the stream with an `end` event that says the answer was stopped (never with the blocked
 * text); a failure ends it with an `error` event; a caller that goes away stops the model. Then the
 * pipeline writes the trace (the whole raw answer, envelope-encrypted), queues reviews and publishes metrics,
 * as for a buffered answer.
 *
 * Until the model has produced its first text, nothing is sent: an error before that is answered like on
 * `POST /v1/generate` (a JSON error with its status), and so are validation errors and refused inputs.
 */
import type { HttpResponseWriter } from '../shared/response-stream';
import { errorName } from '../shared/logging';
import type { GuardrailVerdict } from './assessments';
import { BudgetExhaustedError } from './budget';
import type { ModelStream, StreamModel } from './model-stream';
import { AnswerStage, AnswerStageInput, AnswerStageResult, CallContext, downstreamStatus, outputGuardContent, PipelineDeps, Stage } from './pipeline';
import { CARRY_CHARS, GuardWindows, StreamLocalCheck } from './stream-guard';

/** What the caller reads in the final event when a policy stopped the answer. */
export const STREAM_STOPPED_MESSAGE = 'The answer was stopped by a content policy.';

/** Headers of a streamed answer (server-sent events; never cached, never transformed by a proxy). */
export const STREAM_HEADERS: { readonly [name: string]: string } = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store, no-transform',
  'X-Content-Type-Options': 'nosniff',
};

/** The streaming entry point's own configuration (set by GuardrailFunction). */
export interface StreamConfig {
  /** Characters per ApplyGuardrail window once the stream is under way (`STREAM_WINDOW_CHARS`). */
  readonly windowChars: number;
  /** Longest the model may stream one answer (`STREAM_MODEL_TIMEOUT_MS`; the time budget may cut it). */
  readonly modelTimeoutMs: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`environment variable ${name} must be a positive integer`);
  return n;
}

/** Reads the streaming configuration; throws (once, at cold start) when it is broken. */
export function loadStreamConfig(env: NodeJS.ProcessEnv): StreamConfig {
  return { windowChars: positive(env, 'STREAM_WINDOW_CHARS', 1000), modelTimeoutMs: positive(env, 'STREAM_MODEL_TIMEOUT_MS', 270_000) };
}

/** One server-sent event: `event: <name>` and one `data:` line of JSON (JSON never contains a raw newline). */
export function sseEvent(name: 'start' | 'delta' | 'end' | 'error', data: object): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Everything a streamed answer needs besides the request. */
export interface StreamDeps {
  readonly writer: HttpResponseWriter;
  readonly ctx: CallContext;
  readonly pipeline: PipelineDeps;
  readonly config: StreamConfig;
  readonly streamModel: StreamModel;
  /** When the request arrived (`pipeline.now()` clock): time to first token is measured from it. */
  readonly startedAt: number;
}

type End = 'complete' | 'blocked' | 'error' | 'disconnected';

/** The guardrail verdicts of all windows as one (for the trace, the review and the metrics). */
export function mergeVerdicts(verdicts: GuardrailVerdict[]): GuardrailVerdict | undefined {
  if (verdicts.length === 0) return undefined;
  let grounding: GuardrailVerdict['grounding'];
  for (const v of verdicts) {
    // The weakest window speaks for the answer.
    if (v.grounding && (grounding === undefined || (v.grounding.score ?? 1) < (grounding.score ?? 1))) grounding = v.grounding;
  }
  return {
    intervened: verdicts.some((v) => v.intervened),
    blocked: verdicts.some((v) => v.blocked),
    blockedPolicies: [...new Set(verdicts.flatMap((v) => v.blockedPolicies))],
    anonymizedPolicies: [...new Set(verdicts.flatMap((v) => v.anonymizedPolicies))],
    grounding,
    assessments: verdicts.flatMap((v) => v.assessments),
  };
}

/** Thrown into the model stream when the caller goes away. */
class CallerGone extends Error {
  constructor() {
    super('the caller disconnected');
    this.name = 'CallerDisconnected';
  }
}

/** Steps 5 to 7 of the pipeline, streamed (see the top of this file). */
export class StreamingAnswer implements AnswerStage {
  /** @param deps the writer, the model stream and the pipeline's dependencies */
  constructor(private readonly deps: StreamDeps) {}

  async run(input: AnswerStageInput): Promise<AnswerStageResult> {
    const { writer, ctx, pipeline: p, config: sc } = this.deps;
    const { config, ports, checks, metrics } = p;
    const stageStart = p.now();
    const grounded = input.request.groundingSources !== undefined;
    const local = new StreamLocalCheck(checks);
    const windows = new GuardWindows(sc.windowChars);
    const verdicts: GuardrailVerdict[] = [];
    const policies: string[] = [];
    const controller = new AbortController();
    let stream: ModelStream | undefined;
    let end = 'complete' as End;
    let failure: { stage: Stage; error: unknown } | undefined;
    let stopped = false;
    let anonymized = input.anonymizedInput;
    let chunks = 0;
    let sentChars = 0;
    let deltas = 0;
    let guardrailCalls = 0;
    let guardrailMs = 0;
    let localMs = 0;
    let localMaxMs = 0;
    let firstChunkAt: number | undefined;
    let lastChunkAt: number | undefined;
    let firstDeltaAt: number | undefined;

    const stop = (why: End, stage?: Stage, error?: unknown) => {
      if (stopped) return;
      stopped = true;
      end = why;
      if (stage) failure = { stage, error };
      controller.abort(why === 'disconnected' ? new CallerGone() : undefined);
    };
    writer.onDisconnect(() => stop('disconnected'));

    const start = () => {
      if (writer.started) return;
      writer.open({ statusCode: 200, headers: { ...STREAM_HEADERS } });
      writer.write(sseEvent('start', { requestId: ctx.requestId, model: stream?.summary().modelVersion }));
    };

    // One window: the guardrail judges it, then it goes to the caller (windows run one after another).
    const check = async (window: string): Promise<void> => {
      if (stopped) return;
      const t = p.now();
      let verdict: GuardrailVerdict;
      try {
        const timeoutMs = input.budget.call('guardrailOutput', config.guardrailTimeoutMs);
        guardrailCalls++;
        verdict = await ports.applyGuardrail('OUTPUT', outputGuardContent(input.sourceChecks, grounded, input.prompt, window), timeoutMs);
      } catch (error) {
        if (!stopped) stop('error', 'guardrailOutput', error);
        return;
      } finally {
        guardrailMs += p.now() - t;
      }
      verdicts.push(verdict);
      if (stopped) return;
      if (verdict.blocked) {
        policies.push(...verdict.blockedPolicies);
        stop('blocked');
        return;
      }
      const text = verdict.intervened && verdict.outputText !== undefined ? verdict.outputText : window;
      if (verdict.anonymizedPolicies.length > 0) anonymized = true;
      if (text.length === 0) return;
      start();
      if (writer.write(sseEvent('delta', { text }))) {
        firstDeltaAt ??= p.now();
        sentChars += text.length;
        deltas++;
      }
    };
    let chain: Promise<void> = Promise.resolve();
    const enqueue = (final: boolean) => {
      for (let w = windows.take(final); w !== undefined; w = windows.take(final)) {
        const window = w;
        chain = chain.then(() => check(window));
      }
    };
    const inspect = (step: () => ReturnType<StreamLocalCheck['push']>): boolean => {
      const t = p.now();
      const result = step();
      const ms = p.now() - t;
      localMs += ms;
      localMaxMs = Math.max(localMaxMs, ms);
      if (result.blockedTypes) {
        policies.push(...result.blockedTypes.map((type) => `LOCAL:${type}`));
        stop('blocked');
        return false;
      }
      if (result.redacted) anonymized = true;
      windows.add(result.text);
      return true;
    };

    // Open the model stream, keeping time for the guardrail on the last window. However the SDK reports an
    // abort, running out of that time is a TimeoutError.
    let deadline: AbortSignal | undefined;
    const modelError = (error: unknown) => (deadline?.aborted ? Object.assign(new Error('the model stream ran out of time'), { name: 'TimeoutError' }) : error);
    try {
      deadline = AbortSignal.timeout(input.budget.call('model', sc.modelTimeoutMs, config.guardrailTimeoutMs));
      stream = await this.deps.streamModel(input.prompt, input.maxTokens, AbortSignal.any([controller.signal, deadline]));
    } catch (error) {
      if (!stopped) stop('error', 'model', modelError(error));
    }

    // Read it: local checks on every chunk boundary, full windows to the guardrail.
    let cutOff: unknown;
    if (stream && !stopped) {
      try {
        for await (const chunk of stream.chunks) {
          if (stopped) break;
          firstChunkAt ??= p.now();
          lastChunkAt = p.now();
          chunks++;
          // The status line and a `start` event go out with the model's first text.
          start();
          if (!inspect(() => local.push(chunk))) break;
          enqueue(false);
        }
        if (!stopped && inspect(() => local.finish())) enqueue(true);
      } catch (error) {
        if (!stopped) cutOff = modelError(error);
      }
    }
    // A model that failed or ran out of time mid-answer: what the local checks had cleared is still judged
    // and sent (that is what the time kept back is for), then the error. The carry-over is not: the answer
    // was cut off, so its last characters may be the start of something the checks never saw whole.
    if (cutOff !== undefined) enqueue(true);
    await chain;
    if (cutOff !== undefined) stop('error', 'model', cutOff);
    if (writer.disconnected && end !== 'disconnected') {
      end = 'disconnected';
      failure = undefined;
    }

    // The final event, then the end of the response; the pipeline records the request after it.
    const summary = stream?.summary() ?? { text: '' };
    let outcome: AnswerStageResult['outcome'] = 'ANSWERED';
    if (end === 'blocked') outcome = 'OUTPUT_BLOCKED';
    if (end === 'error') outcome = 'ERROR';
    if (end === 'disconnected') outcome = 'CANCELLED';
    const mergedVerdict = mergeVerdicts(verdicts);
    // A failure before the model's first text is answered by the pipeline (a JSON error with its status).
    if (end === 'blocked' || end === 'complete' || writer.started) {
      start();
      if (end === 'complete') {
        const grounding = mergedVerdict?.grounding;
        writer.write(sseEvent('end', {
          requestId: ctx.requestId,
          outcome,
          blocked: false,
          anonymized,
          grounding: grounding ? { score: grounding.score, relevance: grounding.relevance } : undefined,
          model: summary.modelVersion,
          stopReason: summary.stopReason,
        }));
      } else if (end === 'blocked') {
        writer.write(sseEvent('end', { requestId: ctx.requestId, outcome, blocked: true, stopped: true, policies, message: STREAM_STOPPED_MESSAGE }));
      } else if (end === 'error') {
        const timedOut = failure?.error instanceof BudgetExhaustedError || ['TimeoutError', 'AbortError'].includes(errorName(failure?.error));
        const what = timedOut ? 'the answer ran out of time' : failure?.stage === 'model' ? 'the model failed while answering' : 'the guardrail service failed';
        writer.write(sseEvent('error', { requestId: ctx.requestId, outcome, stopped: true, error: `${what}; try again later`, retryable: downstreamStatus(failure?.error) === 503 }));
      }
      await writer.end();
    }

    // Metrics of the stream (the pipeline publishes the request's).
    const now = p.now();
    metrics.count('Streams');
    if (end === 'disconnected') metrics.count('StreamsCancelled');
    const timeToFirstToken = firstDeltaAt !== undefined ? firstDeltaAt - this.deps.startedAt : undefined;
    const modelFirstChunk = firstChunkAt !== undefined ? firstChunkAt - this.deps.startedAt : undefined;
    if (timeToFirstToken !== undefined) metrics.value('TimeToFirstToken', timeToFirstToken, 'Milliseconds');
    if (modelFirstChunk !== undefined) metrics.value('ModelTimeToFirstToken', modelFirstChunk, 'Milliseconds');
    const tokens = summary.outputTokens ?? chunks;
    const generationMs = firstChunkAt !== undefined && lastChunkAt !== undefined ? lastChunkAt - firstChunkAt : 0;
    const tokensPerSecond = end === 'complete' && tokens > 1 && generationMs > 0 ? Math.round((tokens / generationMs) * 1000 * 10) / 10 : undefined;
    if (tokensPerSecond !== undefined) metrics.value('TokensPerSecond', tokensPerSecond, 'None');

    const findings = local.findings;
    return {
      outcome,
      started: writer.started,
      answer: stream ? { ...summary, text: local.received } : undefined,
      guardOut: mergedVerdict,
      localOut: stream ? { blocked: end === 'blocked' && policies.some((x) => x.startsWith('LOCAL:')), findings, redacted: '' } : undefined,
      policies,
      failure: end === 'error' ? failure : undefined,
      trace: {
        end,
        chunks,
        receivedChars: local.received.length,
        sentChars,
        deltas,
        windows: windows.count,
        windowChars: sc.windowChars,
        carryChars: CARRY_CHARS,
        guardrailCalls,
        localInspections: local.inspections,
        lateFindings: local.late || undefined,
        timeToFirstTokenMs: timeToFirstToken,
        modelTimeToFirstTokenMs: modelFirstChunk,
        tokensPerSecond,
        guardrailMs: Math.round(guardrailMs),
        localMs: Math.round(localMs * 100) / 100,
        localMaxMs: Math.round(localMaxMs * 100) / 100,
        durationMs: Math.round(now - stageStart),
      },
    };
  }
}
