import { Annotations, Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AuditTrail } from '../audit/audit-trail';
import { createKey, createNotificationTopic } from '../core/encryption';
import { GenAIValidationError, isUnresolved } from '../core/errors';
import { validateTagValue } from '../core/names';
import { DataZone } from '../data-lake/data-zone';
import { ISecureDataLake, SecureDataLake } from '../data-lake/secure-data-lake';
import { DeploymentStrategy } from '../inference/deployment-strategy';
import { InferenceComponent } from '../inference/inference-component';
import { InferenceComponentEndpoint } from '../inference/inference-component-endpoint';
import { DriftMonitoringOptions, InferenceEndpoint, InferenceEndpointProps, ProductionVariantOptions } from '../inference/inference-endpoint';
import { IInferenceEndpoint } from '../inference/inference-endpoint-ref';
import { ModelSource } from '../inference/model-source';
import { ApiAuthorization, ApiWebAcl, GenAIApi } from '../api/gen-ai-api';
import { Guardrail, GuardrailProps, IGuardrail } from '../guardrails/guardrail';
import { GuardrailFunction } from '../guardrails/guardrail-function';
import { GuardrailStreamingOptions } from '../guardrails/guardrail-streaming';
import { ModelTarget } from '../guardrails/model-target';
import { PromptCatalog } from '../prompts/prompt-catalog';
import { QualityGate, TrainingImage, TrainingPipeline, TrainingPipelineProps } from '../training/training-pipeline';
import { OutputEvaluation } from '../evaluation/output-evaluation';
import { RedTeam, RedTeamBaseline, RedTeamCategory } from '../evaluation/red-team';
import { PlatformProfile } from './profile';

/** The fine-tuning part of the platform (see {@link TrainingPipeline} for what each option does). */
export interface PlatformTrainingOptions {
  /** The training container (e.g. an AWS Deep Learning Container with your code, or your own image). */
  readonly trainingImage: TrainingImage;
  /** The evaluation container, which writes the report the quality gate reads. */
  readonly evaluationImage: TrainingImage;
  /** The metric of the evaluation report a model must pass to be registered. */
  readonly qualityGate: QualityGate;
  /**
   * Entrypoint of the evaluation container, e.g. `['python3', '/opt/ml/processing/code/evaluate.py']` (the
   * code uploaded to `evaluationCodeLocation`).
   * @default - the evaluation image's entrypoint
   */
  readonly evaluationEntrypoint?: string[];
  /**
   * The evaluation image carries its own evaluation code: no code is mounted from `evaluationCodeLocation`.
   * (Either way the code never comes from the model archive, which the training job writes.)
   * @default false - the code under `evaluationCodeLocation` is mounted at `/opt/ml/processing/code`
   */
  readonly evaluationCodeInImage?: boolean;
  /**
   * Hyperparameters of the training job. With `sagemaker_program` (the script of an AWS Deep Learning
   * Container) and no `sagemaker_submit_directory`, the code is read from `trainingCodeLocation`.
   * @default - none
   */
  readonly hyperparameters?: { [name: string]: string };
  /**
   * Training instance type (an accelerated family, e.g. `ml.g5.xlarge`).
   * @default - the profile's `trainingInstanceType`
   */
  readonly instanceType?: string;
  /**
   * Number of training instances (more than one runs distributed training).
   * @default - the profile's `trainingInstanceCount`
   */
  readonly instanceCount?: number;
  /**
   * Use managed spot capacity for training (jobs may wait for capacity and resume from checkpoints).
   * @default - the profile's `trainingUseSpot`
   */
  readonly useSpot?: boolean;
  /**
   * Longest a training job may run.
   * @default - the profile's `trainingMaxRuntime`
   */
  readonly maxRuntime?: Duration;
  /**
   * Start the training pipeline on a schedule.
   * @default - the profile's `retrainSchedule`
   */
  readonly retrainSchedule?: events.Schedule;
  /**
   * Start a retraining (at most once per the profile's `retrainDebounce`) when new feedback arrives.
   * @default true
   */
  readonly retrainOnFeedback?: boolean;
  /**
   * The pipeline's name (see {@link TrainingPipelineProps.pipelineName}).
   * @default - generated from the construct path
   */
  readonly pipelineName?: string;
  /**
   * The name of the model package group (registry) the pipeline creates, which the platform endpoint
   * promotes from (see {@link TrainingPipelineProps.modelPackageGroupName}).
   * @default - generated from the construct path
   */
  readonly modelPackageGroupName?: string;
  /**
   * Accept a training or evaluation instance type newer than the library's instance tables (see
   * {@link TrainingPipelineProps.allowUnlistedInstanceType}).
   * @default false
   */
  readonly allowUnlistedInstanceType?: boolean;
}

/** The serving part of the platform (see {@link InferenceEndpoint}). */
export interface PlatformInferenceOptions {
  /**
   * What to serve from the first deployment on.
   * @default - nothing yet: the endpoint is created by the promotion function when the first version of the
   * training pipeline's model package group is approved
   */
  readonly model?: ModelSource;
  /**
   * The images of the registry versions the endpoint serves: its role may pull from exactly these images'
   * repositories (see `InferenceEndpointProps.modelPackageImages`).
   * @default - the training pipeline's inference image (its training image), or without training the
   * repositories of this account in this region
   */
  readonly modelPackageImages?: TrainingImage[];
  /**
   * Instance type of the endpoint (a GPU type: the platform sets `requireGpu`).
   * @default - the profile's `inferenceInstanceType`
   */
  readonly instanceType?: string;
  /**
   * Serve the model as an inference component of an {@link InferenceComponentEndpoint} (true) or from an
   * {@link InferenceEndpoint} (false). `variants`, `rollbackAlarmVariants`, `monitoring` and
   * `deploymentStrategy` are for the classic endpoint only; `minCopies` and `maxCopies` for components.
   * @default - the profile's `inferenceComponents`
   */
  readonly inferenceComponents?: boolean;
  /**
   * Fewest copies of the model's component (0: it scales to zero when idle).
   * @default - the profile's `inferenceMinCopies`
   */
  readonly minCopies?: number;
  /**
   * Most copies of the model's component.
   * @default - the profile's `inferenceMaxCopies`
   */
  readonly maxCopies?: number;
  /**
   * Fewest endpoint instances (with inference components: the fleet's `minInstanceCount`, which must stay 0
   * for a component that scales to zero).
   * @default - the profile's `inferenceMinCapacity`; 0 with inference components (the instances follow the copies)
   */
  readonly minCapacity?: number;
  /**
   * Most endpoint instances (with inference components: the fleet's `maxInstanceCount`).
   * @default - the profile's `inferenceMaxCapacity`
   */
  readonly maxCapacity?: number;
  /**
   * How a new model version replaces the running one.
   * @default - the profile's `deploymentStrategy`
   */
  readonly deploymentStrategy?: DeploymentStrategy;
  /**
   * Production variants (each must be a GPU type, and capacities default to the profile's).
   * @default - one variant on `instanceType`
   */
  readonly variants?: ProductionVariantOptions[];
  /**
   * Variants whose 5XX and p99 latency alarms roll a deployment back.
   * @default - every variant
   */
  readonly rollbackAlarmVariants?: string[];
  /**
   * Data-quality drift monitoring against a baseline in the lake (needs `model`).
   * @default - no drift monitoring
   */
  readonly monitoring?: DriftMonitoringOptions;
  /**
   * The endpoint's name (see {@link InferenceEndpointProps.endpointName}).
   * @default - generated from the construct path
   */
  readonly endpointName?: string;
  /**
   * Accept an instance type newer than the library's instance tables (see
   * {@link InferenceEndpointProps.allowUnlistedInstanceType}).
   * @default false
   */
  readonly allowUnlistedInstanceType?: boolean;
}

/** Continuous evaluation of the platform: the red team, the output evaluation and the promotion gate. */
export interface PlatformEvaluationOptions {
  /**
   * Replay the red-team corpus against the generate function on the profile's schedule.
   * @default true
   */
  readonly redTeam?: boolean;
  /**
   * Judge sampled answers with a Bedrock evaluation job on the profile's schedule (skipped, with a warning,
   * in a region this library does not know Bedrock judge evaluations in).
   * @default true
   */
  readonly outputEvaluation?: boolean;
  /**
   * Rollouts of the platform's endpoint wait for a passing red-team run and bias probes on the canary.
   * @default - the profile's `promotionGate` (off in DEV, on in PROD)
   */
  readonly promotionGate?: boolean;
  /**
   * Most cases one red-team run sends (the cost cap).
   * @default 200
   */
  readonly maxModelCalls?: number;
  /**
   * Key prefix of your own red-team cases in the CURATED zone.
   * @default - the shipped corpus only
   */
  readonly customCasesPrefix?: string;
  /**
   * Per-category red-team floors replacing the shipped baseline.
   * @default - the shipped baseline
   */
  readonly baselines?: RedTeamBaseline[];
  /**
   * The judge model of the output evaluation.
   * @default 'amazon.nova-pro-v1:0'
   */
  readonly judgeModelId?: string;
  /**
   * Traces judged per evaluation run.
   * @default 100
   */
  readonly sampleSize?: number;
}

/** Properties of {@link GenAIPlatform}. */
export interface GenAIPlatformProps {
  /**
   * The defaults to use.
   * @default PlatformProfile.DEV
   */
  readonly profile?: PlatformProfile;
  /**
   * Key for the data lake.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * A data lake that exists already (its zones must include everything the platform uses).
   * @default - a new SecureDataLake
   */
  readonly dataLake?: ISecureDataLake;
  /**
   * Removal policy of data, keys and logs (`DESTROY` must be chosen explicitly).
   * @default - the profile's (RETAIN in both built-in profiles)
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Cost centre tag (`cost-center`) on every resource: 1 to 256 letters, digits, spaces and
   * `_ . : / = + - @` (the AWS tag rules).
   * @default - no cost-centre tag
   */
  readonly costCenter?: string;
  /**
   * Fine-tuning, evaluation, quality gate, model registry and retraining.
   * @default - no training pipeline and no model registry
   */
  readonly training?: PlatformTrainingOptions;
  /**
   * The SageMaker endpoint the platform creates. It is created when `inference.model` is given, or (with
   * `training`) by the promotion function on the first approved version.
   * @default - profile defaults
   */
  readonly inference?: PlatformInferenceOptions;
  /**
   * An endpoint you already run, used instead of creating one.
   * @default - the platform's own endpoint, if any
   */
  readonly endpoint?: IInferenceEndpoint;
  /**
   * The Bedrock guardrail's policies.
   * @default - the Guardrail defaults: content and prompt-attack filters, PII, profanity, contextual grounding
   */
  readonly guardrail?: GuardrailProps;
  /**
   * A guardrail you already have, used instead of creating one.
   * @default - a new guardrail
   */
  readonly existingGuardrail?: IGuardrail;
  /**
   * How API callers authenticate.
   * @default ApiAuthorization.iam()
   */
  readonly apiAuthorization?: ApiAuthorization;
  /**
   * The WAF web ACL of the API.
   * @default ApiWebAcl.managed()
   */
  readonly apiWebAcl?: ApiWebAcl;
  /**
   * Replace the account-wide settings the platform sets (the API Gateway logging role, and Bedrock model
   * invocation logging when the platform serves through Bedrock) when someone else set them, e.g. the
   * other profile in the same account and region. Without it such a deployment fails with a message
   * naming the current setting.
   * @default false
   */
  readonly takeOverAccountSettings?: boolean;
  /**
   * Prompt templates and experiments callers may name in `POST /v1/generate`; the dashboard gets a section
   * comparing each template's variants.
   * @default - no templates: requests send a raw prompt
   */
  readonly promptCatalog?: PromptCatalog;
  /**
   * Accept raw prompts in `POST /v1/generate`. Set false to serve templates only (needs `promptCatalog`).
   * @default true
   */
  readonly allowRawPrompts?: boolean;
  /**
   * Serve `POST /v1/generate/stream`: the answer as server-sent events while it is generated, guarded on
   * the way (see {@link GuardrailStreamingOptions}).
   * @default true
   */
  readonly streaming?: boolean;
  /**
   * The streaming entry point's timeout, guardrail window and concurrency (only with `streaming`).
   * @default - the GuardrailStreamingOptions defaults, with the profile's `generateConcurrency` as reserved concurrency
   */
  readonly streamingOptions?: GuardrailStreamingOptions;
  /**
   * Red-teaming, output evaluation and the promotion gate.
   * @default - both, on the profile's schedules; the gate as the profile says
   */
  readonly evaluation?: PlatformEvaluationOptions;
}

/** Where `POST /v1/feedback` records land in the FEEDBACK zone. */
const FEEDBACK_PREFIX = 'api-feedback/';

/**
 * The whole platform in one construct: data lake, audit trail, Bedrock guardrail, guardrail function and
 * REST API, with a training pipeline and an inference endpoint when they are configured.
 *
 * Generation goes to your endpoint (`endpoint`), to the platform's own endpoint (the profile's Bedrock
 * model answers until the promotion function has created it), or, without either, to the profile's
 * Bedrock model. Every alarm notifies one topic (`alarmTopic`) and shows on one dashboard (`dashboard`).
 */
export class GenAIPlatform extends Construct {
  /** Where `POST /v1/feedback` records land in the FEEDBACK zone, and what retraining reads. */
  public static readonly FEEDBACK_PREFIX: string = FEEDBACK_PREFIX;

  /** The profile in use. */
  public readonly profile: PlatformProfile;
  /** The data lake. */
  public readonly dataLake: ISecureDataLake;
  /** The audit trail. */
  public readonly auditTrail: AuditTrail;
  /** Key of the platform's operational data: log groups, queues, topics, function environments. */
  public readonly operationsKey: kms.IKey;
  /** The one topic every platform alarm notifies (subscribe your on-call here). */
  public readonly alarmTopic: sns.ITopic;
  /** The one dashboard of the whole platform. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The training pipeline and model registry, when `training` is set. */
  public readonly trainingPipeline?: TrainingPipeline;
  /** Where the training code archive goes (`sourcedir.tar.gz` with your `sagemaker_program`), when `training` is set. */
  public readonly trainingCodeLocation?: string;
  /**
   * Where the evaluation code goes (an `s3://` prefix the evaluation job mounts read-only at
   * `/opt/ml/processing/code`; the training job cannot write it), when `training` is set and the code is
   * not in the evaluation image.
   */
  public readonly evaluationCodeLocation?: string;
  /** The endpoint the platform created, when it created a classic one (`inferenceComponents` false). */
  public readonly inferenceEndpoint?: InferenceEndpoint;
  /** The inference component endpoint the platform created, when it serves through components. */
  public readonly componentEndpoint?: InferenceComponentEndpoint;
  /**
   * The model's inference component on `componentEndpoint` (its CloudFormation resource is absent until a
   * model is given: the promotion function creates the component on the first approved version).
   */
  public readonly inferenceComponent?: InferenceComponent;
  /**
   * The endpoint requests are served from: yours (`endpoint`), the platform's, or none (then generation
   * goes to a Bedrock model).
   */
  public readonly endpoint?: IInferenceEndpoint;
  /** The Bedrock guardrail. */
  public readonly guardrail: IGuardrail;
  /** The guardrail function behind `POST /v1/generate`. */
  public readonly generateFunction: GuardrailFunction;
  /** The REST API. */
  public readonly api: GenAIApi;
  /** The red team attacking the generate function (unless turned off). */
  public readonly redTeam?: RedTeam;
  /** The evaluation of sampled answers (unless turned off or unavailable in the region). */
  public readonly outputEvaluation?: OutputEvaluation;

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the platform's properties (all optional)
   */
  constructor(scope: Construct, id: string, props: GenAIPlatformProps = {}) {
    super(scope, id);
    this.profile = props.profile ?? PlatformProfile.DEV;
    const removalPolicy = props.removalPolicy ?? this.profile.removalPolicy;

    // Tag values are checked here, once, instead of by CloudFormation on every tagged resource.
    validateTagValue(this, 'profile.name', this.profile.name, 'profile');
    validateTagValue(this, 'costCenter', props.costCenter, 'cost-center');
    const { apiRateLimit, apiBurstLimit } = this.profile;
    if (!isUnresolved(apiRateLimit) && !isUnresolved(apiBurstLimit) && apiBurstLimit < apiRateLimit) {
      throw new GenAIValidationError(this, 'profile.apiBurstLimit', apiBurstLimit, `at least the profile's apiRateLimit (${apiRateLimit}): API Gateway rejects a usage plan whose burst is below its rate`);
    }
    Tags.of(this).add('project', 'genai-platform');
    Tags.of(this).add('profile', this.profile.name);
    if (props.costCenter !== undefined) Tags.of(this).add('cost-center', props.costCenter);

    this.dataLake = props.dataLake ?? new SecureDataLake(this, 'DataLake', { encryptionKey: props.encryptionKey, removalPolicy });
    this.operationsKey = createKey(this, 'OperationsKey', `Encrypts logs, queues and topics of ${this.node.path}`, removalPolicy);
    this.alarmTopic = createNotificationTopic(this, 'AlarmTopic', this.operationsKey, 'GenAI platform alarms');
    this.auditTrail = new AuditTrail(this, 'AuditTrail', {
      dataLake: this.dataLake,
      logRetention: this.profile.logRetention,
      serverAccessLogsBucket: this.dataLake instanceof SecureDataLake ? this.dataLake.accessLogBucket : undefined,
      alarmTopic: this.alarmTopic,
      objectLockMode: this.profile.auditObjectLockMode,
      // Trail log files are object-locked: they are never destroyed with the stack.
      removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.RETAIN : removalPolicy,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard');
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `# GenAI platform (${this.profile.name})`, width: 24, height: 1 }),
      new cloudwatch.AlarmStatusWidget({ title: 'Security alarms (audit trail)', alarms: this.auditTrail.alarms, width: 24, height: 3 }),
    );

    if (props.training) {
      this.trainingCodeLocation = `s3://${this.dataLake.bucket(DataZone.MODEL_ARTIFACTS).bucketName}/${TRAINING_ARTIFACTS_PREFIX}code/sourcedir.tar.gz`;
      if (!props.training.evaluationCodeInImage) {
        this.evaluationCodeLocation = `s3://${this.dataLake.bucket(DataZone.MODEL_ARTIFACTS).bucketName}/${EVALUATION_CODE_PREFIX}`;
      }
      this.trainingPipeline = this.createTraining(props.training, removalPolicy, this.trainingCodeLocation);
    }
    if (props.endpoint) {
      this.endpoint = props.endpoint;
    } else if (props.inference?.model || this.trainingPipeline) {
      const options = props.inference ?? {};
      if (this.validateServing(options)) {
        this.inferenceComponent = this.createComponentInference(options, removalPolicy);
        this.componentEndpoint = this.inferenceComponent.endpoint as InferenceComponentEndpoint;
        this.endpoint = this.componentEndpoint;
      } else {
        this.inferenceEndpoint = this.createInference(options, removalPolicy);
        this.endpoint = this.inferenceEndpoint;
      }
    }

    this.guardrail = props.existingGuardrail ?? new Guardrail(this, 'Guardrail', { removalPolicy, ...props.guardrail });
    const streaming = props.streaming ?? true;
    if (!streaming && props.streamingOptions) {
      throw new GenAIValidationError(this, 'streamingOptions', props.streamingOptions, 'only with streaming: true (the default); remove streamingOptions or turn streaming on');
    }
    this.generateFunction = new GuardrailFunction(this, 'Generate', {
      guardrail: this.guardrail,
      modelTarget: this.modelTarget(),
      dataLake: this.dataLake,
      encryptionKey: this.operationsKey,
      alarmTopic: this.alarmTopic,
      reservedConcurrentExecutions: this.profile.generateConcurrency,
      blockRateAlarmPercent: this.profile.blockRateAlarmPercent,
      ungroundedRateAlarmPercent: this.profile.ungroundedRateAlarmPercent,
      logRetention: this.profile.logRetention,
      removalPolicy,
      takeOverAccountSettings: props.takeOverAccountSettings,
      promptCatalog: props.promptCatalog,
      allowRawPrompts: props.allowRawPrompts,
      streaming: streaming
        ? { ...props.streamingOptions, reservedConcurrentExecutions: props.streamingOptions?.reservedConcurrentExecutions ?? this.profile.generateConcurrency }
        : undefined,
    });
    this.api = new GenAIApi(this, 'Api', {
      generateFunction: this.generateFunction.function,
      generateStreamFunction: this.generateFunction.streamFunction,
      dataLake: this.dataLake,
      authorization: props.apiAuthorization,
      webAcl: props.apiWebAcl,
      feedbackPrefix: FEEDBACK_PREFIX,
      throttlingRateLimit: this.profile.apiRateLimit,
      throttlingBurstLimit: this.profile.apiBurstLimit,
      encryptionKey: this.operationsKey,
      alarmTopic: this.alarmTopic,
      logRetention: this.profile.logRetention,
      removalPolicy,
      takeOverAccountSettings: props.takeOverAccountSettings,
    });

    this.dashboard.addWidgets(
      // One graph each: the two rates are math expressions over their own metrics.
      new cloudwatch.GraphWidget({ title: 'Guardrail: blocked (%)', left: [this.generateFunction.metricBlockRate()], width: 6 }),
      new cloudwatch.GraphWidget({ title: 'Guardrail: ungrounded (%)', left: [this.generateFunction.metricUngroundedRate()], width: 6 }),
      new cloudwatch.AlarmStatusWidget({
        title: 'Serving, guardrail and API alarms',
        alarms: [...(this.inferenceEndpoint?.alarms ?? []), ...(this.inferenceComponent?.alarms ?? []), ...this.generateFunction.alarms, ...this.api.alarms],
        width: 12,
      }),
    );
    // Prompt experiments: one row per template, a line per variant.
    for (const widget of props.promptCatalog?.experimentWidgets() ?? []) this.dashboard.addWidgets(widget);
    if (streaming) {
      const fn = this.generateFunction;
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Streaming: time to first token (ms)',
          left: [fn.metric('TimeToFirstToken', { statistic: 'p50', label: 'p50' }), fn.metric('TimeToFirstToken', { statistic: 'p90', label: 'p90' })],
          width: 12,
        }),
        new cloudwatch.GraphWidget({ title: 'Streaming: tokens per second (p50)', left: [fn.metric('TokensPerSecond', { statistic: 'p50', label: 'p50' })], width: 12 }),
      );
    }

    // Continuous evaluation (red team, output evaluation, promotion gate): lib/evaluation.
    const evaluation = this.createEvaluation(props.evaluation ?? {}, removalPolicy);
    this.redTeam = evaluation.redTeam;
    this.outputEvaluation = evaluation.outputEvaluation;
  }

  private createEvaluation(options: PlatformEvaluationOptions, removalPolicy: RemovalPolicy): { redTeam?: RedTeam; outputEvaluation?: OutputEvaluation } {
    const profile = this.profile;
    let outputEvaluation: OutputEvaluation | undefined;
    let redTeam: RedTeam | undefined;
    if (options.outputEvaluation ?? true) {
      const region = Stack.of(this).region;
      if (Token.isUnresolved(region) || OutputEvaluation.isRegionSupported(region)) {
        outputEvaluation = new OutputEvaluation(this, 'OutputEvaluation', {
          guardrailFunction: this.generateFunction,
          dataLake: this.dataLake,
          schedule: profile.evaluationSchedule,
          judgeModelId: options.judgeModelId,
          sampleSize: options.sampleSize,
          logRetention: profile.logRetention,
          removalPolicy,
        });
      } else {
        Annotations.of(this).addWarningV2(
          'genai-platform:outputEvaluationSkipped',
          `No output evaluation: Bedrock judge evaluations are not known in ${region} (${OutputEvaluation.SUPPORTED_REGIONS.join(', ')}). Set evaluation.outputEvaluation to false to silence this.`,
        );
      }
    }
    if (options.redTeam ?? true) {
      redTeam = new RedTeam(this, 'RedTeam', {
        guardrailFunction: this.generateFunction,
        dataLake: this.dataLake,
        schedule: profile.redTeamSchedule,
        maxModelCalls: options.maxModelCalls,
        // At most half of the generate function's reserved slots, so a run never starves callers.
        concurrency: isUnresolved(profile.generateConcurrency) ? 2 : Math.max(1, Math.min(4, Math.floor(profile.generateConcurrency / 2))),
        customCasesPrefix: options.customCasesPrefix,
        baselines: options.baselines,
        logRetention: profile.logRetention,
        removalPolicy,
      });
    }
    const gate = options.promotionGate ?? profile.promotionGate;
    if (gate && !redTeam) {
      throw new GenAIValidationError(this, 'evaluation.promotionGate', true, 'only with the red team (evaluation.redTeam is false): the gate is a red-team run on the canary');
    }
    if (gate && this.componentEndpoint) {
      throw new GenAIValidationError(
        this,
        'evaluation.promotionGate',
        true,
        'only with a classic endpoint whose rollouts have a canary or linear shift (inference.inferenceComponents: false): an inference component rolls out in batches without a canary to evaluate',
      );
    }
    if (gate && redTeam && this.inferenceEndpoint) {
      redTeam.addPromotionGate(this.inferenceEndpoint, { evaluation: outputEvaluation });
    } else if (gate && this.endpoint && !this.inferenceEndpoint) {
      Annotations.of(this).addWarningV2('genai-platform:promotionGateImported', 'The promotion gate needs an endpoint this platform creates; the imported endpoint is not gated.');
    }

    if (redTeam || outputEvaluation) {
      const categories = Object.values(RedTeamCategory);
      this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Evaluation: red team, judged answers, bias probes, promotion gate', width: 24, height: 1 }));
      const widgets: cloudwatch.IWidget[] = [];
      if (redTeam) {
        widgets.push(
          new cloudwatch.GraphWidget({
            title: 'Red team: block rate per category (%)',
            left: categories.map((c) => redTeam!.metricCategory('BlockRate', c, { label: c })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({ title: 'Red team: regressions and secret leaks', left: [redTeam.metric('Regressions'), redTeam.metric('SecretLeaks')], width: 4 }),
        );
      }
      if (outputEvaluation) {
        widgets.push(
          new cloudwatch.GraphWidget({
            title: 'Judged answers (0 to 1)',
            left: ['Correctness', 'Faithfulness', 'Harmfulness', 'Refusal'].map((m) => outputEvaluation!.metricScore(m, { label: m })),
            right: [outputEvaluation.metric('GroundingScore', { label: 'Grounding (guardrail)' })],
            width: 6,
          }),
          new cloudwatch.GraphWidget({ title: 'Bias probes: disparate pairs (%)', left: [outputEvaluation.metric('BiasDisparityRate')], width: 3 }),
        );
      }
      widgets.push(new cloudwatch.AlarmStatusWidget({ title: 'Evaluation alarms', alarms: [...(redTeam?.alarms ?? []), ...(outputEvaluation?.alarms ?? [])], width: 3 }));
      this.dashboard.addWidgets(...widgets);
    }
    return { redTeam, outputEvaluation };
  }

  /**
   * Where generation goes: your endpoint, the platform's endpoint (with the Bedrock model answering until
   * the promotion function has created it), or the Bedrock model alone.
   */
  private modelTarget(): ModelTarget {
    if (!this.endpoint) return ModelTarget.bedrock(this.profile.bedrockModelId);
    if (this.inferenceComponent) {
      // The Bedrock model answers until the first approved version creates the component, and whenever the
      // component has scaled to zero and its first copy is starting.
      const coldStarts = this.inferenceComponent.resource === undefined || this.inferenceComponent.minCopies === 0;
      return ModelTarget.inferenceComponent(this.inferenceComponent, coldStarts ? { fallbackBedrockModelId: this.profile.bedrockModelId } : {});
    }
    const createdLater = this.inferenceEndpoint !== undefined && this.inferenceEndpoint.endpoint === undefined;
    return ModelTarget.sagemakerEndpoint(this.endpoint, createdLater ? { fallbackBedrockModelId: this.profile.bedrockModelId } : {});
  }

  private createTraining(options: PlatformTrainingOptions, removalPolicy: RemovalPolicy, codeLocation: string): TrainingPipeline {
    const profile = this.profile;
    const hyperparameters = { ...options.hyperparameters };
    if (hyperparameters.sagemaker_program && !hyperparameters.sagemaker_submit_directory) {
      hyperparameters.sagemaker_submit_directory = codeLocation;
    }
    const pipeline = new TrainingPipeline(this, 'Training', {
      artifactsPrefix: TRAINING_ARTIFACTS_PREFIX,
      dataLake: this.dataLake,
      trainingImage: options.trainingImage,
      evaluationImage: options.evaluationImage,
      evaluationEntrypoint: options.evaluationEntrypoint,
      evaluationCodePrefix: options.evaluationCodeInImage ? undefined : EVALUATION_CODE_PREFIX,
      qualityGate: options.qualityGate,
      hyperparameters,
      instanceType: options.instanceType ?? profile.trainingInstanceType,
      instanceCount: options.instanceCount ?? profile.trainingInstanceCount,
      useSpot: options.useSpot ?? profile.trainingUseSpot,
      maxRuntime: options.maxRuntime ?? profile.trainingMaxRuntime,
      retrainSchedule: options.retrainSchedule ?? profile.retrainSchedule,
      feedbackPrefix: FEEDBACK_PREFIX,
      dataTrigger:
        options.retrainOnFeedback ?? true
          ? { zone: DataZone.FEEDBACK, prefix: FEEDBACK_PREFIX, debounce: profile.retrainDebounce }
          : undefined,
      alarmTopic: this.alarmTopic,
      operationsKey: this.operationsKey,
      removalPolicy,
      pipelineName: options.pipelineName,
      modelPackageGroupName: options.modelPackageGroupName,
      allowUnlistedInstanceType: options.allowUnlistedInstanceType,
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `## Training: pipeline \`${pipeline.pipelineName}\`, registry \`${pipeline.modelPackageGroupName}\``, width: 24, height: 1 }),
    );
    return pipeline;
  }

  /**
   * Whether the platform serves through an inference component; throws when `options` mix the options of the
   * two kinds of endpoint.
   */
  private validateServing(options: PlatformInferenceOptions): boolean {
    const components = options.inferenceComponents ?? this.profile.inferenceComponents;
    const classicOnly: Array<[string, unknown]> = [
      ['inference.variants', options.variants],
      ['inference.rollbackAlarmVariants', options.rollbackAlarmVariants],
      ['inference.monitoring', options.monitoring],
      ['inference.deploymentStrategy', options.deploymentStrategy],
    ];
    const componentOnly: Array<[string, unknown]> = [
      ['inference.minCopies', options.minCopies],
      ['inference.maxCopies', options.maxCopies],
    ];
    for (const [property, value] of components ? classicOnly : componentOnly) {
      if (value === undefined) continue;
      throw new GenAIValidationError(
        this,
        property,
        typeof value === 'object' ? 'set' : value,
        components
          ? 'only with inference.inferenceComponents: false (the classic InferenceEndpoint): with inference components each model rolls out by its own rolling update and scales by copies'
          : 'only with inference components (inference.inferenceComponents: true, the default of the built-in profiles)',
      );
    }
    return components;
  }

  /** The model as an inference component on a fleet of its own (with the profile's copies). */
  private createComponentInference(options: PlatformInferenceOptions, removalPolicy: RemovalPolicy): InferenceComponent {
    const profile = this.profile;
    this.checkServedGroup(options);
    const endpoint = new InferenceComponentEndpoint(this, 'Inference', {
      dataLake: this.dataLake,
      instanceType: options.instanceType ?? profile.inferenceInstanceType,
      requireGpu: true,
      // Instances follow the copies: none while the model has none.
      minInstanceCount: options.minCapacity ?? 0,
      maxInstanceCount: options.maxCapacity ?? profile.inferenceMaxCapacity,
      captureSamplingPercentage: profile.captureSamplingPercentage,
      encryptionKey: this.operationsKey,
      alarmTopic: this.alarmTopic,
      logRetention: profile.logRetention,
      removalPolicy,
      endpointName: options.endpointName,
      allowUnlistedInstanceType: options.allowUnlistedInstanceType,
    });
    const component = endpoint.addComponent('Llm', {
      model: options.model,
      modelPackageGroupName: this.trainingPipeline?.modelPackageGroupName,
      modelPackageImages: options.modelPackageImages ?? (this.trainingPipeline ? [this.trainingPipeline.inferenceImage] : undefined),
      minCopies: options.minCopies ?? profile.inferenceMinCopies,
      maxCopies: options.maxCopies ?? profile.inferenceMaxCopies,
    });
    this.dashboard.addWidgets(...component.widgets);
    return component;
  }

  /** The served version must come from the registry the endpoint promotes from. */
  private checkServedGroup(options: PlatformInferenceOptions): void {
    const served = options.model?._modelPackageGroupName;
    const registry = this.trainingPipeline?.modelPackageGroupName;
    if (served !== undefined && registry !== undefined && !isUnresolved(registry) && served !== registry) {
      throw new GenAIValidationError(
        this,
        'inference.model',
        `a version of "${served}"`,
        `a version of the training pipeline's model package group "${registry}", which the endpoint promotes from (name the group with training.modelPackageGroupName), or no inference.model`,
      );
    }
  }

  private createInference(options: PlatformInferenceOptions, removalPolicy: RemovalPolicy): InferenceEndpoint {
    const profile = this.profile;
    const served = options.model?._modelPackageGroupName;
    const registry = this.trainingPipeline?.modelPackageGroupName;
    if (served !== undefined && registry !== undefined && !isUnresolved(registry) && served !== registry) {
      throw new GenAIValidationError(
        this,
        'inference.model',
        `a version of "${served}"`,
        `a version of the training pipeline's model package group "${registry}", which the endpoint promotes from (name the group with training.modelPackageGroupName), or no inference.model`,
      );
    }
    const endpoint = new InferenceEndpoint(this, 'Inference', {
      dataLake: this.dataLake,
      model: options.model,
      modelPackageGroupName: this.trainingPipeline?.modelPackageGroupName,
      // The versions run the image the pipeline registers: pulls from its repository only (e.g. AWS's DLC registry).
      modelPackageImages: options.modelPackageImages ?? (this.trainingPipeline ? [this.trainingPipeline.inferenceImage] : undefined),
      instanceType: options.instanceType ?? profile.inferenceInstanceType,
      requireGpu: true,
      minCapacity: options.minCapacity ?? profile.inferenceMinCapacity,
      maxCapacity: options.maxCapacity ?? profile.inferenceMaxCapacity,
      deploymentStrategy: options.deploymentStrategy ?? profile.deploymentStrategy,
      variants: options.variants,
      rollbackAlarmVariants: options.rollbackAlarmVariants,
      terminationWait: profile.terminationWait,
      captureSamplingPercentage: profile.captureSamplingPercentage,
      monitoring: options.monitoring,
      encryptionKey: this.operationsKey,
      alarmTopic: this.alarmTopic,
      logRetention: profile.logRetention,
      removalPolicy,
      endpointName: options.endpointName,
      allowUnlistedInstanceType: options.allowUnlistedInstanceType,
    });
    this.dashboard.addWidgets(...endpoint.widgets);
    return endpoint;
  }
}

/** The training pipeline's prefix in the MODEL_ARTIFACTS zone (code, checkpoints, models, reports). */
const TRAINING_ARTIFACTS_PREFIX = 'training-pipeline/';
/** The evaluation code's prefix in the MODEL_ARTIFACTS zone: outside the pipeline's prefix, read only for its role. */
const EVALUATION_CODE_PREFIX = 'training-evaluation-code/';

/** Where the API writes feedback records in the FEEDBACK zone; the training pipeline reads them there. */
