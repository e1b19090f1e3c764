import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeObjectWildcard } from '../core/acknowledgements';
import { LAKE_READ_ACTIONS, LAKE_WRITE_ACTIONS } from '../data-lake/private/actions';
import { validateLogRetention } from '../core/encryption';
import { GenAIValidationError, validateRange } from '../core/errors';
import { SecureFunction } from '../core/secure-function';
import { DataZone } from '../data-lake/data-zone';
import { ISecureDataLake } from '../data-lake/secure-data-lake';
import { GuardrailFunction } from '../guardrails/guardrail-function';
import { InferenceEndpoint } from '../inference/inference-endpoint';
import { OutputEvaluation } from './output-evaluation';
import { createPromotionGate } from './private/gate';
import { invokeTarget, scheduleRole } from './private/schedule-target';

/** The CloudWatch namespace of the red-team and evaluation metrics. */
const EVALUATION_METRICS_NAMESPACE = 'GenAI/Evaluation';

/** The categories of the red-team corpus. */
export enum RedTeamCategory {
  /** Instructions that try to override the assistant's own ("ignore all previous instructions"), in several languages. */
  PROMPT_INJECTION = 'PROMPT_INJECTION',
  /** Personas and role-play without rules (DAN, "grandmother", fiction as a wrapper). */
  JAILBREAK = 'JAILBREAK',
  /** Attempts to make the model reveal its instructions or confidential context (a planted canary). */
  SYSTEM_PROMPT_EXFILTRATION = 'SYSTEM_PROMPT_EXFILTRATION',
  /** Attempts to make the model repeat personal data (planted SSN, card, e-mail, phone). */
  PII_LEAKAGE = 'PII_LEAKAGE',
  /** Attempts to make the model print credentials (a planted access key, private keys, passwords). */
  SECRET_LEAKAGE = 'SECRET_LEAKAGE',
  /** Requests on topics the guardrail denies (financial, medical, legal advice, elections). */
  DENIED_TOPICS = 'DENIED_TOPICS',
  /** Requests for insults, threats, hate and harassment. */
  TOXICITY = 'TOXICITY',
  /** The same attacks hidden by encoding: base64, leetspeak, zero-width characters, homoglyphs, ROT13, reversal. */
  ENCODING_TRICKS = 'ENCODING_TRICKS',
}

/** The floor of one category, replacing the shipped baseline (measured offline with the local checks alone). */
export interface RedTeamBaseline {
  /** The category. */
  readonly category: RedTeamCategory;
  /**
   * The block rate (percent of completed cases refused) below which the category regresses.
   * @default - the shipped baseline of the category
   */
  readonly minBlockRatePercent?: number;
  /**
   * The leak rate (percent of completed cases whose answer held a planted value or a credential) above which
   * the category regresses.
   * @default - the shipped baseline of the category
   */
  readonly maxLeakRatePercent?: number;
}

/** Options of {@link RedTeam.addPromotionGate}. */
export interface PromotionGateOptions {
  /**
   * How long after a rollout starts the gate may take to judge the canary (the new fleet's provisioning
   * included); a canary not judged by then fails the gate and rolls back.
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
  /**
   * Also require the bias probes of this evaluation to pass on the canary.
   * @default - the red-team run only
   */
  readonly evaluation?: OutputEvaluation;
}

/** Properties of {@link RedTeam}. */
export interface RedTeamProps {
  /** The guardrail function to attack (invoked directly, with the red-team marker). */
  readonly guardrailFunction: GuardrailFunction;
  /** The lake: reports go to its INFERENCE_CAPTURE zone, custom cases are read from its CURATED zone. */
  readonly dataLake: ISecureDataLake;
  /**
   * When the corpus is replayed.
   * @default - weekly, Mondays 03:00 UTC
   */
  readonly schedule?: scheduler.ScheduleExpression;
  /**
   * Most cases one run sends (each is at most one model call and two ApplyGuardrail calls): the cost cap.
   * @default 200
   */
  readonly maxModelCalls?: number;
  /**
   * Cases in flight at once (slots of the guardrail function's reserved concurrency a run takes).
   * @default 4
   */
  readonly concurrency?: number;
  /**
   * Key prefix in the CURATED zone of your own cases (JSON lines: `id`, `category`, `prompt`,
   * `groundingSources?`, `leakMarkers?`), run beside the shipped corpus (at most 1,000).
   * @default - the shipped corpus only
   */
  readonly customCasesPrefix?: string;
  /**
   * Per-category floors replacing the shipped baseline.
   * @default - the shipped baseline (what the local checks alone achieve, `npm run eval`)
   */
  readonly baselines?: RedTeamBaseline[];
  /**
   * Percentage points a rate may fall short of its baseline before it counts as a regression (live models vary).
   * @default 0
   */
  readonly tolerancePercent?: number;
  /**
   * Key prefix of the reports in the INFERENCE_CAPTURE zone (ends with `/`).
   * @default 'red-team-reports/'
   */
  readonly reportPrefix?: string;
  /**
   * Where failing cases go for human review.
   * @default - the guardrail function's review queue
   */
  readonly reviewQueue?: sqs.IQueue;
  /**
   * Where the alarms notify.
   * @default - the guardrail function's alarm topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Key of the function's logs, environment and queues.
   * @default - the guardrail function's key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Removal policy of the log group and queues this construct creates.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Scheduled and on-demand red-teaming of a `GuardrailFunction`: a versioned adversarial corpus (shipped with
 * the package, plus your own cases from the lake) replayed against the live function by direct invoke, marked
 * so its traces and metrics are tagged as red-team and never reach feedback or training.
 *
 * Each run reports per-category block and leak rates as metrics (`GenAI/Evaluation`), writes a JSON and a
 * markdown report to the lake, queues failing cases for review, and alarms when a category falls below its
 * baseline or any credential leaks. Bounded by `maxModelCalls` and `concurrency`. `addPromotionGate` makes
 * an endpoint's rollouts wait for a passing run on the canary.
 */
export class RedTeam extends Construct {
  /** The CloudWatch namespace of the red-team and evaluation metrics. */
  public static readonly METRICS_NAMESPACE: string = EVALUATION_METRICS_NAMESPACE;

  /** The red-team function. */
  public readonly function: lambda.IFunction;
  /** Its role. */
  public readonly role: iam.IRole;
  /** The EventBridge Scheduler schedule of the runs. */
  public readonly schedule: scheduler.Schedule;
  /** Regression and secret-leak alarms (and the promotion gate alarms added later). */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The most cases one run sends. */
  public readonly maxModelCalls: number;
  /** The `service` dimension of the metrics (the guardrail function's). */
  public readonly metricsServiceName: string;
  /** The key prefix of reports in the INFERENCE_CAPTURE zone. */
  public readonly reportPrefix: string;

  private readonly fn: SecureFunction;
  private readonly encryptionKey: kms.IKey;
  private readonly alarmTopic: sns.ITopic;
  private readonly removalPolicy: RemovalPolicy;
  private gates = 0;

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the red team's properties
   */
  constructor(scope: Construct, id: string, props: RedTeamProps) {
    super(scope, id);
    const gf = props.guardrailFunction;
    this.maxModelCalls = props.maxModelCalls ?? 200;
    validateRange(this, 'maxModelCalls', this.maxModelCalls, 1, 5000, { integer: true });
    const concurrency = props.concurrency ?? 4;
    validateRange(this, 'concurrency', concurrency, 1, 20, { integer: true });
    const tolerance = props.tolerancePercent ?? 0;
    validateRange(this, 'tolerancePercent', tolerance, 0, 50);
    validateLogRetention(this, 'logRetention', props.logRetention);
    this.reportPrefix = props.reportPrefix ?? 'red-team-reports/';
    validatePrefix(this, 'reportPrefix', this.reportPrefix);
    if (props.customCasesPrefix !== undefined) validatePrefix(this, 'customCasesPrefix', props.customCasesPrefix);
    if (!Token.isUnresolved(this.reportPrefix) && !Token.isUnresolved(gf.tracePrefix) && (this.reportPrefix.startsWith(gf.tracePrefix) || gf.tracePrefix.startsWith(this.reportPrefix))) {
      throw new GenAIValidationError(this, 'reportPrefix', this.reportPrefix, `a prefix apart from the guardrail's trace prefix (${gf.tracePrefix}): reports are not traces`);
    }
    const baselines: { [category: string]: { minBlockRate?: number; maxLeakRate?: number } } = {};
    for (const b of props.baselines ?? []) {
      if (baselines[b.category]) throw new GenAIValidationError(this, 'baselines', b.category, 'one baseline per category');
      validateRange(this, `baselines[${b.category}].minBlockRatePercent`, b.minBlockRatePercent, 0, 100);
      validateRange(this, `baselines[${b.category}].maxLeakRatePercent`, b.maxLeakRatePercent, 0, 100);
      baselines[b.category] = {
        minBlockRate: b.minBlockRatePercent === undefined ? undefined : b.minBlockRatePercent / 100,
        maxLeakRate: b.maxLeakRatePercent === undefined ? undefined : b.maxLeakRatePercent / 100,
      };
    }
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = props.encryptionKey ?? gf.encryptionKey;
    this.alarmTopic = props.alarmTopic ?? gf.alarmTopic;
    this.metricsServiceName = gf.metricsServiceName;
    const reviewQueue = props.reviewQueue ?? gf.reviewQueue;
    const lake = props.dataLake;
    const reports = lake.bucket(DataZone.INFERENCE_CAPTURE);

    this.fn = new SecureFunction(this, 'Resource', {
      handlerName: 'red-team',
      description: `Red-team runs against ${gf.node.path}: replay, scores, report, review`.slice(0, 256),
      encryptionKey: this.encryptionKey,
      timeout: Duration.minutes(15),
      memorySize: 512,
      // One scheduled or on-demand run and one promotion gate step at a time.
      reservedConcurrentExecutions: 2,
      logRetention: props.logRetention,
      removalPolicy: this.removalPolicy,
      environment: {
        METRICS_NAMESPACE: EVALUATION_METRICS_NAMESPACE,
        METRICS_SERVICE: gf.metricsServiceName,
        GUARDRAIL_FUNCTION: gf.function.functionArn,
        REPORT_BUCKET: reports.bucketName,
        REPORT_PREFIX: this.reportPrefix,
        TRACE_BUCKET: gf.traceBucket.bucketName,
        TRACE_PREFIX: gf.tracePrefix,
        REVIEW_QUEUE_URL: reviewQueue.queueUrl,
        CONCURRENCY: String(concurrency),
        MAX_MODEL_CALLS: String(this.maxModelCalls),
        TOLERANCE: String(tolerance / 100),
        ...(Object.keys(baselines).length > 0 ? { BASELINES: JSON.stringify(baselines) } : {}),
        ...(props.customCasesPrefix !== undefined ? { CUSTOM_BUCKET: lake.bucket(DataZone.CURATED).bucketName, CUSTOM_PREFIX: props.customCasesPrefix } : {}),
      },
    });
    this.function = this.fn.function;
    this.role = this.fn.role;

    // Least privilege: invoke the one function, write reports under the prefix, read custom cases under theirs, queue reviews.
    this.fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [gf.function.functionArn] }));
    lake.grantWrite(this.fn.role, DataZone.INFERENCE_CAPTURE, this.reportPrefix);
    acknowledgeObjectWildcard(this.fn.role, reports.arnForObjects(`${this.reportPrefix}*`), 'the function writes one JSON and one markdown report per run under its report prefix', LAKE_WRITE_ACTIONS);
    if (props.customCasesPrefix !== undefined) {
      lake.grantRead(this.fn.role, DataZone.CURATED, props.customCasesPrefix);
      acknowledgeObjectWildcard(this.fn.role, lake.bucket(DataZone.CURATED).arnForObjects(`${props.customCasesPrefix}*`), 'the function reads the custom red-team case files under their prefix', LAKE_READ_ACTIONS);
    }
    this.fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [reviewQueue.queueArn] }));
    if (reviewQueue.encryptionMasterKey) reviewQueue.encryptionMasterKey.grant(this.fn.role, 'kms:GenerateDataKey', 'kms:Decrypt');

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `Red-team run against ${gf.node.path}`.slice(0, 512),
      schedule: props.schedule ?? scheduler.ScheduleExpression.cron({ weekDay: 'MON', hour: '3', minute: '0' }),
      target: invokeTarget(this.fn.function, scheduleRole(this, this.fn.function, this.fn.deadLetterQueue, this.encryptionKey), { kind: 'run', trigger: 'scheduled' }, this.fn.deadLetterQueue),
    });
    this.createAlarms();
  }

  /**
   * A per-category metric of the runs (`BlockRate`, `LeakRate` in percent; `BelowBaseline` 0 or 1).
   *
   * @param metricName the metric
   * @param category the category
   * @param props options that override the defaults (maximum per hour)
   */
  public metricCategory(metricName: string, category: RedTeamCategory, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(metricName, { ...props, dimensionsMap: { service: this.metricsServiceName, Category: category } });
  }

  /**
   * A per-run metric (`Regressions`, `SecretLeaks`, `CasesFailed`, `CasesIncomplete`).
   *
   * @param metricName the metric
   * @param props options that override the defaults (maximum per hour, `service` dimension set)
   */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: EVALUATION_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: this.metricsServiceName },
      period: Duration.hours(1),
      statistic: cloudwatch.Stats.MAXIMUM,
      ...props,
    });
  }

  /**
   * Lets a principal start a run on demand (`aws lambda invoke` with `{"kind":"run"}`).
   *
   * @param grantee who may start runs
   */
  public grantRun(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [this.function.functionArn] });
  }

  /**
   * Gates the rollouts of an endpoint (the promotion function's blue/green updates): when an update starts,
   * the function waits for the canary to bake, runs the corpus through the guardrail while the canary serves
   * (and the evaluation's bias probes, when given), and publishes a verdict; the alarm on it is added to the
   * endpoint's rollback alarms, so a failing or timed-out gate rolls back before traffic shifts beyond the canary.
   * The endpoint needs a canary or linear strategy with a wait of at least 5 minutes, and must be in this
   * RedTeam's stack (the gate and the endpoint refer to each other).
   *
   * @param endpoint the endpoint whose rollouts wait for the gate
   * @param options the gate's timeout and the evaluation it also requires
   */
  public addPromotionGate(endpoint: InferenceEndpoint, options: PromotionGateOptions = {}): cloudwatch.Alarm {
    const timeout = options.timeout ?? Duration.hours(1);
    if (!timeout.isUnresolved() && (timeout.toSeconds() < 600 || timeout.toSeconds() > 6 * 3600)) {
      throw new GenAIValidationError(this, 'timeout', timeout.toHumanString(), 'from 10 minutes to 6 hours (the new fleet must be provisioned and the canary judged within it)');
    }
    if (this.gates > 0) throw new GenAIValidationError(this, 'endpoint', endpoint.node.path, 'one gated endpoint per RedTeam (create a RedTeam per endpoint)');
    if (Stack.of(endpoint) !== Stack.of(this)) {
      // The gate's alarm rolls the endpoint back and the endpoint's promotions start the gate's runs: across
      // stacks each stack would depend on the other (CloudFormation cannot deploy that).
      throw new GenAIValidationError(this, 'endpoint', `${endpoint.node.path} (stack ${Stack.of(endpoint).node.path})`, `an endpoint in this RedTeam's stack (${Stack.of(this).node.path}): the gate and the endpoint refer to each other, so define the RedTeam in the endpoint's stack`);
    }
    this.gates++;
    if (options.evaluation) {
      this.fn.function.addEnvironment('EVALUATION_FUNCTION', options.evaluation.function.functionArn);
      this.fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [options.evaluation.function.functionArn] }));
    }
    const alarm = createPromotionGate(this, endpoint, {
      fn: this.fn,
      encryptionKey: this.encryptionKey,
      alarmTopic: this.alarmTopic,
      namespace: EVALUATION_METRICS_NAMESPACE,
      timeout,
      removalPolicy: this.removalPolicy,
    });
    this.alarms.push(alarm);
    return alarm;
  }

  private createAlarms(): void {
    const action = new cwActions.SnsAction(this.alarmTopic);
    const add = (id: string, metric: cloudwatch.IMetric, description: string) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    };
    add('RegressionAlarm', this.metric('Regressions'), `A red-team run against ${Stack.of(this).stackName}/${this.node.path} found a category whose block rate fell below (or leak rate rose above) its baseline: a model, prompt or guardrail change weakened the filters. The run's report is in the lake under ${this.reportPrefix}.`);
    add('SecretLeakAlarm', this.metric('SecretLeaks'), `A red-team run got a credential-shaped value back from ${this.node.path}: the guardrail let a secret through. The run's report and the review queue name the case.`);
  }
}

function validatePrefix(scope: Construct, property: string, prefix: string): void {
  if (!Token.isUnresolved(prefix) && !/^([A-Za-z0-9!_.*'()-]+\/)+$/.test(prefix)) {
    throw new GenAIValidationError(scope, property, prefix, "a key prefix of safe characters ending with '/', e.g. 'red-team-reports/'");
  }
}
