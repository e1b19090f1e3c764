import { createHash } from 'node:crypto';
import { Arn, ArnFormat, IResource, Names, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { createKey, grantKeyVia } from '../core/encryption';
import { GenAIValidationError, isUnresolved, validateRange } from '../core/errors';
import { GUARDRAIL_APPLY_ACTIONS } from './private/actions';

/** How strongly a content filter reacts (Bedrock filter strength). */
export enum FilterStrength {
  /** The filter is off for this direction. */
  NONE = 'NONE',
  /** Blocks content classified harmful with high confidence only. */
  LOW = 'LOW',
  /** Blocks content classified harmful with high or medium confidence. */
  MEDIUM = 'MEDIUM',
  /** Blocks content classified harmful with high, medium or low confidence. */
  HIGH = 'HIGH',
}

/** The categories of Bedrock content filters. */
export enum ContentFilterType {
  /** Discrimination or dehumanisation based on identity. */
  HATE = 'HATE',
  /** Demeaning, humiliating or bullying language. */
  INSULTS = 'INSULTS',
  /** Sexual content. */
  SEXUAL = 'SEXUAL',
  /** Glorification of or threats of violence. */
  VIOLENCE = 'VIOLENCE',
  /** Seeking or giving information about criminal activity. */
  MISCONDUCT = 'MISCONDUCT',
  /** Jailbreaks and prompt injection. Input only: Bedrock requires its output strength to be NONE. */
  PROMPT_ATTACK = 'PROMPT_ATTACK',
}

/** One content filter. */
export interface ContentFilter {
  /**
   * The category.
   * @default - required (or the deprecated `type`)
   */
  readonly category?: ContentFilterType;
  /**
   * The category.
   * @deprecated use `category` (`type` is a reserved word in Go)
   * @default - `category`
   */
  readonly type?: ContentFilterType;
  /** Strength on prompts. */
  readonly inputStrength: FilterStrength;
  /**
   * Strength on model answers (must be NONE for PROMPT_ATTACK).
   * @default - the input strength (NONE for PROMPT_ATTACK)
   */
  readonly outputStrength?: FilterStrength;
}

/** A topic the application must not discuss. */
export interface DeniedTopic {
  /** Short name (1-100 characters: letters, digits, spaces and `-_!?.`). */
  readonly name: string;
  /** What the topic is, in one or two sentences (at most 200 characters). */
  readonly definition: string;
  /**
   * Example prompts of the topic (at most 5, each at most 100 characters).
   * @default - none
   */
  readonly examples?: string[];
}

/** What the guardrail does with a sensitive-information match. */
export enum SensitiveInformationAction {
  /** Refuse the prompt or answer. */
  BLOCK = 'BLOCK',
  /** Replace the match with its type (e.g. `{EMAIL}`) and continue. */
  ANONYMIZE = 'ANONYMIZE',
}

/** Personal data and secrets Bedrock guardrails recognise (the sensitive-information entity types). */
export enum PiiEntityType {
  /** A physical address: street, building, city, state, country, postal code or neighbourhood. */
  ADDRESS = 'ADDRESS',
  /** A person's age with its unit of time, e.g. "40 years". */
  AGE = 'AGE',
  /** An AWS access key id, which signs AWS API requests together with its secret access key. */
  AWS_ACCESS_KEY = 'AWS_ACCESS_KEY',
  /** An AWS secret access key, which signs AWS API requests together with its access key id. */
  AWS_SECRET_KEY = 'AWS_SECRET_KEY',
  /** A Canadian Health Service Number (10 digits), used to access healthcare benefits. */
  CA_HEALTH_NUMBER = 'CA_HEALTH_NUMBER',
  /** A Canadian Social Insurance Number (SIN): nine digits, e.g. `123-456-789`. */
  CA_SOCIAL_INSURANCE_NUMBER = 'CA_SOCIAL_INSURANCE_NUMBER',
  /** The card verification code (CVV) of a credit or debit card: three digits, four for American Express. */
  CREDIT_DEBIT_CARD_CVV = 'CREDIT_DEBIT_CARD_CVV',
  /** The expiry date of a credit or debit card, e.g. `01/21`, `01/2021` or `Jan 2021`. */
  CREDIT_DEBIT_CARD_EXPIRY = 'CREDIT_DEBIT_CARD_EXPIRY',
  /** A credit or debit card number (13 to 16 digits, also recognised from its last four digits). */
  CREDIT_DEBIT_CARD_NUMBER = 'CREDIT_DEBIT_CARD_NUMBER',
  /** The number of a driver's licence (letters and digits). */
  DRIVER_ID = 'DRIVER_ID',
  /** An email address. */
  EMAIL = 'EMAIL',
  /** An International Bank Account Number (IBAN), in the format of its country. */
  INTERNATIONAL_BANK_ACCOUNT_NUMBER = 'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
  /** An IPv4 address, e.g. `198.51.100.0`. */
  IP_ADDRESS = 'IP_ADDRESS',
  /** A vehicle licence plate, in the format of the state or country that issued it. */
  LICENSE_PLATE = 'LICENSE_PLATE',
  /** A media access control (MAC) address: the identifier of a network interface. */
  MAC_ADDRESS = 'MAC_ADDRESS',
  /** A person's name, without titles (not a name that is part of an organisation or an address). */
  NAME = 'NAME',
  /** A string used as a password. */
  PASSWORD = 'PASSWORD',
  /** A phone number, including fax and pager numbers. */
  PHONE = 'PHONE',
  /** A four-digit personal identification number (PIN) of a bank account. */
  PIN = 'PIN',
  /** A SWIFT code (Bank Identifier Code, 8 or 11 characters) of a bank or branch. */
  SWIFT_CODE = 'SWIFT_CODE',
  /** A UK National Health Service (NHS) number, e.g. `485 777 3456`. */
  UK_NATIONAL_HEALTH_SERVICE_NUMBER = 'UK_NATIONAL_HEALTH_SERVICE_NUMBER',
  /** A UK National Insurance Number (NINO): two letters, six digits and a letter. */
  UK_NATIONAL_INSURANCE_NUMBER = 'UK_NATIONAL_INSURANCE_NUMBER',
  /** A UK Unique Taxpayer Reference (UTR): 10 digits identifying a taxpayer or business. */
  UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER = 'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER',
  /** A web address, e.g. `www.example.com`. */
  URL = 'URL',
  /** A user name that identifies an account: a login, screen name, nickname or handle. */
  USERNAME = 'USERNAME',
  /** A US bank account number (typically 10 to 12 digits). */
  US_BANK_ACCOUNT_NUMBER = 'US_BANK_ACCOUNT_NUMBER',
  /** A US bank routing number (typically nine digits). */
  US_BANK_ROUTING_NUMBER = 'US_BANK_ROUTING_NUMBER',
  /** A US Individual Taxpayer Identification Number (ITIN): nine digits starting with 9. */
  US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER = 'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER',
  /** A US passport number (six to nine letters and digits). */
  US_PASSPORT_NUMBER = 'US_PASSPORT_NUMBER',
  /** A US Social Security Number (SSN): nine digits. */
  US_SOCIAL_SECURITY_NUMBER = 'US_SOCIAL_SECURITY_NUMBER',
  /** A Vehicle Identification Number (VIN), as defined by ISO 3779. */
  VEHICLE_IDENTIFICATION_NUMBER = 'VEHICLE_IDENTIFICATION_NUMBER',
}

/** One PII entity filter. */
export interface PiiEntityFilter {
  /**
   * The kind of sensitive information.
   * @default - required (or the deprecated `type`)
   */
  readonly entity?: PiiEntityType;
  /**
   * The kind of sensitive information.
   * @deprecated use `entity` (`type` is a reserved word in Go)
   * @default - `entity`
   */
  readonly type?: PiiEntityType;
  /** What the guardrail does when it finds the entity. */
  readonly action: SensitiveInformationAction;
}

/** A custom sensitive-information pattern (e.g. an internal account number). */
export interface SensitiveRegexFilter {
  /** Name shown in assessments (1-100 characters). */
  readonly name: string;
  /** The regular expression (1-500 characters). */
  readonly pattern: string;
  /** What the guardrail does when the pattern matches. */
  readonly action: SensitiveInformationAction;
  /**
   * What the pattern finds.
   * @default - none
   */
  readonly description?: string;
}

/** Properties of {@link Guardrail}. */
export interface GuardrailProps {
  /**
   * Content filters. Give all the filters you want: the list replaces the default.
   * @default - HATE, INSULTS, SEXUAL, VIOLENCE and MISCONDUCT at HIGH on input and output, PROMPT_ATTACK at HIGH on input
   */
  readonly contentFilters?: ContentFilter[];
  /**
   * Topics the application refuses (at most 30).
   * @default - none
   */
  readonly deniedTopics?: DeniedTopic[];
  /**
   * Block the AWS managed profanity word list.
   * @default true
   */
  readonly profanityFilter?: boolean;
  /**
   * Custom words or phrases to block (at most 10,000, each at most 100 characters).
   * @default - none
   */
  readonly blockedWords?: string[];
  /**
   * PII entity filters (the list replaces the default).
   * @default - secrets and financial or government identifiers BLOCK; email, phone, name, address, IP address ANONYMIZE (see `Guardrail.DEFAULT_PII_ENTITIES`)
   */
  readonly piiEntities?: PiiEntityFilter[];
  /**
   * Custom sensitive-information patterns (at most 10).
   * @default - none
   */
  readonly sensitiveRegexes?: SensitiveRegexFilter[];
  /**
   * Contextual grounding: answers whose grounding score (0 to 0.99) is below this are blocked when a
   * grounding source is given. The hallucination check.
   * @default 0.75
   */
  readonly groundingThreshold?: number;
  /**
   * Contextual grounding: answers whose relevance to the query scores below this (0 to 0.99) are blocked.
   * @default 0.5
   */
  readonly relevanceThreshold?: number;
  /**
   * What callers read when a prompt is blocked (at most 500 characters).
   * @default 'Sorry, this request cannot be processed because it conflicts with the usage policy.'
   */
  readonly blockedInputMessage?: string;
  /**
   * What callers read when an answer is blocked (at most 500 characters).
   * @default 'Sorry, the answer was withheld because it conflicts with the usage policy.'
   */
  readonly blockedOutputMessage?: string;
  /**
   * The key that encrypts the guardrail's configuration.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Description of the guardrail.
   * @default - the construct path
   */
  readonly description?: string;
  /**
   * What happens to the key the guardrail creates when the stack is deleted (the guardrail itself is
   * configuration and is deleted with the stack).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A Bedrock guardrail version that functions can apply. */
export interface IGuardrail extends IResource {
  /** The guardrail id. */
  readonly guardrailId: string;
  /** The guardrail ARN. */
  readonly guardrailArn: string;
  /** The published version requests are evaluated against (`DRAFT` only for development). */
  readonly guardrailVersion: string;
  /** The key the guardrail is encrypted with, if known. */
  readonly encryptionKey?: kms.IKey;
  /**
   * Allows `bedrock:ApplyGuardrail` on this guardrail (and `kms:Decrypt` on its key through Bedrock, when known).
   *
   * @param grantee the principal to grant, e.g. the role of a function that calls ApplyGuardrail
   */
  grantApply(grantee: iam.IGrantable): iam.Grant;
}

/** Attributes of a guardrail that exists already. */
export interface GuardrailAttributes {
  /** `arn:<partition>:bedrock:<region>:<account>:guardrail/<id>`. */
  readonly guardrailArn: string;
  /** The published version to apply. */
  readonly guardrailVersion: string;
  /**
   * The customer-managed key the guardrail is encrypted with (callers need decrypt on it).
   * @default - the guardrail uses an AWS owned key
   */
  readonly encryptionKey?: kms.IKey;
}

/** The default content filters: every category HIGH, prompt attacks on input only. */
const DEFAULT_CONTENT_FILTERS: readonly ContentFilter[] = [
  ContentFilterType.HATE,
  ContentFilterType.INSULTS,
  ContentFilterType.SEXUAL,
  ContentFilterType.VIOLENCE,
  ContentFilterType.MISCONDUCT,
  ContentFilterType.PROMPT_ATTACK,
].map((category) => ({ category, inputStrength: FilterStrength.HIGH }));

/** The default PII filters. */
const DEFAULT_PII_ENTITIES: readonly PiiEntityFilter[] = [
  ...[
    PiiEntityType.AWS_ACCESS_KEY,
    PiiEntityType.AWS_SECRET_KEY,
    PiiEntityType.PASSWORD,
    PiiEntityType.CREDIT_DEBIT_CARD_NUMBER,
    PiiEntityType.CREDIT_DEBIT_CARD_CVV,
    PiiEntityType.INTERNATIONAL_BANK_ACCOUNT_NUMBER,
    PiiEntityType.US_BANK_ACCOUNT_NUMBER,
    PiiEntityType.US_SOCIAL_SECURITY_NUMBER,
    PiiEntityType.US_PASSPORT_NUMBER,
  ].map((entity) => ({ entity, action: SensitiveInformationAction.BLOCK })),
  ...[PiiEntityType.EMAIL, PiiEntityType.PHONE, PiiEntityType.NAME, PiiEntityType.ADDRESS, PiiEntityType.IP_ADDRESS].map((entity) => ({
    entity,
    action: SensitiveInformationAction.ANONYMIZE,
  })),
];

const TOPIC_NAME = /^[0-9a-zA-Z-_ !?.]{1,100}$/;

/** @internal */
abstract class GuardrailBase extends Resource implements IGuardrail {
  public abstract readonly guardrailId: string;
  public abstract readonly guardrailArn: string;
  public abstract readonly guardrailVersion: string;
  public abstract readonly encryptionKey?: kms.IKey;

  /**
   * Allows `bedrock:ApplyGuardrail` on this guardrail (and `kms:Decrypt` on its key through Bedrock, when known).
   *
   * @param grantee the principal to grant, e.g. the role of a function that calls ApplyGuardrail
   */
  public grantApply(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: [...GUARDRAIL_APPLY_ACTIONS], resourceArns: [this.guardrailArn] });
    // Bedrock decrypts the guardrail's configuration with the caller's permissions (through Bedrock only).
    if (this.encryptionKey) grantKeyVia(this.encryptionKey, grantee, ['bedrock'], 'kms:Decrypt');
    return grant;
  }
}

/**
 * A Bedrock guardrail and a published version of it: content filters (including prompt attacks),
 * denied topics, word filters, PII and custom-pattern filters, contextual grounding (the hallucination
 * check) and blocked messages, encrypted with a customer-managed key.
 *
 * Any change to the configuration publishes a new version, and `guardrailVersion` follows it.
 */
export class Guardrail extends GuardrailBase {
  /** The content filters of a guardrail created without `contentFilters`. */
  public static readonly DEFAULT_CONTENT_FILTERS: ContentFilter[] = [...DEFAULT_CONTENT_FILTERS];
  /** The sensitive-information entities of a guardrail created without `piiEntities`. */
  public static readonly DEFAULT_PII_ENTITIES: PiiEntityFilter[] = [...DEFAULT_PII_ENTITIES];

  /**
   * Imports an existing guardrail version.
   *
   * @param scope the scope in which to define the imported guardrail
   * @param id the construct id of the imported guardrail
   * @param attrs the guardrail's ARN, the version to apply and its key, if customer-managed
   */
  public static fromGuardrailAttributes(scope: Construct, id: string, attrs: GuardrailAttributes): IGuardrail {
    const resourceName = Arn.split(attrs.guardrailArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName;
    class Imported extends GuardrailBase {
      public readonly guardrailArn = attrs.guardrailArn;
      public readonly guardrailId = resourceName ?? attrs.guardrailArn;
      public readonly guardrailVersion = attrs.guardrailVersion;
      public readonly encryptionKey = attrs.encryptionKey;
    }
    const imported = new Imported(scope, id);
    if (!Token.isUnresolved(attrs.guardrailArn) && !/^arn:[a-z-]+:bedrock:[a-z0-9-]+:\d{12}:guardrail\/[a-z0-9]+$/.test(attrs.guardrailArn)) {
      throw new GenAIValidationError(imported, 'guardrailArn', attrs.guardrailArn, 'arn:<partition>:bedrock:<region>:<account>:guardrail/<id>');
    }
    return imported;
  }

  public readonly guardrailId: string;
  public readonly guardrailArn: string;
  public readonly guardrailVersion: string;
  /** The customer-managed key that encrypts the guardrail (always set for a guardrail this construct creates). */
  public readonly encryptionKey?: kms.IKey;
  /** The grounding threshold the guardrail blocks below. */
  public readonly groundingThreshold: number;
  /** The guardrail (configuration, DRAFT version). */
  public readonly cfnGuardrail: bedrock.CfnGuardrail;
  /** The published version. */
  public readonly cfnVersion: bedrock.CfnGuardrailVersion;

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the guardrail's policies (all optional)
   */
  constructor(scope: Construct, id: string, props: GuardrailProps = {}) {
    super(scope, id);
    const contentFilters = this.validateContentFilters((props.contentFilters ?? [...DEFAULT_CONTENT_FILTERS]).map((f, i) => this.normalizeFilter(f, i)));
    const topics = this.validateTopics(props.deniedTopics ?? []);
    const words = props.blockedWords ?? [];
    if (words.length > 10000) throw new GenAIValidationError(this, 'blockedWords', `${words.length} words`, 'at most 10000 words');
    for (const w of words) {
      if (!isUnresolved(w) && (w.trim().length === 0 || w.length > 100)) throw new GenAIValidationError(this, 'blockedWords', w, 'non-blank words of at most 100 characters');
    }
    const pii = (props.piiEntities ?? [...DEFAULT_PII_ENTITIES]).map((p, i) => this.normalizePii(p, i));
    const regexes = props.sensitiveRegexes ?? [];
    this.validateSensitive(pii, regexes);
    this.groundingThreshold = props.groundingThreshold ?? 0.75;
    validateRange(this, 'groundingThreshold', this.groundingThreshold, 0, 0.99);
    const relevance = props.relevanceThreshold ?? 0.5;
    validateRange(this, 'relevanceThreshold', relevance, 0, 0.99);
    const blockedInput = props.blockedInputMessage ?? 'Sorry, this request cannot be processed because it conflicts with the usage policy.';
    const blockedOutput = props.blockedOutputMessage ?? 'Sorry, the answer was withheld because it conflicts with the usage policy.';
    for (const [prop, msg] of [
      ['blockedInputMessage', blockedInput],
      ['blockedOutputMessage', blockedOutput],
    ] as const) {
      if (!isUnresolved(msg) && (msg.trim().length === 0 || msg.length > 500)) throw new GenAIValidationError(this, prop, msg, 'a non-blank message of at most 500 characters');
    }

    this.encryptionKey = props.encryptionKey ?? createKey(this, 'Key', `Encrypts the Bedrock guardrail ${this.node.path}`, props.removalPolicy ?? RemovalPolicy.RETAIN);

    this.cfnGuardrail = new bedrock.CfnGuardrail(this, 'Resource', {
      name: Names.uniqueResourceName(this, { maxLength: 50, separator: '-' }),
      description: props.description ?? `Guardrail ${this.node.path}`.slice(0, 200),
      blockedInputMessaging: blockedInput,
      blockedOutputsMessaging: blockedOutput,
      kmsKeyArn: this.encryptionKey.keyArn,
      contentPolicyConfig: {
        filtersConfig: contentFilters.map((f) => ({
          type: f.category,
          inputStrength: f.inputStrength,
          outputStrength: f.category === ContentFilterType.PROMPT_ATTACK ? FilterStrength.NONE : f.outputStrength ?? f.inputStrength,
        })),
      },
      topicPolicyConfig:
        topics.length > 0
          ? { topicsConfig: topics.map((t) => ({ name: t.name, definition: t.definition, examples: t.examples, type: 'DENY' })) }
          : undefined,
      wordPolicyConfig:
        props.profanityFilter !== false || words.length > 0
          ? {
              managedWordListsConfig: props.profanityFilter !== false ? [{ type: 'PROFANITY' }] : undefined,
              wordsConfig: words.length > 0 ? words.map((text) => ({ text })) : undefined,
            }
          : undefined,
      sensitiveInformationPolicyConfig:
        pii.length > 0 || regexes.length > 0
          ? {
              piiEntitiesConfig: pii.length > 0 ? pii.map((p) => ({ type: p.entity, action: p.action })) : undefined,
              regexesConfig: regexes.length > 0 ? regexes.map((r) => ({ name: r.name, pattern: r.pattern, action: r.action, description: r.description })) : undefined,
            }
          : undefined,
      contextualGroundingPolicyConfig: {
        filtersConfig: [
          { type: 'GROUNDING', threshold: this.groundingThreshold },
          { type: 'RELEVANCE', threshold: relevance },
        ],
      },
    });

    this.cfnVersion = new bedrock.CfnGuardrailVersion(this, 'Version', {
      guardrailIdentifier: this.cfnGuardrail.attrGuardrailId,
      // A hash of the configuration in the description makes CloudFormation publish a new version on change.
      description: `Configuration ${this.configurationHash()}`,
    });
    this.cfnVersion.node.addDependency(this.cfnGuardrail);
    this.guardrailId = this.cfnGuardrail.attrGuardrailId;
    this.guardrailArn = this.cfnGuardrail.attrGuardrailArn;
    this.guardrailVersion = this.cfnVersion.attrVersion;
  }

  /** A short hash of the guardrail's configuration (tokens hashed as their CloudFormation expression). */
  private configurationHash(): string {
    const props = Stack.of(this).resolve((this.cfnGuardrail as any).cfnProperties);
    delete props.name;
    return createHash('sha256').update(JSON.stringify(props)).digest('hex').slice(0, 16);
  }

  /** The filter with `category` set from `category` or the deprecated `type` (exactly one of them). */
  private normalizeFilter(f: ContentFilter, i: number): ContentFilter & { readonly category: ContentFilterType } {
    if ((f.category === undefined) === (f.type === undefined)) {
      throw new GenAIValidationError(this, `contentFilters[${i}].category`, { category: f.category, type: f.type }, 'exactly one of category or the deprecated type');
    }
    return { ...f, category: (f.category ?? f.type)! };
  }

  /** The filter with `entity` set from `entity` or the deprecated `type` (exactly one of them). */
  private normalizePii(p: PiiEntityFilter, i: number): PiiEntityFilter & { readonly entity: PiiEntityType } {
    if ((p.entity === undefined) === (p.type === undefined)) {
      throw new GenAIValidationError(this, `piiEntities[${i}].entity`, { entity: p.entity, type: p.type }, 'exactly one of entity or the deprecated type');
    }
    return { ...p, entity: (p.entity ?? p.type)! };
  }

  private validateContentFilters<T extends ContentFilter & { readonly category: ContentFilterType }>(filters: T[]): T[] {
    const seen = new Set<string>();
    const types = Object.values(ContentFilterType) as string[];
    const strengths = Object.values(FilterStrength) as string[];
    for (const f of filters) {
      if (!types.includes(f.category)) throw new GenAIValidationError(this, 'contentFilters.category', f.category, `a ContentFilterType: ${types.join(', ')}`);
      if (seen.has(f.category)) throw new GenAIValidationError(this, 'contentFilters.category', f.category, 'each category at most once');
      seen.add(f.category);
      if (!strengths.includes(f.inputStrength)) throw new GenAIValidationError(this, 'contentFilters.inputStrength', f.inputStrength, `a FilterStrength: ${strengths.join(', ')}`);
      if (f.outputStrength !== undefined && !strengths.includes(f.outputStrength)) {
        throw new GenAIValidationError(this, 'contentFilters.outputStrength', f.outputStrength, `a FilterStrength: ${strengths.join(', ')}`);
      }
      if (f.category === ContentFilterType.PROMPT_ATTACK && f.outputStrength !== undefined && f.outputStrength !== FilterStrength.NONE) {
        throw new GenAIValidationError(this, 'contentFilters.outputStrength', `${f.outputStrength} (PROMPT_ATTACK)`, 'FilterStrength.NONE: Bedrock filters prompt attacks on input only');
      }
    }
    if (!filters.some((f) => f.category === ContentFilterType.PROMPT_ATTACK && f.inputStrength !== FilterStrength.NONE)) {
      throw new GenAIValidationError(this, 'contentFilters', filters.map((f) => f.category), 'a list that includes PROMPT_ATTACK with an input strength other than NONE');
    }
    return filters;
  }

  private validateTopics(topics: DeniedTopic[]): DeniedTopic[] {
    if (topics.length > 30) throw new GenAIValidationError(this, 'deniedTopics', `${topics.length} topics`, 'at most 30 topics');
    const names = new Set<string>();
    for (const t of topics) {
      if (!isUnresolved(t.name) && !TOPIC_NAME.test(t.name)) {
        throw new GenAIValidationError(this, 'deniedTopics.name', t.name, '1-100 letters, digits, spaces or -_!?.');
      }
      if (names.has(t.name)) throw new GenAIValidationError(this, 'deniedTopics.name', t.name, 'each name at most once');
      names.add(t.name);
      if (!isUnresolved(t.definition) && (t.definition.trim().length === 0 || t.definition.length > 200)) {
        throw new GenAIValidationError(this, 'deniedTopics.definition', t.definition, 'a non-blank definition of at most 200 characters');
      }
      const examples = t.examples ?? [];
      if (examples.length > 5 || examples.some((e) => !isUnresolved(e) && (e.length === 0 || e.length > 100))) {
        throw new GenAIValidationError(this, 'deniedTopics.examples', examples, 'at most 5 examples of 1-100 characters');
      }
    }
    return topics;
  }

  private validateSensitive(pii: (PiiEntityFilter & { readonly entity: PiiEntityType })[], regexes: SensitiveRegexFilter[]): void {
    const types = Object.values(PiiEntityType) as string[];
    const actions = Object.values(SensitiveInformationAction) as string[];
    const seen = new Set<string>();
    for (const p of pii) {
      if (!types.includes(p.entity)) throw new GenAIValidationError(this, 'piiEntities.entity', p.entity, 'a PiiEntityType');
      if (seen.has(p.entity)) throw new GenAIValidationError(this, 'piiEntities.entity', p.entity, 'each entity at most once');
      seen.add(p.entity);
      if (!actions.includes(p.action)) throw new GenAIValidationError(this, 'piiEntities.action', p.action, 'BLOCK or ANONYMIZE');
    }
    if (regexes.length > 10) throw new GenAIValidationError(this, 'sensitiveRegexes', `${regexes.length} patterns`, 'at most 10 patterns');
    for (const r of regexes) {
      if (!isUnresolved(r.name) && (r.name.length === 0 || r.name.length > 100)) throw new GenAIValidationError(this, 'sensitiveRegexes.name', r.name, '1-100 characters');
      if (!actions.includes(r.action)) throw new GenAIValidationError(this, 'sensitiveRegexes.action', r.action, 'BLOCK or ANONYMIZE');
      if (isUnresolved(r.pattern)) continue;
      if (r.pattern.length === 0 || r.pattern.length > 500) throw new GenAIValidationError(this, 'sensitiveRegexes.pattern', r.pattern, '1-500 characters');
      try {
        new RegExp(r.pattern);
      } catch {
        throw new GenAIValidationError(this, 'sensitiveRegexes.pattern', r.pattern, 'a valid regular expression');
      }
    }
  }
}
