import { BedrockAgentClient, GetPromptCommand, GetPromptCommandOutput } from '@aws-sdk/client-bedrock-agent';
import { BedrockRuntimeClient, ConverseCommand, ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { GuardrailConfig } from '../config';
import { isEndpointMissing, ModelAnswer, ModelResponseError, textOfEndpointResponse } from '../ports';
import { assignVariant } from './catalog';
import { checkVariables, endpointInputs, fitBudget } from './fill';
import { TemplateCache, versionOf } from './resolve';
import type { CatalogConfig, InferenceSettings, TemplateMessage, TemplateVersion, VariantRef } from './types';

/** The model call of a template request. */
export type TemplateCall =
  /** Bedrock renders the prompt version (Converse with the version ARN as `modelId` and the variables). */
  | { readonly kind: 'prompt'; readonly arn: string; readonly modelId: string; readonly variables: { readonly [name: string]: string } }
  /** The function rendered the template: the system prompt, the messages and the version's settings. */
  | { readonly kind: 'rendered'; readonly modelId?: string; readonly system?: string; readonly messages: readonly TemplateMessage[]; readonly inference: InferenceSettings; readonly maxTokens: number };

/** The calls a template request makes besides the guardrail's (aws-sdk-client-mock replaces the clients in tests). */
export interface TemplatePorts {
  getPrompt(ref: VariantRef, timeoutMs: number): Promise<Pick<GetPromptCommandOutput, 'variants' | 'version'>>;
  invoke(call: TemplateCall, timeoutMs: number): Promise<ModelAnswer>;
}

/** A template request checked and ready: the version it resolved to and the caller's values of its variables. */
export interface TemplatePlan {
  readonly version: TemplateVersion;
  readonly values: { readonly [name: string]: string };
  /** The caller's point in [0, 1) of the sticky assignment. */
  readonly point: number;
  /** True when the version came from the cache. */
  readonly cached: boolean;
}

/** The outcome of {@link TemplateService.prepare}: a plan, a 400 naming the problem, or the resolution error. */
export type Prepared =
  | { readonly ok: true; readonly plan: TemplatePlan }
  | { readonly ok: false; readonly details: string[] }
  | { readonly ok: false; readonly error: unknown };

/** Templates of one deployment: catalog, cached resolution, variant assignment, variable checks, model calls. */
export class TemplateService {
  private readonly cache: TemplateCache;

  constructor(
    readonly catalog: CatalogConfig,
    readonly ports: TemplatePorts,
    now: () => number,
  ) {
    this.cache = new TemplateCache(catalog.cacheTtlMs, now);
  }

  /**
   * Resolves the caller's variant of `template` and checks the variables against it: unknown templates,
   * missing, undeclared or malformed variables and (with REJECT) a filled template over its budget are
   * 400s whose details never repeat a value or a name the caller made up.
   */
  async prepare(template: string, variables: { readonly [name: string]: string } | undefined, caller: string, timeoutMs: () => number): Promise<Prepared> {
    const refs = Object.prototype.hasOwnProperty.call(this.catalog.templates, template) ? this.catalog.templates[template] : undefined;
    if (!refs) return { ok: false, details: ['template: no template of that name in this deployment\'s catalog'] };
    const { ref, point } = assignVariant(refs, caller, template);
    let version: TemplateVersion;
    let cached: boolean;
    try {
      const got = this.cache.get(ref, async () => versionOf(await this.ports.getPrompt(ref, timeoutMs()), ref, template, this.catalog));
      cached = got.cached;
      version = await got.value;
    } catch (error) {
      return { ok: false, error };
    }
    const problems = checkVariables(version, variables);
    if (problems.length > 0) return { ok: false, details: problems };
    const values: { [name: string]: string } = {};
    for (const v of version.variables) values[v.name] = variables![v.name];
    const fit = fitBudget(version, values);
    if (!fit.ok) return { ok: false, details: [`variables: ${fit.error}`] };
    return { ok: true, plan: { version, values, point, cached } };
  }
}

function answerOf(out: { output?: { message?: { content?: { text?: string }[] } }; usage?: { inputTokens?: number; outputTokens?: number }; stopReason?: string }, modelVersion: string): ModelAnswer {
  if (out.output?.message === undefined) throw new ModelResponseError('the model returned no message');
  const text = (out.output.message.content ?? []).map((c) => c.text ?? '').join('');
  return { text, modelVersion, inputTokens: out.usage?.inputTokens, outputTokens: out.usage?.outputTokens, stopReason: out.stopReason };
}

/** TGI and LMI reject a temperature of 0 and a top-p of 1: those are left to the container's defaults. */
function endpointParameters(inference: InferenceSettings, maxTokens: number): { [key: string]: unknown } {
  const p: { [key: string]: unknown } = { max_new_tokens: maxTokens };
  if (inference.temperature !== undefined && inference.temperature > 0) p.temperature = inference.temperature;
  if (inference.topP !== undefined && inference.topP > 0 && inference.topP < 1) p.top_p = inference.topP;
  if (inference.stopSequences) p.stop = inference.stopSequences;
  return p;
}

/** Template ports over the AWS SDK, each call bounded by the timeout it is given. */
export function awsTemplatePorts(config: GuardrailConfig, clients: { readonly agent: BedrockAgentClient; readonly bedrock: BedrockRuntimeClient; readonly sagemaker: SageMakerRuntimeClient }): TemplatePorts {
  return {
    async getPrompt(ref, timeoutMs) {
      return clients.agent.send(new GetPromptCommand({ promptIdentifier: ref.promptId, promptVersion: ref.version }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    },
    async invoke(call, timeoutMs) {
      const signal = { abortSignal: AbortSignal.timeout(timeoutMs) };
      const converse = async (input: ConverseCommandInput, modelVersion: string) => answerOf(await clients.bedrock.send(new ConverseCommand(input), signal), modelVersion);
      if (call.kind === 'prompt') {
        const promptVariables: { [name: string]: { text: string } } = {};
        for (const [name, text] of Object.entries(call.variables)) promptVariables[name] = { text };
        return converse({ modelId: call.arn, promptVariables }, call.modelId);
      }
      const rendered = (modelId: string) =>
        converse(
          {
            modelId,
            system: call.system ? [{ text: call.system }] : undefined,
            messages: call.messages.map((m) => ({ role: m.role, content: [{ text: m.text }] })),
            inferenceConfig: { maxTokens: call.maxTokens, temperature: call.inference.temperature, topP: call.inference.topP, stopSequences: call.inference.stopSequences ? [...call.inference.stopSequences] : undefined },
          },
          modelId,
        );
      if (config.model.kind === 'bedrock') return rendered(call.modelId ?? config.model.modelId);
      const endpointName = config.model.endpointName;
      let out;
      try {
        out = await clients.sagemaker.send(
          new InvokeEndpointCommand({
            EndpointName: endpointName,
            ContentType: 'application/json',
            Accept: 'application/json',
            Body: Buffer.from(JSON.stringify({ inputs: endpointInputs(call.system, call.messages), parameters: endpointParameters(call.inference, call.maxTokens) })),
          }),
          signal,
        );
      } catch (error) {
        if (config.model.fallbackModelId && isEndpointMissing(error)) return rendered(config.model.fallbackModelId);
        throw error;
      }
      const body = out.Body ? Buffer.from(out.Body).toString('utf8') : '';
      return { text: textOfEndpointResponse(body), modelVersion: out.InvokedProductionVariant ? `${endpointName}/${out.InvokedProductionVariant}` : endpointName };
    },
  };
}
