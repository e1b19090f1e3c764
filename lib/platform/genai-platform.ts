import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
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
import { ModelTarget } from '../guardrails/model-target';
import { QualityGate, TrainingImage, TrainingPipeline, TrainingPipelineProps } from '../training/training-pipeline';
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
   * Entrypoint of the evaluation container, e.g. `['python3', '/opt/program/evaluate.py']`.
   * @default - the evaluation image's entrypoint
   */
  readonly evaluationEntrypoint?: string[];
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
    });
    this.api = new GenAIApi(this, 'Api', {
      generateFunction: this.generateFunction.function,
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

/** Where the API writes feedback records in the FEEDBACK zone; the training pipeline reads them there. */
