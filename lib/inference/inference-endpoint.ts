import { Annotations, ArnFormat, Duration, Lazy, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Acknowledgements, acknowledge, acknowledgeStarResource, acknowledgeWildcardResources } from '../core/acknowledgements';
import { allowObjectEncryptionKey } from '../core/buckets';
import { allowKeyUse, allowServicesToPublish, createKey, createNotificationTopic, createRestrictedKey, validateLogRetention } from '../core/encryption';
import { GenAIValidationError, isUnresolved, validatePattern, validateRange } from '../core/errors';
import { validateSageMakerName } from '../core/names';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DataZone } from '../data-lake/data-zone';
import { ISecureDataLake } from '../data-lake/secure-data-lake';
import { DeploymentStrategy, TrafficRoutingConfig } from './deployment-strategy';
import { IInferenceEndpoint } from './inference-endpoint-ref';
import { ModelSource, ModelSourceConfig } from './model-source';
import { ownAccountRepositories } from '../core/private/ecr-image';
import { TrainingImage } from '../training/training-pipeline';
import { createDataQualityMonitoring } from './private/drift-monitoring';
import { LAKE_READ_ACTIONS, LAKE_WRITE_ACTIONS } from '../data-lake/private/actions';
import { normalizePrefix } from './private/nag';
import { PromotionScalingConfig, createPromotion } from './private/promotion';
import { claimPromotionGroup } from './private/promotion-groups';
import {
  CONTAINER_LOG_ACTIONS,
  ECR_AUTH_ACTIONS,
  ECR_PULL_ACTIONS,
  INVOKE_ACTIONS,
  VPC_DESCRIBE_ACTIONS,
  VPC_ENI_ACTIONS,
} from './private/actions';
import {
  hasLocalNvmeStorage as hasNvmeStorage,
  instanceFamily,
  isGpuInstanceType as isGpu,
  isKnownInstanceFamily as isKnownFamily,
  gpuCount,
  validateInstanceType,
  vcpuCount,
} from '../core/instance-types';
import { STAR_RESOURCE_REASONS } from '../core/private/star-resource-reasons';

/** One scheduled change of the scaling bounds (for example business hours). */
export interface ScheduledCapacity {
  /** Short id of the scheduled action (letters and digits). */
  readonly id: string;
  /** When the bounds change. */
  readonly schedule: appscaling.Schedule;
  /** New lower bound. @default - unchanged */
  readonly minCapacity?: number;
  /** New upper bound. @default - unchanged */
  readonly maxCapacity?: number;
}

/**
 * One production variant: a fleet of one instance type that takes a share of the endpoint's traffic,
 * scales on its own and has its own alarms. Every variant serves the endpoint's model; approved versions
 * roll out to all of them (blue/green needs the same variant names before and after).
 */
export interface ProductionVariantOptions {
  /** Name of the variant (letters, digits and hyphens). */
  readonly variantName: string;
  /**
   * Instance type of the variant.
   * @default - the endpoint's `instanceType`
   */
  readonly instanceType?: string;
  /**
   * Share of the traffic, relative to the weights of the other variants (0 takes no traffic).
   * @default 1
   */
  readonly initialVariantWeight?: number;
  /**
   * Fewest instances of the variant.
   * @default - the endpoint's `minCapacity`
   */
  readonly minCapacity?: number;
  /**
   * Most instances of the variant.
   * @default - the endpoint's `maxCapacity`, or the variant's `minCapacity` when that is larger
   */
  readonly maxCapacity?: number;
}

/** Asynchronous inference: requests queue in SageMaker, results land in the lake. */
export interface AsyncInferenceOptions {
  /**
   * Concurrent requests each instance works on.
   * @default 4
   */
  readonly maxConcurrentInvocationsPerInstance?: number;
  /**
   * Queued requests per instance that target tracking keeps the fleet at.
   * @default 5
   */
  readonly targetBacklogPerInstance?: number;
}

/** SageMaker Model Monitor data-quality checks of the captured requests against a baseline. */
export interface DriftMonitoringOptions {
  /**
   * The Model Monitor analyzer image of your region (the account differs per region, and the SageMaker
   * Python SDK prints it: `sagemaker.image_uris.retrieve("model-monitor", region)`).
   */
  readonly imageUri: string;
  /** Key of the baseline `statistics.json` in the MODEL_ARTIFACTS zone. */
  readonly baselineStatisticsKey: string;
  /** Key of the baseline `constraints.json` in the MODEL_ARTIFACTS zone. */
  readonly baselineConstraintsKey: string;
  /**
   * When the check runs (a SageMaker monitoring cron expression).
   * @default 'cron(0 * ? * * *)' (hourly)
   */
  readonly scheduleExpression?: string;
  /**
   * Instance type of the monitoring job.
   * @default 'ml.m5.xlarge'
   */
  readonly instanceType?: string;
  /**
   * Longest run of one check (at most one hour for an hourly schedule).
   * @default Duration.hours(1)
   */
  readonly maxRuntime?: Duration;
}

/** Properties of {@link InferenceEndpoint}. */
export interface InferenceEndpointProps {
  /** The lake: model data is read from MODEL_ARTIFACTS, capture and async output go to INFERENCE_CAPTURE. */
  readonly dataLake: ISecureDataLake;
  /**
   * The model to serve. Without it only the promotion machinery is created (`modelPackageGroupName` is
   * then required) and the endpoint appears, named `endpointName`, when the first version is approved.
   * @default - no endpoint until the first approved model package version
   */
  readonly model?: ModelSource;
  /**
   * A model package group of the registry: each version approved there is rolled out to this endpoint
   * by the promotion function (blue/green with the deployment strategy and automatic rollback).
   * @default - no promotion (requires `model`)
   */
  readonly modelPackageGroupName?: string;
  /**
   * The images the model package versions this endpoint serves run (a version names its image only in the
   * registry, so the construct cannot read it): the execution role may pull from exactly these images'
   * repositories, in their own registry accounts. Pass the training pipeline's `inferenceImage`, e.g. an
   * AWS Deep Learning Container. Only for `ModelSource.fromModelPackage` or `modelPackageGroupName`.
   * @default - any repository of this account in this region (an image of another registry, such as an
   * AWS Deep Learning Container, then fails to pull: name it here)
   */
  readonly modelPackageImages?: TrainingImage[];
  /**
   * Roll out versions whoever approved them. By default the promotion function refuses a version approved by
   * the identity that registered it (the training pipeline's own role, e.g. with
   * `ModelApprovalStatus.APPROVED`) or by the identity that started the pipeline run that produced it, and
   * refuses what the registry (or the CloudTrail event history) cannot prove. Set it only where one person
   * may train and ship alone, such as a development account. Requires `modelPackageGroupName`.
   * @default false
   */
  readonly allowSelfApproval?: boolean;
  /**
   * Instance type of the production variant: a type SageMaker offers for hosting, of a family this
   * library knows (see `allowUnlistedInstanceType` for newer ones).
   * @default 'ml.g5.xlarge'
   */
  readonly instanceType?: string;
  /**
   * Accept instance types (`instanceType`, the variants' and the monitoring job's) that are not in this
   * library's instance tables, for types newer than this version of the library: such a type only gets an
   * info annotation and SageMaker validates it at deployment. The library then treats an unknown family's
   * storage as EBS (sets the KMS key) and skips `requireGpu` for it. Malformed types fail either way.
   * @default false
   */
  readonly allowUnlistedInstanceType?: boolean;
  /**
   * The endpoint's name: lower-case letters, digits and hyphens, at most 63 characters, or at most 40 with
   * `modelPackageGroupName` or `monitoring` (the promotion function and the monitoring schedule name their
   * resources `<endpointName>-<suffix>` within SageMaker's 63). Lower case because SageMaker writes
   * endpoint names in lower case into ARNs, which IAM compares case-sensitively.
   * @default - generated from the construct path (lower case, at most 40 characters)
   */
  readonly endpointName?: string;
  /**
   * Fail synthesis unless `instanceType` is a GPU family (set it when the model needs CUDA).
   * @default false
   */
  readonly requireGpu?: boolean;
  /**
   * Name of the production variant (when `variants` is not set).
   * @default 'AllTraffic'
   */
  readonly variantName?: string;
  /**
   * Production variants, for example two instance types sharing the traffic. At most 10 (SageMaker's
   * limit); asynchronous endpoints have exactly one.
   * @default - one variant named `variantName` on `instanceType`
   */
  readonly variants?: ProductionVariantOptions[];
  /**
   * Variants whose 5XX and p99 latency alarms roll a deployment back. At most 5: SageMaker takes at
   * most 10 rollback alarms, two per variant.
   * @default - every variant
   */
  readonly rollbackAlarmVariants?: string[];
  /**
   * Fewest instances (at least 1 for real-time endpoints, while 0 lets an asynchronous endpoint scale to zero).
   * @default 1 (0 with `asyncInference`)
   */
  readonly minCapacity?: number;
  /**
   * Most instances.
   * @default - 2, or `minCapacity` when that is larger
   */
  readonly maxCapacity?: number;
  /**
   * Invocations per instance per minute that target tracking keeps the fleet at (real-time endpoints).
   * @default 20
   */
  readonly targetInvocationsPerInstance?: number;
  /**
   * Time between scale-in activities.
   * @default Duration.minutes(10)
   */
  readonly scaleInCooldown?: Duration;
  /**
   * Time between scale-out activities.
   * @default Duration.minutes(2)
   */
  readonly scaleOutCooldown?: Duration;
  /**
   * Scheduled changes of the scaling bounds (for example more instances during business hours).
   * @default - none
   */
  readonly scheduledScaling?: ScheduledCapacity[];
  /**
   * How a new model version takes over traffic.
   * @default DeploymentStrategy.canary(10, Duration.minutes(10))
   */
  readonly deploymentStrategy?: DeploymentStrategy;
  /**
   * How long the old fleet is kept after all traffic moved, so a rollback alarm can still restore it.
   * @default Duration.minutes(10)
   */
  readonly terminationWait?: Duration;
  /**
   * Percentage of requests (and responses) captured into INFERENCE_CAPTURE (0 turns capture off). Captured
   * prompts and answers are encrypted with a key of their own (`captureKey`) that only the execution role
   * (to write), drift monitoring and the principals given `grantReadCapture` (to read) may use.
   * @default 100
   */
  readonly captureSamplingPercentage?: number;
  /**
   * Serve asynchronously (for long generations): requests queue, results go to INFERENCE_CAPTURE under
   * `async-output/`, success and error notifications to two encrypted topics, and the fleet can scale
   * to zero when idle and wakes up on backlog.
   * @default - real-time
   */
  readonly asyncInference?: AsyncInferenceOptions;
  /**
   * How long the container may take to pass its health check (large models load slowly).
   * @default Duration.minutes(10)
   */
  readonly containerStartupTimeout?: Duration;
  /**
   * p99 model latency above which the endpoint alarms and a rollout rolls back.
   * @default Duration.seconds(30)
   */
  readonly latencyP99Threshold?: Duration;
  /**
   * p50 model latency above which the endpoint alarms.
   * @default Duration.seconds(10)
   */
  readonly latencyP50Threshold?: Duration;
  /**
   * 5XX errors per minute at which the endpoint alarms and a rollout rolls back.
   * @default 5
   */
  readonly serverErrorThreshold?: number;
  /**
   * 4XX errors per 5 minutes at which the endpoint alarms.
   * @default 100
   */
  readonly clientErrorThreshold?: number;
  /**
   * Average CPU utilization, in percent of all the vCPUs of an instance, at which a variant alarms
   * (after 15 minutes). SageMaker sums `CPUUtilization` over the vCPUs; the alarm scales the threshold.
   * @default 90
   */
  readonly cpuUtilizationThreshold?: number;
  /**
   * Average GPU utilization, in percent of all the GPUs of an instance, at which a GPU variant alarms
   * (after 15 minutes): the fleet is saturated and should have scaled out. There is no GPU memory alarm:
   * LLM servers reserve most of the GPU memory at start, so it reads high when healthy.
   * @default 90
   */
  readonly gpuUtilizationThreshold?: number;
  /**
   * Drift monitoring with SageMaker Model Monitor (needs `model` and data capture).
   * @default - no monitoring schedule
   */
  readonly monitoring?: DriftMonitoringOptions;
  /**
   * A VPC for the model containers and monitoring jobs: SageMaker attaches them with network interfaces
   * in `vpcSubnets`, and model data is downloaded through the VPC (give it an S3 gateway endpoint).
   * @default - no VPC (the containers still have no network access: network isolation is always on)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc`.
   * @default - the VPC's isolated subnets, or its private subnets with egress when it has no isolated ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the network interfaces.
   * @default - a new security group that allows only outbound HTTPS
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Key for the endpoint's storage volumes (where the instance type allows it), topics, queues and the
   * promotion function's logs and environment.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Topic every alarm of the endpoint notifies.
   * @default - a new topic encrypted with `encryptionKey`
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Retention of the promotion function's logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the key, logs and queues the construct creates on stack deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Attributes of an endpoint that exists already. */
export interface InferenceEndpointAttributes {
  /** The endpoint's name. */
  readonly endpointName: string;
  /**
   * The variant the metrics are about.
   * @default 'AllTraffic'
   */
  readonly variantName?: string;
}

const DEFAULT_INSTANCE_TYPE = 'ml.g5.xlarge';
const DEFAULT_SCALE_IN_COOLDOWN = Duration.minutes(10);
const DEFAULT_SCALE_OUT_COOLDOWN = Duration.minutes(2);
const DEFAULT_TARGET_INVOCATIONS = 20;
const DEFAULT_TARGET_BACKLOG = 5;
/** SageMaker's limit of production variants per endpoint config. */
const MAX_VARIANTS = 10;
/** SageMaker takes at most 10 rollback alarms; each variant has two. */
const MAX_ROLLBACK_VARIANTS = 5;

/** A production variant with its defaults filled in. */
interface ResolvedVariant {
  readonly name: string;
  readonly instanceType: string;
  readonly weight: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Whether the owner chose the lower bound (minCapacity on the endpoint or the variant). */
  readonly explicitMinCapacity: boolean;
  /** Prefix of the variant's construct ids: empty for a single variant (ids stay as they were). */
  readonly idPrefix: string;
}
const ENDPOINT_NAMESPACE = 'AWS/SageMaker';
const INSTANCE_NAMESPACE = '/aws/sagemaker/Endpoints';
const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** @internal */
abstract class EndpointBase extends Construct implements IInferenceEndpoint {
  public abstract readonly endpointName: string;
  public abstract readonly endpointArn: string;
  /** The production variant the metrics are about. */
  public abstract readonly variantName: string;

  /**
   * Allows `sagemaker:InvokeEndpoint` (and its streaming and asynchronous variants) on this endpoint only.
   *
   * @param grantee the principal to grant
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: INVOKE_ACTIONS, resourceArns: [this.endpointArn] });
  }

  /**
   * Model latency (`ModelLatency`) of the variant `variantName`: how long the model container took to
   * respond. SageMaker publishes it in microseconds (1 s is 1,000,000). Average per minute unless `props`
   * say otherwise, e.g. `metricLatency({ statistic: 'p99' })` for the 99th percentile (the statistic of the
   * construct's own latency alarm).
   *
   * @param props options that override the defaults (average per minute)
   */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.variantMetric('ModelLatency', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  /**
   * Invocations (count, sum per minute) of the variant `variantName`.
   *
   * @param props options that override the defaults (sum per minute)
   */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.variantMetric('Invocations', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Invocation 5XX errors (count, sum per minute) of the variant `variantName`.
   *
   * @param props options that override the defaults (sum per minute)
   */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.variantMetric('Invocation5XXErrors', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Invocation 4XX errors (count, sum per minute) of the variant `variantName`.
   *
   * @param props options that override the defaults (sum per minute)
   */
  public metricClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.variantMetric('Invocation4XXErrors', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * An instance metric of the variant `variantName` (`CPUUtilization`, `GPUUtilization`, `MemoryUtilization`, ...).
   *
   * @param metricName the metric's name in the `/aws/sagemaker/Endpoints` namespace
   * @param props options that override the defaults (average per minute)
   */
  public metricInstance(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instanceMetric(metricName, props ?? {}, this.variantName);
  }

  /**
   * An instance metric (namespace `/aws/sagemaker/Endpoints`) of one production variant.
   *
   * @param metricName the metric's name, e.g. `MemoryUtilization`
   * @param props options that override the defaults (average per minute)
   * @param variantName the production variant
   */
  protected instanceMetric(metricName: string, props: cloudwatch.MetricOptions, variantName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: INSTANCE_NAMESPACE,
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: variantName },
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * An invocation metric (namespace `AWS/SageMaker`) of one production variant.
   *
   * @param metricName the metric's name, e.g. `Invocation5XXErrors`
   * @param props options that override the defaults (average per minute)
   * @param variantName the production variant (`variantName` when omitted)
   */
  protected variantMetric(metricName: string, props: cloudwatch.MetricOptions, variantName = this.variantName): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: ENDPOINT_NAMESPACE,
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: variantName },
      period: Duration.minutes(1),
      ...props,
    });
  }
}

/**
 * A SageMaker endpoint that serves a model from the registry or an image: blue/green rollouts with
 * automatic rollback on alarms, autoscaling, capture of requests and responses into the lake, alarms,
 * dashboard widgets, optional drift monitoring, and a promotion function that rolls out every model
 * package version approved in the registry.
 */
export class InferenceEndpoint extends EndpointBase {
  /**
   * Imports an endpoint that exists already, in the stack's account and region.
   *
   * @param scope the scope in which to define the imported endpoint
   * @param id the construct id of the imported endpoint
   * @param attrs the endpoint's name and the production variant its metrics are about
   */
  public static fromEndpointAttributes(scope: Construct, id: string, attrs: InferenceEndpointAttributes): IInferenceEndpoint {
    validatePattern(scope, 'endpointName', attrs.endpointName, NAME_PATTERN, 'an endpoint name: letters, digits and hyphens, at most 63 characters');
    class Imported extends EndpointBase {
      public readonly endpointName = attrs.endpointName;
      public readonly variantName = attrs.variantName ?? 'AllTraffic';
      public readonly endpointArn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: attrs.endpointName });
    }
    return new Imported(scope, id);
  }

  /**
   * Imports an endpoint that exists already by its name, in the stack's account and region (its metrics
   * are about the variant `AllTraffic`; use {@link fromEndpointAttributes} for another variant).
   *
   * @param scope the scope in which to define the imported endpoint
   * @param id the construct id of the imported endpoint
   * @param endpointName the endpoint's name
   */
  public static fromEndpointName(scope: Construct, id: string, endpointName: string): IInferenceEndpoint {
    return InferenceEndpoint.fromEndpointAttributes(scope, id, { endpointName });
  }

  /**
   * The endpoint's name: `endpointName`, or generated at synthesis from the construct path (lower case, at
   * most 40 characters). Without `model` it is the name the promotion function gives the endpoint.
   */
  public readonly endpointName: string;
  public readonly endpointArn: string;
  /** The first production variant (the one `metricLatency()` and the other metric methods are about). */
  public readonly variantName: string;
  /** Every production variant, in order. */
  public readonly variantNames: string[];
  /** The role SageMaker runs the model (and the promotion function's models) with. */
  public readonly role: iam.IRole;
  /** Key of storage volumes, topics, queues and the promotion function. */
  public readonly encryptionKey: kms.IKey;
  /**
   * Key of the captured requests and responses (prompts and answers), when capture is on. The account is
   * delegated only its administration: the key policy names the execution role (write), the drift
   * monitoring role and the principals given {@link InferenceEndpoint.grantReadCapture} (read), so lake
   * read access alone does not reveal captured prompts.
   */
  public readonly captureKey?: kms.IKey;
  /** Topic every alarm notifies. */
  public readonly alarmTopic: sns.ITopic;
  /** Every alarm of the endpoint (latency, errors, memory, disk, drift). */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The alarms that roll a deployment back (5XX errors and p99 latency). */
  public readonly rollbackAlarms: cloudwatch.Alarm[] = [];
  /** Dashboard widgets of the endpoint (add them to your dashboard). */
  public readonly widgets: cloudwatch.IWidget[] = [];
  /** The model (when `model` is set). */
  public readonly model?: sagemaker.CfnModel;
  /** The endpoint config (when `model` is set). */
  public readonly endpointConfig?: sagemaker.CfnEndpointConfig;
  /** The endpoint (when `model` is set, otherwise the promotion function creates it). */
  public readonly endpoint?: sagemaker.CfnEndpoint;
  /** The scaling target of the first variant (when `model` is set). */
  public readonly scalableTarget?: appscaling.ScalableTarget;
  /** The scaling targets of every variant, in order (when `model` is set). */
  public readonly scalableTargets: appscaling.ScalableTarget[] = [];
  /** The data-quality monitoring schedule (when `monitoring` is set). */
  public readonly monitoringSchedule?: sagemaker.CfnMonitoringSchedule;
  /** The promotion function (when `modelPackageGroupName` is set). */
  public readonly promotionFunction?: lambda.IFunction;
  /** The rule that sends approvals to the promotion function. */
  public readonly promotionRule?: events.Rule;
  /**
   * The rule that tells the promotion function an endpoint it created is in service, so it registers the
   * autoscaling (when the function creates the endpoint, that is without `model`).
   */
  public readonly promotionScalingRule?: events.Rule;
  /**
   * The queue approvals wait in until the endpoint can take them (SQS FIFO, one promotion at a time, in
   * order; when `modelPackageGroupName` is set). Its dead-letter queue holds what failed or waited too long.
   */
  public readonly promotionQueue?: sqs.IQueue;
  /** Where approval events go when they cannot be delivered to the promotion queue or function. */
  public readonly promotionDeadLetterQueue?: sqs.IQueue;
  /** Whether the endpoint config carries the storage key (false when a variant runs on an NVMe instance type). */
  public readonly storageEncryptedWithKey: boolean;
  /** Security groups of the containers' network interfaces (empty without `vpc`). */
  public readonly securityGroups: ec2.ISecurityGroup[] = [];

  private readonly props: InferenceEndpointProps;
  private readonly variants: ResolvedVariant[];
  private readonly isAsync: boolean;
  private readonly samplingPercentage: number;
  private readonly routing: TrafficRoutingConfig;
  private readonly terminationWaitSeconds: number;
  private readonly removalPolicy: RemovalPolicy;
  private asyncTopics?: { success: sns.Topic; error: sns.Topic };
  /** `{ securityGroupIds, subnets }` when the construct runs in a VPC. */
  private readonly vpcConfig?: { securityGroupIds: string[]; subnets: string[] };

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the endpoint's properties
   */
  private captureReaders = 0;

  constructor(scope: Construct, id: string, props: InferenceEndpointProps) {
    super(scope, id);
    this.props = props;
    this.isAsync = props.asyncInference !== undefined;
    this.variants = this.resolveVariants(props);
    this.variantName = this.variants[0].name;
    this.variantNames = this.variants.map((v) => v.name);
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.samplingPercentage = props.captureSamplingPercentage ?? 100;
    this.routing = (props.deploymentStrategy ?? DeploymentStrategy.canary(10, Duration.minutes(10))).bind(this);
    this.terminationWaitSeconds = (props.terminationWait ?? Duration.minutes(10)).toSeconds({ integral: false });
    this.validate(props);
    if (props.modelPackageGroupName !== undefined) claimPromotionGroup(this, props.modelPackageGroupName);

    this.endpointName = props.endpointName ?? Names.uniqueResourceName(this, { maxLength: 40, separator: '-' }).toLowerCase();
    this.endpointArn = Stack.of(this).formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: this.endpointName });
    this.storageEncryptedWithKey = this.variants.every((v) => !hasNvmeStorage(v.instanceType));

    this.encryptionKey = props.encryptionKey ?? createKey(this, 'Key', `Encrypts the inference endpoint ${this.node.path}`, this.removalPolicy);
    this.alarmTopic = props.alarmTopic ?? createNotificationTopic(this, 'AlarmTopic', this.encryptionKey, 'Inference endpoint alarms');

    const source = props.model?.bind(this, props.dataLake);
    if (props.vpc) {
      const subnets = props.vpc.selectSubnets(
        props.vpcSubnets ?? { subnetType: props.vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS },
      );
      if (props.securityGroups && props.securityGroups.length > 0) {
        this.securityGroups.push(...props.securityGroups);
      } else {
        const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
          vpc: props.vpc,
          description: `Model containers and monitoring jobs of ${this.node.path}`,
          allowAllOutbound: false,
        });
        sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to S3 and ECR (through VPC endpoints or NAT)');
        this.securityGroups.push(sg);
      }
      this.vpcConfig = { securityGroupIds: this.securityGroups.map((g) => g.securityGroupId), subnets: subnets.subnetIds };
    }
    this.role = this.createExecutionRole(source);
    if (this.samplingPercentage > 0) {
      const captureKey = createRestrictedKey(this, 'CaptureKey', `Encrypts the requests and responses captured from ${this.node.path}`, this.removalPolicy);
      this.captureKey = captureKey;
      // The capture bucket refuses puts that name other keys: it accepts this one.
      allowObjectEncryptionKey(props.dataLake.bucket(DataZone.INFERENCE_CAPTURE), captureKey);
      // Writing an object with SSE-KMS needs GenerateDataKey (and Decrypt for multipart uploads).
      allowKeyUse(captureKey, 'CaptureWriter', this.role, ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'], ['s3']);
    }
    this.createAlarms();

    if (props.model && source) {
      this.model = new sagemaker.CfnModel(this, 'Model', {
        executionRoleArn: this.role.roleArn,
        primaryContainer: source.container,
        enableNetworkIsolation: true,
        vpcConfig: this.vpcConfig,
      });
      this.model.node.addDependency(this.role);
      this.endpointConfig = new sagemaker.CfnEndpointConfig(this, 'EndpointConfig', this.renderEndpointConfig(this.model.attrModelName) as unknown as sagemaker.CfnEndpointConfigProps);
      this.endpoint = new sagemaker.CfnEndpoint(this, 'Resource', {
        endpointName: this.endpointName,
        endpointConfigName: this.endpointConfig.attrEndpointConfigName,
        deploymentConfig: this.renderDeploymentConfig(),
      });
      for (const variant of this.variants) {
        this.scalableTargets.push(this.createScaling(this.endpoint, variant));
      }
      this.scalableTarget = this.scalableTargets[0];
      // GenAIChecks warns about endpoints that can run on one instance. That is the owner's explicit choice
      // (a minCapacity set below 2), or the documented scale-to-zero design of asynchronous endpoints.
      if (this.variants.some((v) => v.explicitMinCapacity && v.minCapacity < 2)) {
        acknowledge(this.endpoint, Acknowledgements.singleInstanceEndpoint);
      } else if (this.isAsync && !this.variants[0].explicitMinCapacity) {
        acknowledge(this.endpoint, Acknowledgements.asyncScaleToZero);
      }
      if (props.monitoring) {
        const monitoring = createDataQualityMonitoring(this, props.monitoring, {
          dataLake: props.dataLake,
          endpointName: this.endpointName,
          endpoint: this.endpoint,
          encryptionKey: this.encryptionKey,
          captureKey: this.captureKey,
          alarmTopic: this.alarmTopic,
          vpcConfig: this.vpcConfig,
          grantVpcAccess: (role) => this.grantVpcAccess(role),
        });
        this.monitoringSchedule = monitoring.schedule;
        this.alarms.push(monitoring.alarm);
      }
    }
    this.annotateInstanceTypes();
    if (props.modelPackageGroupName) {
      const promotion = createPromotion(this, props.modelPackageGroupName, {
        dataLake: props.dataLake,
        endpointName: this.endpointName,
        endpointArn: this.endpointArn,
        executionRole: this.role,
        encryptionKey: this.encryptionKey,
        captureKey: this.captureKey,
        storageEncryptedWithKey: this.storageEncryptedWithKey,
        alarmTopic: this.alarmTopic,
        logRetention: props.logRetention,
        removalPolicy: this.removalPolicy,
        vpcConfig: this.vpcConfig,
        endpointConfigTemplate: this.renderEndpointConfig(undefined),
        deploymentConfig: this.renderDeploymentConfig(true),
        model: this.model,
        endpointConfig: this.endpointConfig,
        endpoint: this.endpoint,
        // CloudFormation scales an endpoint it manages; one the function creates is scaled by the function.
        scaling: this.endpoint ? undefined : this.renderScalingConfig(),
        allowSelfApproval: props.allowSelfApproval,
      });
      this.promotionQueue = promotion.queue;
      this.alarms.push(...promotion.alarms);
      this.promotionFunction = promotion.fn.function;
      this.promotionRule = promotion.rule;
      this.promotionScalingRule = promotion.scalingRule;
      this.promotionDeadLetterQueue = promotion.dlq;
    }
    this.createWidgets();
  }

  /**
   * How a rollout shifts traffic (the validated deployment strategy, as SageMaker takes it).
   */
  public get trafficRouting(): TrafficRoutingConfig {
    return this.routing;
  }

  /**
   * Adds an alarm that rolls a deployment back when it fires during a rollout, e.g. the promotion gate of
   * `RedTeam.addPromotionGate`. It goes into the deployment config of the endpoint and of the promotion
   * function. SageMaker takes at most 10 rollback alarms.
   *
   * @param alarm the alarm; SageMaker's execution of the rollout must be able to describe it (alarms in the same account and region)
   */
  public addRollbackAlarm(alarm: cloudwatch.Alarm): void {
    if (this.rollbackAlarms.length >= 10) {
      throw new GenAIValidationError(this, 'rollbackAlarms', this.rollbackAlarms.length + 1, 'at most 10: SageMaker takes at most 10 rollback alarms (name fewer rollbackAlarmVariants)');
    }
    this.rollbackAlarms.push(alarm);
    // SageMaker reads rollback alarms with the endpoint's execution role.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [alarm.alarmArn] }));
  }

  private validate(props: InferenceEndpointProps): void {
    if (!props.model && !props.modelPackageGroupName) {
      throw new GenAIValidationError(this, 'model', undefined, 'a ModelSource, or a modelPackageGroupName whose first approved version creates the endpoint');
    }
    validatePattern(this, 'modelPackageGroupName', props.modelPackageGroupName, NAME_PATTERN, 'letters, digits and hyphens, at most 63 characters');
    const servedGroup = props.model?._modelPackageGroupName;
    if (servedGroup !== undefined && props.modelPackageGroupName !== undefined && !isUnresolved(props.modelPackageGroupName) && servedGroup !== props.modelPackageGroupName) {
      throw new GenAIValidationError(
        this,
        'modelPackageGroupName',
        props.modelPackageGroupName,
        `"${servedGroup}", the group of the model package the endpoint serves (model): otherwise it serves a version of one group and rolls out the approvals of another`,
      );
    }
    const derivesNames = props.modelPackageGroupName !== undefined || props.monitoring !== undefined;
    validateSageMakerName(
      this,
      'endpointName',
      props.endpointName,
      derivesNames ? 40 : 63,
      derivesNames ? 'at most 40 with modelPackageGroupName or monitoring: the promotion function and the monitoring schedule name their resources <endpointName>-<suffix> within SageMaker\'s 63' : '',
    );
    if (props.allowSelfApproval !== undefined && !props.modelPackageGroupName) {
      throw new GenAIValidationError(this, 'allowSelfApproval', props.allowSelfApproval, 'only with modelPackageGroupName (it governs which approved versions the promotion function rolls out)');
    }
    const rollbackVariants = props.rollbackAlarmVariants ?? this.variantNames;
    for (const name of props.rollbackAlarmVariants ?? []) {
      if (!this.variantNames.includes(name)) {
        throw new GenAIValidationError(this, 'rollbackAlarmVariants', name, `names of production variants of this endpoint: ${this.variantNames.join(', ')}`);
      }
    }
    if (rollbackVariants.length === 0 || rollbackVariants.length > MAX_ROLLBACK_VARIANTS) {
      throw new GenAIValidationError(
        this,
        'rollbackAlarmVariants',
        props.rollbackAlarmVariants ? `[${rollbackVariants.join(', ')}]` : `every variant (${rollbackVariants.length})`,
        `1 to ${MAX_ROLLBACK_VARIANTS} variants: SageMaker takes at most 10 rollback alarms, two (5XX and p99 latency) per variant`,
      );
    }
    validateRange(this, 'cpuUtilizationThreshold', props.cpuUtilizationThreshold, 1, 100);
    validateRange(this, 'gpuUtilizationThreshold', props.gpuUtilizationThreshold, 1, 100);
    validateRange(this, 'targetInvocationsPerInstance', props.targetInvocationsPerInstance, 1, 100000);
    validateRange(this, 'captureSamplingPercentage', this.samplingPercentage, 0, 100, { integer: true });
    validateRange(this, 'terminationWait (seconds)', this.terminationWaitSeconds, 0, 3600, { integer: true });
    validateRange(this, 'containerStartupTimeout (seconds)', props.containerStartupTimeout?.toSeconds({ integral: false }), 60, 3600, { integer: true });
    validateRange(this, 'serverErrorThreshold', props.serverErrorThreshold, 1, 1e9);
    validateRange(this, 'clientErrorThreshold', props.clientErrorThreshold, 1, 1e9);
    validateRange(this, 'latencyP99Threshold (ms)', props.latencyP99Threshold?.toMilliseconds(), 1, 3600000);
    validateRange(this, 'latencyP50Threshold (ms)', props.latencyP50Threshold?.toMilliseconds(), 1, 3600000);
    validateRange(this, 'asyncInference.maxConcurrentInvocationsPerInstance', props.asyncInference?.maxConcurrentInvocationsPerInstance, 1, 1000, { integer: true });
    validateRange(this, 'asyncInference.targetBacklogPerInstance', props.asyncInference?.targetBacklogPerInstance, 1, 100000);
    validateLogRetention(this, 'logRetention', props.logRetention);
    for (const s of props.scheduledScaling ?? []) {
      validatePattern(this, 'scheduledScaling.id', s.id, /^[A-Za-z0-9]{1,64}$/, 'letters and digits');
      validateRange(this, `scheduledScaling[${s.id}].minCapacity`, s.minCapacity, this.isAsync ? 0 : 1, 1000, { integer: true });
      validateRange(this, `scheduledScaling[${s.id}].maxCapacity`, s.maxCapacity, 1, 1000, { integer: true });
      if (s.minCapacity !== undefined && s.maxCapacity !== undefined && s.minCapacity > s.maxCapacity) {
        throw new GenAIValidationError(this, `scheduledScaling[${s.id}].maxCapacity`, s.maxCapacity, `at least its minCapacity (${s.minCapacity})`);
      }
      if (s.minCapacity === undefined && s.maxCapacity === undefined) {
        throw new GenAIValidationError(this, `scheduledScaling[${s.id}]`, 'no bounds', 'minCapacity, maxCapacity or both');
      }
    }
    if (props.monitoring) {
      if (!props.model) {
        throw new GenAIValidationError(this, 'monitoring', 'set without model', 'monitoring only with `model` (the schedule needs an existing endpoint)');
      }
      if (this.samplingPercentage === 0) {
        throw new GenAIValidationError(this, 'captureSamplingPercentage', 0, 'from 1 to 100 when monitoring is set (Model Monitor reads the captured data)');
      }
      validateInstanceType(this, 'monitoring.instanceType', props.monitoring.instanceType, 'processing', props.allowUnlistedInstanceType ?? false);
      validatePattern(this, 'monitoring.scheduleExpression', props.monitoring.scheduleExpression, /^cron\(.+\)$/, 'a cron(...) expression');
      validateRange(this, 'monitoring.maxRuntime (seconds)', props.monitoring.maxRuntime?.toSeconds({ integral: false }), 60, 86400, { integer: true });
    }
  }

  /**
   * The production variants with their defaults filled in, validated one by one (errors name the
   * property as `variants[i].<prop>`, or the endpoint-level prop for the single default variant).
   */
  private resolveVariants(props: InferenceEndpointProps): ResolvedVariant[] {
    const instanceType = props.instanceType ?? DEFAULT_INSTANCE_TYPE;
    const lowest = this.isAsync ? 0 : 1;
    const endpointMin = props.minCapacity ?? lowest;
    const allowUnlisted = props.allowUnlistedInstanceType ?? false;
    validateInstanceType(this, 'instanceType', instanceType, 'hosting', allowUnlisted);
    validateRange(this, 'minCapacity', endpointMin, lowest, 1000, { integer: true });
    validateRange(this, 'maxCapacity', props.maxCapacity, 1, 1000, { integer: true });
    if (props.maxCapacity !== undefined && !Token.isUnresolved(props.maxCapacity) && !Token.isUnresolved(endpointMin) && props.maxCapacity < endpointMin) {
      throw new GenAIValidationError(this, 'maxCapacity', props.maxCapacity, `at least minCapacity (${endpointMin})`);
    }
    if (props.variants !== undefined) {
      if (props.variantName !== undefined) {
        throw new GenAIValidationError(this, 'variantName', props.variantName, 'no variantName when variants is set (name each variant in variants)');
      }
      if (props.variants.length < 1 || props.variants.length > MAX_VARIANTS) {
        throw new GenAIValidationError(this, 'variants', `${props.variants.length} variants`, `1 to ${MAX_VARIANTS} production variants (SageMaker's limit)`);
      }
      if (this.isAsync && props.variants.length > 1) {
        throw new GenAIValidationError(this, 'variants', `${props.variants.length} variants`, 'exactly one variant with asyncInference (an asynchronous endpoint has one production variant)');
      }
    }
    const options = props.variants ?? [{ variantName: props.variantName ?? 'AllTraffic' }];
    const multiple = options.length > 1;
    const seen = new Map<string, string>();
    const variants = options.map((o, i): ResolvedVariant => {
      const prop = (name: string) => (props.variants ? `variants[${i}].${name}` : name);
      validatePattern(this, prop('variantName'), o.variantName, NAME_PATTERN, 'letters, digits and hyphens, at most 63 characters');
      const idPrefix = multiple ? o.variantName.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('') : '';
      const key = o.variantName.replace(/-/g, '').toLowerCase();
      if (seen.has(key)) {
        throw new GenAIValidationError(this, prop('variantName'), o.variantName, `a name unique among the variants, ignoring case and hyphens (${seen.get(key)} exists)`);
      }
      seen.set(key, o.variantName);
      const type = o.instanceType ?? instanceType;
      if (o.instanceType !== undefined) {
        validateInstanceType(this, prop('instanceType'), type, 'hosting', allowUnlisted);
      }
      // An unlisted family (allowed by allowUnlistedInstanceType) may or may not have a GPU: not checked.
      if (props.requireGpu && !Token.isUnresolved(type) && isKnownFamily(type) && !isGpu(type)) {
        throw new GenAIValidationError(
          this,
          o.instanceType !== undefined ? prop('instanceType') : 'instanceType',
          type,
          'a GPU family (requireGpu is set): ml.g4dn, ml.g5, ml.g6, ml.g6e, ml.p3, ml.p4d, ml.p5 ...',
        );
      }
      const min = o.minCapacity ?? endpointMin;
      validateRange(this, prop('minCapacity'), o.minCapacity, lowest, 1000, { integer: true });
      validateRange(this, prop('maxCapacity'), o.maxCapacity, 1, 1000, { integer: true });
      const max = o.maxCapacity ?? props.maxCapacity ?? Math.max(min, 2);
      if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && max < min) {
        if (o.maxCapacity !== undefined) throw new GenAIValidationError(this, prop('maxCapacity'), max, `at least its minCapacity (${min})`);
        throw new GenAIValidationError(this, prop('minCapacity'), min, `at most maxCapacity (${max})`);
      }
      validateRange(this, prop('initialVariantWeight'), o.initialVariantWeight, 0, 1000);
      return {
        name: o.variantName,
        instanceType: type,
        weight: o.initialVariantWeight ?? 1,
        minCapacity: min,
        maxCapacity: max,
        explicitMinCapacity: o.minCapacity !== undefined || props.minCapacity !== undefined,
        idPrefix,
      };
    });
    if (variants.every((v) => v.weight === 0)) {
      throw new GenAIValidationError(this, 'variants', 'every initialVariantWeight is 0', 'at least one variant with a weight above 0 (otherwise no variant takes traffic)');
    }
    return variants;
  }

  /**
   * Notes on instance types: NVMe storage (info) and Inf1 without traffic shifting (warning). Types the
   * tables do not list were annotated when they were validated.
   */
  private annotateInstanceTypes(): void {
    const nvme = this.variants.filter((v) => hasNvmeStorage(v.instanceType)).map((v) => v.instanceType);
    if (nvme.length > 0) {
      // Expected behaviour, not a mistake: an info, not a warning (warnings fail strict synth).
      Annotations.of(this).addInfo(
        `${[...new Set(nvme)].join(', ')} ${nvme.length > 1 ? 'have' : 'has'} local NVMe storage: SageMaker encrypts it with a hardware module and rejects a KMS key, so the endpoint config has no KmsKeyId (capture and outputs still use the lake key).`,
      );
      if (this.endpointConfig) acknowledge(this.endpointConfig, Acknowledgements.sagemakerNvmeStorage);
    }
    if (this.variants.some((v) => instanceFamily(v.instanceType) === 'inf1') && this.routing.shiftType !== 'ALL_AT_ONCE') {
      Annotations.of(this).addWarningV2(
        'genai:inference:noTrafficShifting',
        `SageMaker does not shift traffic gradually on Inf1 instances: the ${this.routing.shiftType.toLowerCase()} strategy falls back to all at once without a baking period.`,
      );
    }
  }

  /** The scaling the promotion function registers on an endpoint it creates (the same as `createScaling`). */
  private renderScalingConfig(): PromotionScalingConfig {
    const props = this.props;
    const scaleInCooldownSeconds = (props.scaleInCooldown ?? DEFAULT_SCALE_IN_COOLDOWN).toSeconds();
    const scaleOutCooldownSeconds = (props.scaleOutCooldown ?? DEFAULT_SCALE_OUT_COOLDOWN).toSeconds();
    return {
      variants: this.variants.map((v) => ({ variantName: v.name, minCapacity: v.minCapacity, maxCapacity: v.maxCapacity })),
      policy: this.isAsync
        ? { type: 'backlog', targetValue: props.asyncInference?.targetBacklogPerInstance ?? DEFAULT_TARGET_BACKLOG, scaleInCooldownSeconds, scaleOutCooldownSeconds }
        : { type: 'invocations', targetValue: props.targetInvocationsPerInstance ?? DEFAULT_TARGET_INVOCATIONS, scaleInCooldownSeconds, scaleOutCooldownSeconds },
      scheduled: (props.scheduledScaling ?? []).map((s) => ({
        name: s.id,
        schedule: s.schedule.expressionString,
        minCapacity: s.minCapacity,
        maxCapacity: s.maxCapacity,
      })),
    };
  }

  private createExecutionRole(source?: ModelSourceConfig): iam.Role {
    const lake = this.props.dataLake;
    const role = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Runs the model of ${this.node.path}`,
    });
    // Model data: the prefix of an image model, or the whole zone for registry versions.
    lake.grantRead(role, DataZone.MODEL_ARTIFACTS, source?.modelDataPrefix);
    const captureBucket = lake.bucket(DataZone.INFERENCE_CAPTURE);
    lake.grantWrite(role, DataZone.INFERENCE_CAPTURE, `datacapture/${this.endpointName}/`);
    const wildcards = [`datacapture/${this.endpointName}/*`];
    if (this.isAsync) {
      lake.grantWrite(role, DataZone.INFERENCE_CAPTURE, `async-output/${this.endpointName}/`);
      lake.grantWrite(role, DataZone.INFERENCE_CAPTURE, `async-failures/${this.endpointName}/`);
      lake.grantRead(role, DataZone.INFERENCE_CAPTURE, `async-input/${this.endpointName}/`);
      wildcards.push(`async-output/${this.endpointName}/*`, `async-failures/${this.endpointName}/*`, `async-input/${this.endpointName}/*`);
    }
    const stack = Stack.of(this);
    const repositories = this.imageRepositories(source);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ECR_PULL_ACTIONS, resources: repositories.arns }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ECR_AUTH_ACTIONS, resources: ['*'] }));
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `/aws/sagemaker/Endpoints/${this.endpointName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: CONTAINER_LOG_ACTIONS, resources: [logGroupArn] }));

    acknowledge(role, Acknowledgements.inlinePolicies);
    this.grantVpcAccess(role);
    const modelPrefix = source?.modelDataPrefix;
    const modelKeys = modelPrefix === undefined ? '' : Token.isUnresolved(modelPrefix) ? modelPrefix : normalizePrefix(modelPrefix);
    const generated = Acknowledgements.sagemakerGeneratedNames;
    acknowledgeWildcardResources(role, generated, [lake.bucket(DataZone.MODEL_ARTIFACTS).arnForObjects(`${modelKeys}*`)], LAKE_READ_ACTIONS);
    for (const w of wildcards) {
      acknowledgeWildcardResources(role, generated, [captureBucket.arnForObjects(w)], w.startsWith('async-input/') ? LAKE_READ_ACTIONS : LAKE_WRITE_ACTIONS);
    }
    acknowledgeWildcardResources(role, generated, [logGroupArn], CONTAINER_LOG_ACTIONS);
    if (repositories.ownAccountWildcard) {
      acknowledgeWildcardResources(role, Acknowledgements.modelPackageImages, [repositories.ownAccountWildcard], ECR_PULL_ACTIONS);
    }
    return role;
  }

  /**
   * The repositories the execution role may pull from: the image model's own repository, and for registry
   * versions (a package model, or promotions) the repositories of `modelPackageImages`, else every
   * repository of this account in this region. Never another account's repositories unless an image names them.
   */
  private imageRepositories(source?: ModelSourceConfig): { arns: string[]; ownAccountWildcard?: string } {
    const props = this.props;
    const arns = [...(source?.repositoryArns ?? [])];
    // An image model whose URI is a token as a whole names no repository the construct can read.
    let ownAccount = source !== undefined && !props.model?.isModelPackage && source.repositoryArns === undefined;
    const servesPackages = props.model === undefined || props.model.isModelPackage || props.modelPackageGroupName !== undefined;
    if (props.modelPackageImages !== undefined && !servesPackages) {
      throw new GenAIValidationError(
        this,
        'modelPackageImages',
        `${props.modelPackageImages.length} image(s)`,
        'only with ModelSource.fromModelPackage or modelPackageGroupName (an image model names its repository itself)',
      );
    }
    if (servesPackages && props.modelPackageImages !== undefined) {
      if (props.modelPackageImages.length === 0) {
        throw new GenAIValidationError(this, 'modelPackageImages', '[]', "at least one TrainingImage (leave it unset to allow this account's repositories)");
      }
      props.modelPackageImages.forEach((image, i) => {
        if (!(image instanceof TrainingImage)) {
          throw new GenAIValidationError(this, `modelPackageImages[${i}]`, String(image), 'TrainingImage.fromImageUri(uri) or TrainingImage.fromEcrRepository(repository, tag)');
        }
        arns.push(image.bind(this, `modelPackageImages[${i}]`).repositoryArn);
      });
    } else if (servesPackages) {
      ownAccount = true;
    }
    if (!ownAccount) return { arns: [...new Set(arns)] };
    const ownAccountWildcard = ownAccountRepositories(this);
    return { arns: [...new Set([...arns, ownAccountWildcard])], ownAccountWildcard };
  }

  /**
   * Lets SageMaker attach the role's containers to the VPC (network interfaces limited to the VPC by an
   * `ec2:Vpc` condition), and acknowledges the `*` resources of ECR login and EC2 describes.
   */
  private grantVpcAccess(role: iam.Role): void {
    const vpc = this.props.vpc;
    acknowledgeStarResource(role, STAR_RESOURCE_REASONS.ecrLogin, ECR_AUTH_ACTIONS);
    if (!vpc || !this.vpcConfig) return;
    const stack = Stack.of(this);
    const enis = stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: VPC_DESCRIBE_ACTIONS, resources: ['*'] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: VPC_ENI_ACTIONS,
        resources: [
          enis,
          ...this.vpcConfig.subnets.map((s) => stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: s })),
          ...this.vpcConfig.securityGroupIds.map((g) => stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: g })),
        ],
        conditions: { ArnEquals: { 'ec2:Vpc': vpc.vpcArn } },
      }),
    );
    acknowledgeStarResource(role, STAR_RESOURCE_REASONS.vpcJobDescribes, VPC_DESCRIBE_ACTIONS);
    acknowledgeWildcardResources(role, Acknowledgements.vpcJobNetworking, [enis], VPC_ENI_ACTIONS, { conditionKeys: ['ec2:Vpc'] });
  }

  /**
   * Lets the grantee read the captured requests and responses of this endpoint (reviewers, evaluation
   * jobs): `s3:GetObject` (and list) under `datacapture/<endpoint name>/` of the INFERENCE_CAPTURE zone,
   * and `kms:Decrypt` through S3 on `captureKey`, granted in the key policy, which names every reader.
   *
   * Throws when capture is off (`captureSamplingPercentage: 0`).
   *
   * @param grantee the principal to grant (a role of this account; the key policy names it)
   */
  public grantReadCapture(grantee: iam.IGrantable): iam.Grant {
    if (!this.captureKey) {
      throw new GenAIValidationError(this, 'captureSamplingPercentage', 0, 'from 1 to 100 to grant reading the captured data (grantReadCapture)');
    }
    this.captureReaders += 1;
    allowKeyUse(this.captureKey, `CaptureReader${this.captureReaders}`, grantee, ['kms:Decrypt'], ['s3']);
    return this.props.dataLake.grantRead(grantee, DataZone.INFERENCE_CAPTURE, `datacapture/${this.endpointName}/`);
  }

  private renderEndpointConfig(modelName: string | undefined): Record<string, unknown> {
    const lake = this.props.dataLake;
    const capture = lake.bucket(DataZone.INFERENCE_CAPTURE);
    const startup = (this.props.containerStartupTimeout ?? Duration.minutes(10)).toSeconds();
    const variants = this.variants.map((v) => ({
      variantName: v.name,
      modelName,
      instanceType: v.instanceType,
      initialInstanceCount: Math.max(1, v.minCapacity),
      initialVariantWeight: v.weight,
      containerStartupHealthCheckTimeoutInSeconds: startup,
      modelDataDownloadTimeoutInSeconds: startup,
    }));
    return {
      productionVariants: variants,
      kmsKeyId: this.storageEncryptedWithKey ? this.encryptionKey.keyArn : undefined,
      dataCaptureConfig:
        this.samplingPercentage > 0
          ? {
              enableCapture: true,
              initialSamplingPercentage: this.samplingPercentage,
              destinationS3Uri: `s3://${capture.bucketName}/datacapture`,
              kmsKeyId: this.captureKey!.keyArn,
              captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
              captureContentTypeHeader: { jsonContentTypes: ['application/json'] },
            }
          : undefined,
      asyncInferenceConfig: this.isAsync ? this.renderAsyncConfig(capture) : undefined,
    };
  }

  private renderAsyncConfig(capture: s3.IBucket): Record<string, unknown> {
    if (!this.asyncTopics) {
      allowServicesToPublish(this.encryptionKey, ['sagemaker.amazonaws.com']);
      const success = new sns.Topic(this, 'AsyncSuccessTopic', { masterKey: this.encryptionKey, enforceSSL: true, displayName: 'Async inference results' });
      const error = new sns.Topic(this, 'AsyncErrorTopic', { masterKey: this.encryptionKey, enforceSSL: true, displayName: 'Async inference errors' });
      for (const topic of [success, error]) {
        this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
      }
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.encryptionKey.keyArn] }));
      this.asyncTopics = { success, error };
    }
    return {
      clientConfig: { maxConcurrentInvocationsPerInstance: this.props.asyncInference?.maxConcurrentInvocationsPerInstance ?? 4 },
      outputConfig: {
        s3OutputPath: `s3://${capture.bucketName}/async-output/${this.endpointName}/`,
        s3FailurePath: `s3://${capture.bucketName}/async-failures/${this.endpointName}/`,
        kmsKeyId: this.props.dataLake.encryptionKey.keyArn,
        notificationConfig: {
          successTopic: this.asyncTopics.success.topicArn,
          errorTopic: this.asyncTopics.error.topicArn,
          includeInferenceResponseIn: ['SUCCESS_NOTIFICATION_TOPIC', 'ERROR_NOTIFICATION_TOPIC'],
        },
      },
    };
  }

  /**
   * The blue/green deployment config. The rollback alarms are rendered at synth (`Lazy`), so an alarm added
   * with `addRollbackAlarm` after construction (a promotion gate) is in it; `apiShape` names the alarm field as
   * the SageMaker API does (the promotion function's copy).
   */
  private renderDeploymentConfig(apiShape = false): sagemaker.CfnEndpoint.DeploymentConfigProperty {
    const r = this.routing;
    return {
      blueGreenUpdatePolicy: {
        trafficRoutingConfiguration: {
          type: r.shiftType,
          waitIntervalInSeconds: r.waitIntervalInSeconds,
          canarySize: r.canaryPercent !== undefined ? { type: 'CAPACITY_PERCENT', value: r.canaryPercent } : undefined,
          linearStepSize: r.linearStepPercent !== undefined ? { type: 'CAPACITY_PERCENT', value: r.linearStepPercent } : undefined,
        },
        terminationWaitInSeconds: this.terminationWaitSeconds,
      },
      autoRollbackConfiguration: {
        alarms: Lazy.any({ produce: () => this.rollbackAlarms.map((a) => (apiShape ? { AlarmName: a.alarmName } : { alarmName: a.alarmName })) }),
      },
    };
  }

  private createAlarms(): void {
    const action = new cwActions.SnsAction(this.alarmTopic);
    const rollbackVariants = new Set(this.props.rollbackAlarmVariants ?? this.variantNames);
    const p99 = this.props.latencyP99Threshold ?? Duration.seconds(30);
    const p50 = this.props.latencyP50Threshold ?? Duration.seconds(10);
    for (const v of this.variants) {
      const add = (id: string, metric: cloudwatch.IMetric, props: Omit<cloudwatch.CreateAlarmOptions, 'metric'>, rollback = false) => {
        const alarm = new cloudwatch.Alarm(this, `${v.idPrefix}${id}`, {
          metric,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          ...props,
        });
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
        this.alarms.push(alarm);
        if (rollback) this.rollbackAlarms.push(alarm);
        return alarm;
      };
      const what = this.variants.length > 1 ? `${this.endpointName} (variant ${v.name})` : this.endpointName;
      const rollback = rollbackVariants.has(v.name);
      const rollsBack = rollback ? ' Rolls back a deployment in progress.' : '';
      add('ServerErrorsAlarm', this.variantMetric('Invocation5XXErrors', { statistic: cloudwatch.Stats.SUM }, v.name), {
        threshold: this.props.serverErrorThreshold ?? 5,
        evaluationPeriods: 1,
        alarmDescription: `5XX errors of ${what}: the model or container fails.${rollsBack}`,
      }, rollback);
      add('LatencyP99Alarm', this.variantMetric('ModelLatency', { statistic: cloudwatch.Stats.p(99) }, v.name), {
        threshold: p99.toMilliseconds() * 1000,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: `p99 model latency of ${what} above ${p99.toHumanString()}.${rollsBack}`,
      }, rollback);
      add('LatencyP50Alarm', this.variantMetric('ModelLatency', { statistic: cloudwatch.Stats.p(50), period: Duration.minutes(5) }, v.name), {
        threshold: p50.toMilliseconds() * 1000,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: `Median model latency of ${what} above ${p50.toHumanString()}: scale out or use a larger instance.`,
      });
      add('ClientErrorsAlarm', this.variantMetric('Invocation4XXErrors', { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }, v.name), {
        threshold: this.props.clientErrorThreshold ?? 100,
        evaluationPeriods: 1,
        alarmDescription: `4XX errors of ${what}: callers send requests the model rejects (or are throttled).`,
      });
      add('MemoryAlarm', this.instanceMetric('MemoryUtilization', { period: Duration.minutes(5) }, v.name), {
        threshold: 90,
        evaluationPeriods: 3,
        alarmDescription: `Memory of ${what} instances above 90%.`,
      });
      add('DiskAlarm', this.instanceMetric('DiskUtilization', { period: Duration.minutes(5) }, v.name), {
        threshold: 90,
        evaluationPeriods: 3,
        alarmDescription: `Disk of ${what} instances above 90%.`,
      });
      // SageMaker sums CPU and GPU utilization over the vCPUs and GPUs of an instance: scale the threshold.
      const cpuPercent = this.props.cpuUtilizationThreshold ?? 90;
      const vcpus = vcpuCount(v.instanceType);
      if (vcpus !== undefined) {
        add('CpuAlarm', this.instanceMetric('CPUUtilization', { period: Duration.minutes(5) }, v.name), {
          threshold: cpuPercent * vcpus,
          evaluationPeriods: 3,
          alarmDescription: `CPU of ${what} instances above ${cpuPercent}% of their ${vcpus} vCPUs for 15 minutes (SageMaker reports up to ${100 * vcpus}%).`,
        });
      }
      const gpus = gpuCount(v.instanceType);
      if (gpus !== undefined && gpus > 0) {
        const gpuPercent = this.props.gpuUtilizationThreshold ?? 90;
        add('GpuAlarm', this.instanceMetric('GPUUtilization', { period: Duration.minutes(5) }, v.name), {
          threshold: gpuPercent * gpus,
          evaluationPeriods: 3,
          alarmDescription: `GPU of ${what} instances above ${gpuPercent}% of their ${gpus} GPU${gpus > 1 ? 's' : ''} for 15 minutes: the fleet is saturated (at maxCapacity, or scaling out too slowly).`,
        });
      }
      if (vcpus === undefined || (isGpu(v.instanceType) && gpus === undefined)) {
        Annotations.of(this).addInfo(
          `No CPU or GPU utilization alarm for ${v.instanceType} (variant ${v.name}): the library does not know its vCPU or GPU count, and SageMaker sums utilization over them. The dashboard widgets still show it.`,
        );
      }
    }
  }

  private createScaling(endpoint: sagemaker.CfnEndpoint, variant: ResolvedVariant): appscaling.ScalableTarget {
    const props = this.props;
    const target = new appscaling.ScalableTarget(this, `${variant.idPrefix}ScalableTarget`, {
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
      resourceId: `endpoint/${this.endpointName}/variant/${variant.name}`,
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      // Application Auto Scaling acts on SageMaker through its service-linked role; no role of ours is needed.
      role: this.scalingServiceLinkedRole(),
      minCapacity: variant.minCapacity,
      maxCapacity: variant.maxCapacity,
    });
    target.node.addDependency(endpoint);
    const scaleInCooldown = props.scaleInCooldown ?? DEFAULT_SCALE_IN_COOLDOWN;
    const scaleOutCooldown = props.scaleOutCooldown ?? DEFAULT_SCALE_OUT_COOLDOWN;
    if (this.isAsync) {
      target.scaleToTrackMetric('BacklogTracking', {
        customMetric: new cloudwatch.Metric({
          namespace: ENDPOINT_NAMESPACE,
          metricName: 'ApproximateBacklogSizePerInstance',
          dimensionsMap: { EndpointName: this.endpointName },
          statistic: cloudwatch.Stats.AVERAGE,
        }),
        targetValue: props.asyncInference?.targetBacklogPerInstance ?? DEFAULT_TARGET_BACKLOG,
        scaleInCooldown,
        scaleOutCooldown,
      });
      // Target tracking cannot leave zero instances (no per-instance metric); a queued request wakes the fleet.
      target.scaleOnMetric('WakeOnBacklog', {
        metric: new cloudwatch.Metric({
          namespace: ENDPOINT_NAMESPACE,
          metricName: 'HasBacklogWithoutCapacity',
          dimensionsMap: { EndpointName: this.endpointName },
          statistic: cloudwatch.Stats.AVERAGE,
          period: Duration.minutes(1),
        }),
        scalingSteps: [
          { upper: 0.5, change: 0 },
          { lower: 0.5, change: 1 },
        ],
        adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        cooldown: scaleOutCooldown,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
      });
    } else {
      target.scaleToTrackMetric('InvocationsTracking', {
        predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
        targetValue: props.targetInvocationsPerInstance ?? DEFAULT_TARGET_INVOCATIONS,
        scaleInCooldown,
        scaleOutCooldown,
      });
    }
    for (const s of props.scheduledScaling ?? []) {
      target.scaleOnSchedule(s.id, { schedule: s.schedule, minCapacity: s.minCapacity, maxCapacity: s.maxCapacity });
    }
    return target;
  }

  /** The service-linked role Application Auto Scaling uses for SageMaker variants (one reference per construct). */
  private scalingServiceLinkedRole(): iam.IRole {
    const existing = this.node.tryFindChild('ScalingServiceLinkedRole') as iam.IRole | undefined;
    return (
      existing ??
      iam.Role.fromRoleArn(
        this,
        'ScalingServiceLinkedRole',
        Stack.of(this).formatArn({
          service: 'iam',
          region: '',
          resource: 'role',
          resourceName: 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
        }),
      )
    );
  }

  private createWidgets(): void {
    const w = (title: string, left: cloudwatch.IMetric[], right?: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title: `${title} (${this.endpointName})`, left, right, width: 8, height: 6 });
    const multiple = this.variants.length > 1;
    // One line per variant, labelled with the variant when there are several.
    const each = (make: (v: ResolvedVariant) => cloudwatch.Metric, label?: string) =>
      this.variants.map((v) => {
        const metric = make(v);
        return multiple ? metric.with({ label: [v.name, label].filter(Boolean).join(' ') }) : metric;
      });
    const endpointMetric = (name: string, statistic: string, label?: string) =>
      each((v) => this.variantMetric(name, { statistic }, v.name), label);
    const instanceMetric = (name: string, variants = this.variants) =>
      variants.map((v) => {
        const metric = this.instanceMetric(name, {}, v.name);
        return multiple ? metric.with({ label: `${v.name} ${name}` }) : metric;
      });
    this.widgets.push(
      w('Invocations and errors', endpointMetric('Invocations', cloudwatch.Stats.SUM), [
        ...endpointMetric('Invocation5XXErrors', cloudwatch.Stats.SUM, '5XX'),
        ...endpointMetric('Invocation4XXErrors', cloudwatch.Stats.SUM, '4XX'),
      ]),
      w('Model latency (µs)', [...endpointMetric('ModelLatency', cloudwatch.Stats.p(50), 'p50'), ...endpointMetric('ModelLatency', cloudwatch.Stats.p(99), 'p99')]),
      w('CPU and memory (%)', instanceMetric('CPUUtilization'), instanceMetric('MemoryUtilization')),
    );
    const gpuVariants = this.variants.filter((v) => isGpu(v.instanceType));
    if (gpuVariants.length > 0) {
      this.widgets.push(w('GPU and GPU memory (%)', instanceMetric('GPUUtilization', gpuVariants), instanceMetric('GPUMemoryUtilization', gpuVariants)));
    }
    this.widgets.push(w('Disk (%)', instanceMetric('DiskUtilization')));
    if (this.isAsync) {
      this.widgets.push(
        w('Async backlog', [
          new cloudwatch.Metric({ namespace: ENDPOINT_NAMESPACE, metricName: 'ApproximateBacklogSize', dimensionsMap: { EndpointName: this.endpointName }, statistic: cloudwatch.Stats.AVERAGE }),
        ]),
      );
    }
    this.widgets.push(new cloudwatch.AlarmStatusWidget({ title: `Endpoint alarms (${this.endpointName})`, alarms: this.alarms, width: 8, height: 6 }));
  }
}
