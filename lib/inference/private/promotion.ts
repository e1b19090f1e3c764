import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Acknowledgements, acknowledge, acknowledgeCrossStackReference, acknowledgeStarResource, acknowledgeWildcardResources } from '../../core/acknowledgements';
import { allowServicesToPublish } from '../../core/encryption';
import { SecureFunction } from '../../core/secure-function';
import { ISecureDataLake } from '../../data-lake/secure-data-lake';
import {
  PROMOTION_ALARM_ACTIONS,
  PROMOTION_CREATE_ACTIONS,
  PROMOTION_ENDPOINT_ACTIONS,
  PROMOTION_EVENT_HISTORY_ACTIONS,
  PROMOTION_EXECUTION_ACTIONS,
  PROMOTION_PACKAGE_ACTIONS,
  PROMOTION_SCALING_ACTIONS,
  PROMOTION_TAG_ACTIONS,
} from './actions';
import { toApiShape } from './api-shape';
import { componentConfig, grantComponentPromotion } from './component-promotion';
import { STAR_RESOURCE_REASONS } from '../../core/private/star-resource-reasons';

/**
 * The autoscaling the promotion function registers on an endpoint it created itself (CloudFormation
 * scales the endpoints it manages). The shape is the function's `scaling` configuration.
 */
export interface PromotionScalingConfig {
  readonly variants: Array<{ variantName: string; minCapacity: number; maxCapacity: number }>;
  readonly policy: {
    readonly type: 'invocations' | 'backlog';
    readonly targetValue: number;
    readonly scaleInCooldownSeconds: number;
    readonly scaleOutCooldownSeconds: number;
  };
  readonly scheduled: Array<{ name: string; schedule: string; minCapacity?: number; maxCapacity?: number }>;
}

/** The copy scaling the promotion function registers on an inference component it created itself. */
export interface ComponentScalingConfig {
  readonly minCopies: number;
  readonly maxCopies: number;
  /** Concurrent requests per copy that target tracking keeps. */
  readonly targetValue: number;
  readonly scaleInCooldownSeconds: number;
  readonly scaleOutCooldownSeconds: number;
  /** A step policy on the NoCapacityInvocationFailures alarm adds the first copy (minCopies 0). */
  readonly scaleFromZero: boolean;
}

/** What the promotion function needs to update (or create) an inference component instead of an endpoint. */
export interface ComponentPromotionConfig {
  readonly name: string;
  readonly arn: string;
  readonly variantName: string;
  /** The component's Specification (API shape) without ModelName. */
  readonly specification: Record<string, unknown>;
  /** Copies of a component the function creates. */
  readonly copyCount: number;
  /** Copy scaling the function registers on a component it created. @default - CloudFormation's */
  readonly scaling?: ComponentScalingConfig;
}

/** What the promotion machinery needs from its endpoint construct. */
export interface PromotionContext {
  readonly dataLake: ISecureDataLake;
  readonly endpointName: string;
  readonly endpointArn: string;
  /** The role the models run with (passed to SageMaker). */
  readonly executionRole: iam.IRole;
  readonly encryptionKey: kms.IKey;
  /** The key of captured data named in the endpoint configs (SageMaker creates grants on it). */
  readonly captureKey?: kms.IKey;
  readonly storageEncryptedWithKey: boolean;
  readonly alarmTopic: sns.ITopic;
  readonly logRetention?: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly vpcConfig?: { securityGroupIds: string[]; subnets: string[] };
  /** CloudFormation-style endpoint config props without the model name (the template of a first endpoint; not for components). */
  readonly endpointConfigTemplate?: Record<string, unknown>;
  /** CloudFormation-style deployment config (of UpdateEndpoint, or of UpdateInferenceComponent for a component). */
  readonly deploymentConfig: object;
  /** The model, endpoint config and endpoint CloudFormation manages, when `model` is set. */
  readonly model?: sagemaker.CfnModel;
  readonly endpointConfig?: sagemaker.CfnEndpointConfig;
  readonly endpoint?: sagemaker.CfnEndpoint;
  /** Scaling the function registers once an endpoint it created is in service. @default - none */
  readonly scaling?: PromotionScalingConfig;
  /** Roll out versions without checking who approved them. @default false */
  readonly allowSelfApproval?: boolean;
  /** Promote to this inference component of the endpoint (instead of the endpoint). @default - the endpoint */
  readonly inferenceComponent?: ComponentPromotionConfig;
}

export interface PromotionResources {
  readonly fn: SecureFunction;
  readonly rule: events.Rule;
  /** Approvals wait here (FIFO, one group per endpoint) until the endpoint can take them. */
  readonly queue: sqs.Queue;
  /** Sends "endpoint in service" to the function, which then registers autoscaling (only with `scaling`). */
  readonly scalingRule?: events.Rule;
  readonly dlq: sqs.Queue;
  /** Failed promotions (function DLQ) and undelivered events (rule DLQ). */
  readonly alarms: cloudwatch.Alarm[];
}

/** How long an approval waits between two looks at a busy endpoint (a blue/green step takes minutes). */
const PROMOTION_WAIT = Duration.minutes(5);
/** How long an approval may wait for the endpoint in all before it goes to the dead-letter queue. */
const PROMOTION_MAX_WAIT = Duration.hours(24);
const PROMOTION_TIMEOUT = Duration.minutes(2);

/**
 * The model promotion machinery: an EventBridge rule puts approvals of the group into an encrypted SQS FIFO
 * queue (one message group per endpoint: one promotion at a time, in order); the promotion function consumes
 * it (least privilege on the names it creates) and leaves an approval in the queue while the endpoint is busy;
 * dead-letter queues for the queue and the rule, and alarms on them.
 */
export function createPromotion(scope: Construct, groupName: string, ctx: PromotionContext): PromotionResources {
  const stack = Stack.of(scope);
  const key = ctx.encryptionKey;

  // Approvals wait durably in the queue, not in Lambda's asynchronous retries (minutes) or a DLQ.
  const queueDlq = new sqs.Queue(scope, 'PromotionQueueDeadLetterQueue', {
    fifo: true,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: ctx.removalPolicy,
  });
  acknowledge(queueDlq, Acknowledgements.deadLetterQueue);
  acknowledgeCrossStackReference(queueDlq);
  const waitSeconds = PROMOTION_WAIT.toSeconds();
  const maxWaitSeconds = PROMOTION_MAX_WAIT.toSeconds();
  const queue = new sqs.Queue(scope, 'PromotionQueue', {
    fifo: true,
    // The same approval event delivered twice within five minutes is one message.
    contentBasedDeduplication: true,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(4),
    // At least six times the function's timeout, as Lambda recommends for SQS event sources.
    visibilityTimeout: Duration.seconds(PROMOTION_TIMEOUT.toSeconds() * 6),
    // A backstop only: the function itself moves an approval to the DLQ after maxWait or an error no retry fixes.
    deadLetterQueue: { queue: queueDlq, maxReceiveCount: Math.ceil(maxWaitSeconds / waitSeconds) + 20 },
    removalPolicy: ctx.removalPolicy,
  });
  acknowledgeCrossStackReference(queue);

  const fn = new SecureFunction(scope, 'PromotionFunction', {
    handlerName: 'model-promotion',
    description: `Rolls out model package versions approved in ${groupName} to ${ctx.inferenceComponent?.name ?? ctx.endpointName}`,
    encryptionKey: key,
    timeout: PROMOTION_TIMEOUT,
    // Promotions are serialized by the FIFO queue's single message group; the second slot is for the
    // endpoint state changes that register autoscaling.
    reservedConcurrentExecutions: 2,
    logRetention: ctx.logRetention,
    removalPolicy: ctx.removalPolicy,
    environment: {
      PROMOTION_CONFIG: stack.toJsonString({
        endpointName: ctx.endpointName,
        modelPackageGroupName: groupName,
        executionRoleArn: ctx.executionRole.roleArn,
        vpcConfig: ctx.vpcConfig ? toApiShape(ctx.vpcConfig) : undefined,
        endpointConfigTemplate: ctx.endpointConfigTemplate ? toApiShape(ctx.endpointConfigTemplate) : undefined,
        deploymentConfig: toApiShape(ctx.deploymentConfig),
        inferenceComponent: ctx.inferenceComponent ? componentConfig(ctx.inferenceComponent) : undefined,
        scaling: ctx.scaling,
        allowSelfApproval: ctx.allowSelfApproval ? true : undefined,
        queue: { url: queue.queueUrl, deadLetterUrl: queueDlq.queueUrl, waitSeconds, maxWaitSeconds },
      }),
    },
  });
  fn.function.addEventSource(new SqsEventSource(queue, { batchSize: 1, reportBatchItemFailures: true }));
  const role = fn.role;
  const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName });
  const groupLower = Token.isUnresolved(groupName) ? groupName : groupName.toLowerCase();
  let created: string[];
  let createdActions: string[];
  if (ctx.inferenceComponent) {
    // --- inference component: a new model per version, then UpdateInferenceComponent (no endpoint changes)
    ({ resources: created, actions: createdActions } = grantComponentPromotion(scope, fn, ctx, ctx.inferenceComponent));
  } else {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...PROMOTION_ENDPOINT_ACTIONS, ...PROMOTION_TAG_ACTIONS], resources: [ctx.endpointArn] }));
    created = [arn('model', `${ctx.endpointName}-*`), arn('endpoint-config', `${ctx.endpointName}-*`)];
    createdActions = [...PROMOTION_CREATE_ACTIONS, ...PROMOTION_TAG_ACTIONS];
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: createdActions, resources: created }));
  }
  if (ctx.endpointConfig) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpointConfig'], resources: [ctx.endpointConfig.ref] }));
  }
  if (ctx.model) {
    // To recognise a version CloudFormation already serves.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeModel'], resources: [ctx.model.ref] }));
  }
  const packages = arn('model-package', `${groupLower}/*`);
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: PROMOTION_PACKAGE_ACTIONS, resources: [packages] }));
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [ctx.executionRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
  );
  if (!ctx.inferenceComponent) {
    // Endpoint configs the function creates carry the storage and capture keys (a component creates none).
    const keys = [ctx.dataLake.encryptionKey.keyArn, ...(ctx.captureKey ? [ctx.captureKey.keyArn] : []), ...(ctx.storageEncryptedWithKey ? [key.keyArn] : [])];
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant', 'kms:DescribeKey'],
        resources: keys,
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
  }
  acknowledgeWildcardResources(role, Acknowledgements.sagemakerGeneratedNames, created, createdActions);
  acknowledgeWildcardResources(role, Acknowledgements.sagemakerGeneratedNames, [packages], PROMOTION_PACKAGE_ACTIONS);
  // What gives up on an approval moves it to the DLQ itself (with the reason).
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queueDlq.queueArn] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [key.keyArn] }));
  if (!ctx.allowSelfApproval) grantApprovalChecks(scope, fn);

  allowServicesToPublish(key, ['events.amazonaws.com']);
  // Where EventBridge puts an approval it could not deliver to the queue (a standard queue: EventBridge's DLQs are).
  const dlq = new sqs.Queue(scope, 'PromotionDeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: ctx.removalPolicy,
  });
  acknowledge(dlq, Acknowledgements.deadLetterQueue);
  acknowledgeCrossStackReference(dlq);
  const rule = new events.Rule(scope, 'PromotionRule', {
    description: `Approved versions of ${groupName} roll out to ${ctx.inferenceComponent?.name ?? ctx.endpointName}`,
    eventPattern: {
      source: ['aws.sagemaker'],
      detailType: ['SageMaker Model Package State Change'],
      detail: { ModelPackageGroupName: [groupName], ModelApprovalStatus: ['Approved'] },
    },
  });
  // targets.SqsQueue drops the aws:SourceArn condition for KMS-encrypted queues; this target keeps it, so only
  // this rule may put approvals into the queue.
  rule.addTarget({
    bind: (r) => {
      targets.addToDeadLetterQueueResourcePolicy(r, dlq);
      return {
        ...targets.bindBaseTargetConfig({ deadLetterQueue: dlq, retryAttempts: 4, maxEventAge: Duration.hours(2) }),
        arn: queue.queueArn,
        targetResource: queue,
        sqsParameters: { messageGroupId: ctx.inferenceComponent?.name ?? ctx.endpointName },
      };
    },
  });
  queue.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'ApprovalsFromThePromotionRule',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
    }),
  );
  if (ctx.endpoint) fn.node.addDependency(ctx.endpoint);
  const scalingRule = ctx.scaling ? grantAndTriggerScaling(scope, fn, dlq, ctx) : undefined;

  const failures = new cloudwatch.Alarm(scope, 'PromotionFailuresAlarm', {
    metric: queueDlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `A model promotion to ${ctx.endpointName} failed, or waited ${PROMOTION_MAX_WAIT.toHumanString()} for the endpoint; the approval is in the promotion dead-letter queue with the reason (message attribute genai-failure-reason).`,
  });
  failures.addAlarmAction(new cwActions.SnsAction(ctx.alarmTopic));
  const alarms = [failures];
  if (scalingRule) {
    const scalingFailures = new cloudwatch.Alarm(scope, 'PromotionScalingFailuresAlarm', {
      metric: fn.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Registering the autoscaling of ${ctx.endpointName} failed after retries; the endpoint state change is in the function's dead-letter queue.`,
    });
    scalingFailures.addAlarmAction(new cwActions.SnsAction(ctx.alarmTopic));
    alarms.push(scalingFailures);
  }
  const undelivered = new cloudwatch.Alarm(scope, 'PromotionUndeliveredAlarm', {
    metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `An event for ${ctx.endpointName} could not be delivered to the promotion queue or function; it is in the rule's dead-letter queue.`,
  });
  undelivered.addAlarmAction(new cwActions.SnsAction(ctx.alarmTopic));
  alarms.push(undelivered);
  return { fn, rule, queue, scalingRule, dlq, alarms };
}

/**
 * What the separation-of-duties check reads: the pipeline execution that produced an approved version, and
 * (when SageMaker does not record who started it) the StartPipelineExecution call in the CloudTrail event
 * history. LookupEvents has no resource-level permissions, so it lives alone in a customer-managed policy.
 */
function grantApprovalChecks(scope: Construct, fn: SecureFunction): void {
  const stack = Stack.of(scope);
  const executions = stack.formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: '*/execution/*' });
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: PROMOTION_EXECUTION_ACTIONS, resources: [executions] }));
  acknowledgeWildcardResources(fn.role, Acknowledgements.approvedVersionExecutions, [executions], PROMOTION_EXECUTION_ACTIONS);
  const lookup = new iam.ManagedPolicy(scope, 'PromotionEventHistoryPolicy', {
    description: `Lets the promotion function of ${scope.node.path} find who started the pipeline run of an approved version`,
    statements: [new iam.PolicyStatement({ actions: PROMOTION_EVENT_HISTORY_ACTIONS, resources: ['*'] })],
    roles: [fn.role],
  });
  // acknowledged for this statement only: a "*" statement with any other action added to the policy is reported
  acknowledgeStarResource(lookup, STAR_RESOURCE_REASONS.cloudTrailEventHistory, PROMOTION_EVENT_HISTORY_ACTIONS);
}

/**
 * What Application Auto Scaling checks when the promotion function registers the scaling of a resource it
 * created: registering targets and putting policies and schedules (upserts only), the caller's right to
 * scale the resource itself, the alarms it creates as the caller, and its service-linked role.
 *
 * @param scaled the action that scales the resource and the resource's ARN
 * @param trackingAlarms the target tracking alarms of the resource (a prefix ending in `*`)
 * @param otherAlarms alarms the function itself creates for the resource
 */
export function grantScalingRegistration(role: iam.Role, scaled: { readonly action: string; readonly arn: string }, trackingAlarms: string, otherAlarms: string[]): void {
  const stack = Stack.of(role);
  const scalableTargets = stack.formatArn({ service: 'application-autoscaling', resource: 'scalable-target', resourceName: '*' });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: PROMOTION_SCALING_ACTIONS, resources: [scalableTargets] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [scaled.action], resources: [scaled.arn] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: PROMOTION_ALARM_ACTIONS, resources: [trackingAlarms, ...otherAlarms] }));
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [
        stack.formatArn({
          service: 'iam',
          region: '',
          resource: 'role',
          resourceName: 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
        }),
      ],
      conditions: { StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
    }),
  );
  acknowledgeWildcardResources(role, Acknowledgements.scalableTargetIds, [scalableTargets], PROMOTION_SCALING_ACTIONS);
  acknowledgeWildcardResources(role, Acknowledgements.targetTrackingAlarms, [trackingAlarms], PROMOTION_ALARM_ACTIONS);
}

/**
 * An endpoint the function created has no scaling target in the template. When it reports InService, the
 * function registers the variants' scaling targets, policies and schedules (all upserts, so each InService
 * event, after every update too, is harmless). Grants exactly what Application Auto Scaling checks.
 */
function grantAndTriggerScaling(scope: Construct, fn: SecureFunction, dlq: sqs.IQueue, ctx: PromotionContext): events.Rule {
  const stack = Stack.of(scope);
  // Application Auto Scaling creates the target tracking alarms (and the function the wake-up alarm of an async endpoint) as the caller.
  const alarm = (name: string) => stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  grantScalingRegistration(fn.role, { action: 'sagemaker:UpdateEndpointWeightsAndCapacities', arn: ctx.endpointArn }, alarm(`TargetTracking-endpoint/${ctx.endpointName}/*`), [alarm(`${ctx.endpointName}-wake-on-backlog`)]);

  return new events.Rule(scope, 'ScalingRule', {
    description: `When ${ctx.endpointName} is in service, the promotion function registers its autoscaling`,
    eventPattern: {
      source: ['aws.sagemaker'],
      detailType: ['SageMaker Endpoint State Change'],
      detail: { EndpointName: [ctx.endpointName], EndpointStatus: ['IN_SERVICE', 'InService'] },
    },
    targets: [new targets.LambdaFunction(fn.function, { deadLetterQueue: dlq, retryAttempts: 4, maxEventAge: Duration.hours(2) })],
  });
}
