import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { allowServicesToPublish } from '../../core/encryption';
import { GenAIValidationError } from '../../core/errors';
import { SecureFunction } from '../../core/secure-function';
import { InferenceEndpoint } from '../../inference/inference-endpoint';

/** What the gate needs from the red-team construct. */
export interface GateContext {
  readonly fn: SecureFunction;
  readonly encryptionKey: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  readonly namespace: string;
  readonly timeout: Duration;
  readonly removalPolicy: RemovalPolicy;
}

/** The least canary bake the gate accepts: a run, the metric's delivery and the alarm's evaluation must fit. */
export const MIN_GATE_BAKE_SECONDS = 300;

/**
 * Wires the promotion gate of one endpoint: endpoint updates (the promotion function's rollouts) start a gate
 * request in an encrypted queue that the red-team function consumes (waiting in the queue, with a delay,
 * until the canary bakes); the function publishes `GateFailed`; the alarm on it is a rollback alarm of the
 * endpoint, so a failing or timed-out gate rolls the canary back before traffic shifts further.
 */
export function createPromotionGate(scope: Construct, endpoint: InferenceEndpoint, ctx: GateContext): cloudwatch.Alarm {
  const routing = endpoint.trafficRouting;
  if (routing.shiftType !== 'CANARY' && routing.shiftType !== 'LINEAR') {
    throw new GenAIValidationError(scope, 'endpoint', `${endpoint.node.path} (${routing.shiftType})`, 'an endpoint whose deployment strategy is a canary or linear shift: the gate judges the first slice before traffic shifts further');
  }
  if (routing.waitIntervalInSeconds < MIN_GATE_BAKE_SECONDS) {
    throw new GenAIValidationError(scope, 'endpoint', `a bake of ${routing.waitIntervalInSeconds} seconds`, `a deployment strategy wait of at least ${MIN_GATE_BAKE_SECONDS} seconds: the gate's run, its metric and the alarm must finish inside the canary bake`);
  }
  const timeoutSeconds = ctx.timeout.toSeconds();
  const fn = ctx.fn;
  const queue = new sqs.Queue(scope, 'GateQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: ctx.encryptionKey,
    enforceSSL: true,
    retentionPeriod: Duration.seconds(Math.max(3600, timeoutSeconds * 2)),
    // At least the function timeout (Lambda requires it), short enough to retry within the gate's time.
    visibilityTimeout: Duration.seconds(fn.function.timeout!.toSeconds() + 60),
    deadLetterQueue: { queue: fn.deadLetterQueue, maxReceiveCount: 3 },
    removalPolicy: ctx.removalPolicy,
  });
  fn.function.addEventSource(new SqsEventSource(queue, { batchSize: 1, reportBatchItemFailures: true }));
  fn.function.addEnvironment('GATE_QUEUE_URL', queue.queueUrl);
  fn.function.addEnvironment('GATE_TIMEOUT_SECONDS', String(timeoutSeconds));
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpoint'], resources: [endpoint.endpointArn] }));

  allowServicesToPublish(ctx.encryptionKey, ['events.amazonaws.com']);
  const rule = new events.Rule(scope, 'GateRule', {
    description: `An update of ${endpoint.endpointName} starts the promotion gate`,
    eventPattern: {
      source: ['aws.sagemaker'],
      detailType: ['SageMaker Endpoint State Change'],
      detail: { EndpointName: [endpoint.endpointName], EndpointStatus: ['UPDATING', 'Updating'] },
    },
  });
  // As the promotion queue does: a target that keeps the aws:SourceArn condition on the KMS-encrypted queue.
  rule.addTarget({
    bind: (r) => {
      targets.addToDeadLetterQueueResourcePolicy(r, fn.deadLetterQueue);
      return {
        ...targets.bindBaseTargetConfig({ deadLetterQueue: fn.deadLetterQueue, retryAttempts: 4, maxEventAge: Duration.hours(1) }),
        arn: queue.queueArn,
        targetResource: queue,
        input: events.RuleTargetInput.fromObject({ endpointName: endpoint.endpointName, startedAt: events.EventField.time }),
      };
    },
  });
  queue.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'GateRequestsFromTheGateRule',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
    }),
  );

  const alarm = new cloudwatch.Alarm(scope, 'GateAlarm', {
    metric: new cloudwatch.Metric({
      namespace: ctx.namespace,
      metricName: 'GateFailed',
      dimensionsMap: { EndpointName: endpoint.endpointName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // The gate publishes a verdict for every rollout it judges, failing closed on its own deadline; between
    // rollouts there is nothing to judge (SageMaker reads rollback alarms only while it deploys).
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `The promotion gate of ${endpoint.endpointName} failed (a red-team or evaluation regression on the canary, or no verdict within ${ctx.timeout.toHumanString()}): SageMaker rolls the rollout back. The run's report is in the lake under the red-team report prefix (run=gate-...).`,
  });
  alarm.addAlarmAction(new cwActions.SnsAction(ctx.alarmTopic));
  endpoint.addRollbackAlarm(alarm);
  return alarm;
}
