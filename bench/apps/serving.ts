// Both profiles of bin/ serving a version of their own training pipeline's registry (the state after the first
// approval): what the idle cost section prices next to the first deploy. Used by bench/cost-report.mjs.
import { App } from 'aws-cdk-lib';
import { platformProps } from '../../bin/platform-props';
import { GenAIPlatformStack, PlatformProfile } from '../../lib';

const app = new App();
for (const [stackId, profile] of [
  ['GenAIPlatform-Dev', PlatformProfile.DEV],
  ['GenAIPlatform-Prod', PlatformProfile.PROD],
] as const) {
  // The group's name is generated from the construct path: read it from a throwaway copy of the stack.
  const probe = new GenAIPlatformStack(new App({ autoSynth: false }), stackId, { platform: platformProps(profile) });
  const version = `arn:aws:sagemaker:us-east-1:111122223333:model-package/${probe.platform.trainingPipeline!.modelPackageGroupName}/1`;
  new GenAIPlatformStack(app, stackId, { platform: platformProps(profile, version) });
}
app.synth();
