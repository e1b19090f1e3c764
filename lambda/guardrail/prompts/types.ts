/**
 * The prompt catalog as the guardrail function sees it (issue 18). `PromptCatalog` (lib/prompts) writes the
 * catalog into the function's environment and the template details into each prompt version's metadata;
 * this folder reads them, resolves versions, assigns variants, fills variables and records the design.
 */

/** How a variable's value is checked before it is filled in. */
export type VariableFormat = 'TEXT' | 'INTEGER' | 'NUMBER' | 'ONE_OF';

/** What happens when the filled template is longer than its context budget. */
export type Truncation = 'REJECT' | 'TRUNCATE_LONGEST';

/** One declared variable of a template version. */
export interface VariableSpec {
  readonly name: string;
  readonly format: VariableFormat;
  /** Longest value accepted, in characters. */
  readonly maxLength: number;
  /** The allowed values of a ONE_OF variable. */
  readonly values?: readonly string[];
}

/** Inference settings of a version (absent settings are the model's defaults). */
export interface InferenceSettings {
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly topP?: number;
  readonly stopSequences?: readonly string[];
}

/** A message of a template: the text still has its `{{name}}` placeholders. */
export interface TemplateMessage {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

/** One variant of a template in the catalog: its traffic weight and the prompt version that serves it. */
export interface VariantRef {
  readonly variant: string;
  readonly weight: number;
  readonly promptId: string;
  readonly version: string;
}

/** The catalog of the deployment (environment `PROMPT_CATALOG`). */
export interface CatalogConfig {
  /** The catalog's name: the `Catalog` dimension of the per-variant metrics. */
  readonly name: string;
  /** `arn:<partition>:bedrock:<region>:<account>:prompt/`: a version's ARN is this + `<promptId>:<version>`. */
  readonly arnPrefix: string;
  readonly templates: { readonly [template: string]: readonly VariantRef[] };
  /** How long a resolved version is cached. */
  readonly cacheTtlMs: number;
}

/** A prompt version, resolved with GetPrompt and read into what the function needs. */
export interface TemplateVersion {
  readonly template: string;
  readonly variant: string;
  readonly promptId: string;
  readonly version: string;
  /** The version's ARN (what Converse takes as `modelId` when Bedrock renders the prompt). */
  readonly arn: string;
  readonly system?: string;
  /** The messages; a text template is one user message. */
  readonly messages: readonly TemplateMessage[];
  readonly inference: InferenceSettings;
  /** The Bedrock model the version is bound to (then Bedrock renders it), if any. */
  readonly modelId?: string;
  readonly variables: readonly VariableSpec[];
  /** Characters the system prompt and the filled messages may have together. */
  readonly budgetChars: number;
  readonly truncation: Truncation;
}

/** Metadata keys of a prompt variant (written by lib/prompts/private/metadata.ts; a test keeps both in step). */
export const METADATA = {
  template: 'genai:template',
  variant: 'genai:variant',
  budget: 'genai:budget',
  truncation: 'genai:truncation',
  variablePrefix: 'genai:var:',
} as const;

/** `{{name}}` placeholders (no spaces, as Bedrock Prompt management writes them). */
export const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9_]{0,63})\}\}/g;
