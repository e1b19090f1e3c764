import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DeploymentStrategy, GenAIPlatform, InferenceEndpoint, ModelSource, PlatformProfile } from '../../lib';
import { complianceFindings, strictApp } from '../helpers/compliance';

/**
 * The wiring proposed for GenAIPlatform (the lead owns lib/platform): the platform's lake, operations key
 * and alarm topic, the endpoint's widgets on the platform dashboard.
 */
describe('InferenceEndpoint wired into GenAIPlatform the way the profiles would', () => {
  test.each([
    ['dev, no model yet (promotion only)', PlatformProfile.DEV, undefined],
    ['prod, serving a registry version', PlatformProfile.PROD, 'arn:aws:sagemaker:us-east-1:123456789012:model-package/genai-llm/1'],
  ])('%s: zero findings in every pack', (_name, profile, modelPackageArn) => {
    const app = strictApp();
    const stack = new Stack(app, 'Platform');
    const platform = new GenAIPlatform(stack, 'Platform', { profile });
    const prod = profile === PlatformProfile.PROD;
    const endpoint = new InferenceEndpoint(platform, 'Inference', {
      dataLake: platform.dataLake,
      encryptionKey: platform.operationsKey,
      alarmTopic: platform.alarmTopic,
      model: modelPackageArn ? ModelSource.fromModelPackage(modelPackageArn) : undefined,
      modelPackageGroupName: 'genai-llm',
      instanceType: 'ml.g5.xlarge',
      requireGpu: true,
      minCapacity: prod ? 2 : 1,
      maxCapacity: prod ? 4 : 1,
      deploymentStrategy: prod ? DeploymentStrategy.canary(10, Duration.minutes(10)) : DeploymentStrategy.allAtOnce(),
      terminationWait: prod ? Duration.minutes(15) : Duration.minutes(2),
      captureSamplingPercentage: prod ? 20 : 100,
      logRetention: profile.logRetention,
      removalPolicy: profile.removalPolicy,
    });
    platform.dashboard.addWidgets(...endpoint.widgets);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SageMaker::Endpoint', modelPackageArn ? 1 : 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: stack.getLogicalId(platform.alarmTopic.node.defaultChild as any) }] });
    expect(complianceFindings(app)).toEqual([]);
  });
});
