import type { GetPromptCommandOutput } from '@aws-sdk/client-bedrock-agent';
import { CatalogConfig, METADATA, TemplateMessage, TemplateVersion, Truncation, VariableFormat, VariableSpec, VariantRef } from './types';

/** A prompt version that does not have what the catalog wrote into it (answered 502: the deployment is broken). */
export class TemplateResolutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateResolutionError';
  }
}

const FORMATS: readonly VariableFormat[] = ['TEXT', 'INTEGER', 'NUMBER', 'ONE_OF'];

/** Reads one `genai:var:<name>` value: `format=TEXT max=8000`, plus ` values=<base64 of a JSON array>` for ONE_OF. */
export function variableSpec(name: string, value: string): VariableSpec {
  const fields: { [key: string]: string } = {};
  for (const part of value.trim().split(/\s+/)) {
    const i = part.indexOf('=');
    if (i > 0) fields[part.slice(0, i)] = part.slice(i + 1);
  }
  const format = fields.format as VariableFormat;
  const maxLength = Number(fields.max);
  if (!FORMATS.includes(format) || !Number.isInteger(maxLength) || maxLength < 1) throw new TemplateResolutionError(`variable ${name} has an invalid specification`);
  if (format !== 'ONE_OF') return { name, format, maxLength };
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(fields.values ?? '', 'base64').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string')) throw new TemplateResolutionError(`variable ${name} has no allowed values`);
  return { name, format, maxLength, values };
}

/** The version GetPrompt returned, checked against the catalog entry it was resolved for. */
export function versionOf(out: Pick<GetPromptCommandOutput, 'variants' | 'version'>, ref: VariantRef, template: string, catalog: CatalogConfig): TemplateVersion {
  const v = out.variants?.[0];
  if (!v || out.variants!.length !== 1) throw new TemplateResolutionError('the prompt version must have exactly one variant');
  const meta: { [key: string]: string } = {};
  for (const e of v.metadata ?? []) if (e.key !== undefined && e.value !== undefined) meta[e.key] = e.value;
  if (meta[METADATA.template] !== template || meta[METADATA.variant] !== ref.variant) throw new TemplateResolutionError('the prompt version belongs to another template or variant');
  if (out.version !== undefined && out.version !== ref.version) throw new TemplateResolutionError('GetPrompt returned another version');
  let messages: TemplateMessage[];
  let system: string | undefined;
  if (v.templateType === 'TEXT' && typeof v.templateConfiguration?.text?.text === 'string') {
    messages = [{ role: 'user', text: v.templateConfiguration.text.text }];
  } else if (v.templateType === 'CHAT' && v.templateConfiguration?.chat?.messages) {
    const chat = v.templateConfiguration.chat;
    messages = chat.messages!.map((m) => ({ role: m.role === 'assistant' ? 'assistant' : 'user', text: (m.content ?? []).map((c) => c.text ?? '').join('') }));
    system = (chat.system ?? []).map((s) => s.text ?? '').join('') || undefined;
  } else {
    throw new TemplateResolutionError('the prompt version has no text or chat template');
  }
  const budgetChars = Number(meta[METADATA.budget]);
  const truncation = meta[METADATA.truncation] as Truncation;
  if (!Number.isInteger(budgetChars) || budgetChars < 1 || (truncation !== 'REJECT' && truncation !== 'TRUNCATE_LONGEST')) {
    throw new TemplateResolutionError('the prompt version has no context budget');
  }
  const variables = Object.keys(meta)
    .filter((k) => k.startsWith(METADATA.variablePrefix))
    .map((k) => variableSpec(k.slice(METADATA.variablePrefix.length), meta[k]));
  const inf = v.inferenceConfiguration?.text ?? {};
  return {
    template,
    variant: ref.variant,
    promptId: ref.promptId,
    version: ref.version,
    arn: `${catalog.arnPrefix}${ref.promptId}:${ref.version}`,
    system,
    messages,
    inference: { maxTokens: inf.maxTokens, temperature: inf.temperature, topP: inf.topP, stopSequences: inf.stopSequences?.length ? inf.stopSequences : undefined },
    modelId: v.modelId || undefined,
    variables,
    budgetChars,
    truncation,
  };
}

/**
 * Resolved versions by `promptId:version`, each kept for the catalog's TTL. Versions are immutable and the
 * catalog pins them, so the TTL only bounds how long a warm container keeps serving a version that was
 * deleted or whose key was revoked. Concurrent misses for one version share one GetPrompt call.
 */
export class TemplateCache {
  private readonly entries = new Map<string, { readonly expires: number; readonly value: Promise<TemplateVersion> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The cached version, or the result of `load` (a failed load is not cached). */
  get(ref: VariantRef, load: () => Promise<TemplateVersion>): { readonly value: Promise<TemplateVersion>; readonly cached: boolean } {
    const key = `${ref.promptId}:${ref.version}`;
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return { value: hit.value, cached: true };
    const value = load();
    this.entries.set(key, { expires: this.now() + this.ttlMs, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return { value, cached: false };
  }
}
