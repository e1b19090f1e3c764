import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Acknowledgements, acknowledge, acknowledgeWildcardResources } from '../../core/acknowledgements';
import { addTopicTarget, allowKeyUse } from '../../core/encryption';
import { GenAIValidationError } from '../../core/errors';
import { DataZone } from '../../data-lake/data-zone';
import { LAKE_READ_ACTIONS, LAKE_WRITE_ACTIONS } from '../../data-lake/private/actions';
import { ISecureDataLake } from '../../data-lake/secure-data-lake';
import type { DriftMonitoringOptions } from '../inference-endpoint';
import { CONTAINER_LOG_ACTIONS, ECR_AUTH_ACTIONS, ECR_PULL_ACTIONS } from './actions';

/** What the data-quality monitoring needs from its endpoint construct. */
export interface MonitoringContext {
  readonly dataLake: ISecureDataLake;
  readonly endpointName: string;
  readonly endpoint: sagemaker.CfnEndpoint;
  readonly encryptionKey: kms.IKey;
  /** The key of the captured data, whose policy must name the monitoring role. */
  readonly captureKey?: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  readonly vpcConfig?: { securityGroupIds: string[]; subnets: string[] };
  /** Adds the VPC permissions (or the plain ECR login acknowledgement) to a SageMaker role. */
  grantVpcAccess(role: iam.Role): void;
}

export interface MonitoringResources {
  readonly schedule: sagemaker.CfnMonitoringSchedule;
  /** Fires when a run finds data-quality violations. */
  readonly alarm: cloudwatch.Alarm;
}

/**
 * SageMaker Model Monitor data quality for an endpoint: a role that reads the capture and the baseline
 * and writes reports, the job definition (KMS, network isolation), an hourly schedule, and an alarm on
 * runs that end "CompletedWithViolations".
 */
export function createDataQualityMonitoring(scope: Construct, options: DriftMonitoringOptions, ctx: MonitoringContext): MonitoringResources {
  const lake = ctx.dataLake;
  const stack = Stack.of(scope);
  const artifacts = lake.bucket(DataZone.MODEL_ARTIFACTS);
  const capture = lake.bucket(DataZone.INFERENCE_CAPTURE);
  const role = new iam.Role(scope, 'MonitoringRole', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    description: `Runs the data-quality checks of ${scope.node.path}`,
  });
  lake.grantRead(role, DataZone.INFERENCE_CAPTURE, `datacapture/${ctx.endpointName}/`);
  if (ctx.captureKey) allowKeyUse(ctx.captureKey, 'CaptureReaderMonitoring', role, ['kms:Decrypt'], ['s3']);
  lake.grantWrite(role, DataZone.INFERENCE_CAPTURE, `monitoring/${ctx.endpointName}/`);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [artifacts.arnForObjects(options.baselineStatisticsKey), artifacts.arnForObjects(options.baselineConstraintsKey)],
    }),
  );
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9._/-]+)[:@]/.exec(options.imageUri);
  const repository = m
    ? stack.formatArn({ service: 'ecr', account: m[1], region: m[2], resource: 'repository', resourceName: m[3] })
    : stack.formatArn({ service: 'ecr', account: '*', resource: 'repository', resourceName: '*' });
  if (!m && !Token.isUnresolved(options.imageUri)) {
    throw new GenAIValidationError(scope, 'monitoring.imageUri', options.imageUri, 'the Model Monitor ECR image URI of your region: <account>.dkr.ecr.<region>.amazonaws.com/sagemaker-model-monitor-analyzer:latest');
  }
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ECR_PULL_ACTIONS, resources: [repository] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ECR_AUTH_ACTIONS, resources: ['*'] }));
  const logGroupArn = stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: '/aws/sagemaker/ProcessingJobs:*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: CONTAINER_LOG_ACTIONS, resources: [logGroupArn] }));
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: [ctx.encryptionKey.keyArn] }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:CreateGrant'],
      resources: [ctx.encryptionKey.keyArn],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  );
  acknowledge(role, Acknowledgements.inlinePolicies);
  ctx.grantVpcAccess(role);
  const generated = Acknowledgements.sagemakerGeneratedNames;
  acknowledgeWildcardResources(role, generated, [capture.arnForObjects(`datacapture/${ctx.endpointName}/*`)], LAKE_READ_ACTIONS);
  acknowledgeWildcardResources(role, generated, [capture.arnForObjects(`monitoring/${ctx.endpointName}/*`)], LAKE_WRITE_ACTIONS);
  acknowledgeWildcardResources(role, generated, [logGroupArn], CONTAINER_LOG_ACTIONS);
  if (!m) acknowledgeWildcardResources(role, Acknowledgements.modelPackageImages, [repository], ECR_PULL_ACTIONS);

  const jobDefinition = new sagemaker.CfnDataQualityJobDefinition(scope, 'DataQualityJobDefinition', {
    jobDefinitionName: `${ctx.endpointName}-data-quality`,
    roleArn: role.roleArn,
    dataQualityAppSpecification: { imageUri: options.imageUri },
    dataQualityBaselineConfig: {
      statisticsResource: { s3Uri: `s3://${artifacts.bucketName}/${options.baselineStatisticsKey}` },
      constraintsResource: { s3Uri: `s3://${artifacts.bucketName}/${options.baselineConstraintsKey}` },
    },
    dataQualityJobInput: { endpointInput: { endpointName: ctx.endpointName, localPath: '/opt/ml/processing/input/endpoint' } },
    dataQualityJobOutputConfig: {
      kmsKeyId: lake.encryptionKey.keyArn,
      monitoringOutputs: [
        {
          s3Output: {
            localPath: '/opt/ml/processing/output',
            s3Uri: `s3://${capture.bucketName}/monitoring/${ctx.endpointName}`,
            s3UploadMode: 'EndOfJob',
          },
        },
      ],
    },
    jobResources: {
      clusterConfig: {
        instanceCount: 1,
        instanceType: options.instanceType ?? 'ml.m5.xlarge',
        volumeSizeInGb: 20,
        volumeKmsKeyId: ctx.encryptionKey.keyArn,
      },
    },
    networkConfig: { enableNetworkIsolation: true, enableInterContainerTrafficEncryption: true, vpcConfig: ctx.vpcConfig },
    stoppingCondition: { maxRuntimeInSeconds: (options.maxRuntime ?? Duration.hours(1)).toSeconds() },
  });
  jobDefinition.node.addDependency(ctx.endpoint, role);

  const schedule = new sagemaker.CfnMonitoringSchedule(scope, 'MonitoringSchedule', {
    monitoringScheduleName: `${ctx.endpointName}-data-quality`,
    monitoringScheduleConfig: {
      monitoringJobDefinitionName: jobDefinition.jobDefinitionName!,
      monitoringType: 'DataQuality',
      scheduleConfig: { scheduleExpression: options.scheduleExpression ?? 'cron(0 * ? * * *)' },
    },
  });
  schedule.node.addDependency(ctx.endpoint, jobDefinition);

  // A monitoring run that finds violations ends its processing job with "CompletedWithViolations".
  const rule = new events.Rule(scope, 'DriftViolationsRule', {
    description: `Data-quality violations found by ${schedule.monitoringScheduleName}`,
    eventPattern: {
      source: ['aws.sagemaker'],
      detailType: ['SageMaker Processing Job State Change'],
      detail: {
        MonitoringScheduleArn: [schedule.attrMonitoringScheduleArn],
        ExitMessage: events.Match.prefix('CompletedWithViolations'),
      },
    },
  });
  addTopicTarget(rule, ctx.alarmTopic);
  const violations = new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName: 'TriggeredRules',
    dimensionsMap: { RuleName: rule.ruleName },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.hours(1),
  });
  const alarm = new cloudwatch.Alarm(scope, 'DriftAlarm', {
    metric: violations,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `Model Monitor found data-quality violations on ${ctx.endpointName}: the input drifted from the baseline. Reports are in the INFERENCE_CAPTURE zone under monitoring/${ctx.endpointName}/.`,
  });
  alarm.addAlarmAction(new cwActions.SnsAction(ctx.alarmTopic));
  return { schedule, alarm };
}
