import { ArnFormat, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Acknowledgements, acknowledge, acknowledgeStarResource, acknowledgeWildcardResources } from '../core/acknowledgements';
import { createKey, createNotificationTopic, validateLogRetention } from '../core/encryption';
import { GenAIValidationError, isUnresolved, validateRange } from '../core/errors';
import { hasLocalNvmeStorage, isGpuInstanceType, isKnownInstanceFamily, validateInstanceType } from '../core/instance-types';
import { validateSageMakerName } from '../core/names';
import { DataZone } from '../data-lake/data-zone';
import { ISecureDataLake } from '../data-lake/secure-data-lake';
import { InferenceComponent, InferenceComponentOptions } from './inference-component';
import { IInferenceEndpoint } from './inference-endpoint-ref';
import { ComponentEndpointSettings } from './private/component-settings';
import { CONTAINER_LOG_ACTIONS, ECR_AUTH_ACTIONS, ECR_PULL_ACTIONS, INVOKE_ACTIONS } from './private/actions';
import { normalizePrefix } from './private/nag';
import { LAKE_READ_ACTIONS, LAKE_WRITE_ACTIONS } from '../data-lake/private/actions';
import { STAR_RESOURCE_REASONS } from '../core/private/star-resource-reasons';

/** Properties of {@link InferenceComponentEndpoint}. */
export interface InferenceComponentEndpointProps {
  /** The lake: model data is read from MODEL_ARTIFACTS, captured requests and responses go to INFERENCE_CAPTURE. */
  readonly dataLake: ISecureDataLake;
  /**
   * Instance type of the fleet every component shares: a type SageMaker offers for hosting, of a family this
   * library knows (see `allowUnlistedInstanceType`).
   * @default 'ml.g5.xlarge'
   */
  readonly instanceType?: string;
  /**
   * Accept an instance type that is not in this library's instance tables (newer than this version of the
   * library): it only gets an info annotation, SageMaker validates it at deployment, and the compute of the
   * components is not checked against it. Malformed types fail either way.
   * @default false
   */
  readonly allowUnlistedInstanceType?: boolean;
  /**
   * Fail synthesis unless `instanceType` is a GPU family.
   * @default false
   */
  readonly requireGpu?: boolean;
  /**
   * Fewest instances managed instance scaling keeps. 0 lets the fleet scale to zero: SageMaker removes
   * instances that host no copy, so with every component at zero copies the endpoint runs no instance at
   * all. Instances otherwise follow the copies: SageMaker adds one when a copy does not fit.
   * @default 0
   */
  readonly minInstanceCount?: number;
  /**
   * Most instances managed instance scaling starts (bounds the copies of all components together).
   * @default - 2, or `minInstanceCount` when that is larger
   */
  readonly maxInstanceCount?: number;
  /**
   * The endpoint's name: lower-case letters, digits and hyphens, at most 30 characters (components are named
   * `<endpointName>-<componentName>`, and promoted models `<component>-<version>-<hash>`, within SageMaker's 63).
   * @default - generated from the construct path (lower case, at most 30 characters)
   */
  readonly endpointName?: string;
  /**
   * Name of the production variant.
   * @default 'AllTraffic'
   */
  readonly variantName?: string;
  /**
   * Percentage of requests (and responses) captured into INFERENCE_CAPTURE (0 turns capture off).
   * @default 100
   */
  readonly captureSamplingPercentage?: number;
  /**
   * 5XX errors per minute of a component at which it alarms and its rolling update rolls back.
   * @default 5
   */
  readonly serverErrorThreshold?: number;
  /**
   * p99 model latency of a component above which it alarms and its rolling update rolls back.
   * @default Duration.seconds(30)
   */
  readonly latencyP99Threshold?: Duration;
  /**
   * Time between two scale-in activities of a component's copies.
   * @default Duration.minutes(10)
   */
  readonly scaleInCooldown?: Duration;
  /**
   * Time between two scale-out activities of a component's copies (also after a copy is added from zero).
   * @default Duration.minutes(2)
   */
  readonly scaleOutCooldown?: Duration;
  /**
   * Key for the storage volumes (where the instance type allows it), topics, queues and the promotion
   * functions' logs and environment.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Topic every alarm of the endpoint and its components notifies.
   * @default - a new topic encrypted with `encryptionKey`
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Retention of the promotion functions' logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the key, logs and queues the construct creates on stack deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}


const NAMESPACE = 'AWS/SageMaker';
const DEFAULT_INSTANCE_TYPE = 'ml.g5.xlarge';

/**
 * A SageMaker real-time endpoint whose fleet hosts inference components: several models (or several copies
 * of one) share the instances, each component asks for its own accelerators, CPU and memory per copy,
 * scales its copies on concurrent requests, can scale to zero copies and back on the first request, and
 * rolls out a new model version copy batch by copy batch with automatic rollback on its alarms. Managed
 * instance scaling adds instances when copies do not fit and removes idle ones, down to `minInstanceCount`
 * (0 by default, so an idle endpoint can run no instance at all).
 *
 * Add models with {@link addComponent}. Invoke them with the endpoint name and the component name.
 */
export class InferenceComponentEndpoint extends Construct implements IInferenceEndpoint {
  /** The endpoint's name. */
  public readonly endpointName: string;
  /** The endpoint's ARN. */
  public readonly endpointArn: string;
  /** The production variant (its fleet hosts every component). */
  public readonly variantName: string;
  /** Instance type of the fleet. */
  public readonly instanceType: string;
  /** Fewest instances managed instance scaling keeps (0: the fleet scales to zero). */
  public readonly minInstanceCount: number;
  /** Most instances managed instance scaling starts. */
  public readonly maxInstanceCount: number;
  /**
   * The role SageMaker runs the endpoint and every component's model with (capture, logs, model data and
   * image pulls of the components).
   */
  public readonly role: iam.IRole;
  /** Key of storage volumes, topics, queues and the promotion functions. */
  public readonly encryptionKey: kms.IKey;
  /** Topic every alarm notifies. */
  public readonly alarmTopic: sns.ITopic;
  /** The endpoint config (managed instance scaling, no model: the components name theirs). */
  public readonly endpointConfig: sagemaker.CfnEndpointConfig;
  /** The endpoint. */
  public readonly endpoint: sagemaker.CfnEndpoint;
  /** Whether the endpoint config carries the storage key (false on NVMe instance types, where SageMaker rejects one). */
  public readonly storageEncryptedWithKey: boolean;
  /** The components, in the order they were added. */
  public readonly components: InferenceComponent[] = [];

  /** @internal */
  public readonly _settings: ComponentEndpointSettings;
  private readonly executionRole: iam.Role;

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the endpoint's properties
   */
  constructor(scope: Construct, id: string, props: InferenceComponentEndpointProps) {
    super(scope, id);
    const allowUnlisted = props.allowUnlistedInstanceType ?? false;
    this.instanceType = props.instanceType ?? DEFAULT_INSTANCE_TYPE;
    validateInstanceType(this, 'instanceType', this.instanceType, 'hosting', allowUnlisted);
    if (props.requireGpu && !Token.isUnresolved(this.instanceType) && isKnownInstanceFamily(this.instanceType) && !isGpuInstanceType(this.instanceType)) {
      throw new GenAIValidationError(this, 'instanceType', this.instanceType, 'a GPU family (requireGpu is set): ml.g4dn, ml.g5, ml.g6, ml.g6e, ml.p4d, ml.p5 ...');
    }
    this.minInstanceCount = props.minInstanceCount ?? 0;
    validateRange(this, 'minInstanceCount', this.minInstanceCount, 0, 1000, { integer: true });
    validateRange(this, 'maxInstanceCount', props.maxInstanceCount, 1, 1000, { integer: true });
    this.maxInstanceCount = props.maxInstanceCount ?? Math.max(this.minInstanceCount, 2);
    if (!isUnresolved(this.maxInstanceCount) && !isUnresolved(this.minInstanceCount) && this.maxInstanceCount < this.minInstanceCount) {
      throw new GenAIValidationError(this, 'maxInstanceCount', this.maxInstanceCount, `at least minInstanceCount (${this.minInstanceCount})`);
    }
    const sampling = props.captureSamplingPercentage ?? 100;
    validateRange(this, 'captureSamplingPercentage', sampling, 0, 100, { integer: true });
    validateRange(this, 'serverErrorThreshold', props.serverErrorThreshold, 1, 1e9);
    validateRange(this, 'latencyP99Threshold (ms)', props.latencyP99Threshold?.toMilliseconds(), 1, 3600000);
    validateRange(this, 'scaleInCooldown (seconds)', props.scaleInCooldown?.toSeconds({ integral: false }), 0, 86400, { integer: true });
    validateRange(this, 'scaleOutCooldown (seconds)', props.scaleOutCooldown?.toSeconds({ integral: false }), 0, 86400, { integer: true });
    validateLogRetention(this, 'logRetention', props.logRetention);
    validateSageMakerName(
      this,
      'endpointName',
      props.endpointName,
      30,
      'at most 30: components are named <endpointName>-<componentName> and promoted models <component>-<version>-<hash>, within SageMaker\'s 63',
    );
    this.variantName = props.variantName ?? 'AllTraffic';
    if (!isUnresolved(this.variantName) && !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(this.variantName)) {
      throw new GenAIValidationError(this, 'variantName', this.variantName, 'letters, digits and hyphens, at most 63 characters');
    }

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this._settings = {
      dataLake: props.dataLake,
      removalPolicy,
      logRetention: props.logRetention,
      serverErrorThreshold: props.serverErrorThreshold ?? 5,
      latencyP99Threshold: props.latencyP99Threshold ?? Duration.seconds(30),
      scaleInCooldown: props.scaleInCooldown ?? Duration.minutes(10),
      scaleOutCooldown: props.scaleOutCooldown ?? Duration.minutes(2),
      allowUnlistedInstanceType: allowUnlisted,
    };
    this.endpointName = props.endpointName ?? Names.uniqueResourceName(this, { maxLength: 30, separator: '-' }).toLowerCase();
    this.endpointArn = Stack.of(this).formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: this.endpointName });
    this.storageEncryptedWithKey = !hasLocalNvmeStorage(this.instanceType);
    this.encryptionKey = props.encryptionKey ?? createKey(this, 'Key', `Encrypts the inference component endpoint ${this.node.path}`, removalPolicy);
    this.alarmTopic = props.alarmTopic ?? createNotificationTopic(this, 'AlarmTopic', this.encryptionKey, 'Inference component endpoint alarms');
    this.executionRole = this.createExecutionRole();
    this.role = this.executionRole;

    const capture = props.dataLake.bucket(DataZone.INFERENCE_CAPTURE);
    this.endpointConfig = new sagemaker.CfnEndpointConfig(this, 'EndpointConfig', {
      // With inference components the config names no model; SageMaker runs the endpoint with this role.
      executionRoleArn: this.role.roleArn,
      enableNetworkIsolation: true,
      kmsKeyId: this.storageEncryptedWithKey ? this.encryptionKey.keyArn : undefined,
      productionVariants: [
        {
          variantName: this.variantName,
          instanceType: this.instanceType,
          // SageMaker starts the endpoint with at least one instance; managed scaling removes it when idle.
          initialInstanceCount: Math.max(1, this.minInstanceCount),
          managedInstanceScaling: { status: 'ENABLED', minInstanceCount: this.minInstanceCount, maxInstanceCount: this.maxInstanceCount },
          routingConfig: { routingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
        },
      ],
      dataCaptureConfig:
        sampling > 0
          ? {
              enableCapture: true,
              initialSamplingPercentage: sampling,
              destinationS3Uri: `s3://${capture.bucketName}/datacapture`,
              kmsKeyId: props.dataLake.encryptionKey.keyArn,
              captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
              captureContentTypeHeader: { jsonContentTypes: ['application/json'] },
            }
          : undefined,
    });
    this.endpointConfig.node.addDependency(this.role);
    if (!this.storageEncryptedWithKey) acknowledge(this.endpointConfig, Acknowledgements.sagemakerNvmeStorage);
    this.endpoint = new sagemaker.CfnEndpoint(this, 'Resource', {
      endpointName: this.endpointName,
      endpointConfigName: this.endpointConfig.attrEndpointConfigName,
    });
  }

  /**
   * Adds a model to the endpoint as an inference component (with its compute per copy, copy scaling,
   * rolling update and alarms, and the promotion of approved registry versions when it names a group).
   *
   * @param id the component's construct id (also the default of its `componentName`, in lower case)
   * @param options the model, its compute per copy, copies and rollout
   */
  public addComponent(id: string, options: InferenceComponentOptions): InferenceComponent {
    return new InferenceComponent(this, id, { ...options, endpoint: this });
  }

  /**
   * Allows `sagemaker:InvokeEndpoint` (and its streaming and asynchronous variants) on this endpoint and
   * the components added so far (add components first, or grant on a component with its own `grantInvoke`).
   *
   * @param grantee the principal to grant
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: INVOKE_ACTIONS,
      resourceArns: [this.endpointArn, ...this.components.map((c) => c.inferenceComponentArn)],
    });
  }

  /**
   * Model latency of the variant, all components together, in microseconds (average per minute).
   *
   * @param props options that override the defaults, e.g. `{ statistic: 'p99' }`
   */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelLatency', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  /**
   * Invocations of the variant, all components together (sum per minute).
   *
   * @param props options that override the defaults
   */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Invocation 5XX errors of the variant, all components together (sum per minute).
   *
   * @param props options that override the defaults
   */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation5XXErrors', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Grants the execution role what one component's model needs: its model data and image repositories.
   * @internal
   */
  public _grantModel(modelDataPrefix: string | undefined, repositories: { arns: string[]; ownAccountWildcard?: string }): void {
    const lake = this._settings.dataLake;
    const role = this.executionRole;
    lake.grantRead(role, DataZone.MODEL_ARTIFACTS, modelDataPrefix);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ECR_PULL_ACTIONS, resources: repositories.arns }));
    const prefix = modelDataPrefix === undefined ? '' : Token.isUnresolved(modelDataPrefix) ? modelDataPrefix : normalizePrefix(modelDataPrefix);
    acknowledgeWildcardResources(role, Acknowledgements.sagemakerGeneratedNames, [lake.bucket(DataZone.MODEL_ARTIFACTS).arnForObjects(`${prefix}*`)], LAKE_READ_ACTIONS);
    if (repositories.ownAccountWildcard) {
      acknowledgeWildcardResources(role, Acknowledgements.modelPackageImages, [repositories.ownAccountWildcard], ECR_PULL_ACTIONS);
    }
  }

  /** The log group SageMaker writes a component's container logs to (the role may write there). @internal */
  public _grantComponentLogs(componentName: string): void {
    const logGroupArn = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `/aws/sagemaker/InferenceComponents/${componentName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: CONTAINER_LOG_ACTIONS, resources: [logGroupArn] }));
    acknowledgeWildcardResources(this.executionRole, Acknowledgements.sagemakerGeneratedNames, [logGroupArn], CONTAINER_LOG_ACTIONS);
  }

  private metric(metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: NAMESPACE,
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: this.variantName },
      period: Duration.minutes(1),
      ...props,
    });
  }

  private createExecutionRole(): iam.Role {
    const lake = this._settings.dataLake;
    const role = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Runs the endpoint and the component models of ${this.node.path}`,
    });
    lake.grantWrite(role, DataZone.INFERENCE_CAPTURE, `datacapture/${this.endpointName}/`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ECR_AUTH_ACTIONS, resources: ['*'] }));
    const stack = Stack.of(this);
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `/aws/sagemaker/Endpoints/${this.endpointName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: CONTAINER_LOG_ACTIONS, resources: [logGroupArn] }));
    acknowledge(role, Acknowledgements.inlinePolicies);
    acknowledgeStarResource(role, STAR_RESOURCE_REASONS.ecrLogin, ECR_AUTH_ACTIONS);
    acknowledgeWildcardResources(role, Acknowledgements.sagemakerGeneratedNames, [lake.bucket(DataZone.INFERENCE_CAPTURE).arnForObjects(`datacapture/${this.endpointName}/*`)], LAKE_WRITE_ACTIONS);
    acknowledgeWildcardResources(role, Acknowledgements.sagemakerGeneratedNames, [logGroupArn], CONTAINER_LOG_ACTIONS);
    return role;
  }
}
