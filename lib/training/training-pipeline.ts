import { Annotations, ArnFormat, Duration, Names, RemovalPolicy, Size, SizeRoundingBehavior, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import {
  Acknowledgements,
  acknowledge,
  acknowledgeObjectWildcard,
  acknowledgeSelfReferencingIngress,
  acknowledgeStarResource,
  acknowledgeWildcardResources,
} from '../core/acknowledgements';
import { allowObjectEncryptionKey } from '../core/buckets';
import { addTopicTarget, createKey, createNotificationTopic } from '../core/encryption';
import { GenAIValidationError, validatePattern, validateRange } from '../core/errors';
import { validateSageMakerName } from '../core/names';
import { ecrRepositoryArn, parseEcrImageUri } from '../core/private/ecr-image';
import { DataZone } from '../data-lake/data-zone';
import { ISecureDataLake } from '../data-lake/secure-data-lake';
import {
  ECR_AUTH_ACTIONS,
  ECR_PULL_ACTIONS,
  JOB_KEY_ACTIONS,
  JOB_LOG_ACTIONS,
  MODEL_PACKAGE_ACTIONS,
  MODEL_PACKAGE_GROUP_ACTIONS,
  PROCESSING_JOB_ACTIONS,
  START_EXECUTION_ACTIONS,
  TRAINING_JOB_ACTIONS,
  VPC_DESCRIBE_ACTIONS,
  VPC_ENI_ACTIONS,
} from './private/actions';
import { LAKE_READ_ACTIONS, LAKE_WRITE_ACTIONS } from '../data-lake/private/actions';
import { RetrainDataTrigger } from './private/data-trigger';
import { TORCH_DISTRIBUTED_HYPERPARAMETERS, buildPipelineDefinition } from './private/definition';
import {
  TRAINING_ACCELERATED_FAMILIES,
  INSTANCE_TYPE_PATTERN,
  hasLocalNvmeStorage as hasNvmeStorage,
  isAcceleratedTrainingType,
  isKnownInstanceFamily,
  validateInstanceType,
} from '../core/instance-types';
import { ITrainingPipeline } from './training-pipeline-ref';
import { STAR_RESOURCE_REASONS } from '../core/private/star-resource-reasons';

const IMAGE_URI_ALLOWED =
  'an ECR image URI <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> (or @sha256:<digest>), e.g. an AWS Deep Learning Container such as <dlc-account>.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:<tag>';

/** What a {@link TrainingImage} renders for one pipeline. */
export interface TrainingImageConfig {
  /** The image URI the job runs. */
  readonly imageUri: string;
  /** ARN of the ECR repository the image is pulled from. */
  readonly repositoryArn: string;
}

/**
 * A container image a pipeline step runs: an image of your own ECR repository, or an image by URI such
 * as an AWS Deep Learning Container from AWS's own registries. The execution role may pull from that one
 * repository only.
 */
export class TrainingImage {
  /**
   * An image of an ECR repository.
   * @param repository the repository
   * @param tagOrDigest a tag, or a digest `sha256:<hex>`
   * @default tagOrDigest 'latest'
   */
  public static fromEcrRepository(repository: ecr.IRepository, tagOrDigest: string = 'latest'): TrainingImage {
    const uri = tagOrDigest.startsWith('sha256:') ? repository.repositoryUriForDigest(tagOrDigest) : repository.repositoryUriForTag(tagOrDigest);
    return new TrainingImage(uri, repository);
  }

  /**
   * An image by URI: `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>` (or `@sha256:<digest>`),
   * for example an AWS Deep Learning Container
   * (`<dlc-account>.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:<tag>`, where `<dlc-account>` is AWS's
   * Deep Learning Containers registry account of the region). The repository and tag must
   * be literals so that the pull permission can name the repository; the account, region and URL suffix
   * may be tokens (e.g. `` `<dlc-account>.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/pytorch-training:<tag>` ``).
   * Use {@link fromEcrRepository} for any other image whose URI is only known at deploy time.
   *
   * @param imageUri `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>` (or `@sha256:<digest>`)
   */
  public static fromImageUri(imageUri: string): TrainingImage {
    return new TrainingImage(imageUri);
  }

  private constructor(
    /** The image URI (may contain tokens for repository images). */
    public readonly imageUri: string,
    private readonly repository?: ecr.IRepository,
  ) {}

  /**
   * Validates the image for `scope` and returns its URI and repository ARN.
   *
   * @param scope the construct that runs the image, named in validation errors
   * @param property the name of the prop that holds the image, named in validation errors
   */
  public bind(scope: IConstruct, property: string): TrainingImageConfig {
    if (this.repository) {
      return { imageUri: this.imageUri, repositoryArn: this.repository.repositoryArn };
    }
    const image = parseEcrImageUri(this.imageUri);
    if (!image) {
      throw new GenAIValidationError(
        scope,
        property,
        this.imageUri,
        `${IMAGE_URI_ALLOWED} (only the account, region and URL suffix may be tokens such as Aws.REGION; use TrainingImage.fromEcrRepository for other deploy-time URIs)`,
      );
    }
    // The repository in the image's own registry: your account, or e.g. AWS's Deep Learning Containers account.
    return { imageUri: this.imageUri, repositoryArn: ecrRepositoryArn(scope, image) };
  }
}

/** How the evaluation metric is compared with the threshold: a model passes when the comparison holds. */
export enum MetricComparison {
  /** metric >= threshold (accuracy, F1, BLEU, ...). */
  GREATER_THAN_OR_EQUAL_TO = 'GreaterThanOrEqualTo',
  /** metric > threshold. */
  GREATER_THAN = 'GreaterThan',
  /** metric <= threshold (loss, error rate, perplexity, ...). */
  LESS_THAN_OR_EQUAL_TO = 'LessThanOrEqualTo',
  /** metric < threshold. */
  LESS_THAN = 'LessThan',
}

/** The status a new model version gets in the registry. */
export enum ModelApprovalStatus {
  /** A person approves the version before it is deployed. */
  PENDING_MANUAL_APPROVAL = 'PendingManualApproval',
  /** The version is approved as soon as it passes the quality gate (and is deployed by whatever watches approvals). */
  APPROVED = 'Approved',
}

/** The quality gate between evaluation and registration. */
export interface QualityGate {
  /**
   * Path of the metric in the evaluation report (a JSON file the evaluation container writes), e.g.
   * `metrics.accuracy.value`.
   */
  readonly metricName: string;
  /**
   * The threshold the metric is compared with. It is fixed at deploy time: an execution cannot change it
   * (there is no `QualityThreshold` run-time parameter).
   */
  readonly threshold: number;
  /**
   * How the metric is compared with the threshold.
   * @default MetricComparison.GREATER_THAN_OR_EQUAL_TO
   */
  readonly comparison?: MetricComparison;
}

/**
 * Retrain when new data lands: S3 "Object Created" events under a prefix of the CURATED or FEEDBACK zone
 * are collected, and at most one execution starts per debounce window.
 */
export interface DataTrigger {
  /** The zone to watch: `DataZone.CURATED` or `DataZone.FEEDBACK`. */
  readonly zone: DataZone;
  /** Key prefix to watch, e.g. `training/`. */
  readonly prefix: string;
  /**
   * The debounce window: new objects are collected and the pipeline starts at most once per window,
   * after the window in which they arrived (whole minutes, 1 minute to 7 days).
   * @default Duration.hours(1)
   */
  readonly debounce?: Duration;
}

/** Properties of {@link TrainingPipeline}. */
export interface TrainingPipelineProps {
  /** The data lake: training data from CURATED (and FEEDBACK), artifacts to MODEL_ARTIFACTS. */
  readonly dataLake: ISecureDataLake;
  /** The training container. */
  readonly trainingImage: TrainingImage;
  /**
   * The evaluation container.
   *
   * It reads `/opt/ml/processing/model` and `/opt/ml/processing/test` and writes the report to
   * `/opt/ml/processing/evaluation`.
   */
  readonly evaluationImage: TrainingImage;
  /**
   * The inference container registered with each model version.
   * @default - the training image
   */
  readonly inferenceImage?: TrainingImage;
  /** The quality gate a model must pass to be registered. */
  readonly qualityGate: QualityGate;
  /**
   * Training instance type, accelerated families only (g4dn, g5, g6, g6e, p3, p3dn, p4d, p4de, p5,
   * p5e, p5en, p6-b200, p6-b300, p6e-gb200, trn1, trn1n, trn2), in a size SageMaker offers for training
   * (see `allowUnlistedInstanceType` for newer types). The default of the `TrainingInstanceType`
   * pipeline parameter.
   * @default 'ml.g5.xlarge'
   */
  readonly instanceType?: string;
  /**
   * Accept instance types (`instanceType`, `evaluationInstanceType`) that are not in this library's
   * instance tables, for types newer than this version of the library: such a type only gets an info
   * annotation and SageMaker validates it when the pipeline runs. The library then treats an unknown
   * family's storage as EBS (sets the volume KMS key). Malformed types, and known families that are not
   * accelerated for `instanceType`, fail either way.
   * @default false
   */
  readonly allowUnlistedInstanceType?: boolean;
  /**
   * The pipeline's name: lower-case letters, digits and hyphens, at most 256 characters (lower case
   * because SageMaker writes pipeline names in lower case into ARNs, which IAM compares case-sensitively).
   * @default - generated from the construct path (lower case, at most 80 characters)
   */
  readonly pipelineName?: string;
  /**
   * The name of the model package group (registry) the pipeline creates and registers versions in:
   * lower-case letters, digits and hyphens, at most 63 characters.
   * @default - generated from the construct path (lower case, at most 63 characters)
   */
  readonly modelPackageGroupName?: string;
  /**
   * Number of training instances (more than one runs distributed training with torch distributed settings
   * and inter-container traffic encryption). The default of the `TrainingInstanceCount` parameter.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * Storage volume of each training instance (on NVMe types at most the instance's local storage).
   * @default Size.gibibytes(100)
   */
  readonly volumeSize?: Size;
  /**
   * Longest a training job may run.
   * @default Duration.hours(24)
   */
  readonly maxRuntime?: Duration;
  /**
   * Use managed spot capacity (up to ~70% cheaper, but jobs may wait for capacity and resume from checkpoints).
   * @default false
   */
  readonly useSpot?: boolean;
  /**
   * With spot: longest the job may take including waiting for capacity, at least `maxRuntime`.
   * @default - twice `maxRuntime`
   */
  readonly maxWait?: Duration;
  /**
   * Hyperparameters passed to the training container (at most 100).
   * @default - none
   */
  readonly hyperparameters?: { [name: string]: string };
  /**
   * Prefix of the training data in the CURATED zone. The `InputPrefix` run-time parameter selects a
   * sub-prefix under it (default `''`, all of it), so an execution can never train on the evaluation data
   * or anything else outside this prefix.
   * @default 'training/'
   */
  readonly trainingDataPrefix?: string;
  /**
   * Also train on FEEDBACK zone objects under this prefix (channel `feedback`).
   * @default - no feedback channel
   */
  readonly feedbackPrefix?: string;
  /**
   * Prefix of the evaluation (test) data in the CURATED zone.
   * @default 'evaluation/'
   */
  readonly evaluationDataPrefix?: string;
  /**
   * Instance type of the evaluation job (any SageMaker processing type).
   * @default 'ml.m5.xlarge'
   */
  readonly evaluationInstanceType?: string;
  /**
   * Prefix in the MODEL_ARTIFACTS zone of the evaluation code, mounted read-only at
   * `/opt/ml/processing/code` in the evaluation job (e.g. an entrypoint
   * `['python3', '/opt/ml/processing/code/evaluate.py']`). The pipeline's role, which the training job
   * runs with, may read it but never write it, so a trained model cannot change how it is graded: the
   * prefix must lie outside `artifactsPrefix`. Upload the code yourself (CI, an admin).
   * @default - no code input: the evaluation image's own code runs
   */
  readonly evaluationCodePrefix?: string;
  /**
   * Entrypoint of the evaluation container, e.g. `['python3', '/opt/program/evaluate.py']`.
   * @default - the image's entrypoint
   */
  readonly evaluationEntrypoint?: string[];
  /**
   * Arguments of the evaluation container.
   * @default - none
   */
  readonly evaluationArguments?: string[];
  /**
   * Environment of the evaluation container (never secrets).
   * @default - none
   */
  readonly evaluationEnvironment?: { [name: string]: string };
  /**
   * File name of the report the evaluation writes to `/opt/ml/processing/evaluation`.
   * @default 'evaluation.json'
   */
  readonly evaluationReportFile?: string;
  /**
   * Longest the evaluation job may run.
   * @default Duration.hours(2)
   */
  readonly evaluationMaxRuntime?: Duration;
  /**
   * Status of new model versions, fixed at deploy time (an execution cannot change it).
   *
   * `ModelApprovalStatus.APPROVED` lets the pipeline approve its own versions: an `InferenceEndpoint`
   * refuses to roll such versions out unless its `allowSelfApproval` is set, because nobody but the
   * pipeline's role would have approved them.
   * @default ModelApprovalStatus.PENDING_MANUAL_APPROVAL
   */
  readonly modelApprovalStatus?: ModelApprovalStatus;
  /**
   * Start the pipeline on a schedule, e.g. `events.Schedule.cron({ weekDay: 'SUN', hour: '2', minute: '0' })`.
   * @default - no schedule
   */
  readonly retrainSchedule?: events.Schedule;
  /**
   * Start the pipeline when new data lands (debounced).
   * @default - no data trigger
   */
  readonly dataTrigger?: DataTrigger;
  /**
   * Run the jobs in this VPC (reaching S3 and ECR through its endpoints or NAT).
   * @default - no VPC (SageMaker-managed network; the containers are network-isolated either way)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` for the jobs.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the jobs in `vpc`.
   * @default - a new group that allows traffic between the training instances and all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Topic notified when an execution fails.
   * @default - a new topic encrypted with `encryptionKey`
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Key of job outputs, checkpoints and volumes (where the instance type allows it).
   * @default - the data lake's key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Key of the operational resources: the alarm topic and the data trigger's queue, function environment,
   * logs and dead-letter queue (never the data key, so reading alarms or logs grants nothing on data).
   * @default - a new customer-managed key with rotation, created when an alarm topic or data trigger needs it
   */
  readonly operationsKey?: kms.IKey;
  /**
   * Prefix in MODEL_ARTIFACTS under which each execution writes `<execution id>/{model,checkpoints,evaluation}`.
   * @default - `pipelines/<pipeline name>/`
   */
  readonly artifactsPrefix?: string;
  /**
   * What happens to the model package group (the registry) on stack deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Attributes of a training pipeline that exists already. */
export interface TrainingPipelineAttributes {
  /** The pipeline's name. */
  readonly pipelineName: string;
  /**
   * The model package group (registry) the pipeline registers versions in.
   * @default - unknown: reading `modelPackageGroupName` or `modelPackageGroupArn` of the import throws
   */
  readonly modelPackageGroupName?: string;
}

/** Namespace of the SageMaker Pipelines execution metrics. */
const PIPELINE_METRICS_NAMESPACE = 'AWS/Sagemaker/ModelBuildingPipeline';

/** @internal */
abstract class TrainingPipelineBase extends Construct implements ITrainingPipeline {
  public abstract readonly pipelineName: string;
  public abstract readonly pipelineArn: string;
  public abstract readonly modelPackageGroupName: string;
  public abstract readonly modelPackageGroupArn: string;

  /**
   * Lets the grantee start executions of this pipeline (`sagemaker:StartPipelineExecution` on its ARN).
   *
   * @param grantee the principal to grant
   */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: START_EXECUTION_ACTIONS, resourceArns: [this.pipelineArn] });
  }

  /**
   * A metric of this pipeline's executions: namespace `AWS/Sagemaker/ModelBuildingPipeline`, dimension
   * `PipelineName`, sum per 5 minutes unless `props` say otherwise.
   *
   * @param metricName the metric's name, e.g. `ExecutionFailed`
   * @param props options that override the defaults (sum per 5 minutes)
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: PIPELINE_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { PipelineName: this.pipelineName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    });
  }

  /**
   * Executions started (`ExecutionStarted`, a count; sum per 5 minutes).
   *
   * @param props options that override the defaults (sum per 5 minutes)
   */
  public metricExecutionStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionStarted', props);
  }

  /**
   * Executions that succeeded (`ExecutionSucceeded`, a count; sum per 5 minutes).
   *
   * @param props options that override the defaults (sum per 5 minutes)
   */
  public metricExecutionSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionSucceeded', props);
  }

  /**
   * Executions that failed (`ExecutionFailed`, a count; sum per 5 minutes).
   *
   * @param props options that override the defaults (sum per 5 minutes)
   */
  public metricExecutionFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionFailed', props);
  }

  /**
   * Executions that were stopped (`ExecutionStopped`, a count; sum per 5 minutes).
   *
   * @param props options that override the defaults (sum per 5 minutes)
   */
  public metricExecutionStopped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionStopped', props);
  }

  /**
   * How long executions took (`ExecutionDuration`, published in milliseconds; average per 5 minutes).
   *
   * @param props options that override the defaults (average per 5 minutes)
   */
  public metricExecutionDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ExecutionDuration', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }
}

/**
 * GPU fine-tuning on SageMaker Pipelines: train (optionally spot, distributed) → evaluate → quality
 * gate → register a new version in a model package group.
 *
 * The pipeline is retrained on a schedule and when new data lands, and failed executions notify a topic.
 *
 * Jobs are network-isolated, encrypt inter-container traffic, outputs and checkpoints with the key
 * (volumes too, except on instance types with NVMe instance storage, which are hardware-encrypted), and
 * run as a role that can only touch this pipeline's jobs (named with a prefix unique to the pipeline),
 * registry and lake prefixes.
 */
export class TrainingPipeline extends TrainingPipelineBase {
  /**
   * Imports a pipeline that exists already, in the stack's account and region, with the model package
   * group it registers versions in (needed to read `modelPackageGroupName` of the import).
   *
   * @param scope the scope in which to define the imported pipeline
   * @param id the construct id of the imported pipeline
   * @param attrs the pipeline's name and model package group
   */
  public static fromPipelineAttributes(scope: Construct, id: string, attrs: TrainingPipelineAttributes): ITrainingPipeline {
    validatePattern(scope, 'pipelineName', attrs.pipelineName, /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/, 'a SageMaker pipeline name: letters, digits and hyphens, at most 256 characters');
    validatePattern(scope, 'modelPackageGroupName', attrs.modelPackageGroupName, /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'a model package group name: letters, digits and hyphens, at most 63 characters');
    const stack = Stack.of(scope);
    // SageMaker writes pipeline names in lower case into ARNs (IAM compares ARNs case-sensitively).
    const lower = (name: string) => (Token.isUnresolved(name) ? name : name.toLowerCase());
    class Imported extends TrainingPipelineBase {
      public readonly pipelineName = attrs.pipelineName;
      public readonly pipelineArn = stack.formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: lower(attrs.pipelineName) });
      public get modelPackageGroupName(): string {
        if (attrs.modelPackageGroupName === undefined) {
          throw new GenAIValidationError(this, 'modelPackageGroupName', undefined, 'a pipeline imported with TrainingPipeline.fromPipelineAttributes(scope, id, { pipelineName, modelPackageGroupName })');
        }
        return attrs.modelPackageGroupName;
      }
      public get modelPackageGroupArn(): string {
        return stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: lower(this.modelPackageGroupName) });
      }
    }
    return new Imported(scope, id);
  }

  /**
   * Imports a pipeline that exists already by its name, in the stack's account and region. Its model
   * package group is unknown: use {@link fromPipelineAttributes} to read `modelPackageGroupName`.
   *
   * @param scope the scope in which to define the imported pipeline
   * @param id the construct id of the imported pipeline
   * @param pipelineName the pipeline's name
   */
  public static fromPipelineName(scope: Construct, id: string, pipelineName: string): ITrainingPipeline {
    return TrainingPipeline.fromPipelineAttributes(scope, id, { pipelineName });
  }

  /** The pipeline's name. */
  public readonly pipelineName: string;
  /** The pipeline's ARN. */
  public readonly pipelineArn: string;
  /** The model package group (registry) new versions are registered in. */
  public readonly modelPackageGroupName: string;
  /** The model package group's ARN. */
  public readonly modelPackageGroupArn: string;
  /** The execution role of the pipeline and its jobs. */
  public readonly role: iam.IRole;
  /** The topic failed executions notify. */
  public readonly alarmTopic: sns.ITopic;
  /** The rule that notifies failed executions. */
  public readonly failedExecutionRule: events.Rule;
  /** The pipeline. */
  public readonly pipeline: sagemaker.CfnPipeline;
  /** The model package group. */
  public readonly modelPackageGroup: sagemaker.CfnModelPackageGroup;
  /** Key prefix of this pipeline's artifacts in MODEL_ARTIFACTS. */
  public readonly artifactsPrefix: string;
  /** Prefix in MODEL_ARTIFACTS of the evaluation code (read-only for the pipeline's role), when set. */
  public readonly evaluationCodePrefix?: string;
  /** The security groups of the jobs (only with a VPC). */
  public readonly securityGroups: ec2.ISecurityGroup[] = [];
  /**
   * The inference image registered with each model version: pass it to an `InferenceEndpoint`'s
   * `modelPackageImages` so that the endpoint may pull exactly this image's repository.
   */
  public readonly inferenceImage: TrainingImage;

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the pipeline's properties
   */
  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const lake = props.dataLake;
    if (!lake) throw new GenAIValidationError(this, 'dataLake', lake, 'an ISecureDataLake (e.g. new SecureDataLake(...))');
    for (const zone of [DataZone.CURATED, DataZone.MODEL_ARTIFACTS, ...(props.feedbackPrefix !== undefined ? [DataZone.FEEDBACK] : [])]) {
      if (!lake.zones.includes(zone)) {
        throw new GenAIValidationError(this, 'dataLake', `a lake without ${zone}`, `a lake with the zones ${DataZone.CURATED}, ${DataZone.MODEL_ARTIFACTS}${props.feedbackPrefix !== undefined ? `, ${DataZone.FEEDBACK}` : ''}`);
      }
    }

    // ---- validation -------------------------------------------------------------------------------
    const instanceType = props.instanceType ?? 'ml.g5.xlarge';
    const allowUnlisted = props.allowUnlistedInstanceType ?? false;
    // A family the library knows must be accelerated; an unknown one needs allowUnlistedInstanceType.
    const knownFamily = typeof instanceType === 'string' && INSTANCE_TYPE_PATTERN.test(instanceType) && isKnownInstanceFamily(instanceType);
    if (!Token.isUnresolved(instanceType) && (knownFamily || !allowUnlisted) && !isAcceleratedTrainingType(instanceType)) {
      throw new GenAIValidationError(this, 'instanceType', instanceType, `an accelerated training type ml.<family>.<size> of the families ${TRAINING_ACCELERATED_FAMILIES.join(', ')} (or, for a type newer than this library's instance tables, set allowUnlistedInstanceType: true)`);
    }
    validateInstanceType(this, 'instanceType', instanceType, 'training', allowUnlisted);
    const instanceCount = props.instanceCount ?? 1;
    validateRange(this, 'instanceCount', instanceCount, 1, 100, { integer: true });
    const volumeGb = this.sizeGb('volumeSize', props.volumeSize ?? Size.gibibytes(100));
    const maxRuntime = this.seconds('maxRuntime', props.maxRuntime ?? Duration.hours(24), 28 * 24 * 3600);
    const useSpot = props.useSpot ?? false;
    let maxWait: number | undefined;
    if (useSpot) {
      maxWait = props.maxWait ? this.seconds('maxWait', props.maxWait, Number.MAX_SAFE_INTEGER) : maxRuntime * 2;
      if (maxWait < maxRuntime) {
        throw new GenAIValidationError(this, 'maxWait', props.maxWait!.toHumanString(), `with useSpot, at least maxRuntime (${(props.maxRuntime ?? Duration.hours(24)).toHumanString()})`);
      }
    } else if (props.maxWait) {
      Annotations.of(this).addWarningV2('@genai/training:maxWaitWithoutSpot', 'maxWait only applies with useSpot: true; it is ignored.');
    }
    const hyperparameters = this.validateHyperparameters(props.hyperparameters ?? {});
    const trainingDataPrefix = this.prefix('trainingDataPrefix', props.trainingDataPrefix ?? 'training/');
    const evaluationDataPrefix = this.prefix('evaluationDataPrefix', props.evaluationDataPrefix ?? 'evaluation/');
    const feedbackPrefix = props.feedbackPrefix !== undefined ? this.prefix('feedbackPrefix', props.feedbackPrefix) : undefined;
    const evaluationInstanceType = props.evaluationInstanceType ?? 'ml.m5.xlarge';
    validateInstanceType(this, 'evaluationInstanceType', evaluationInstanceType, 'processing', allowUnlisted);
    const reportFile = props.evaluationReportFile ?? 'evaluation.json';
    if (!Token.isUnresolved(reportFile) && !/^[A-Za-z0-9_.-]{1,200}\.json$/.test(reportFile)) {
      throw new GenAIValidationError(this, 'evaluationReportFile', reportFile, 'a file name ending in .json (letters, digits, "_", "-", ".")');
    }
    const evaluationMaxRuntime = this.seconds('evaluationMaxRuntime', props.evaluationMaxRuntime ?? Duration.hours(2), 5 * 24 * 3600);
    const gate = this.validateQualityGate(props.qualityGate);
    const approvalStatus = props.modelApprovalStatus ?? ModelApprovalStatus.PENDING_MANUAL_APPROVAL;
    if (!Object.values(ModelApprovalStatus).includes(approvalStatus)) {
      throw new GenAIValidationError(this, 'modelApprovalStatus', approvalStatus, 'ModelApprovalStatus.PENDING_MANUAL_APPROVAL or ModelApprovalStatus.APPROVED');
    }
    if (props.retrainSchedule !== undefined) this.validateSchedule(props.retrainSchedule);
    const trainingImage = this.image('trainingImage', props.trainingImage);
    const evaluationImage = this.image('evaluationImage', props.evaluationImage);
    const inferenceImage = props.inferenceImage ? this.image('inferenceImage', props.inferenceImage) : trainingImage;
    this.inferenceImage = props.inferenceImage ?? props.trainingImage;

    // ---- names, key, registry ---------------------------------------------------------------------
    validateSageMakerName(this, 'pipelineName', props.pipelineName, 256);
    validateSageMakerName(this, 'modelPackageGroupName', props.modelPackageGroupName, 63);
    this.pipelineName = props.pipelineName ?? Names.uniqueResourceName(this, { maxLength: 80, separator: '-' }).toLowerCase();
    this.pipelineArn = stack.formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: this.pipelineName });
    this.artifactsPrefix = props.artifactsPrefix !== undefined ? this.prefix('artifactsPrefix', props.artifactsPrefix) : `pipelines/${this.pipelineName}/`;
    if (props.evaluationCodePrefix !== undefined) {
      const codePrefix = this.prefix('evaluationCodePrefix', props.evaluationCodePrefix);
      if (!Token.isUnresolved(codePrefix) && !Token.isUnresolved(this.artifactsPrefix) && (codePrefix.startsWith(this.artifactsPrefix) || this.artifactsPrefix.startsWith(codePrefix))) {
        throw new GenAIValidationError(
          this,
          'evaluationCodePrefix',
          codePrefix,
          `a prefix outside artifactsPrefix (${this.artifactsPrefix}), which the training job can write: the code that grades a model must not be writable by its training`,
        );
      }
      this.evaluationCodePrefix = codePrefix;
    }
    const key = props.encryptionKey ?? lake.encryptionKey;
    // Job outputs and checkpoints name this key; the artifacts bucket accepts it besides its own.
    if (key !== lake.encryptionKey) allowObjectEncryptionKey(lake.bucket(DataZone.MODEL_ARTIFACTS), key);

    this.modelPackageGroupName = props.modelPackageGroupName ?? Names.uniqueResourceName(this, { maxLength: 63, separator: '-' }).toLowerCase();
    this.modelPackageGroup = new sagemaker.CfnModelPackageGroup(this, 'ModelPackageGroup', {
      modelPackageGroupName: this.modelPackageGroupName,
      modelPackageGroupDescription: `Model versions trained by ${this.node.path}`,
    });
    this.modelPackageGroup.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.modelPackageGroupArn = stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: this.modelPackageGroupName });

    // ---- execution role ---------------------------------------------------------------------------
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Execution role of the SageMaker pipeline ${this.node.path} and its jobs`,
    });
    this.role = role;
    // The jobs carry this pipeline's own name prefix (SageMaker appends a unique suffix per execution), so
    // the role can create, describe and stop this pipeline's jobs only, not those of any other pipeline.
    const jobPrefix = Names.uniqueResourceName(this, { maxLength: 24, separator: '-' }).toLowerCase();
    const jobNamePrefixes = { training: `${jobPrefix}-train`, evaluation: `${jobPrefix}-eval` };
    const trainingJobs = stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: `${jobNamePrefixes.training}*` });
    const processingJobs = stack.formatArn({ service: 'sagemaker', resource: 'processing-job', resourceName: `${jobNamePrefixes.evaluation}*` });
    const packageVersions = stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${this.modelPackageGroupName}/*` });
    const logGroups = ['TrainingJobs', 'ProcessingJobs'].map((g) =>
      stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/sagemaker/${g}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'TrainingJobs', actions: TRAINING_JOB_ACTIONS, resources: [trainingJobs] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ProcessingJobs', actions: PROCESSING_JOB_ACTIONS, resources: [processingJobs] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ModelPackageVersions', actions: MODEL_PACKAGE_ACTIONS, resources: [packageVersions] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ModelPackageGroup', actions: MODEL_PACKAGE_GROUP_ACTIONS, resources: [this.modelPackageGroupArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'JobLogs', actions: JOB_LOG_ACTIONS, resources: logGroups }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PassOwnRoleToSageMaker',
        actions: ['iam:PassRole'],
        resources: [role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    );
    const repositories = [...new Set([trainingImage.repositoryArn, evaluationImage.repositoryArn, inferenceImage.repositoryArn])];
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'PullImages', actions: ECR_PULL_ACTIONS, resources: repositories }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'EcrLogin', actions: ECR_AUTH_ACTIONS, resources: ['*'] }));

    // Lake: read training/evaluation (and feedback) prefixes, read and write this pipeline's artifacts.
    lake.grantRead(role, DataZone.CURATED, trainingDataPrefix);
    lake.grantRead(role, DataZone.CURATED, evaluationDataPrefix);
    if (feedbackPrefix !== undefined) lake.grantRead(role, DataZone.FEEDBACK, feedbackPrefix);
    lake.grantRead(role, DataZone.MODEL_ARTIFACTS, this.artifactsPrefix);
    lake.grantWrite(role, DataZone.MODEL_ARTIFACTS, this.artifactsPrefix);
    // The evaluation code: read only.
    if (this.evaluationCodePrefix !== undefined) lake.grantRead(role, DataZone.MODEL_ARTIFACTS, this.evaluationCodePrefix);

    // Key of outputs, checkpoints and volumes. CreateGrant only for AWS resources (the EBS volumes).
    const trainingNvme = !Token.isUnresolved(instanceType) && hasNvmeStorage(instanceType);
    const evaluationNvme = !Token.isUnresolved(evaluationInstanceType) && hasNvmeStorage(evaluationInstanceType);
    key.grant(role, ...JOB_KEY_ACTIONS);
    if (!trainingNvme || !evaluationNvme) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'VolumeKeyGrants',
          actions: ['kms:CreateGrant'],
          resources: [key.keyArn],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      );
    }
    if (trainingNvme) {
      // Expected and documented, not a mistake: an info (a warning would fail every strict synth).
      Annotations.of(this).addInfo(
        `${instanceType} has NVMe instance storage: SageMaker encrypts it with a hardware module on the instance and rejects a VolumeKmsKeyId, so the training volume is not encrypted with the customer-managed key (outputs and checkpoints still are). Choose an EBS-backed type such as ml.p3.2xlarge if the volume must use the key.`,
      );
    }

    // ---- VPC ----------------------------------------------------------------------------------------
    let vpcConfig: { SecurityGroupIds: string[]; Subnets: string[] } | undefined;
    if (props.vpc) {
      const subnets = props.vpc.selectSubnets(props.vpcSubnets);
      if (subnets.subnetIds.length === 0) {
        throw new GenAIValidationError(this, 'vpcSubnets', 'no subnets', 'a selection that matches at least one subnet of vpc');
      }
      if (props.securityGroups && props.securityGroups.length > 0) {
        this.securityGroups.push(...props.securityGroups);
      } else {
        const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
          vpc: props.vpc,
          description: `SageMaker jobs of ${this.node.path}`,
          allowAllOutbound: true,
        });
        sg.addIngressRule(sg, ec2.Port.allTraffic(), 'Traffic between the instances of a distributed training job');
        acknowledgeSelfReferencingIngress(sg, Acknowledgements.distributedTrainingIngress);
        this.securityGroups.push(sg);
      }
      vpcConfig = { SecurityGroupIds: this.securityGroups.map((g) => g.securityGroupId), Subnets: subnets.subnetIds };
      const enis = stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' });
      role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'VpcDescribe', actions: VPC_DESCRIBE_ACTIONS, resources: ['*'] }));
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'VpcNetworkInterfaces',
          actions: VPC_ENI_ACTIONS,
          resources: [
            enis,
            ...subnets.subnetIds.map((s) => stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: s })),
            ...this.securityGroups.map((g) => stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: g.securityGroupId })),
          ],
          conditions: { ArnEquals: { 'ec2:Vpc': props.vpc.vpcArn } },
        }),
      );
      acknowledgeStarResource(role, STAR_RESOURCE_REASONS.vpcJobDescribes, VPC_DESCRIBE_ACTIONS);
      acknowledgeWildcardResources(role, Acknowledgements.vpcJobNetworking, [enis], VPC_ENI_ACTIONS, { conditionKeys: ['ec2:Vpc'] });
    }
    acknowledgeStarResource(role, STAR_RESOURCE_REASONS.ecrLogin, ECR_AUTH_ACTIONS);

    // ---- pipeline -----------------------------------------------------------------------------------
    const artifacts = lake.bucket(DataZone.MODEL_ARTIFACTS);
    const definition = buildPipelineDefinition({
      roleArn: role.roleArn,
      trainingImage: trainingImage.imageUri,
      evaluationImage: evaluationImage.imageUri,
      inferenceImage: inferenceImage.imageUri,
      instanceType,
      instanceCount,
      volumeSizeGb: volumeGb,
      trainingVolumeKmsKeyId: trainingNvme ? undefined : key.keyArn,
      outputKmsKeyId: key.keyArn,
      maxRuntimeSeconds: maxRuntime,
      useSpot,
      maxWaitSeconds: maxWait,
      hyperparameters,
      curatedBucketName: lake.bucket(DataZone.CURATED).bucketName,
      trainingDataPrefix,
      feedback: feedbackPrefix !== undefined ? { bucketName: lake.bucket(DataZone.FEEDBACK).bucketName, prefix: feedbackPrefix } : undefined,
      artifactsBucketName: artifacts.bucketName,
      artifactsPrefix: this.artifactsPrefix,
      evaluation: {
        instanceType: evaluationInstanceType,
        volumeKmsKeyId: evaluationNvme ? undefined : key.keyArn,
        volumeSizeGb: 30,
        dataPrefix: evaluationDataPrefix,
        reportFile,
        codeUri: this.evaluationCodePrefix !== undefined ? `s3://${artifacts.bucketName}/${this.evaluationCodePrefix}` : undefined,
        entrypoint: props.evaluationEntrypoint,
        arguments: props.evaluationArguments,
        environment: props.evaluationEnvironment,
        maxRuntimeSeconds: evaluationMaxRuntime,
      },
      qualityGate: gate,
      modelPackageGroupName: this.modelPackageGroupName,
      approvalStatus,
      jobNamePrefixes,
      vpc: vpcConfig,
      description: `Trained by ${this.node.path}`,
    });

    this.pipeline = new sagemaker.CfnPipeline(this, 'Resource', {
      pipelineName: this.pipelineName,
      pipelineDescription: `Train, evaluate, gate and register models (${this.node.path})`,
      roleArn: role.roleArn,
      pipelineDefinition: { PipelineDefinitionBody: stack.toJsonString(definition) },
    });
    // The role's policy must exist before the pipeline can be started with it.
    this.pipeline.node.addDependency(role);
    this.pipeline.node.addDependency(this.modelPackageGroup);

    // ---- acknowledgements of the execution role ---------------------------------------------------
    acknowledge(role, Acknowledgements.inlinePolicies);
    acknowledgeWildcardResources(role, Acknowledgements.pipelineJobNames, [trainingJobs], TRAINING_JOB_ACTIONS);
    acknowledgeWildcardResources(role, Acknowledgements.pipelineJobNames, [processingJobs], PROCESSING_JOB_ACTIONS);
    acknowledgeWildcardResources(role, Acknowledgements.pipelineJobNames, [packageVersions], MODEL_PACKAGE_ACTIONS);
    acknowledgeWildcardResources(role, Acknowledgements.pipelineJobNames, logGroups, JOB_LOG_ACTIONS);
    this.acknowledgePrefix(role, lake.bucket(DataZone.CURATED), trainingDataPrefix, 'training data', LAKE_READ_ACTIONS);
    this.acknowledgePrefix(role, lake.bucket(DataZone.CURATED), evaluationDataPrefix, 'evaluation data', LAKE_READ_ACTIONS);
    if (feedbackPrefix !== undefined) this.acknowledgePrefix(role, lake.bucket(DataZone.FEEDBACK), feedbackPrefix, 'feedback data', LAKE_READ_ACTIONS);
    this.acknowledgePrefix(role, artifacts, this.artifactsPrefix, "this pipeline's models, checkpoints and evaluation reports", [...LAKE_READ_ACTIONS, ...LAKE_WRITE_ACTIONS]);
    if (this.evaluationCodePrefix !== undefined) this.acknowledgePrefix(role, artifacts, this.evaluationCodePrefix, 'the evaluation code (read only)', LAKE_READ_ACTIONS);

    // ---- alarm on failed executions ---------------------------------------------------------------
    let operationsKey = props.operationsKey;
    const opsKey = () =>
      (operationsKey ??= createKey(this, 'OperationsKey', `Encrypts the alarm topic and retrain trigger of ${this.node.path}`, props.removalPolicy ?? RemovalPolicy.RETAIN));
    this.alarmTopic = props.alarmTopic ?? createNotificationTopic(this, 'AlarmTopic', opsKey(), 'Training pipeline alarms');
    this.failedExecutionRule = new events.Rule(this, 'FailedExecutionRule', {
      description: `Notifies when an execution of ${this.node.path} fails`,
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Model Building Pipeline Execution Status Change'],
        detail: { pipelineArn: [this.pipelineArn], currentPipelineExecutionStatus: ['Failed'] },
      },
    });
    addTopicTarget(
      this.failedExecutionRule,
      this.alarmTopic,
      events.RuleTargetInput.fromText(
        `SageMaker pipeline execution failed: ${events.EventField.fromPath('$.detail.pipelineExecutionArn')} (${events.EventField.fromPath('$.detail.pipelineExecutionDisplayName')}). See the step failure in SageMaker Studio or DescribePipelineExecution.`,
      ),
    );

    // ---- retraining ---------------------------------------------------------------------------------
    if (props.retrainSchedule) {
      const scheduleRole = new iam.Role(this, 'ScheduleRole', {
        assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
        description: `Lets EventBridge start ${this.node.path} on its schedule`,
      });
      this.grantStartExecution(scheduleRole);
      acknowledge(scheduleRole, Acknowledgements.inlinePolicies);
      const rule = new events.Rule(this, 'RetrainSchedule', {
        description: `Retrains ${this.node.path} on a schedule`,
        schedule: props.retrainSchedule,
      });
      const pipelineArn = this.pipelineArn;
      rule.addTarget({ bind: () => ({ arn: pipelineArn, role: scheduleRole, retryPolicy: { maximumRetryAttempts: 3 } }) });
    }
    if (props.dataTrigger) {
      const trigger = props.dataTrigger;
      if (![DataZone.CURATED, DataZone.FEEDBACK].includes(trigger.zone) || !lake.zones.includes(trigger.zone)) {
        throw new GenAIValidationError(this, 'dataTrigger.zone', trigger.zone, `DataZone.CURATED or DataZone.FEEDBACK, and a zone of the lake (${lake.zones.join(', ')})`);
      }
      const prefix = this.prefix('dataTrigger.prefix', trigger.prefix);
      const debounce = trigger.debounce ?? Duration.hours(1);
      if (!debounce.isUnresolved()) {
        const minutes = debounce.toMinutes({ integral: false });
        if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60) {
          throw new GenAIValidationError(this, 'dataTrigger.debounce', debounce.toHumanString(), 'a whole number of minutes from 1 minute to 7 days');
        }
      }
      new RetrainDataTrigger(this, 'DataTrigger', {
        bucket: lake.bucket(trigger.zone),
        prefix,
        debounce,
        pipelineName: this.pipelineName,
        pipelineArn: this.pipelineArn,
        encryptionKey: opsKey(),
        removalPolicy: props.removalPolicy,
      });
    }
  }

  private image(property: string, image: TrainingImage | undefined) {
    if (!(image instanceof TrainingImage)) {
      throw new GenAIValidationError(this, property, image === undefined ? undefined : String(image), 'TrainingImage.fromEcrRepository(repository, tag) or TrainingImage.fromImageUri(uri)');
    }
    return image.bind(this, property);
  }

  private validateQualityGate(gate: QualityGate | undefined) {
    if (!gate) throw new GenAIValidationError(this, 'qualityGate', gate, '{ metricName, threshold, comparison? }');
    if (typeof gate.metricName !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])*$/.test(gate.metricName)) {
      throw new GenAIValidationError(this, 'qualityGate.metricName', gate.metricName, 'a JSON path into the evaluation report, e.g. metrics.accuracy.value');
    }
    if (typeof gate.threshold !== 'number' || !Number.isFinite(gate.threshold)) {
      throw new GenAIValidationError(this, 'qualityGate.threshold', gate.threshold, 'a finite number');
    }
    const comparison = gate.comparison ?? MetricComparison.GREATER_THAN_OR_EQUAL_TO;
    if (!Object.values(MetricComparison).includes(comparison)) {
      throw new GenAIValidationError(this, 'qualityGate.comparison', comparison, `a MetricComparison: ${Object.values(MetricComparison).join(', ')}`);
    }
    return { metricPath: gate.metricName, threshold: gate.threshold, comparison };
  }

  private validateSchedule(schedule: events.Schedule): void {
    const expression = schedule.expressionString;
    if (Token.isUnresolved(expression)) return;
    const rate = /^rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/;
    const cron = /^cron\(\S+( \S+){5}\)$/;
    if (!rate.test(expression) && !cron.test(expression)) {
      throw new GenAIValidationError(
        this,
        'retrainSchedule',
        expression,
        'an EventBridge schedule: rate(<n> minute[s]|hour[s]|day[s]) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), e.g. events.Schedule.cron({ weekDay: "SUN", hour: "2", minute: "0" })',
      );
    }
  }

  private validateHyperparameters(hp: { [name: string]: string }): { [name: string]: string } {
    const entries = Object.entries(hp);
    if (entries.length > 100) {
      throw new GenAIValidationError(this, 'hyperparameters', `${entries.length} entries`, 'at most 100 hyperparameters');
    }
    for (const [name, value] of entries) {
      if (name.length < 1 || name.length > 256 || typeof value !== 'string' || (!Token.isUnresolved(value) && value.length > 2500)) {
        throw new GenAIValidationError(this, `hyperparameters.${name}`, value, 'a name of 1-256 characters and a string value of at most 2500 characters');
      }
    }
    const distributed = TORCH_DISTRIBUTED_HYPERPARAMETERS.filter((n) => n in hp);
    if (distributed.length > 0) {
      Annotations.of(this).addInfo(`hyperparameters set ${distributed.join(', ')} themselves; the construct does not override them.`);
    }
    return hp;
  }

  private prefix(property: string, value: string): string {
    if (Token.isUnresolved(value)) return value;
    if (typeof value !== 'string' || value === '' || value.startsWith('/') || value.startsWith('s3://') || /[*?\s]/.test(value) || value.length > 512) {
      throw new GenAIValidationError(this, property, value, 'a key prefix inside the zone such as "training/" (no leading "/", "s3://", wildcards or spaces)');
    }
    return value.endsWith('/') ? value : `${value}/`;
  }

  private seconds(property: string, value: Duration, maxSeconds: number): number {
    if (value.isUnresolved()) {
      throw new GenAIValidationError(this, property, 'a token', 'a literal Duration');
    }
    const seconds = value.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > maxSeconds) {
      throw new GenAIValidationError(this, property, value.toHumanString(), `whole seconds from 1 second to ${Duration.seconds(maxSeconds).toHumanString()}`);
    }
    return seconds;
  }

  private sizeGb(property: string, value: Size): number {
    if (value.isUnresolved()) {
      throw new GenAIValidationError(this, property, 'a token', 'a literal Size');
    }
    const gb = value.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(gb) || gb < 1 || gb > 16384) {
      throw new GenAIValidationError(this, property, `${gb} GiB`, 'whole GiB from 1 to 16384');
    }
    return gb;
  }

  private acknowledgePrefix(role: iam.IRole, bucket: s3.IBucket, prefix: string, what: string, actions: readonly string[]): void {
    acknowledgeObjectWildcard(role, bucket.arnForObjects(`${prefix}*`), what, actions);
  }
}
