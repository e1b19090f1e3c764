import {
  ApplicationAutoScalingClient,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointCommand, DescribeEndpointCommandOutput, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { EndpointStateChangeEventSchema, PromotionConfig } from './config';
import { isNotFound } from './errors';
import { Logger } from './promote';
import { DEFAULT_RETRY, RetryOptions, withRetry } from './retry';

/** The EventBridge detail-type this module handles. */
export const ENDPOINT_STATE_CHANGE = 'SageMaker Endpoint State Change';

const NAMESPACE = 'sagemaker';
const DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

/** What one endpoint state change did; also the structured log record (the sibling of PromotionResult). */
export interface ScalingResult {
  /** 200 done or nothing to do, 400 not an endpoint state change, 403 refused (another endpoint). */
  readonly statusCode: 200 | 400 | 403;
  readonly outcome: 'scaling-applied' | 'ignored' | 'refused' | 'rejected';
  readonly reason?: string;
  readonly endpointName?: string;
  /** The variants whose scalable targets were registered. */
  readonly variants?: string[];
  /** The scaling policies put (target tracking and, for async endpoints, the wake-up step policy). */
  readonly policyNames?: string[];
  readonly scheduledActionNames?: string[];
  /** The alarm the function manages itself (the wake-up alarm of an async endpoint). */
  readonly alarmNames?: string[];
}

export interface ScalingDeps {
  readonly sagemaker: SageMakerClient;
  readonly autoscaling: ApplicationAutoScalingClient;
  readonly cloudwatch: CloudWatchClient;
  readonly config: PromotionConfig;
  readonly logger: Logger;
  readonly retry?: RetryOptions;
}

/** The Application Auto Scaling resource id of a SageMaker variant. */
export function variantResourceId(endpointName: string, variantName: string): string {
  return `endpoint/${endpointName}/variant/${variantName}`;
}

/** The wake-up alarm of an asynchronous endpoint (the construct grants cloudwatch:PutMetricAlarm on this name). */
export function wakeAlarmName(endpointName: string): string {
  return `${endpointName}-wake-on-backlog`;
}

/** The names of the policies and scheduled actions of a variant (deterministic, so every call is an upsert). */
export function scalingNames(endpointName: string, variantName: string) {
  return {
    invocationsPolicy: `${endpointName}-${variantName}-invocations`,
    backlogPolicy: `${endpointName}-${variantName}-backlog`,
    wakePolicy: `${endpointName}-${variantName}-wake-on-backlog`,
    scheduledAction: (name: string) => `${endpointName}-${variantName}-${name}`,
  };
}

/**
 * EventBridge "SageMaker Endpoint State Change" → when the endpoint is InService, register the configured
 * Application Auto Scaling targets, policies and schedules on its variants. Only for an endpoint the function
 * created (the construct then passes `scaling`); CloudFormation scales the endpoints it manages. Every call is
 * an upsert, so the InService event that ends each update (or a re-delivered one) is harmless.
 */
export async function applyScaling(rawEvent: unknown, deps: ScalingDeps): Promise<ScalingResult> {
  const { config, logger } = deps;
  const retry = deps.retry ?? DEFAULT_RETRY;

  const parsed = EndpointStateChangeEventSchema.safeParse(rawEvent);
  if (!parsed.success) {
    const result: ScalingResult = {
      statusCode: 400,
      outcome: 'rejected',
      reason: `not an endpoint state change: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ')}`,
    };
    logger.warn('scaling rejected', { ...result });
    return result;
  }
  const endpointName = config.endpointName;
  if (parsed.data.detail.EndpointName !== endpointName) {
    const result: ScalingResult = { statusCode: 403, outcome: 'refused', reason: `endpoint ${parsed.data.detail.EndpointName} is not ${endpointName}`, endpointName };
    logger.warn('scaling refused', { ...result });
    return result;
  }
  const scaling = config.scaling;
  if (!scaling) {
    const result: ScalingResult = { statusCode: 200, outcome: 'ignored', reason: 'CloudFormation manages scaling for this endpoint', endpointName };
    logger.info('scaling ignored', { ...result });
    return result;
  }

  // The event may be stale (another update may have started since): SageMaker is the source of truth.
  let endpoint: DescribeEndpointCommandOutput;
  try {
    endpoint = await withRetry('DescribeEndpoint', () => deps.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName })), retry);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    const result: ScalingResult = { statusCode: 200, outcome: 'ignored', reason: `endpoint ${endpointName} does not exist`, endpointName };
    logger.info('scaling ignored', { ...result });
    return result;
  }
  if (endpoint.EndpointStatus !== 'InService') {
    const result: ScalingResult = { statusCode: 200, outcome: 'ignored', reason: `endpoint is ${endpoint.EndpointStatus}, not InService`, endpointName };
    logger.info('scaling ignored', { ...result });
    return result;
  }

  const running = new Set((endpoint.ProductionVariants ?? []).map((v) => v.VariantName));
  const variants = scaling.variants.filter((v) => {
    if (running.has(v.variantName)) return true;
    logger.warn('configured variant is not on the endpoint; skipped', { endpointName, variantName: v.variantName, endpointVariants: [...running] });
    return false;
  });
  if (variants.length === 0) {
    const result: ScalingResult = { statusCode: 200, outcome: 'ignored', reason: 'none of the configured variants runs on the endpoint', endpointName };
    logger.warn('scaling ignored', { ...result });
    return result;
  }

  const autoscaling = <T>(operation: string, fn: () => Promise<T>) => withRetry(operation, fn, retry, 'Application Auto Scaling');
  const policyNames: string[] = [];
  const scheduledActionNames: string[] = [];
  const wakePolicyArns: string[] = [];
  for (const variant of variants) {
    const target = { ServiceNamespace: NAMESPACE, ResourceId: variantResourceId(endpointName, variant.variantName), ScalableDimension: DIMENSION } as const;
    const names = scalingNames(endpointName, variant.variantName);
    // No RoleARN: Application Auto Scaling uses (and creates) its SageMaker service-linked role.
    await autoscaling('RegisterScalableTarget', () =>
      deps.autoscaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: variant.minCapacity, MaxCapacity: variant.maxCapacity })),
    );
    const policy = scaling.policy;
    if (policy.type === 'invocations') {
      await autoscaling('PutScalingPolicy', () =>
        deps.autoscaling.send(
          new PutScalingPolicyCommand({
            ...target,
            PolicyName: names.invocationsPolicy,
            PolicyType: 'TargetTrackingScaling',
            TargetTrackingScalingPolicyConfiguration: {
              TargetValue: policy.targetValue,
              PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
              ScaleInCooldown: policy.scaleInCooldownSeconds,
              ScaleOutCooldown: policy.scaleOutCooldownSeconds,
            },
          }),
        ),
      );
      policyNames.push(names.invocationsPolicy);
    } else {
      await autoscaling('PutScalingPolicy', () =>
        deps.autoscaling.send(
          new PutScalingPolicyCommand({
            ...target,
            PolicyName: names.backlogPolicy,
            PolicyType: 'TargetTrackingScaling',
            TargetTrackingScalingPolicyConfiguration: {
              TargetValue: policy.targetValue,
              CustomizedMetricSpecification: {
                MetricName: 'ApproximateBacklogSizePerInstance',
                Namespace: 'AWS/SageMaker',
                Dimensions: [{ Name: 'EndpointName', Value: endpointName }],
                Statistic: 'Average',
              },
              ScaleInCooldown: policy.scaleInCooldownSeconds,
              ScaleOutCooldown: policy.scaleOutCooldownSeconds,
            },
          }),
        ),
      );
      // Target tracking cannot leave zero instances (no instance, no per-instance backlog): a step policy,
      // triggered by the wake-up alarm below, adds the first instance when requests queue up.
      const wake = await autoscaling('PutScalingPolicy', () =>
        deps.autoscaling.send(
          new PutScalingPolicyCommand({
            ...target,
            PolicyName: names.wakePolicy,
            PolicyType: 'StepScaling',
            StepScalingPolicyConfiguration: {
              AdjustmentType: 'ChangeInCapacity',
              Cooldown: policy.scaleOutCooldownSeconds,
              MetricAggregationType: 'Average',
              StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
            },
          }),
        ),
      );
      if (!wake.PolicyARN) throw new Error(`PutScalingPolicy returned no PolicyARN for ${names.wakePolicy}`);
      wakePolicyArns.push(wake.PolicyARN);
      policyNames.push(names.backlogPolicy, names.wakePolicy);
    }
    for (const action of scaling.scheduled) {
      const name = names.scheduledAction(action.name);
      await autoscaling('PutScheduledAction', () =>
        deps.autoscaling.send(
          new PutScheduledActionCommand({
            ...target,
            ScheduledActionName: name,
            Schedule: action.schedule,
            ScalableTargetAction: { MinCapacity: action.minCapacity, MaxCapacity: action.maxCapacity },
          }),
        ),
      );
      scheduledActionNames.push(name);
    }
  }

  const alarmNames: string[] = [];
  if (wakePolicyArns.length > 0) {
    // The metric is per endpoint (an async endpoint has one variant), so one alarm wakes every variant.
    const alarmName = wakeAlarmName(endpointName);
    await withRetry(
      'PutMetricAlarm',
      () =>
        deps.cloudwatch.send(
          new PutMetricAlarmCommand({
            AlarmName: alarmName,
            AlarmDescription: `Requests are queued on ${endpointName} while it has no instances: add one (managed by the model-promotion function).`,
            MetricName: 'HasBacklogWithoutCapacity',
            Namespace: 'AWS/SageMaker',
            Dimensions: [{ Name: 'EndpointName', Value: endpointName }],
            Statistic: 'Average',
            Period: 60,
            EvaluationPeriods: 2,
            DatapointsToAlarm: 2,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            TreatMissingData: 'notBreaching',
            AlarmActions: wakePolicyArns,
          }),
        ),
      retry,
      'CloudWatch',
    );
    alarmNames.push(alarmName);
  }

  const result: ScalingResult = {
    statusCode: 200,
    outcome: 'scaling-applied',
    endpointName,
    variants: variants.map((v) => v.variantName),
    policyNames,
    scheduledActionNames,
    alarmNames,
  };
  logger.info('scaling applied', { ...result, policyType: scaling.policy.type });
  return result;
}
