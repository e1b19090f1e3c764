import { ArnFormat, Aws, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { createKey } from '../core/encryption';
import { GenAIValidationError } from '../core/errors';
import { grantFoundationModel, validateFoundationModelId } from '../guardrails/private/foundation-model';
import { PromptTemplate, PromptTemplateOptions } from './prompt-template';
import { PROMPT_ENCRYPTION_CONTEXT, PROMPT_KEY_READ_ACTIONS, PROMPT_KEY_SERVICE_ACTIONS, PROMPT_READ_ACTIONS } from './private/actions';
import { experimentWidgets } from './private/widgets';

/** The CloudWatch namespace of the per-variant metrics (the guardrail and feedback functions write it). */
const PROMPT_METRICS_NAMESPACE = 'GenAI/Prompts';
/** Templates and variants (Bedrock prompts) a catalog may hold: the function's environment lists them all. */
const MAX_TEMPLATES = 20;
const MAX_PROMPTS = 25;

/** Properties of {@link PromptCatalog}. */
export interface PromptCatalogProps {
  /**
   * The key that encrypts the catalog's prompts. An imported key's policy must let `bedrock.amazonaws.com`
   * use `kms:GenerateDataKey` and `kms:Decrypt` for the account's prompts (encryption context
   * `aws:bedrock-prompts:arn`).
   * @default - a new customer-managed key with rotation, used for nothing else
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * A Bedrock foundation model bound to every template (in this region, e.g. `amazon.nova-lite-v1:0`). With
   * it, a guardrail function with a Bedrock target sends the prompt version's ARN and the variables to
   * Converse and Bedrock renders the template; the function may then invoke this model too.
   * @default - none: the guardrail function renders templates itself and sends them to its own model target
   */
  readonly modelId?: string;
  /**
   * How long the guardrail function keeps a resolved version (0 to 15 minutes). Versions are immutable and
   * pinned by the deployment, so this only bounds how long a deleted version keeps being served.
   * @default Duration.minutes(1)
   */
  readonly cacheTtl?: Duration;
  /**
   * Removal policy of the key and the prompts. Replaced versions are always kept unless this is `DESTROY`.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Versioned prompt templates on Bedrock Prompt management, encrypted with a customer-managed key, with
 * weighted variants for experiments. Add templates with `addTemplate`, then pass the catalog to a
 * `GuardrailFunction` (or `GenAIPlatform`): callers send `{ "template": "<name>", "variables": { ... } }`
 * to `POST /v1/generate`.
 *
 * Variant assignment is sticky per caller; every trace and response records the template, version,
 * variant and resolved settings; per-variant metrics (`GenAI/Prompts`, dimensions `Catalog`, `Template`,
 * `Variant`) feed `experimentWidgets()`.
 */
export class PromptCatalog extends Construct {
  /** The CloudWatch namespace of the per-variant metrics. */
  public static readonly METRICS_NAMESPACE: string = PROMPT_METRICS_NAMESPACE;

  /** The key that encrypts the prompts. */
  public readonly encryptionKey: kms.IKey;
  /** The catalog's name: the `Catalog` dimension of its metrics. */
  public readonly catalogName: string;
  /** The Bedrock model bound to every template, if any. */
  public readonly modelId?: string;
  /** Removal policy of the key and the prompts. */
  public readonly removalPolicy: RemovalPolicy;
  /** How long the guardrail function keeps a resolved version. */
  public readonly cacheTtl: Duration;

  private readonly registered: PromptTemplate[] = [];
  private sealedBy?: string;

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the catalog's key, bound model and cache lifetime (all optional)
   */
  constructor(scope: Construct, id: string, props: PromptCatalogProps = {}) {
    super(scope, id);
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.cacheTtl = props.cacheTtl ?? Duration.minutes(1);
    if (!this.cacheTtl.isUnresolved() && this.cacheTtl.toSeconds() > 900) {
      throw new GenAIValidationError(this, 'cacheTtl', this.cacheTtl.toHumanString(), 'from 0 to 15 minutes');
    }
    if (props.modelId !== undefined) validateFoundationModelId(this, 'modelId', props.modelId);
    this.modelId = props.modelId;
    this.catalogName = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });

    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      const key = createKey(this, 'Key', `Encrypts the Bedrock prompts of ${this.node.path}`, this.removalPolicy);
      // Bedrock encrypts and decrypts prompts with the key, bound to each prompt's ARN (Prompt management's key policy).
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowBedrockPromptManagement',
          principals: [new iam.ServicePrincipal('bedrock.amazonaws.com')],
          actions: [...PROMPT_KEY_SERVICE_ACTIONS],
          resources: ['*'],
          conditions: {
            StringLike: { [PROMPT_ENCRYPTION_CONTEXT]: Stack.of(this).formatArn({ service: 'bedrock', resource: 'prompt', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }) },
          },
        }),
      );
      this.encryptionKey = key;
    }
  }

  /** The templates of the catalog, in the order they were added. */
  public get templates(): PromptTemplate[] {
    return [...this.registered];
  }

  /**
   * Adds a template (one Bedrock prompt and version per variant).
   *
   * @param id the construct id of the template (unique in the catalog)
   * @param options the template: name, content, variables, settings and variants
   */
  public addTemplate(id: string, options: PromptTemplateOptions): PromptTemplate {
    return new PromptTemplate(this, id, { ...options, catalog: this });
  }

  /**
   * Lets the grantee read the catalog's prompts and run them with Converse: `bedrock:GetPrompt` and
   * `bedrock:RenderPrompt` on the catalog's prompts and their published versions only, and `kms:Decrypt`
   * on the key only through Bedrock and only for these prompts. Add every template before granting.
   *
   * @param grantee the principal to grant, e.g. the role of a function that resolves templates
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    this.seal('granted');
    const prompts = this.registered.flatMap((t) => t.cfnPrompts);
    if (prompts.length === 0) throw new GenAIValidationError(this, 'templates', [], 'at least one template before the catalog is granted or bound');
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: [...PROMPT_READ_ACTIONS],
      resourceArns: [...prompts.map((p) => p.attrArn), ...this.registered.flatMap((t) => t.cfnVersions.map((v) => v.attrArn))],
    });
    const keyGrant = iam.Grant.addToPrincipal({ grantee, actions: [...PROMPT_KEY_READ_ACTIONS], resourceArns: [this.encryptionKey.keyArn] });
    keyGrant.principalStatement?.addCondition('StringEquals', {
      'kms:ViaService': `bedrock.${Aws.REGION}.${Aws.URL_SUFFIX}`,
      [PROMPT_ENCRYPTION_CONTEXT]: prompts.map((p) => p.attrArn),
    });
    return grant.combine(keyGrant);
  }

  /**
   * A per-variant metric: `Requests`, `Answered`, `Blocked`, `Interventions`, `Errors`, `Truncated`,
   * `Latency`, `InputTokens`, `OutputTokens` (guardrail function) or `FeedbackRating` (feedback).
   *
   * @param metricName the metric's name in the `GenAI/Prompts` namespace
   * @param templateName the template's name
   * @param variantName the variant's name
   * @param props options that override the defaults (average per 5 minutes, dimensions set)
   */
  public metricForVariant(metricName: string, templateName: string, variantName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: PROMPT_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { Catalog: this.catalogName, Template: templateName, Variant: variantName },
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.AVERAGE,
      ...props,
    });
  }

  /** A dashboard section comparing the variants of every template (one row per template). */
  public experimentWidgets(): cloudwatch.IWidget[] {
    return experimentWidgets(this);
  }

  /** Called by each template's constructor. @internal */
  public _register(template: PromptTemplate): void {
    if (this.sealedBy !== undefined) {
      throw new GenAIValidationError(template, 'catalog', this.node.path, `a catalog that is not yet ${this.sealedBy}: add every template before passing the catalog to a function or granting it`);
    }
    if (this.registered.some((t) => t.templateName === template.templateName)) {
      throw new GenAIValidationError(template, 'templateName', template.templateName, 'a name no other template of the catalog has');
    }
    const prompts = this.registered.reduce((n, t) => n + t.cfnPrompts.length, 0) + template.cfnPrompts.length;
    if (this.registered.length + 1 > MAX_TEMPLATES || prompts > MAX_PROMPTS) {
      throw new GenAIValidationError(template, 'catalog', this.node.path, `a catalog with at most ${MAX_TEMPLATES} templates and ${MAX_PROMPTS} variants in all (the guardrail function's environment lists them)`);
    }
    this.registered.push(template);
  }

  /**
   * Binds the catalog to a guardrail function: grants it read on the prompts (and invoke on the bound model)
   * and returns its environment. The catalog takes no templates afterwards. @internal
   */
  public _bind(scope: Construct, grantee: iam.IGrantable, functionMaxTokens: number): { [name: string]: string } {
    this.seal('bound to a function');
    this.grantRead(grantee);
    for (const template of this.registered) {
      for (const v of template._variants()) {
        if (v.maxTokens > functionMaxTokens) {
          throw new GenAIValidationError(template, 'inference.maxTokens', v.maxTokens, `at most the maxTokens of the guardrail function ${scope.node.path} (${functionMaxTokens}), variant ${v.name}`);
        }
      }
    }
    if (this.modelId !== undefined) grantFoundationModel(scope, grantee, this.modelId, 'promptCatalog.modelId');
    const templates: { [name: string]: [string, number, string][] } = {};
    for (const t of this.registered) {
      templates[t.templateName] = t._variants().map((v) => [v.name, v.weight, `${v.version.attrPromptId}:${v.version.attrVersion}`]);
    }
    const arnPrefix = Stack.of(scope).formatArn({ service: 'bedrock', resource: 'prompt', resourceName: '', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    return {
      PROMPT_CATALOG: Stack.of(scope).toJsonString({ n: this.catalogName, p: arnPrefix, t: templates }),
      PROMPT_CACHE_TTL_SECONDS: String(this.cacheTtl.toSeconds()),
    };
  }

  private seal(how: string): void {
    this.sealedBy ??= how;
  }
}
