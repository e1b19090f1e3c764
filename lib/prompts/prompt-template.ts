import { createHash } from 'node:crypto';
import { Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { Construct } from 'constructs';
import { GenAIValidationError, isUnresolved, validateRange } from '../core/errors';
import type { PromptCatalog } from './prompt-catalog';
import type { DeployedVariant } from './private/deployed';
import { fixedLength, placeholdersOf, PROMPT_METADATA, variableMetadataValue } from './private/metadata';

/** How the guardrail function checks a variable's value before filling it in. */
export enum VariableFormat {
  /** Any text up to `maxLength` characters (the only format the context budget may shorten). */
  TEXT = 'TEXT',
  /** An integer, e.g. `42` or `-7` (at most 15 digits). */
  INTEGER = 'INTEGER',
  /** A decimal number, e.g. `3.5` (no exponent). */
  NUMBER = 'NUMBER',
  /** One of `allowedValues`, exactly. */
  ONE_OF = 'ONE_OF',
}

/** What the guardrail function does when a filled template is longer than its context budget. */
export enum ContextTruncation {
  /** Refuse the request with a 400 that names the budget. */
  REJECT = 'REJECT',
  /**
   * Cut TEXT variables from their end, the longest first, to the largest common length at which the
   * template fits (shorter variables stay whole; other formats are never cut). The response and the trace
   * record how many characters were cut.
   */
  TRUNCATE_LONGEST = 'TRUNCATE_LONGEST',
}

/** Who speaks a message of a chat template. */
export enum PromptMessageRole {
  /** The caller (filled variables usually go here). */
  USER = 'user',
  /** The model (e.g. an example answer). */
  ASSISTANT = 'assistant',
}

/** One message of a chat template. */
export interface PromptMessage {
  /** Who speaks it. */
  readonly role: PromptMessageRole;
  /** Its text, with `{{name}}` placeholders for declared variables. */
  readonly text: string;
}

/** A variable a template declares: callers must send a value for every declared variable, and no other. */
export interface PromptVariable {
  /** The name used in `{{name}}` placeholders and in the request's `variables`: a letter, then letters, digits or single underscores (at most 64). */
  readonly name: string;
  /**
   * How the value is checked.
   * @default VariableFormat.TEXT
   */
  readonly format?: VariableFormat;
  /**
   * Longest value accepted, in characters (1 to 8000).
   * @default 8000
   */
  readonly maxLength?: number;
  /**
   * The values a `ONE_OF` variable accepts (1 to 50, each 1 to 256 characters); only with `ONE_OF`.
   * @default - none (required with `ONE_OF`)
   */
  readonly allowedValues?: string[];
}

/** Inference settings of a template or variant (Bedrock's own limits apply). */
export interface PromptInferenceSettings {
  /**
   * Largest answer, in tokens: at most the guardrail function's `maxTokens`.
   * @default 1024 (a variant: the template's)
   */
  readonly maxTokens?: number;
  /**
   * Sampling temperature, 0 to 1.
   * @default - the model's default (a variant: the template's)
   */
  readonly temperature?: number;
  /**
   * Nucleus sampling, 0 to 1.
   * @default - the model's default (a variant: the template's)
   */
  readonly topP?: number;
  /**
   * Sequences that stop generation (at most 4).
   * @default - none (a variant: the template's)
   */
  readonly stopSequences?: string[];
}

/**
 * The messages of a template: a text template (one user message) or a chat template (messages that start
 * with the user and alternate). Both use `{{name}}` placeholders for declared variables.
 */
export class PromptContent {
  /**
   * A text template: one user message.
   *
   * @param text the message, e.g. `Answer the question using the document.\n\n{{document}}\n\nQuestion: {{question}}`
   */
  public static text(text: string): PromptContent {
    return new PromptContent(text, undefined);
  }

  /**
   * A chat template, e.g. an example exchange followed by the caller's question.
   *
   * @param messages the messages, starting with a user message and alternating user and assistant
   */
  public static chat(messages: PromptMessage[]): PromptContent {
    return new PromptContent(undefined, [...messages]);
  }

  private constructor(
    /** The text of a text template. */
    public readonly textTemplate?: string,
    /** The messages of a chat template. */
    public readonly chatMessages?: PromptMessage[],
  ) {}

  /** The messages (a text template is one user message). @internal */
  public _messages(): PromptMessage[] {
    return this.chatMessages ?? [{ role: PromptMessageRole.USER, text: this.textTemplate! }];
  }
}

/** One variant of an experiment: a weight and what it changes from the template. */
export interface PromptVariantOptions {
  /** The variant's name (a letter, then up to 31 letters, digits, `-` or `_`): the `Variant` dimension of its metrics. */
  readonly name: string;
  /**
   * Its share of the traffic, relative to the other variants' weights (0 sends it nothing). Weights must
   * sum to a positive number. Promoting a winner is a code change to these weights.
   */
  readonly weight: number;
  /**
   * Messages of this variant.
   * @default - the template's
   */
  readonly content?: PromptContent;
  /**
   * System prompt of this variant.
   * @default - the template's
   */
  readonly systemPrompt?: string;
  /**
   * Inference settings of this variant, each set one replacing the template's.
   * @default - the template's
   */
  readonly inference?: PromptInferenceSettings;
  /**
   * Context budget of this variant, in characters.
   * @default - the template's
   */
  readonly contextBudgetChars?: number;
}

/** Options of a {@link PromptTemplate} (`PromptCatalog.addTemplate`). */
export interface PromptTemplateOptions {
  /** The name callers send as `template` (a letter, then up to 63 letters, digits, `-` or `_`); unique in the catalog. */
  readonly templateName: string;
  /** The messages, with `{{name}}` placeholders for the declared variables. */
  readonly content: PromptContent;
  /**
   * The variables the messages use: every placeholder must be declared, and every declared variable used by
   * at least one variant (at most 20).
   * @default - none
   */
  readonly variables?: PromptVariable[];
  /**
   * The system prompt (no placeholders).
   * @default - none
   */
  readonly systemPrompt?: string;
  /**
   * Inference settings.
   * @default - maxTokens 1024, the model's defaults otherwise
   */
  readonly inference?: PromptInferenceSettings;
  /**
   * Characters the system prompt and the filled messages may have together (100 to 32000; about 4
   * characters per token of English text).
   * @default 32000 (the guardrail function's prompt limit)
   */
  readonly contextBudgetChars?: number;
  /**
   * What happens when the filled template is longer than the budget.
   * @default ContextTruncation.TRUNCATE_LONGEST
   */
  readonly truncation?: ContextTruncation;
  /**
   * Description of the Bedrock prompts (at most 200 characters).
   * @default - names the template and variant
   */
  readonly description?: string;
  /**
   * Weighted variants for an experiment (at most 5). Each variant is its own Bedrock prompt and version.
   * @default - one variant, `default`, with everything from the template
   */
  readonly variants?: PromptVariantOptions[];
}

/** Properties of {@link PromptTemplate}. */
export interface PromptTemplateProps extends PromptTemplateOptions {
  /** The catalog the template belongs to (its key encrypts the prompts). */
  readonly catalog: PromptCatalog;
}

/** Limits of templates (Bedrock Prompt management's and the guardrail function's). */
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const VARIANT_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_VARIABLES = 20;
const MAX_VARIANTS = 5;
/** The guardrail function's longest variable value and longest prompt (lambda/guardrail/schema.ts). */
const MAX_VARIABLE_CHARS = 8000;
const MAX_PROMPT_CHARS = 32000;
const DEFAULT_MAX_TOKENS = 1024;

/** A declared variable with its defaults applied. */
interface CheckedVariable {
  readonly name: string;
  readonly format: VariableFormat;
  readonly maxLength: number;
  readonly allowedValues?: string[];
}

/**
 * A prompt template in a {@link PromptCatalog}, on Bedrock Prompt management: messages with typed
 * variables, a system prompt, inference settings and a context budget, encrypted with the catalog's key.
 *
 * Each variant is one `AWS::Bedrock::Prompt` (Bedrock uses a prompt's default variant, so experiment
 * variants are separate prompts) and one `AWS::Bedrock::PromptVersion`. The version's description holds a
 * hash of the prompt's content, so every deploy that changes a variant publishes a new immutable version;
 * old versions are retained (with the catalog's removal policy) so traces keep pointing at what produced
 * an answer. The declared variables and the budget travel in the version's metadata.
 */
export class PromptTemplate extends Construct {
  /** The name callers send as `template`. */
  public readonly templateName: string;
  /** The catalog the template belongs to. */
  public readonly catalog: PromptCatalog;
  /** The variants' names, in order. */
  public readonly variantNames: string[];
  /** The variants' weights, in the order of `variantNames`. */
  public readonly weights: number[];
  /** One Bedrock prompt per variant, in the order of `variantNames`. */
  public readonly cfnPrompts: bedrock.CfnPrompt[];
  /** The published version of each variant's prompt, in the order of `variantNames`. */
  public readonly cfnVersions: bedrock.CfnPromptVersion[];

  private readonly deployed: DeployedVariant[] = [];

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the template, its variables, settings and variants
   */
  constructor(scope: Construct, id: string, props: PromptTemplateProps) {
    super(scope, id);
    this.catalog = props.catalog;
    this.templateName = props.templateName;
    if (!isUnresolved(props.templateName) && !NAME.test(props.templateName)) {
      throw new GenAIValidationError(this, 'templateName', props.templateName, 'a letter, then up to 63 letters, digits, "-" or "_"');
    }
    if (props.description !== undefined && !isUnresolved(props.description) && (props.description.trim().length === 0 || props.description.length > 200)) {
      throw new GenAIValidationError(this, 'description', props.description, 'a non-blank description of at most 200 characters');
    }
    const variables = this.validateVariables(props.variables ?? []);
    const variants = props.variants ?? [{ name: 'default', weight: 100 }];
    this.validateVariants(variants);

    const used = new Set<string>();
    variants.forEach((variant, i) => {
      const where = props.variants ? `variants[${i}].` : '';
      const content = variant.content ?? props.content;
      const system = variant.systemPrompt ?? props.systemPrompt;
      const inference: PromptInferenceSettings = { maxTokens: DEFAULT_MAX_TOKENS, ...defined(props.inference), ...defined(variant.inference) };
      const budget = variant.contextBudgetChars ?? props.contextBudgetChars ?? MAX_PROMPT_CHARS;
      const names = this.validateContent(variant.content ? `${where}content` : 'content', content, variables);
      names.forEach((n) => used.add(n));
      this.validateSystem(variant.systemPrompt !== undefined ? `${where}systemPrompt` : 'systemPrompt', system);
      this.validateInference(variant.inference ? `${where}inference` : 'inference', inference);
      const budgetProp = variant.contextBudgetChars !== undefined ? `${where}contextBudgetChars` : 'contextBudgetChars';
      validateRange(this, budgetProp, budget, 100, MAX_PROMPT_CHARS, { integer: true });
      const fixed = (system?.length ?? 0) + content._messages().reduce((n, m) => n + (isUnresolved(m.text) ? 0 : fixedLength(m.text)), 0);
      if (!isUnresolved(budget) && fixed > budget) {
        throw new GenAIValidationError(this, budgetProp, budget, `at least the ${fixed} characters the system prompt and messages have without their variables`);
      }
      this.deployed.push(this.createVariant(variant, { content, system, inference, budget, names, variables, truncation: props.truncation ?? ContextTruncation.TRUNCATE_LONGEST, description: props.description }));
    });
    const unused = variables.filter((v) => !used.has(v.name)).map((v) => v.name);
    if (unused.length > 0) {
      throw new GenAIValidationError(this, 'variables', unused, 'only variables that a placeholder of the content uses (remove them, or use them as {{name}})');
    }

    this.variantNames = this.deployed.map((d) => d.name);
    this.weights = this.deployed.map((d) => d.weight);
    this.cfnPrompts = this.deployed.map((d) => d.prompt);
    this.cfnVersions = this.deployed.map((d) => d.version);
    props.catalog._register(this);
  }

  /** The deployed variants. @internal */
  public _variants(): DeployedVariant[] {
    return [...this.deployed];
  }

  private validateVariables(variables: PromptVariable[]): CheckedVariable[] {
    if (variables.length > MAX_VARIABLES) throw new GenAIValidationError(this, 'variables', `${variables.length} variables`, `at most ${MAX_VARIABLES}`);
    const seen = new Set<string>();
    return variables.map((v, i) => {
      if (!VARIABLE_NAME.test(v.name) || v.name.includes('__')) {
        throw new GenAIValidationError(this, `variables[${i}].name`, v.name, 'a letter, then up to 63 letters, digits or single underscores');
      }
      if (seen.has(v.name)) throw new GenAIValidationError(this, `variables[${i}].name`, v.name, 'a name no other variable of the template has');
      seen.add(v.name);
      const format = v.format ?? VariableFormat.TEXT;
      const maxLength = v.maxLength ?? MAX_VARIABLE_CHARS;
      validateRange(this, `variables[${i}].maxLength`, maxLength, 1, MAX_VARIABLE_CHARS, { integer: true });
      const values = v.allowedValues;
      if ((format === VariableFormat.ONE_OF) !== (values !== undefined)) {
        throw new GenAIValidationError(this, `variables[${i}].allowedValues`, values, 'a list exactly when format is VariableFormat.ONE_OF');
      }
      if (values !== undefined) {
        if (values.length < 1 || values.length > 50) throw new GenAIValidationError(this, `variables[${i}].allowedValues`, `${values.length} values`, 'from 1 to 50 values');
        for (const value of values) {
          if (isUnresolved(value)) throw new GenAIValidationError(this, `variables[${i}].allowedValues`, value, 'literal values (they are stored in the prompt version)');
          if (value.length < 1 || value.length > Math.min(256, maxLength)) {
            throw new GenAIValidationError(this, `variables[${i}].allowedValues`, value, `values of 1 to ${Math.min(256, maxLength)} characters (at most maxLength)`);
          }
        }
      }
      return { name: v.name, format, maxLength, allowedValues: values };
    });
  }

  private validateVariants(variants: PromptVariantOptions[]): void {
    if (variants.length < 1 || variants.length > MAX_VARIANTS) throw new GenAIValidationError(this, 'variants', `${variants.length} variants`, `from 1 to ${MAX_VARIANTS} variants`);
    const seen = new Set<string>();
    variants.forEach((v, i) => {
      if (!VARIANT_NAME.test(v.name)) throw new GenAIValidationError(this, `variants[${i}].name`, v.name, 'a letter, then up to 31 letters, digits, "-" or "_"');
      if (seen.has(v.name)) throw new GenAIValidationError(this, `variants[${i}].name`, v.name, 'a name no other variant of the template has');
      seen.add(v.name);
      if (isUnresolved(v.weight)) throw new GenAIValidationError(this, `variants[${i}].weight`, 'a token', 'a literal number (the weights are compared at synth)');
      if (!Number.isFinite(v.weight) || v.weight < 0) throw new GenAIValidationError(this, `variants[${i}].weight`, v.weight, 'a number of at least 0');
    });
    const total = variants.reduce((n, v) => n + v.weight, 0);
    if (!(total > 0)) throw new GenAIValidationError(this, 'variants.weight', variants.map((v) => v.weight), 'weights that sum to a positive number');
  }

  /** Checks the messages and returns the variables they use. */
  private validateContent(prop: string, content: PromptContent, variables: { name: string }[]): string[] {
    const messages = content._messages();
    if (messages.length === 0) throw new GenAIValidationError(this, prop, [], 'at least one message');
    const names = new Set<string>();
    messages.forEach((m, i) => {
      if (isUnresolved(m.text)) return;
      if (m.text.trim().length === 0) throw new GenAIValidationError(this, prop, `message ${i + 1}: empty`, 'messages with text');
      if (content.chatMessages) {
        const expected = i % 2 === 0 ? PromptMessageRole.USER : PromptMessageRole.ASSISTANT;
        if (m.role !== expected) throw new GenAIValidationError(this, prop, `message ${i + 1}: ${m.role}`, 'messages that start with the user and alternate user and assistant');
      }
      const found = placeholdersOf(m.text);
      if (found.malformed.length > 0) {
        throw new GenAIValidationError(this, prop, found.malformed[0], 'placeholders written {{name}}, without spaces, for a declared variable');
      }
      for (const name of found.names) {
        if (!variables.some((v) => v.name === name)) {
          throw new GenAIValidationError(this, prop, `{{${name}}}`, `placeholders of declared variables only (declared: ${variables.map((v) => v.name).join(', ') || 'none'}); declare ${name} in variables`);
        }
        names.add(name);
      }
    });
    return [...names];
  }

  private validateSystem(prop: string, system: string | undefined): void {
    if (system === undefined || isUnresolved(system)) return;
    if (system.trim().length === 0) throw new GenAIValidationError(this, prop, system, 'a non-blank system prompt');
    const found = placeholdersOf(system);
    if (found.names.length + found.malformed.length > 0) {
      throw new GenAIValidationError(this, prop, [...found.names.map((n) => `{{${n}}}`), ...found.malformed][0], 'a system prompt without placeholders (variables go into the messages)');
    }
  }

  private validateInference(prop: string, s: PromptInferenceSettings): void {
    validateRange(this, `${prop}.maxTokens`, s.maxTokens, 1, 512000, { integer: true });
    validateRange(this, `${prop}.temperature`, s.temperature, 0, 1);
    validateRange(this, `${prop}.topP`, s.topP, 0, 1);
    const stops = s.stopSequences ?? [];
    if (stops.length > 4) throw new GenAIValidationError(this, `${prop}.stopSequences`, stops, 'at most 4 stop sequences');
    for (const stop of stops) {
      if (!isUnresolved(stop) && stop.length === 0) throw new GenAIValidationError(this, `${prop}.stopSequences`, stop, 'non-empty stop sequences');
    }
  }

  private createVariant(
    variant: PromptVariantOptions,
    v: {
      content: PromptContent;
      system?: string;
      inference: PromptInferenceSettings;
      budget: number;
      names: string[];
      variables: CheckedVariable[];
      truncation: ContextTruncation;
      description?: string;
    },
  ): DeployedVariant {
    const scope = new Construct(this, variant.name);
    const inputVariables = v.names.map((name) => ({ name }));
    // A system prompt needs a chat template (Bedrock's text templates have none).
    const chat = v.content.chatMessages !== undefined || v.system !== undefined;
    const metadata = [
      { key: PROMPT_METADATA.template, value: this.templateName },
      { key: PROMPT_METADATA.variant, value: variant.name },
      { key: PROMPT_METADATA.budget, value: String(v.budget) },
      { key: PROMPT_METADATA.truncation, value: v.truncation },
      ...v.variables.map((x) => ({ key: `${PROMPT_METADATA.variablePrefix}${x.name}`, value: variableMetadataValue(x) })),
    ];
    const prompt = new bedrock.CfnPrompt(scope, 'Resource', {
      name: promptName(scope),
      description: (v.description ?? `Prompt template ${this.templateName}, variant ${variant.name}`).slice(0, 200),
      customerEncryptionKeyArn: this.catalog.encryptionKey.keyArn,
      defaultVariant: variant.name,
      variants: [
        {
          name: variant.name,
          modelId: this.catalog.modelId,
          templateType: chat ? 'CHAT' : 'TEXT',
          templateConfiguration: chat
            ? {
                chat: {
                  messages: v.content._messages().map((m) => ({ role: m.role, content: [{ text: m.text }] })),
                  system: v.system !== undefined ? [{ text: v.system }] : undefined,
                  inputVariables,
                },
              }
            : { text: { text: v.content.textTemplate!, inputVariables } },
          inferenceConfiguration: {
            text: { maxTokens: v.inference.maxTokens, temperature: v.inference.temperature, topP: v.inference.topP, stopSequences: v.inference.stopSequences },
          },
          metadata,
        },
      ],
    });
    const version = new bedrock.CfnPromptVersion(scope, 'Version', {
      promptArn: prompt.attrArn,
      // A hash of the content in the description makes CloudFormation publish a new version on every change.
      description: `Content ${contentHash(prompt)}`,
    });
    const removalPolicy = this.catalog.removalPolicy;
    prompt.applyRemovalPolicy(removalPolicy);
    // Versions are the record of what produced an answer: a replaced version is kept unless DESTROY is chosen.
    version.applyRemovalPolicy(removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);
    return { name: variant.name, weight: variant.weight, maxTokens: v.inference.maxTokens!, prompt, version };
  }
}

/** Only the set properties (so `{ temperature: undefined }` does not erase a template's setting). */
function defined<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== undefined) (out as any)[k] = v;
  return out;
}

/** A generated name Bedrock accepts: `^([0-9a-zA-Z][_-]?){1,100}$`. */
function promptName(scope: Construct): string {
  return Names.uniqueResourceName(scope, { maxLength: 100, separator: '-' }).replace(/[-_]{2,}/g, '-').replace(/^[-_]+/, '');
}

/** A short hash of the prompt's content (tokens hashed as their CloudFormation expression). */
function contentHash(prompt: bedrock.CfnPrompt): string {
  const props = Stack.of(prompt).resolve((prompt as any).cfnProperties);
  delete props.name;
  return createHash('sha256').update(JSON.stringify(props)).digest('hex').slice(0, 16);
}
