import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ALL_ZONES, zoneBucketId } from '../data-lake/data-zone';
import { GenAIPlatform, GenAIPlatformProps } from './genai-platform';
import { PlatformProfile } from './profile';

/** Properties of {@link GenAIPlatformStack}. */
export interface GenAIPlatformStackProps extends StackProps {
  /**
   * The platform's properties.
   * @default - the DEV profile's defaults
   */
  readonly platform?: GenAIPlatformProps;
}

/** A stack holding one {@link GenAIPlatform}, with outputs for what a user needs next. */
export class GenAIPlatformStack extends Stack {
  /** The platform. */
  public readonly platform: GenAIPlatform;

  /**
   * @param scope the app or stage in which to define this stack
   * @param id the stack's construct id (also its stack name unless `stackName` is given)
   * @param props the stack's and the platform's properties (all optional)
   */
  constructor(scope: Construct, id: string, props: GenAIPlatformStackProps = {}) {
    const profile = props.platform?.profile ?? PlatformProfile.DEV;
    super(scope, id, {
      terminationProtection: profile.terminationProtection,
      description: `GenAI platform (${profile.name}): encrypted data lake, audit trail, training, inference and guardrails`,
      ...props,
    });
    this.platform = new GenAIPlatform(this, 'Platform', { ...props.platform, profile });

    for (const zone of ALL_ZONES.filter((z) => this.platform.dataLake.zones.includes(z))) {
      new CfnOutput(this, zoneBucketId(zone) + 'Name', {
        value: this.platform.dataLake.bucket(zone).bucketName,
        description: `Data lake bucket of the ${zone} zone`,
      });
    }
    new CfnOutput(this, 'ApiUrl', { value: this.platform.api.url, description: 'POST <ApiUrl>generate and <ApiUrl>feedback, SigV4-signed' });
    new CfnOutput(this, 'ReviewQueueUrl', { value: this.platform.generateFunction.reviewQueue.queueUrl, description: 'Blocked and ungrounded answers for human review' });
    new CfnOutput(this, 'AuditTrailBucketName', { value: this.platform.auditTrail.bucket.bucketName });
    if (this.platform.trainingPipeline) {
      new CfnOutput(this, 'TrainingPipelineName', { value: this.platform.trainingPipeline.pipelineName, description: 'Start a training run: aws sagemaker start-pipeline-execution --pipeline-name <this>' });
      new CfnOutput(this, 'TrainingCodeLocation', { value: this.platform.trainingCodeLocation!, description: 'Upload your training code archive here' });
      if (this.platform.evaluationCodeLocation) {
        new CfnOutput(this, 'EvaluationCodeLocation', { value: this.platform.evaluationCodeLocation, description: 'Upload your evaluation code here (read only for the training pipeline)' });
      }
      new CfnOutput(this, 'ModelPackageGroupName', { value: this.platform.trainingPipeline.modelPackageGroupName, description: 'The model registry; approving a version rolls it out' });
    }
    if (this.platform.endpoint) {
      new CfnOutput(this, 'EndpointName', {
        value: this.platform.endpoint.endpointName,
        description: this.platform.inferenceEndpoint && !this.platform.inferenceEndpoint.endpoint ? 'Created on the first approved model version' : 'The SageMaker endpoint',
      });
    }
    const component = this.platform.inferenceComponent;
    if (component) {
      new CfnOutput(this, 'InferenceComponentName', {
        value: component.inferenceComponentName,
        description: component.resource ? 'The model\'s inference component (InvokeEndpoint with EndpointName and InferenceComponentName)' : 'The model\'s inference component, created on the first approved model version',
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.platform.alarmTopic.topicArn, description: 'Subscribe on-call to every platform alarm here' });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.platform.dashboard.dashboardName}`,
      description: 'The platform dashboard',
    });
  }
}
