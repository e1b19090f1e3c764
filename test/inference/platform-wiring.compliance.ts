import { Construct } from 'constructs';
import { Duration, Stack } from 'aws-cdk-lib';
import { DeploymentStrategy } from '../../lib/inference/deployment-strategy';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';
import { ModelSource } from '../../lib/inference/model-source';
import { GenAIPlatform } from '../../lib/platform/genai-platform';
import { PlatformProfile } from '../../lib/platform/profile';
import { sharedMatrix } from '../helpers/compliance';

/**
 * The wiring proposed for GenAIPlatform (the lead owns lib/platform): the platform's lake, operations key
 * and alarm topic, the endpoint's widgets on the platform dashboard.
 */
// Both configurations are checked in one app and one synth (see ComplianceMatrix).
const matrix = sharedMatrix().section('Wiring');
const cases: [string, string, PlatformProfile, string | undefined][] = [
  ['Dev', 'dev, no model yet (promotion only)', PlatformProfile.DEV, undefined],
  ['Prod', 'prod, serving a registry version', PlatformProfile.PROD, 'arn:aws:sagemaker:us-east-1:123456789012:model-package/genai-llm-prod/1'],
];
for (const [name, , profile, modelPackageArn] of cases) {
  matrix.add(name, (app: Construct) => {
    const stack = new Stack(app, name);
    const platform = new GenAIPlatform(stack, 'Platform', { profile });
    const prod = profile === PlatformProfile.PROD;
    const endpoint = new InferenceEndpoint(platform, 'Inference', {
      dataLake: platform.dataLake,
      encryptionKey: platform.operationsKey,
      alarmTopic: platform.alarmTopic,
      model: modelPackageArn ? ModelSource.fromModelPackage(modelPackageArn) : undefined,
      // one group per endpoint of the app (the two configurations share one app)
      modelPackageGroupName: `genai-llm-${name.toLowerCase()}`,
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
    return { stack, platform };
  });
}

describe('InferenceEndpoint wired into GenAIPlatform the way the profiles would', () => {
  test.each(cases)('%s: %s: zero findings in every pack', (name, _title, _profile, modelPackageArn) => {
    expect(matrix.findings(name)).toEqual([]);
    const { stack, platform } = matrix.built(name) as { stack: Stack; platform: GenAIPlatform };
    const template = matrix.template(name);
    template.resourceCountIs('AWS::SageMaker::Endpoint', modelPackageArn ? 1 : 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: stack.getLogicalId(platform.alarmTopic.node.defaultChild as any) }] });
  });
});
