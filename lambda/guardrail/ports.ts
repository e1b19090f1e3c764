import { ApplyGuardrailCommand, BedrockRuntimeClient, ConverseCommand, GuardrailContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Envelope } from '../shared/envelope';
import { verdictOf, GuardrailVerdict } from './assessments';
import type { GuardrailConfig } from './config';

/** A model answer. */
export interface ModelAnswer {
  readonly text: string;
  /** The model id (Bedrock) or the production variant that answered (SageMaker). */
  readonly modelVersion?: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly stopReason?: string;
}

/**
 * Everything the pipeline does outside itself; tests replace the AWS clients with aws-sdk-client-mock. Each
 * call takes its timeout (from the request's budget, budget.ts) and aborts when it runs out, retries included.
 */
export interface Ports {
  applyGuardrail(source: 'INPUT' | 'OUTPUT', content: GuardrailContentBlock[], timeoutMs: number): Promise<GuardrailVerdict>;
  invokeModel(prompt: string, maxTokens: number, timeoutMs: number): Promise<ModelAnswer>;
  /** Makes sure a data key for `uses` encryptions is available (throws the KMS error). */
  prepareEncryption(timeoutMs: number, uses: number): Promise<void>;
  encrypt(text: string, aad: string, timeoutMs: number): Promise<Envelope>;
  putTrace(key: string, body: string, timeoutMs: number): Promise<void>;
  sendForReview(message: object, timeoutMs: number): Promise<void>;
}

/** The AWS clients the ports use. */
export interface Clients {
  readonly bedrock: BedrockRuntimeClient;
  readonly sagemaker: SageMakerRuntimeClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly encryptor: { ready(uses?: number, timeoutMs?: number): Promise<void>; encrypt(text: string, aad: string, timeoutMs?: number): Promise<Envelope> };
}

/** Reads the generated text from the JSON shapes common SageMaker LLM containers return (TGI, LMI, OpenAI-style). */
export function textOfEndpointResponse(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return body;
  }
  const first = Array.isArray(json) ? json[0] : json;
  if (typeof first === 'string') return first;
  const o = (first ?? {}) as Record<string, any>;
  if (typeof o.generated_text === 'string') return o.generated_text;
  if (typeof o.generation === 'string') return o.generation;
  if (typeof o.outputs === 'string') return o.outputs;
  if (Array.isArray(o.outputs) && typeof o.outputs[0] === 'string') return o.outputs[0];
  const choice = Array.isArray(o.choices) ? o.choices[0] : undefined;
  if (typeof choice?.message?.content === 'string') return choice.message.content;
  if (typeof choice?.text === 'string') return choice.text;
  throw new ModelResponseError('the endpoint response has no generated text');
}

/** The model answered, but not with something the function can read. */
export class ModelResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelResponseError';
  }
}

/**
 * True for SageMaker's answer to an endpoint that does not exist yet or is still being created
 * (`ValidationError: Endpoint <name> of account <id> not found.`).
 */
export function isEndpointMissing(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ValidationError' && /not found|could not find|not in service/i.test(e.message ?? '');
}

/**
 * True for SageMaker's answer to a request for an inference component without a copy (scaled to zero, or
 * its first copy still starting): `ValidationError: Inference Component has no capacity to process this
 * request. ApplicationAutoScaling may be in-progress (if configured) or try to increase the capacity by
 * invoking UpdateInferenceComponentRuntimeConfig API.` The request counts in `NoCapacityInvocationFailures`,
 * whose alarm adds a copy.
 */
export function isComponentWithoutCapacity(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ValidationError' && /inference component has no capacity/i.test(e.message ?? '');
}

/** Ports over the AWS SDK, each call with the timeout it is given (an abort signal over the call and its retries). */
export function awsPorts(config: GuardrailConfig, clients: Clients): Ports {
  const within = (timeoutMs: number) => ({ abortSignal: AbortSignal.timeout(timeoutMs) });
  return {
    async applyGuardrail(source, content, timeoutMs) {
      const out = await clients.bedrock.send(
        new ApplyGuardrailCommand({ guardrailIdentifier: config.guardrailId, guardrailVersion: config.guardrailVersion, source, content }),
        within(timeoutMs),
      );
      return verdictOf(out);
    },
    async invokeModel(prompt, maxTokens, timeoutMs) {
      // one deadline for the endpoint and, when it is missing, the fallback model
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = () => ({ abortSignal: deadline });
      const converse = async (modelId: string): Promise<ModelAnswer> => {
        const out = await clients.bedrock.send(
          new ConverseCommand({ modelId, messages: [{ role: 'user', content: [{ text: prompt }] }], inferenceConfig: { maxTokens } }),
          signal(),
        );
        const text = (out.output?.message?.content ?? []).map((c) => c.text ?? '').join('');
        if (out.output?.message === undefined) throw new ModelResponseError('the model returned no message');
        return { text, modelVersion: modelId, inputTokens: out.usage?.inputTokens, outputTokens: out.usage?.outputTokens, stopReason: out.stopReason };
      };
      if (config.model.kind === 'bedrock') return converse(config.model.modelId);
      const endpointName = config.model.endpointName;
      let out;
      try {
        out = await clients.sagemaker.send(
          new InvokeEndpointCommand({
            EndpointName: endpointName,
            InferenceComponentName: config.model.inferenceComponentName,
            ContentType: 'application/json',
            Accept: 'application/json',
            Body: Buffer.from(JSON.stringify({ inputs: prompt, parameters: { max_new_tokens: maxTokens } })),
          }),
          signal(),
        );
      } catch (error) {
        // Until the first approved model version creates the endpoint (or the component), and while a
        // component scaled to zero starts its first copy, the fallback model answers.
        if (config.model.fallbackModelId && (isEndpointMissing(error) || isComponentWithoutCapacity(error))) return converse(config.model.fallbackModelId);
        throw error;
      }
      const body = out.Body ? Buffer.from(out.Body).toString('utf8') : '';
      const component = config.model.inferenceComponentName;
      const served = component ?? out.InvokedProductionVariant;
      return { text: textOfEndpointResponse(body), modelVersion: served ? `${endpointName}/${served}` : endpointName };
    },
    prepareEncryption: (timeoutMs, uses) => clients.encryptor.ready(uses, timeoutMs),
    encrypt: (text, aad, timeoutMs) => clients.encryptor.encrypt(text, aad, timeoutMs),
    async putTrace(key, body, timeoutMs) {
      await clients.s3.send(new PutObjectCommand({ Bucket: config.traceBucket, Key: key, Body: body, ContentType: 'application/json' }), within(timeoutMs));
    },
    async sendForReview(message, timeoutMs) {
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: config.reviewQueueUrl, MessageBody: JSON.stringify(message) }), within(timeoutMs));
    },
  };
}
