import { Duration, Size, Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Acknowledgements, acknowledge } from '../core/acknowledgements';
import { GenAIValidationError, isUnresolved, validatePattern, validateRange } from '../core/errors';
import { gpuCount, instanceFamily, instanceMemoryGiB, isGpuInstanceType, isKnownInstanceFamily, NEURON_FAMILIES, vcpuCount } from '../core/instance-types';
import { TrainingImage } from '../training/training-pipeline';
import type { InferenceComponentEndpoint } from './inference-component-endpoint';
import { IInferenceComponent } from './inference-component-ref';
import { IInferenceEndpoint } from './inference-endpoint-ref';
import { ModelSource } from './model-source';
import { INVOKE_ACTIONS } from './private/actions';
import { toApiShape } from './private/api-shape';
import { modelRepositories } from './private/model-images';
import { ComponentScalingConfig, createPromotion } from './private/promotion';
import { claimPromotionGroup } from './private/promotion-groups';

/**
 * How a component replaces its model: a rolling update in batches of copies, each batch baked while the
 * component's rollback alarms watch it, and rolled back automatically when one of them fires.
 */
export interface ComponentRollingUpdate {
  /**
   * Copies replaced per step, in percent of the component's copies: SageMaker accepts 5 to 50.
   * @default 50
   */
  readonly maximumBatchPercent?: number;
  /**
   * How long each batch bakes while the rollback alarms watch it (at most one hour).
   * @default Duration.minutes(5)
   */
  readonly waitInterval?: Duration;
  /**
   * Copies restored per rollback step, in percent (5 to 100).
   * @default 100
   */
  readonly rollbackMaximumBatchPercent?: number;
  /**
   * Longest the whole update may take (10 minutes to 8 hours).
   * @default - SageMaker's default
   */
  readonly maximumExecutionTimeout?: Duration;
}

/** What one component serves, with what compute per copy, how many copies and how it rolls out. */
export interface InferenceComponentOptions {
  /**
   * The model to serve. Without it only the promotion machinery is created (`modelPackageGroupName` is then
   * required) and the component appears, named `<endpointName>-<componentName>`, when the first version is
   * approved; the promotion function then also registers its copy scaling.
   * @default - no component until the first approved model package version
   */
  readonly model?: ModelSource;
  /**
   * A model package group of the registry: each version approved there is rolled out to this component by
   * its promotion function (a new model, then `UpdateInferenceComponent` with the rolling update and its
   * rollback alarms; approvals queue in SQS FIFO, never go backwards, and respect separation of duties).
   * @default - no promotion (requires `model`)
   */
  readonly modelPackageGroupName?: string;
  /**
   * The images of the model package versions the component serves: the execution role may pull from exactly
   * these repositories. Only for `ModelSource.fromModelPackage` or `modelPackageGroupName`.
   * @default - any repository of this account in this region
   */
  readonly modelPackageImages?: TrainingImage[];
  /**
   * Roll out versions whoever approved them (see `InferenceEndpointProps.allowSelfApproval`). Requires
   * `modelPackageGroupName`.
   * @default false
   */
  readonly allowSelfApproval?: boolean;
  /**
   * Short name of the component: lower-case letters, digits and hyphens, at most 16 characters. The
   * component's SageMaker name is `<endpointName>-<componentName>`.
   * @default - the construct id in lower case
   */
  readonly componentName?: string;
  /**
   * Accelerators (GPUs) one copy uses; a copy runs on one instance, so at most the instance type's GPUs.
   * @default 1 on a GPU instance type, none otherwise
   */
  readonly acceleratorCount?: number;
  /**
   * CPU cores one copy reserves (at least 0.25, at most the instance type's vCPUs).
   * @default - none reserved
   */
  readonly cpuCoreCount?: number;
  /**
   * Memory one copy reserves (at most the instance type's memory; SageMaker keeps part of it for itself).
   * @default Size.gibibytes(1)
   */
  readonly minMemory?: Size;
  /**
   * Fewest copies. 0 lets the component scale to zero when idle (the endpoint's `minInstanceCount` must then
   * be 0 too): a request to a component without copies fails with a "no capacity" validation error, counts in
   * `NoCapacityInvocationFailures`, and that metric's alarm adds a copy (it serves after several minutes).
   * @default 1
   */
  readonly minCopies?: number;
  /**
   * Most copies.
   * @default - 2, or `minCopies` when that is larger
   */
  readonly maxCopies?: number;
  /**
   * Concurrent requests per copy that target tracking keeps the copies at
   * (`SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution`).
   * @default 4
   */
  readonly targetConcurrentRequestsPerCopy?: number;
  /**
   * How a new model version replaces the old one.
   * @default - 50% of the copies per step, 5 minutes of baking each, rollback of all copies at once
   */
  readonly rollingUpdate?: ComponentRollingUpdate;
  /**
   * How long a copy may take to download its model and pass its health check (large models load slowly).
   * @default Duration.minutes(10)
   */
  readonly containerStartupTimeout?: Duration;
}

/** Properties of {@link InferenceComponent}. */
export interface InferenceComponentProps extends InferenceComponentOptions {
  /** The endpoint whose fleet hosts the component. */
  readonly endpoint: InferenceComponentEndpoint;
}

/** Attributes of an inference component that exists already. */
export interface InferenceComponentAttributes {
  /** The endpoint that hosts it. */
  readonly endpoint: IInferenceEndpoint;
  /** The component's name. */
  readonly inferenceComponentName: string;
}

const NAMESPACE = 'AWS/SageMaker';
const COMPONENT_NAME = /^[a-z0-9](-*[a-z0-9]){0,15}$/;
const COPY_DIMENSION = 'sagemaker:inference-component:DesiredCopyCount';
const MAX_COPIES = 1000;

/** @internal */
abstract class ComponentBase extends Construct implements IInferenceComponent {
  public abstract readonly inferenceComponentName: string;
  public abstract readonly inferenceComponentArn: string;
  public abstract readonly endpoint: IInferenceEndpoint;

  /**
   * Allows `sagemaker:InvokeEndpoint` (and its streaming and asynchronous variants) on the endpoint and this
   * component only.
   *
   * @param grantee the principal to grant
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: INVOKE_ACTIONS, resourceArns: [this.endpoint.endpointArn, this.inferenceComponentArn] });
  }

  /**
   * Invocations of the component (count, sum per minute).
   *
   * @param props options that override the defaults
   */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Invocation 5XX errors of the component (count, sum per minute).
   *
   * @param props options that override the defaults
   */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation5XXErrors', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Model latency of the component, in microseconds (average per minute).
   *
   * @param props options that override the defaults, e.g. `{ statistic: 'p99' }`
   */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelLatency', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  /**
   * Requests that failed because the component had no copy (`NoCapacityInvocationFailures`, sum per minute).
   *
   * @param props options that override the defaults
   */
  public metricNoCapacityFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('NoCapacityInvocationFailures', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * An invocation metric of the component (namespace `AWS/SageMaker`, dimension `InferenceComponentName`).
   *
   * @param metricName the metric's name, e.g. `Invocation4XXErrors`
   * @param props options that override the defaults (per minute)
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: NAMESPACE,
      metricName,
      dimensionsMap: { InferenceComponentName: this.inferenceComponentName },
      period: Duration.minutes(1),
      ...props,
    });
  }
}

/**
 * One model on an {@link InferenceComponentEndpoint}'s fleet: its compute per copy, copy scaling (target
 * tracking on concurrent requests per copy, and from zero on the `NoCapacityInvocationFailures` alarm),
 * the rolling update with its rollback alarms, and the promotion of approved registry versions.
 * Create it with `endpoint.addComponent(id, options)`.
 */
export class InferenceComponent extends ComponentBase {
  /**
   * Imports a component that exists already, in the stack's account and region.
   *
   * @param scope the scope in which to define the imported component
   * @param id the construct id of the imported component
   * @param attrs the hosting endpoint and the component's name
   */
  public static fromInferenceComponentAttributes(scope: Construct, id: string, attrs: InferenceComponentAttributes): IInferenceComponent {
    validatePattern(scope, 'inferenceComponentName', attrs.inferenceComponentName, /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'a component name: letters, digits and hyphens, at most 63 characters');
    class Imported extends ComponentBase {
      public readonly inferenceComponentName = attrs.inferenceComponentName;
      public readonly endpoint = attrs.endpoint;
      public readonly inferenceComponentArn = componentArn(scope, attrs.inferenceComponentName);
    }
    return new Imported(scope, id);
  }

  /** The component's SageMaker name, `<endpointName>-<componentName>`. */
  public readonly inferenceComponentName: string;
  public readonly inferenceComponentArn: string;
  /** The endpoint that hosts the component. */
  public readonly endpoint: IInferenceEndpoint;
  /** Fewest copies (0: the component scales to zero). */
  public readonly minCopies: number;
  /** Most copies. */
  public readonly maxCopies: number;
  /** The model (when `model` is set). */
  public readonly model?: sagemaker.CfnModel;
  /** The component (when `model` is set; otherwise the promotion function creates it). */
  public readonly resource?: sagemaker.CfnInferenceComponent;
  /** The copy scaling target (when `model` is set; otherwise the promotion function registers it). */
  public readonly scalableTarget?: appscaling.ScalableTarget;
  /** Every alarm of the component. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The alarms that roll a rolling update back (5XX errors and p99 latency). */
  public readonly rollbackAlarms: cloudwatch.Alarm[] = [];
  /** Dashboard widgets of the component. */
  public readonly widgets: cloudwatch.IWidget[] = [];
  /** The promotion function (when `modelPackageGroupName` is set). */
  public readonly promotionFunction?: lambda.IFunction;
  /** The rule that sends approvals to the promotion queue. */
  public readonly promotionRule?: events.Rule;
  /** The queue approvals wait in (SQS FIFO, one promotion at a time, in order). */
  public readonly promotionQueue?: sqs.IQueue;
  /** Where approval events go when they cannot be delivered to the promotion queue. */
  public readonly promotionDeadLetterQueue?: sqs.IQueue;

  /**
   * @param scope the scope in which to define this construct (usually the endpoint: use `endpoint.addComponent`)
   * @param id the scoped construct id (unique among its siblings)
   * @param props the component's properties
   */
  constructor(scope: Construct, id: string, props: InferenceComponentProps) {
    super(scope, id);
    const host = props.endpoint;
    const settings = host._settings;
    this.endpoint = host;
    if (!props.model && !props.modelPackageGroupName) {
      throw new GenAIValidationError(this, 'model', undefined, 'a ModelSource, or a modelPackageGroupName whose first approved version creates the component');
    }
    validatePattern(this, 'modelPackageGroupName', props.modelPackageGroupName, /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'letters, digits and hyphens, at most 63 characters');
    const servedGroup = props.model?._modelPackageGroupName;
    if (servedGroup !== undefined && props.modelPackageGroupName !== undefined && !isUnresolved(props.modelPackageGroupName) && servedGroup !== props.modelPackageGroupName) {
      throw new GenAIValidationError(this, 'modelPackageGroupName', props.modelPackageGroupName, `"${servedGroup}", the group of the model package the component serves (model)`);
    }
    if (props.allowSelfApproval !== undefined && !props.modelPackageGroupName) {
      throw new GenAIValidationError(this, 'allowSelfApproval', props.allowSelfApproval, 'only with modelPackageGroupName (it governs which approved versions the promotion function rolls out)');
    }
    const shortName = props.componentName ?? id.toLowerCase();
    validatePattern(this, 'componentName', shortName, COMPONENT_NAME, 'lower-case letters, digits and hyphens, at most 16 characters (the component is named <endpointName>-<componentName>)');
    for (const other of host.components) {
      if (other.inferenceComponentName === `${host.endpointName}-${shortName}`) {
        throw new GenAIValidationError(this, 'componentName', shortName, `a name no other component of ${host.node.path} has (${other.node.path} has it)`);
      }
    }
    this.inferenceComponentName = `${host.endpointName}-${shortName}`;
    this.inferenceComponentArn = componentArn(this, this.inferenceComponentName);

    const compute = this.validateCompute(props, host);
    this.minCopies = props.minCopies ?? 1;
    validateRange(this, 'minCopies', this.minCopies, 0, MAX_COPIES, { integer: true });
    validateRange(this, 'maxCopies', props.maxCopies, 1, MAX_COPIES, { integer: true });
    this.maxCopies = props.maxCopies ?? Math.max(this.minCopies, 2);
    if (!isUnresolved(this.minCopies) && !isUnresolved(this.maxCopies) && this.maxCopies < this.minCopies) {
      throw new GenAIValidationError(this, 'maxCopies', this.maxCopies, `at least minCopies (${this.minCopies})`);
    }
    if (this.minCopies === 0 && !isUnresolved(host.minInstanceCount) && host.minInstanceCount > 0) {
      throw new GenAIValidationError(
        this,
        'minCopies',
        0,
        `at least 1 on a real-time endpoint without managed scaling to zero (${host.node.path} keeps minInstanceCount ${host.minInstanceCount} instance(s)): set the endpoint's minInstanceCount to 0 so the idle fleet scales to zero with the copies, or keep at least one copy`,
      );
    }
    const targetValue = props.targetConcurrentRequestsPerCopy ?? 4;
    validateRange(this, 'targetConcurrentRequestsPerCopy', targetValue, 1, 10000);
    const rolling = this.renderRollingUpdate(props.rollingUpdate);
    const startup = props.containerStartupTimeout ?? Duration.minutes(10);
    validateRange(this, 'containerStartupTimeout (seconds)', startup.toSeconds({ integral: false }), 60, 3600, { integer: true });

    const source = props.model?.bind(this, settings.dataLake);
    const repositories = modelRepositories(this, 'modelPackageImages', props.model, source, props.modelPackageGroupName !== undefined, props.modelPackageImages);
    host._grantModel(source?.modelDataPrefix, repositories);
    host._grantComponentLogs(this.inferenceComponentName);
    this.createAlarms(settings.serverErrorThreshold, settings.latencyP99Threshold, host);

    const specification = {
      computeResourceRequirements: compute,
      startupParameters: { containerStartupHealthCheckTimeoutInSeconds: startup.toSeconds(), modelDataDownloadTimeoutInSeconds: startup.toSeconds() },
    };
    const deploymentConfig = {
      rollingUpdatePolicy: rolling,
      autoRollbackConfiguration: { alarms: this.rollbackAlarms.map((a) => ({ alarmName: a.alarmName })) },
    };
    const copyCount = Math.max(1, this.minCopies);
    const scaling: ComponentScalingConfig = {
      minCopies: this.minCopies,
      maxCopies: this.maxCopies,
      targetValue,
      scaleInCooldownSeconds: settings.scaleInCooldown.toSeconds(),
      scaleOutCooldownSeconds: settings.scaleOutCooldown.toSeconds(),
      scaleFromZero: this.minCopies === 0,
    };

    if (props.model && source) {
      this.model = new sagemaker.CfnModel(this, 'Model', {
        executionRoleArn: host.role.roleArn,
        primaryContainer: source.container,
        enableNetworkIsolation: true,
      });
      this.model.node.addDependency(host.role);
      this.resource = new sagemaker.CfnInferenceComponent(this, 'Resource', {
        inferenceComponentName: this.inferenceComponentName,
        endpointName: host.endpoint.attrEndpointName,
        variantName: host.variantName,
        specification: { ...specification, modelName: this.model.attrModelName },
        // The copies a new component starts with; autoscaling takes them from there (to zero when idle).
        runtimeConfig: { copyCount },
        deploymentConfig,
      });
      this.scalableTarget = this.createScaling(this.resource, scaling);
    }
    if (this.minCopies < 2 && props.minCopies !== undefined) {
      // GenAIChecks warns about a component that can run on one copy: here the owner chose it.
      acknowledge(this, this.minCopies === 0 ? Acknowledgements.componentScaleToZero : Acknowledgements.singleCopyComponent);
    }

    if (props.modelPackageGroupName) {
      claimPromotionGroup(this, props.modelPackageGroupName);
      const promotion = createPromotion(this, props.modelPackageGroupName, {
        dataLake: settings.dataLake,
        endpointName: host.endpointName,
        endpointArn: host.endpointArn,
        executionRole: host.role,
        encryptionKey: host.encryptionKey,
        storageEncryptedWithKey: host.storageEncryptedWithKey,
        alarmTopic: host.alarmTopic,
        logRetention: settings.logRetention,
        removalPolicy: settings.removalPolicy,
        deploymentConfig: toApiShape(deploymentConfig) as object,
        model: this.model,
        endpoint: host.endpoint,
        allowSelfApproval: props.allowSelfApproval,
        inferenceComponent: {
          name: this.inferenceComponentName,
          arn: this.inferenceComponentArn,
          variantName: host.variantName,
          specification: toApiShape(specification) as Record<string, unknown>,
          copyCount,
          // CloudFormation scales a component it manages; one the function creates is scaled by the function.
          scaling: this.resource ? undefined : scaling,
        },
      });
      this.promotionFunction = promotion.fn.function;
      this.promotionRule = promotion.rule;
      this.promotionQueue = promotion.queue;
      this.promotionDeadLetterQueue = promotion.dlq;
      this.alarms.push(...promotion.alarms);
    }
    this.createWidgets();
    host.components.push(this);
  }

  /** Validates the compute of one copy against the instance type, and renders it (CloudFormation shape). */
  private validateCompute(props: InferenceComponentOptions, host: InferenceComponentEndpoint): sagemaker.CfnInferenceComponent.InferenceComponentComputeResourceRequirementsProperty {
    const type = host.instanceType;
    const known = !Token.isUnresolved(type) && isKnownInstanceFamily(type);
    const gpus = known ? gpuCount(type) : undefined;
    const neuron = NEURON_FAMILIES.includes(instanceFamily(type) ?? '');
    const accelerators = props.acceleratorCount ?? (known && isGpuInstanceType(type) ? 1 : undefined);
    validateRange(this, 'acceleratorCount', props.acceleratorCount, 1, 64, { integer: true });
    if (accelerators !== undefined && !isUnresolved(accelerators) && known && !neuron && gpus !== undefined && accelerators > gpus) {
      throw new GenAIValidationError(
        this,
        'acceleratorCount',
        accelerators,
        gpus === 0
          ? `none on ${type}, which has no accelerator (choose a GPU instance type for the endpoint)`
          : `at most ${gpus}, the GPUs of one ${type}: a copy runs on a single instance`,
      );
    }
    const vcpus = known ? vcpuCount(type) : undefined;
    validateRange(this, 'cpuCoreCount', props.cpuCoreCount, 0.25, 1000);
    if (props.cpuCoreCount !== undefined && !isUnresolved(props.cpuCoreCount) && vcpus !== undefined && props.cpuCoreCount > vcpus) {
      throw new GenAIValidationError(this, 'cpuCoreCount', props.cpuCoreCount, `at most ${vcpus}, the vCPUs of one ${type}: a copy runs on a single instance`);
    }
    const memory = props.minMemory ?? Size.gibibytes(1);
    const memoryMiB = memory.toMebibytes();
    validateRange(this, 'minMemory (MiB)', memoryMiB, 128, 4 * 1024 * 1024, { integer: true });
    const instanceGiB = known ? instanceMemoryGiB(type) : undefined;
    if (!isUnresolved(memoryMiB) && instanceGiB !== undefined && memoryMiB > instanceGiB * 1024) {
      throw new GenAIValidationError(this, 'minMemory', `${memoryMiB} MiB`, `at most ${instanceGiB * 1024} MiB (${instanceGiB} GiB), the memory of one ${type}: a copy runs on a single instance`);
    }
    return { numberOfAcceleratorDevicesRequired: accelerators, numberOfCpuCoresRequired: props.cpuCoreCount, minMemoryRequiredInMb: memoryMiB };
  }

  private renderRollingUpdate(options: ComponentRollingUpdate = {}): sagemaker.CfnInferenceComponent.InferenceComponentRollingUpdatePolicyProperty {
    const batch = options.maximumBatchPercent ?? 50;
    const rollback = options.rollbackMaximumBatchPercent ?? 100;
    const wait = (options.waitInterval ?? Duration.minutes(5)).toSeconds({ integral: false });
    const timeout = options.maximumExecutionTimeout?.toSeconds({ integral: false });
    validateRange(this, 'rollingUpdate.maximumBatchPercent', batch, 5, 50, { integer: true });
    validateRange(this, 'rollingUpdate.rollbackMaximumBatchPercent', rollback, 5, 100, { integer: true });
    validateRange(this, 'rollingUpdate.waitInterval (seconds)', wait, 0, 3600, { integer: true });
    validateRange(this, 'rollingUpdate.maximumExecutionTimeout (seconds)', timeout, 600, 28800, { integer: true });
    return {
      maximumBatchSize: { type: 'CAPACITY_PERCENT', value: batch },
      waitIntervalInSeconds: wait,
      rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: rollback },
      maximumExecutionTimeoutInSeconds: timeout,
    };
  }

  private createAlarms(serverErrorThreshold: number, p99: Duration, host: InferenceComponentEndpoint): void {
    const action = new cwActions.SnsAction(host.alarmTopic);
    const add = (id: string, metric: cloudwatch.IMetric, props: Omit<cloudwatch.CreateAlarmOptions, 'metric'>) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        metric,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        ...props,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
      this.rollbackAlarms.push(alarm);
    };
    add('ServerErrorsAlarm', this.metricErrors(), {
      threshold: serverErrorThreshold,
      evaluationPeriods: 1,
      alarmDescription: `5XX errors of the inference component ${this.inferenceComponentName}: the model or container fails. Rolls back a rolling update in progress.`,
    });
    add('LatencyP99Alarm', this.metricLatency({ statistic: cloudwatch.Stats.p(99) }), {
      threshold: p99.toMilliseconds() * 1000,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: `p99 model latency of the inference component ${this.inferenceComponentName} above ${p99.toHumanString()}. Rolls back a rolling update in progress.`,
    });
  }

  /** Copy scaling of a component CloudFormation manages: target tracking, and the step from zero. */
  private createScaling(component: sagemaker.CfnInferenceComponent, scaling: ComponentScalingConfig): appscaling.ScalableTarget {
    const target = new appscaling.ScalableTarget(this, 'ScalableTarget', {
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
      resourceId: `inference-component/${this.inferenceComponentName}`,
      scalableDimension: COPY_DIMENSION,
      // Application Auto Scaling acts on SageMaker through its service-linked role; no role of ours is needed.
      role: iam.Role.fromRoleArn(
        this,
        'ScalingServiceLinkedRole',
        Stack.of(this).formatArn({
          service: 'iam',
          region: '',
          resource: 'role',
          resourceName: 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
        }),
      ),
      minCapacity: scaling.minCopies,
      maxCapacity: scaling.maxCopies,
    });
    target.node.addDependency(component);
    target.scaleToTrackMetric('ConcurrencyTracking', {
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_CONCURRENT_REQUESTS_PER_COPY_HIGH_RESOLUTION,
      targetValue: scaling.targetValue,
      scaleInCooldown: Duration.seconds(scaling.scaleInCooldownSeconds),
      scaleOutCooldown: Duration.seconds(scaling.scaleOutCooldownSeconds),
    });
    if (scaling.scaleFromZero) {
      // Target tracking cannot leave zero copies (no copy, no per-copy metric): the first request that finds
      // no copy counts in NoCapacityInvocationFailures, and this step policy adds one.
      target.scaleOnMetric('ScaleFromZero', {
        metric: this.metricNoCapacityFailures(),
        scalingSteps: [
          { upper: 1, change: 0 },
          { lower: 1, change: 1 },
        ],
        adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
        cooldown: Duration.seconds(scaling.scaleOutCooldownSeconds),
        evaluationPeriods: 1,
      });
    }
    return target;
  }

  private createWidgets(): void {
    const w = (title: string, left: cloudwatch.IMetric[], right?: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title: `${title} (${this.inferenceComponentName})`, left, right, width: 8, height: 6 });
    this.widgets.push(
      w('Invocations and errors', [this.metricInvocations()], [this.metricErrors({ label: '5XX' }), this.metric('Invocation4XXErrors', { statistic: cloudwatch.Stats.SUM, label: '4XX' })]),
      w('Model latency (µs)', [this.metricLatency({ statistic: cloudwatch.Stats.p(50), label: 'p50' }), this.metricLatency({ statistic: cloudwatch.Stats.p(99), label: 'p99' })]),
      w('Copies and requests without a copy', [this.metric('ConcurrentRequestsPerCopy', { statistic: cloudwatch.Stats.AVERAGE, label: 'concurrent requests per copy' })], [this.metricNoCapacityFailures({ label: 'no capacity' })]),
      new cloudwatch.AlarmStatusWidget({ title: `Component alarms (${this.inferenceComponentName})`, alarms: this.alarms, width: 8, height: 6 }),
    );
  }
}

function componentArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'inference-component', resourceName: name });
}
