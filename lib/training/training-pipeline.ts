import { Annotations, ArnFormat, Duration, Names, RemovalPolicy, Size, SizeRoundingBehavior, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { Acknowledgements, acknowledge, acknowledgeWildcardResources, acknowledgeObjectWildcard, nagBucketArn } from '../core/acknowledgements';
import { allowObjectEncryptionKey } from '../core/buckets';
import { addTopicTarget, createKey, createNotificationTopic } from '../core/encryption';
import { GenAIValidationError, validateRange } from '../core/errors';
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
import { RetrainDataTrigger } from './private/data-trigger';
import { TORCH_DISTRIBUTED_HYPERPARAMETERS, buildPipelineDefinition } from './private/definition';
import {
  TRAINING_ACCELERATED_FAMILIES,
  INSTANCE_TYPE_PATTERN,
  hasLocalNvmeStorage as hasNvmeStorage,
  isAcceleratedTrainingType,
} from '../core/instance-types';

/** A CDK token in a string (`${Token[AWS.Region.12]}`): allowed for the account, region and URL suffix only. */
const TOKEN = '\\$\\{Token\\[[A-Za-z0-9._-]+\\]\\}';
const ECR_IMAGE_URI = new RegExp(
  `^(\\d{12}|${TOKEN})\\.dkr\\.ecr\\.([a-z]{2}(?:-[a-z]+)+-\\d|${TOKEN})\\.(?:amazonaws\\.com(?:\\.cn)?|${TOKEN})\\/` +
    '([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$',
);
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
    const m = typeof this.imageUri === 'string' ? ECR_IMAGE_URI.exec(this.imageUri) : null;
    if (!m) {
      throw new GenAIValidationError(
        scope,
        property,
        this.imageUri,
        `${IMAGE_URI_ALLOWED} (only the account, region and URL suffix may be tokens such as Aws.REGION; use TrainingImage.fromEcrRepository for other deploy-time URIs)`,
      );
    }
    return {
      imageUri: this.imageUri,
      repositoryArn: Stack.of(scope).formatArn({ service: 'ecr', account: m[1], region: m[2], resource: 'repository', resourceName: m[3] }),
    };
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
  /** The threshold the metric is compared with (the default of the `QualityThreshold` pipeline parameter). */
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
   * p5e, p5en, trn1, trn1n, trn2). The default of the `TrainingInstanceType` pipeline parameter.
   * @default 'ml.g5.xlarge'
   */
  readonly instanceType?: string;
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
   * Prefix of the training data in the CURATED zone (the default of the `InputPrefix` parameter: a
   * run-time value must stay under it, the role can read nothing else).
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
   * Status of new model versions (the default of the `ModelApprovalStatus` parameter).
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

/**
 * GPU fine-tuning on SageMaker Pipelines: train (optionally spot, distributed) → evaluate → quality
 * gate → register a new version in a model package group.
 *
 * The pipeline is retrained on a schedule and when new data lands, and failed executions notify a topic.
 *
 * Jobs are network-isolated, encrypt inter-container traffic, outputs and checkpoints with the key
 * (volumes too, except on instance types with NVMe instance storage, which are hardware-encrypted), and
 * run as a role that can only touch this pipeline's jobs, registry and lake prefixes.
 */
export class TrainingPipeline extends Construct {
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
    if (!Token.isUnresolved(instanceType) && !isAcceleratedTrainingType(instanceType)) {
      throw new GenAIValidationError(this, 'instanceType', instanceType, `an accelerated training type ml.<family>.<size> of the families ${TRAINING_ACCELERATED_FAMILIES.join(', ')}`);
    }
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
    if (!Token.isUnresolved(evaluationInstanceType) && !INSTANCE_TYPE_PATTERN.test(evaluationInstanceType)) {
      throw new GenAIValidationError(this, 'evaluationInstanceType', evaluationInstanceType, 'a SageMaker processing instance type ml.<family>.<size>, e.g. ml.m5.xlarge');
    }
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

    // ---- names, key, registry ---------------------------------------------------------------------
    this.pipelineName = Names.uniqueResourceName(this, { maxLength: 80, separator: '-' }).toLowerCase();
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

    this.modelPackageGroupName = Names.uniqueResourceName(this, { maxLength: 63, separator: '-' }).toLowerCase();
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
    const trainingJobs = stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: 'pipelines-*' });
    const processingJobs = stack.formatArn({ service: 'sagemaker', resource: 'processing-job', resourceName: 'pipelines-*' });
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
        acknowledge(sg, Acknowledgements.distributedTrainingIngress);
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
      acknowledge(role, [{ id: 'AwsSolutions-IAM5[Resource::*]', reason: Acknowledgements.vpcJobNetworking[0].reason }]);
      acknowledgeWildcardResources(role, Acknowledgements.vpcJobNetworking, [enis]);
    } else {
      acknowledge(role, Acknowledgements.ecrAuthorizationToken);
    }

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
    acknowledgeWildcardResources(role, Acknowledgements.pipelineJobNames, [trainingJobs, processingJobs, packageVersions, ...logGroups]);
    this.acknowledgePrefix(role, lake.bucket(DataZone.CURATED), trainingDataPrefix, 'training data');
    this.acknowledgePrefix(role, lake.bucket(DataZone.CURATED), evaluationDataPrefix, 'evaluation data');
    if (feedbackPrefix !== undefined) this.acknowledgePrefix(role, lake.bucket(DataZone.FEEDBACK), feedbackPrefix, 'feedback data');
    this.acknowledgePrefix(role, artifacts, this.artifactsPrefix, "this pipeline's models, checkpoints and evaluation reports");
    if (this.evaluationCodePrefix !== undefined) this.acknowledgePrefix(role, artifacts, this.evaluationCodePrefix, 'the evaluation code (read only)');

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

  /**
   * Lets the grantee start executions of this pipeline (`sagemaker:StartPipelineExecution` on its ARN).
   *
   * @param grantee the principal to grant
   */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: START_EXECUTION_ACTIONS, resourceArns: [this.pipelineArn] });
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

  private acknowledgePrefix(role: iam.IRole, bucket: s3.IBucket, prefix: string, what: string): void {
    acknowledgeObjectWildcard(role, nagBucketArn(this, bucket), `/${prefix}*`, what);
  }
}
