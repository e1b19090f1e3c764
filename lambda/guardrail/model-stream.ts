/**
 * The model, streamed: Bedrock `ConverseStream` or SageMaker `InvokeEndpointWithResponseStream` (with the
 * same Bedrock fallback as the buffered call while the endpoint does not exist yet, ports.ts). The stream is
 * reduced to text chunks and a summary (model version, tokens, stop reason); a service error inside the
 * stream is thrown from the iteration, like one at the start.
 */
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { InvokeEndpointWithResponseStreamCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { GuardrailConfig } from './config';
import { isComponentWithoutCapacity, isEndpointMissing, ModelAnswer, ModelResponseError } from './ports';

/** An answer as it arrives. */
export interface ModelStream {
  /** The answer's text, chunk by chunk. */
  readonly chunks: AsyncIterable<string>;
  /** What is known about the answer (complete once `chunks` is exhausted); `text` is empty. */
  summary(): ModelAnswer;
}

/** Opens a model stream; resolves once the model has accepted the call (throttling and validation errors reject). */
export type StreamModel = (prompt: string, maxTokens: number, signal: AbortSignal) => Promise<ModelStream>;

/** The AWS clients a model stream uses. */
export interface StreamClients {
  readonly bedrock: BedrockRuntimeClient;
  readonly sagemaker: SageMakerRuntimeClient;
}

/** A service error delivered inside an event stream (when the SDK yields it instead of throwing it). */
function streamError(name: string, detail?: { message?: string }): Error {
  return Object.assign(new Error(detail?.message ?? name), { name });
}

const BEDROCK_STREAM_ERRORS: { [member: string]: string } = {
  internalServerException: 'InternalServerException',
  modelStreamErrorException: 'ModelStreamErrorException',
  validationException: 'ValidationException',
  throttlingException: 'ThrottlingException',
  serviceUnavailableException: 'ServiceUnavailableException',
};

function converseStream(client: BedrockRuntimeClient, modelId: string, prompt: string, maxTokens: number, signal: AbortSignal): Promise<ModelStream> {
  return client
    .send(new ConverseStreamCommand({ modelId, messages: [{ role: 'user', content: [{ text: prompt }] }], inferenceConfig: { maxTokens } }), { abortSignal: signal })
    .then((out) => {
      const summary: { -readonly [K in keyof ModelAnswer]: ModelAnswer[K] } = { text: '', modelVersion: modelId };
      if (!out.stream) throw new ModelResponseError('the model returned no stream');
      const events = out.stream;
      async function* chunks(): AsyncIterable<string> {
        for await (const e of events) {
          const members = e as unknown as { [member: string]: { message?: string } | undefined };
          for (const [member, name] of Object.entries(BEDROCK_STREAM_ERRORS)) {
            if (members[member]) throw streamError(name, members[member]);
          }
          const text = e.contentBlockDelta?.delta?.text;
          if (text) yield text;
          if (e.messageStop) summary.stopReason = e.messageStop.stopReason;
          if (e.metadata?.usage) {
            summary.inputTokens = e.metadata.usage.inputTokens;
            summary.outputTokens = e.metadata.usage.outputTokens;
          }
        }
      }
      return { chunks: chunks(), summary: () => ({ ...summary }) };
    });
}

/**
 * The text of one line of a SageMaker LLM container's stream: TGI and LMI (`data:{"token":{"text":...}}`,
 * special tokens skipped), OpenAI-style (`data: {"choices":[{"delta":{"content":...}}]}`), JSON lines
 * (`{"generated_text": ...}`, `{"outputs": ...}`) and plain text. `[DONE]` and empty lines have none.
 */
export function textOfEndpointStreamLine(line: string): string {
  let s = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (s.startsWith('data:')) s = s.slice(5).trimStart();
  else if (/^(event|id|retry):/.test(s) || s.startsWith(':')) return '';
  if (s.trim() === '' || s.trim() === '[DONE]') return '';
  let json: unknown;
  try {
    json = JSON.parse(s);
  } catch {
    return `${s}\n`;
  }
  const o = (Array.isArray(json) ? json[0] : json) as Record<string, any> | string | null;
  if (typeof o === 'string') return o;
  if (o === null || typeof o !== 'object') return '';
  if (o.token && typeof o.token === 'object') return o.token.special === true ? '' : typeof o.token.text === 'string' ? o.token.text : '';
  const choice = Array.isArray(o.choices) ? o.choices[0] : undefined;
  if (typeof choice?.delta?.content === 'string') return choice.delta.content;
  if (typeof choice?.text === 'string') return choice.text;
  if (typeof o.generated_text === 'string') return o.generated_text;
  if (typeof o.outputs === 'string') return o.outputs;
  if (Array.isArray(o.outputs) && typeof o.outputs[0] === 'string') return o.outputs[0];
  return '';
}

/** The streaming counterpart of `awsPorts().invokeModel` (same request body, `stream: true`). */
export function awsModelStream(config: GuardrailConfig, clients: StreamClients): StreamModel {
  return async (prompt, maxTokens, signal) => {
    if (config.model.kind === 'bedrock') return converseStream(clients.bedrock, config.model.modelId, prompt, maxTokens, signal);
    const endpointName = config.model.endpointName;
    let out;
    try {
      out = await clients.sagemaker.send(
        new InvokeEndpointWithResponseStreamCommand({
          EndpointName: endpointName,
          InferenceComponentName: config.model.inferenceComponentName,
          ContentType: 'application/json',
          Body: Buffer.from(JSON.stringify({ inputs: prompt, parameters: { max_new_tokens: maxTokens }, stream: true })),
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      // Until the first approved model version creates the endpoint (or the component), and while a
      // component scaled to zero starts its first copy, the fallback model answers.
      if (config.model.fallbackModelId && (isEndpointMissing(error) || isComponentWithoutCapacity(error))) return converseStream(clients.bedrock, config.model.fallbackModelId, prompt, maxTokens, signal);
      throw error;
    }
    if (!out.Body) throw new ModelResponseError('the endpoint returned no stream');
    const body = out.Body;
    const served = config.model.inferenceComponentName ?? out.InvokedProductionVariant;
    const summary: ModelAnswer = { text: '', modelVersion: served ? `${endpointName}/${served}` : endpointName };
    async function* chunks(): AsyncIterable<string> {
      // Payload parts split lines (and UTF-8 characters) anywhere: decode as a stream, cut at newlines.
      const decoder = new TextDecoder('utf-8');
      let line = '';
      for await (const part of body) {
        if (part.ModelStreamError) throw streamError('ModelStreamError', { message: part.ModelStreamError.Message });
        if (part.InternalStreamFailure) throw streamError('InternalStreamFailure', { message: part.InternalStreamFailure.Message });
        if (!part.PayloadPart?.Bytes) continue;
        line += decoder.decode(part.PayloadPart.Bytes, { stream: true });
        for (let nl = line.indexOf('\n'); nl >= 0; nl = line.indexOf('\n')) {
          const text = textOfEndpointStreamLine(line.slice(0, nl));
          line = line.slice(nl + 1);
          if (text) yield text;
        }
      }
      line += decoder.decode();
      const last = textOfEndpointStreamLine(line);
      if (last) yield last.endsWith('\n') && !line.endsWith('\n') ? last.slice(0, -1) : last;
    }
    return { chunks: chunks(), summary: () => summary };
  };
}
