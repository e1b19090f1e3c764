#!/usr/bin/env node
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Compliance, GenAIPlatformStack, PlatformProfile } from '../lib';
import { assertFreshBuild } from './fresh-build';
import { platformProps } from './platform-props';

// cdk.json runs the built JavaScript (dist/bin); fail clearly when lib/ or bin/ changed since the build.
assertFreshBuild(join(__dirname, '..', '..'));

// The app reads two context keys and nothing else:
//   -c profile=dev|prod              synthesize one stack (default: both)
//   -c modelPackageArn=<arn>         serve this model registry version from a SageMaker endpoint
//                                    (default: the endpoint appears on the first approved version)
const app = new App();
const requested = app.node.tryGetContext('profile') as string | undefined;
const modelPackageArn = app.node.tryGetContext('modelPackageArn') as string | undefined;

const profiles: Record<string, { stackId: string; profile: PlatformProfile }> = {
  dev: { stackId: 'GenAIPlatform-Dev', profile: PlatformProfile.DEV },
  prod: { stackId: 'GenAIPlatform-Prod', profile: PlatformProfile.PROD },
};
if (requested !== undefined && !(requested in profiles)) {
  throw new Error(`Context "profile": got ${JSON.stringify(requested)}; allowed: ${Object.keys(profiles).join(', ')} (or leave it out for both)`);
}
const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[a-zA-Z0-9-]{1,63}\/\d+$/;
if (modelPackageArn !== undefined && !MODEL_PACKAGE_ARN.test(modelPackageArn)) {
  throw new Error(
    `Context "modelPackageArn": got ${JSON.stringify(modelPackageArn)}; allowed: a model package version ARN, arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>`,
  );
}

for (const [name, { stackId, profile }] of Object.entries(profiles)) {
  if (requested !== undefined && requested !== name) continue;
  // Environment-agnostic: account and region come from the deploy environment.
  new GenAIPlatformStack(app, stackId, { platform: platformProps(profile, modelPackageArn) });
}

Compliance.apply(app);
