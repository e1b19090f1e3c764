// Prints, for N = 0..max, the resources and template bytes of GenAIPlatformStack (PROD) with N extra
// InferenceEndpoints serving registry versions. Used by bench/scale.mjs and test/platform/scale.test.ts.
import { App, Duration } from 'aws-cdk-lib';
import { DeploymentStrategy, GenAIPlatformStack, InferenceEndpoint, ModelSource, PlatformProfile } from '../lib';

export interface ScalePoint {
  readonly endpoints: number;
  readonly resources: number;
  readonly bytes: number;
}

export function measureScale(counts: number[]): ScalePoint[] {
  return counts.map((n) => {
    const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': false } });
    const stack = new GenAIPlatformStack(app, 'Scale', { platform: { profile: PlatformProfile.PROD } });
    for (let i = 0; i < n; i++) {
      const endpoint = new InferenceEndpoint(stack.platform, `Model${i}`, {
        dataLake: stack.platform.dataLake,
        encryptionKey: stack.platform.operationsKey,
        alarmTopic: stack.platform.alarmTopic,
        model: ModelSource.fromModelPackage(stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `model-${i}/1` })),
        modelPackageGroupName: `model-${i}`,
        instanceType: 'ml.g5.xlarge',
        minCapacity: 2,
        maxCapacity: 4,
        deploymentStrategy: DeploymentStrategy.canary(10, Duration.minutes(10)),
      });
      stack.platform.dashboard.addWidgets(...endpoint.widgets);
    }
    try {
      const template = app.synth().getStackByName(stack.stackName).template;
      return { endpoints: n, resources: Object.keys(template.Resources).length, bytes: Buffer.byteLength(JSON.stringify(template)) };
    } catch (e) {
      // aws-cdk-lib itself refuses a stack over CloudFormation's resource limit at synth.
      const over = /Number of resources in stack '[^']+': (\d+) is greater than allowed maximum/.exec(String((e as Error).message));
      if (!over) throw e;
      return { endpoints: n, resources: Number(over[1]), bytes: NaN };
    }
  });
}

/** Largest N that stays within CloudFormation's 500 resources and 1 MB (S3-hosted) template limits. */
export function largestThatFits(points: ScalePoint[]): { perEndpointResources: number; perEndpointBytes: number; base: ScalePoint; maxEndpoints: number; limitedBy: string } {
  const [a, b] = [points[0], points[points.length - 1]];
  const span = b.endpoints - a.endpoints;
  const perR = (b.resources - a.resources) / span;
  const perB = (b.bytes - a.bytes) / span;
  const byResources = Math.floor((500 - a.resources) / perR);
  const byBytes = Math.floor((1024 * 1024 - a.bytes) / perB);
  return { perEndpointResources: perR, perEndpointBytes: Math.round(perB), base: a, maxEndpoints: Math.min(byResources, byBytes), limitedBy: byResources <= byBytes ? '500 resources' : '1 MB template' };
}

if (require.main === module) {
  const points = measureScale([0, 1, 2, 4]);
  console.log(JSON.stringify({ points, fit: largestThatFits(points) }));
}
