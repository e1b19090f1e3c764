import { PutScalingPolicyCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { ComponentScaling } from './config';
import type { PromotionDeps } from './promote';
import { DEFAULT_RETRY, withRetry } from './retry';

/** The Application Auto Scaling resource id of an inference component. */
export function componentResourceId(componentName: string): string {
  return `inference-component/${componentName}`;
}

/** The scale-from-zero alarm of a component (the construct grants cloudwatch:PutMetricAlarm on this name). */
export function scaleFromZeroAlarmName(componentName: string): string {
  return `${componentName}-scale-from-zero`;
}

/** What one registration did. */
export interface ComponentScalingResult {
  readonly policyNames: string[];
  readonly alarmNames: string[];
}

/**
 * Registers the copy scaling of an inference component the function created (CloudFormation scales the
 * components it manages): the scalable target, target tracking on concurrent requests per copy, and, for a
 * component that scales to zero, a step policy that adds one copy when the `NoCapacityInvocationFailures`
 * alarm fires (target tracking cannot leave zero copies: no copy, no per-copy metric). All upserts.
 */
export async function applyComponentScaling(componentName: string, scaling: ComponentScaling, deps: PromotionDeps): Promise<ComponentScalingResult> {
  const { autoscaling, cloudwatch } = deps;
  if (!autoscaling || !cloudwatch) throw new Error('the promotion function has no Application Auto Scaling or CloudWatch client');
  const retry = deps.retry ?? DEFAULT_RETRY;
  const aas = <T>(operation: string, fn: () => Promise<T>) => withRetry(operation, fn, retry, 'Application Auto Scaling');
  const target = {
    ServiceNamespace: 'sagemaker',
    ResourceId: componentResourceId(componentName),
    ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
  } as const;
  // No RoleARN: Application Auto Scaling uses (and creates) its SageMaker service-linked role.
  await aas('RegisterScalableTarget', () => autoscaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: scaling.minCopies, MaxCapacity: scaling.maxCopies })));
  const tracking = `${componentName}-concurrency`;
  await aas('PutScalingPolicy', () =>
    autoscaling.send(
      new PutScalingPolicyCommand({
        ...target,
        PolicyName: tracking,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: scaling.targetValue,
          PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution' },
          ScaleInCooldown: scaling.scaleInCooldownSeconds,
          ScaleOutCooldown: scaling.scaleOutCooldownSeconds,
        },
      }),
    ),
  );
  const policyNames = [tracking];
  const alarmNames: string[] = [];
  if (scaling.scaleFromZero) {
    const stepName = `${componentName}-scale-from-zero`;
    const step = await aas('PutScalingPolicy', () =>
      autoscaling.send(
        new PutScalingPolicyCommand({
          ...target,
          PolicyName: stepName,
          PolicyType: 'StepScaling',
          StepScalingPolicyConfiguration: {
            AdjustmentType: 'ChangeInCapacity',
            MetricAggregationType: 'Maximum',
            Cooldown: scaling.scaleOutCooldownSeconds,
            StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
          },
        }),
      ),
    );
    const policyArn = step.PolicyARN;
    if (!policyArn) throw new Error(`PutScalingPolicy returned no PolicyARN for ${stepName}`);
    const alarmName = scaleFromZeroAlarmName(componentName);
    await withRetry(
      'PutMetricAlarm',
      () =>
        cloudwatch.send(
          new PutMetricAlarmCommand({
            AlarmName: alarmName,
            AlarmDescription: `A request found no copy of ${componentName} (scaled to zero): add one (managed by the model-promotion function).`,
            MetricName: 'NoCapacityInvocationFailures',
            Namespace: 'AWS/SageMaker',
            Dimensions: [{ Name: 'InferenceComponentName', Value: componentName }],
            Statistic: 'Sum',
            Period: 60,
            EvaluationPeriods: 1,
            DatapointsToAlarm: 1,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            TreatMissingData: 'notBreaching',
            AlarmActions: [policyArn],
          }),
        ),
      retry,
      'CloudWatch',
    );
    policyNames.push(stepName);
    alarmNames.push(alarmName);
  }
  deps.logger.info('component scaling applied', { inferenceComponentName: componentName, policyNames, alarmNames, minCopies: scaling.minCopies, maxCopies: scaling.maxCopies });
  return { policyNames, alarmNames };
}
