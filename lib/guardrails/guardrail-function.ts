import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Acknowledgements, acknowledge, acknowledgeCrossStackReference, acknowledgeObjectWildcard } from '../core/acknowledgements';
import { createKey, createNotificationTopic, grantKeyVia, validateLogRetention } from '../core/encryption';
import { GenAIValidationError, validateRange } from '../core/errors';
import { SecureFunction } from '../core/secure-function';
import { DataZone } from '../data-lake/data-zone';
import { LAKE_WRITE_ACTIONS } from '../data-lake/private/actions';
import { PromptCatalog } from '../prompts/prompt-catalog';
import { ISecureDataLake } from '../data-lake/secure-data-lake';
import { IGuardrail } from './guardrail';
import { GuardrailStreamingOptions } from './guardrail-streaming';
import { BedrockInvocationLogging } from './invocation-logging';
import { CustomPattern, LocalCheckTypeAction } from './local-checks';
import { ModelTarget } from './model-target';
import { localChecksEnvironment } from './private/local-check-config';
import { createStreamFunction } from './private/stream-function';
import { REVIEW_QUEUE_ACTIONS, TRACE_KEY_ACTIONS } from './private/actions';

/** The CloudWatch namespace of the guardrail function's metrics (embedded metric format). */
const GUARDRAIL_METRICS_NAMESPACE = 'GenAI/Guardrail';
/** The KMS encryption context of every trace data key (the function can only create keys with it). */
const TRACE_ENCRYPTION_PURPOSE = 'genai-guardrail-trace';

/** Properties of {@link GuardrailFunction}. */
export interface GuardrailFunctionProps {
  /** The guardrail applied to every prompt and answer. */
  readonly guardrail: IGuardrail;
  /** The model behind the function. */
  readonly modelTarget: ModelTarget;
  /** The lake whose INFERENCE_CAPTURE zone receives the trace records. */
  readonly dataLake: ISecureDataLake;
  /**
   * Key prefix of trace records in the INFERENCE_CAPTURE zone (ends with `/`).
   * @default 'guardrail-traces/'
   */
  readonly tracePrefix?: string;
  /**
   * Key prefix of the generation records in the INFERENCE_CAPTURE zone: one empty object per answered or
   * refused request (`<prefix><request id>`) holding only the SHA-256 of the caller, which `GenAIApi`
   * checks before it accepts feedback for that request id. Must not overlap `tracePrefix`.
   * @default 'guardrail-generations/'
   */
  readonly generationRecordPrefix?: string;
  /**
   * How long after a generation feedback on it is accepted; generation records expire one day later
   * (lifecycle rule on the trace bucket when this stack owns it).
   * @default Duration.days(30)
   */
  readonly feedbackWindow?: Duration;
  /**
   * The KMS key prompts and answers in traces are envelope-encrypted with. The function can only create
   * data keys with it; reading a prompt needs `kms:Decrypt`, granted separately (`traceKey.grantDecrypt`).
   * @default - a new customer-managed key with rotation, used for nothing else
   */
  readonly traceKey?: kms.IKey;
  /**
   * Key for the function's logs and environment and for the review queues.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Largest answer length a request may ask for (and the default), in tokens.
   * @default 1024
   */
  readonly maxTokens?: number;
  /**
   * Answers whose grounding score is below this (0 to 1) are sent to human review even when the guardrail
   * let them pass. Set it above the guardrail's grounding threshold.
   * @default 0.85
   */
  readonly groundingReviewThreshold?: number;
  /**
   * Timeout of one model call.
   * @default Duration.seconds(20)
   */
  readonly modelTimeout?: Duration;
  /**
   * Timeout of one ApplyGuardrail call.
   * @default Duration.seconds(5)
   */
  readonly guardrailTimeout?: Duration;
  /**
   * Largest request body, in bytes (larger bodies get a 413).
   * @default 262144 (256 KiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * Function timeout (must leave room for two guardrail calls and the model call).
   * @default Duration.seconds(29) (the API Gateway integration limit)
   */
  readonly timeout?: Duration;
  /**
   * Memory of the function, in MiB (128 to 10240).
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Concurrent executions reserved for (and capping) the function.
   * @default 20
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * How long human-review messages are kept.
   * @default Duration.days(14)
   */
  readonly reviewRetention?: Duration;
  /**
   * The block-rate alarm fires when this percentage of requests is refused (input or output), in two of three
   * five-minute periods.
   * @default 20
   */
  readonly blockRateAlarmPercent?: number;
  /**
   * The ungrounded-rate alarm fires when this percentage of grounding checks is below the review threshold,
   * in two of three five-minute periods.
   * @default 10
   */
  readonly ungroundedRateAlarmPercent?: number;
  /**
   * Requests in a period below which the rate alarms do not fire (avoids 1 of 1 = 100%).
   * @default 20
   */
  readonly alarmMinimumRequests?: number;
  /**
   * Where alarms notify.
   * @default - a new encrypted SNS topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Turn on Bedrock model invocation logging (metadata only: model, caller, token counts, latency; no
   * prompt or answer text) into the lake (Bedrock targets only). The setting is one per account and
   * region: a stack holds at most one, and a deployment that finds a configuration someone else set
   * fails with a message naming it unless `takeOverAccountSettings`. Turn it off when another stack or a
   * landing zone manages it.
   * @default true for the first GuardrailFunction with a Bedrock target in the stack, false otherwise
   */
  readonly invocationLogging?: boolean;
  /**
   * Replace the account's Bedrock invocation logging configuration when someone else set it, instead of
   * failing the deployment.
   * @default false
   */
  readonly takeOverAccountSettings?: boolean;
  /**
   * Retention of the function's encrypted log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Removal policy of the keys, queues and log groups this construct creates.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The VPC to run the function in (it needs a route to the Bedrock runtime, SageMaker runtime, S3, KMS and SQS APIs).
   * @default - not in a VPC (the function only calls AWS APIs)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` for the function (ignored without `vpc`).
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * What the local checks do per finding type (block, redact or allow).
   * @default - secrets, prompt injection and denied words BLOCK; PII (e-mail, phone, SSN, card, IBAN, IP) REDACT
   */
  readonly localCheckActions?: LocalCheckTypeAction[];
  /**
   * Values the local checks never report: an exact value (any case, spacing ignored) or a domain, which allows
   * its e-mail addresses and URLs (e.g. the company's own `example.com`). At most 100 entries.
   * @default - none
   */
  readonly localCheckAllowList?: string[];
  /**
   * Words and phrases the local checks report as `DENIED_WORD` (whole words, any case, also when written with
   * look-alike letters, spacing or leetspeak). At most 200 entries of 100 characters.
   * @default - none
   */
  readonly deniedWords?: string[];
  /**
   * Patterns of the deployment's own (RE2 syntax, bounded repetitions only, linear time), each reported under
   * its name. A pattern RE2 would reject (lookaround, backreferences ...), an unbounded repetition (`+`, `*`,
   * `{n,}`) or a pattern that could backtrack too much fails synth (see `CustomPattern.pattern`). At most 20.
   * @default - none
   */
  readonly customPatterns?: CustomPattern[];
  /**
   * Region of phone numbers written without a country code (ISO 3166 alpha-2).
   * @default 'US'
   */
  readonly phoneDefaultRegion?: string;
  /**
   * Prompt templates callers may name (`{ "template": "<name>", "variables": { ... } }`): the function may
   * read exactly the catalog's prompts. Add every template before passing the catalog.
   * @default - no templates: requests send a raw prompt
   */
  readonly promptCatalog?: PromptCatalog;
  /**
   * Accept raw prompts (`{ "prompt": "..." }`). Set false to serve templates only (needs `promptCatalog`).
   * @default true
   */
  readonly allowRawPrompts?: boolean;
  /**
   * Add a streaming entry point (`streamFunction`, for `POST /v1/generate/stream`): the same checks, with
   * the answer sent as it is generated.
   * @default - no streaming entry point
   */
  readonly streaming?: GuardrailStreamingOptions;
}

/**
 * The Lambda function in front of a model: validates the request, runs local checks (PII redaction,
 * secrets, prompt injection) and the Bedrock guardrail on the prompt, invokes the model, runs the guardrail
 * (with contextual grounding) and local checks on the answer, and answers or refuses naming the policy.
 *
 * Every request leaves a trace in the INFERENCE_CAPTURE zone with prompt and answer envelope-encrypted under
 * a dedicated key; blocked and weakly grounded answers go to an encrypted review queue; metrics (embedded
 * metric format) feed alarms on a rising block rate and ungrounded rate. Use `function` as the integration
 * of `POST /v1/generate` (`GenAIApi`), and with `streaming`, `streamFunction` as that of
 * `POST /v1/generate/stream`.
 */
export class GuardrailFunction extends Construct {
  /** The CloudWatch namespace of the function's metrics. */
  public static readonly METRICS_NAMESPACE: string = GUARDRAIL_METRICS_NAMESPACE;
  /** The `purpose` of the KMS encryption context of every trace (what a reviewer's decrypt must name). */
  public static readonly TRACE_ENCRYPTION_PURPOSE: string = TRACE_ENCRYPTION_PURPOSE;

  /** The Lambda function. */
  public readonly function: lambda.IFunction;
  /**
   * The streaming entry point (with `streaming`): the same bundle's `streamHandler`, role and configuration,
   * its own timeout and concurrency. Metrics and alarms cover both functions.
   */
  public readonly streamFunction?: lambda.IFunction;
  /** Its role (shared by the streaming entry point). */
  public readonly role: iam.IRole;
  /** The key that encrypts prompts and answers in traces. */
  public readonly traceKey: kms.IKey;
  /** The key of logs, environment and queues. */
  public readonly encryptionKey: kms.IKey;
  /** Blocked and weakly grounded answers (messages hold the request id and trace location, never text). */
  public readonly reviewQueue: sqs.IQueue;
  /** Review messages that were received five times without being deleted. */
  public readonly reviewDeadLetterQueue: sqs.IQueue;
  /** The bucket of trace records (the lake's INFERENCE_CAPTURE zone). */
  public readonly traceBucket: s3.IBucket;
  /** The key prefix of trace records in `traceBucket` (ends with `/`). */
  public readonly tracePrefix: string;
  /** The `service` dimension of the function's metrics. */
  public readonly metricsServiceName: string;
  /** The guardrail applied to every prompt and answer (and, through `GenAIApi`, to feedback). */
  public readonly guardrail: IGuardrail;
  /** The key prefix of generation records in `traceBucket` (ends with `/`). */
  public readonly generationRecordPrefix: string;
  /** How long after a generation feedback on it is accepted. */
  public readonly feedbackWindow: Duration;
  /** Where the alarms notify. */
  public readonly alarmTopic: sns.ITopic;
  /** Block rate, ungrounded rate and trace/review recording errors. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** Bedrock invocation logging, when turned on. */
  public readonly invocationLogging?: BedrockInvocationLogging;

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the function's properties
   */
  constructor(scope: Construct, id: string, props: GuardrailFunctionProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const maxTokens = props.maxTokens ?? 1024;
    validateRange(this, 'maxTokens', maxTokens, 1, 32768, { integer: true });
    const reviewThreshold = props.groundingReviewThreshold ?? 0.85;
    validateRange(this, 'groundingReviewThreshold', reviewThreshold, 0, 1);
    const maxBodyBytes = props.maxBodyBytes ?? 256 * 1024;
    validateRange(this, 'maxBodyBytes', maxBodyBytes, 1024, 6 * 1024 * 1024, { integer: true });
    const blockRate = props.blockRateAlarmPercent ?? 20;
    validateRange(this, 'blockRateAlarmPercent', blockRate, 1, 100);
    const ungroundedRate = props.ungroundedRateAlarmPercent ?? 10;
    validateRange(this, 'ungroundedRateAlarmPercent', ungroundedRate, 1, 100);
    const minRequests = props.alarmMinimumRequests ?? 20;
    validateRange(this, 'alarmMinimumRequests', minRequests, 1, 1_000_000, { integer: true });
    validateLogRetention(this, 'logRetention', props.logRetention);
    const timeout = props.timeout ?? Duration.seconds(29);
    const modelTimeout = props.modelTimeout ?? Duration.seconds(20);
    const guardrailTimeout = props.guardrailTimeout ?? Duration.seconds(5);
    for (const [name, d] of [
      ['timeout', timeout],
      ['modelTimeout', modelTimeout],
      ['guardrailTimeout', guardrailTimeout],
    ] as const) {
      if (!d.isUnresolved() && (d.toMilliseconds() < 1000 || d.toMilliseconds() > 900_000)) {
        throw new GenAIValidationError(this, name, d.toHumanString(), 'from 1 second to 15 minutes');
      }
    }
    if (!timeout.isUnresolved() && !modelTimeout.isUnresolved() && !guardrailTimeout.isUnresolved() && modelTimeout.toMilliseconds() + 2 * guardrailTimeout.toMilliseconds() > timeout.toMilliseconds() + 6000) {
      throw new GenAIValidationError(
        this,
        'modelTimeout',
        `${modelTimeout.toHumanString()} + 2 x ${guardrailTimeout.toHumanString()}`,
        `at most the function timeout (${timeout.toHumanString()}) plus 6 seconds: a slow call must end before the function does so the trace is still written`,
      );
    }
    const localChecks = localChecksEnvironment(this, props);
    const prefix = props.tracePrefix ?? 'guardrail-traces/';
    if (!Token.isUnresolved(prefix) && !/^([A-Za-z0-9!_.*'()-]+\/)+$/.test(prefix)) {
      throw new GenAIValidationError(this, 'tracePrefix', prefix, "a key prefix of safe characters ending with '/', e.g. 'guardrail-traces/'");
    }
    this.tracePrefix = prefix;
    this.traceBucket = props.dataLake.bucket(DataZone.INFERENCE_CAPTURE);
    this.guardrail = props.guardrail;
    const generationPrefix = props.generationRecordPrefix ?? 'guardrail-generations/';
    if (!Token.isUnresolved(generationPrefix)) {
      if (!/^([A-Za-z0-9!_.*'()-]+\/)+$/.test(generationPrefix)) {
        throw new GenAIValidationError(this, 'generationRecordPrefix', generationPrefix, "a key prefix of safe characters ending with '/', e.g. 'guardrail-generations/'");
      }
      if (!Token.isUnresolved(prefix) && (generationPrefix.startsWith(prefix) || prefix.startsWith(generationPrefix))) {
        throw new GenAIValidationError(this, 'generationRecordPrefix', generationPrefix, `a prefix that does not overlap tracePrefix (${prefix})`);
      }
    }
    this.generationRecordPrefix = generationPrefix;
    this.feedbackWindow = props.feedbackWindow ?? Duration.days(30);
    if (!this.feedbackWindow.isUnresolved()) {
      const days = this.feedbackWindow.toDays({ integral: false });
      if (!Number.isInteger(days) || days < 1 || days > 365) {
        throw new GenAIValidationError(this, 'feedbackWindow', this.feedbackWindow.toHumanString(), 'a whole number of days from 1 to 365');
      }
    }

    this.encryptionKey = props.encryptionKey ?? createKey(this, 'Key', `Encrypts the logs and queues of ${this.node.path}`, removalPolicy);
    this.traceKey = props.traceKey ?? createKey(this, 'TraceKey', `Envelope-encrypts prompts and answers in the traces of ${this.node.path}`, removalPolicy);

    this.reviewDeadLetterQueue = new sqs.Queue(this, 'ReviewDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    acknowledge(this.reviewDeadLetterQueue, Acknowledgements.deadLetterQueue);
    acknowledgeCrossStackReference(this.reviewDeadLetterQueue);
    this.reviewQueue = new sqs.Queue(this, 'ReviewQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: props.reviewRetention ?? Duration.days(14),
      visibilityTimeout: Duration.minutes(15),
      deadLetterQueue: { queue: this.reviewDeadLetterQueue, maxReceiveCount: 5 },
      removalPolicy,
    });
    acknowledgeCrossStackReference(this.reviewQueue);

    this.metricsServiceName = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    const fn = new SecureFunction(this, 'Resource', {
      handlerName: 'guardrail',
      description: `Guardrail in front of the model: local checks, Bedrock guardrail in and out, trace, review (${this.node.path})`.slice(0, 256),
      encryptionKey: this.encryptionKey,
      timeout,
      memorySize: props.memorySize ?? 1024,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? 20,
      logRetention: props.logRetention,
      removalPolicy,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
    });
    this.function = fn.function;
    this.role = fn.role;
    // The streaming entry point: the same role, and every variable added to `fn` below is added to it too.
    if (props.streaming) {
      this.streamFunction = createStreamFunction(this, props.streaming, {
        buffered: fn.function,
        role: fn.role,
        modelTarget: props.modelTarget,
        encryptionKey: this.encryptionKey,
        guardrailTimeout,
        memorySize: props.memorySize ?? 1024,
        logRetention: props.logRetention,
        removalPolicy,
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
      });
    }

    // Permissions, each on exactly one resource.
    props.guardrail.grantApply(fn.role);
    const target = props.modelTarget._bind(this, fn.role);
    const traceGrant = iam.Grant.addToPrincipal({ grantee: fn.role, actions: [...TRACE_KEY_ACTIONS], resourceArns: [this.traceKey.keyArn] });
    traceGrant.principalStatement?.addCondition('StringEquals', {
      'kms:EncryptionContext:purpose': TRACE_ENCRYPTION_PURPOSE,
      'kms:EncryptionContext:bucket': this.traceBucket.bucketName,
    });
    props.dataLake.grantWrite(fn.role, DataZone.INFERENCE_CAPTURE, prefix);
    props.dataLake.grantWrite(fn.role, DataZone.INFERENCE_CAPTURE, generationPrefix);
    expireGenerationRecords(this.traceBucket, generationPrefix, this.feedbackWindow);
    iam.Grant.addToPrincipal({ grantee: fn.role, actions: [...REVIEW_QUEUE_ACTIONS], resourceArns: [this.reviewQueue.queueArn] });
    grantKeyVia(this.encryptionKey, fn.role, ['sqs'], 'kms:GenerateDataKey', 'kms:Decrypt');
    acknowledgeObjectWildcard(fn.role, this.traceBucket.arnForObjects(`${prefix}*`), 'the function writes one trace object per request under its trace prefix', LAKE_WRITE_ACTIONS);
    acknowledgeObjectWildcard(
      fn.role,
      this.traceBucket.arnForObjects(`${generationPrefix}*`),
      'the function writes one generation record (request id, caller hash) per answered request under its generation prefix',
      LAKE_WRITE_ACTIONS,
    );

    fn.function.addEnvironment('GUARDRAIL_ID', props.guardrail.guardrailId);
    fn.function.addEnvironment('GUARDRAIL_VERSION', props.guardrail.guardrailVersion);
    for (const [k, v] of Object.entries(target.environment)) fn.function.addEnvironment(k, v);
    fn.function.addEnvironment('TRACE_BUCKET', this.traceBucket.bucketName);
    fn.function.addEnvironment('TRACE_PREFIX', prefix);
    fn.function.addEnvironment('GENERATION_PREFIX', generationPrefix);
    fn.function.addEnvironment('TRACE_KEY_ARN', this.traceKey.keyArn);
    fn.function.addEnvironment('REVIEW_QUEUE_URL', this.reviewQueue.queueUrl);
    fn.function.addEnvironment('GROUNDING_REVIEW_THRESHOLD', String(reviewThreshold));
    fn.function.addEnvironment('MAX_TOKENS', String(maxTokens));
    fn.function.addEnvironment('MAX_BODY_BYTES', String(maxBodyBytes));
    fn.function.addEnvironment('MODEL_TIMEOUT_MS', String(modelTimeout.toMilliseconds()));
    fn.function.addEnvironment('GUARDRAIL_TIMEOUT_MS', String(guardrailTimeout.toMilliseconds()));
    fn.function.addEnvironment('POWERTOOLS_METRICS_NAMESPACE', GUARDRAIL_METRICS_NAMESPACE);
    fn.function.addEnvironment('POWERTOOLS_SERVICE_NAME', this.metricsServiceName);
    if (localChecks) fn.function.addEnvironment('LOCAL_CHECKS', localChecks);

    // Prompt templates: read access to the catalog's prompts (and its bound model), the catalog in the environment.
    if (props.allowRawPrompts === false && !props.promptCatalog) {
      throw new GenAIValidationError(this, 'allowRawPrompts', false, 'false only with a promptCatalog (without templates no request could be served)');
    }
    if (props.promptCatalog) {
      for (const [k, v] of Object.entries(props.promptCatalog._bind(this, fn.role, maxTokens))) fn.function.addEnvironment(k, v);
    }
    if (props.allowRawPrompts === false) fn.function.addEnvironment('ALLOW_RAW_PROMPTS', 'false');

    if (props.invocationLogging === true && !target.isBedrock) {
      throw new GenAIValidationError(this, 'invocationLogging', true, 'true only with a Bedrock model target (SageMaker endpoints capture data themselves)');
    }
    // One setting per account and region, so one per stack: by default only the stack's first Bedrock
    // target turns it on (an explicit `true` on a second one is a synth error).
    const stackHasLogging = Stack.of(this)
      .node.findAll()
      .some((c) => c instanceof BedrockInvocationLogging);
    if (props.invocationLogging ?? (target.isBedrock && !stackHasLogging)) {
      this.invocationLogging = new BedrockInvocationLogging(this, 'InvocationLogging', {
        dataLake: props.dataLake,
        encryptionKey: this.encryptionKey,
        removalPolicy,
        takeOverAccountSettings: props.takeOverAccountSettings,
      });
    }

    this.alarmTopic = props.alarmTopic ?? createNotificationTopic(this, 'AlarmTopic', this.encryptionKey, 'GenAI guardrail alarms');
    this.createAlarms(blockRate, ungroundedRate, minRequests);
  }

  /**
   * Lets the grantee read the generation records (`s3:GetObject`, used for HEAD: a record has no body,
   * only the caller's SHA-256 in its metadata), e.g. the feedback function of `GenAIApi`.
   *
   * @param grantee the principal to grant
   */
  public grantReadGenerationRecords(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [this.traceBucket.arnForObjects(`${this.generationRecordPrefix}*`)] });
  }

  /**
   * A metric the function emits (`Requests`, `Blocked`, `InputBlocked`, `OutputBlocked`, `GroundingChecks`,
   * `Ungrounded`, `GroundingScore`, `DownstreamErrors`, `ModelThrottles` ...).
   *
   * @param metricName the metric's name in the `GenAI/Guardrail` namespace
   * @param props options that override the defaults (sum per 5 minutes, `service` dimension set)
   */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: GUARDRAIL_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: this.metricsServiceName },
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
      ...props,
    });
  }

  /**
   * Percentage of requests refused by a policy (input or output), per 5 minutes.
   *
   * @param minRequests fewest requests in a period for the rate to be computed, periods with fewer show 0% (1 when omitted)
   */
  public metricBlockRate(minRequests = 1): cloudwatch.MathExpression {
    return this.rate('Blocked', 'Requests', minRequests, 'Block rate (%)');
  }

  /**
   * Percentage of grounding checks below the review threshold, per 5 minutes.
   *
   * @param minChecks fewest grounding checks in a period for the rate to be computed, periods with fewer show 0% (1 when omitted)
   */
  public metricUngroundedRate(minChecks = 1): cloudwatch.MathExpression {
    return this.rate('Ungrounded', 'GroundingChecks', minChecks, 'Ungrounded rate (%)');
  }

  private rate(numerator: string, denominator: string, minimum: number, label: string): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: `IF(FILL(d, 0) >= ${minimum}, 100 * FILL(n, 0) / d, 0)`,
      usingMetrics: { n: this.metric(numerator), d: this.metric(denominator) },
      label,
      period: Duration.minutes(5),
    });
  }

  private createAlarms(blockRate: number, ungroundedRate: number, minRequests: number): void {
    const action = new cwActions.SnsAction(this.alarmTopic);
    const add = (id: string, metric: cloudwatch.IMetric, threshold: number, datapoints: number, description: string) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 3,
        datapointsToAlarm: datapoints,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    };
    add('BlockRateAlarm', this.metricBlockRate(minRequests), blockRate, 2, `${blockRate}% or more of the requests to ${this.node.path} were refused by a policy: an attack, a misbehaving client or a model change.`);
    add('UngroundedRateAlarm', this.metricUngroundedRate(minRequests), ungroundedRate, 2, `${ungroundedRate}% or more of the grounded answers of ${this.node.path} scored below the grounding review threshold: the model hallucinates or the sources are stale.`);
    add(
      'ModelThrottlesAlarm',
      this.metric('ModelThrottles'),
      10,
      2,
      `The model behind ${this.node.path} refused 10 or more calls in 5 minutes for their rate (throttling): callers get 503s. Raise the endpoint's maxCapacity or the Bedrock quota.`,
    );
    add(
      'RecordingErrorsAlarm',
      new cloudwatch.MathExpression({
        expression: 'FILL(t, 0) + FILL(r, 0)',
        usingMetrics: { t: this.metric('TraceWriteErrors'), r: this.metric('ReviewQueueErrors') },
        label: 'Trace and review errors',
        period: Duration.minutes(5),
      }),
      1,
      1,
      `${this.node.path} could not write a trace record or a review message: answers are not being recorded.`,
    );
  }
}

/** The generation-record prefixes that already expire, per bucket (one lifecycle rule each). */
const expiringPrefixes = new WeakMap<s3.IBucket, Set<string>>();

/**
 * Expires generation records one day after the feedback window on a bucket this app defines (an imported
 * bucket's owner adds the rule; the feedback function checks the window itself either way).
 */
function expireGenerationRecords(bucket: s3.IBucket, prefix: string, window: Duration): void {
  if (!(bucket instanceof s3.Bucket) || Token.isUnresolved(prefix) || window.isUnresolved()) return;
  const prefixes = expiringPrefixes.get(bucket) ?? new Set<string>();
  if (prefixes.has(prefix)) return;
  prefixes.add(prefix);
  expiringPrefixes.set(bucket, prefixes);
  bucket.addLifecycleRule({ id: `ExpireGenerationRecords-${prefix.replace(/\/$/, '').replace(/\//g, '-')}`, prefix, expiration: Duration.days(window.toDays() + 1) });
}
