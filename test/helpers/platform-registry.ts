import { App } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { platformProps } from '../../bin/platform-props';
import { GenAIPlatformStack } from '../../lib/platform/genai-platform-stack';
import { PlatformProfile } from '../../lib/platform/profile';

/**
 * A version ARN in the model package group that the platform of `bin/` creates in a stack named `stackId`
 * (the group's name is generated from the construct path, so it is read from a throwaway copy of the
 * stack, defined where the real one is: in the app, or in the construct `under`). The platform endpoint
 * serves only versions of the group it promotes from.
 */
export function registryVersionOf(stackId: string, version = 3, under?: string): string {
  const app = new App();
  // `under`: the construct the stack is defined in (a section of the shared compliance matrix), else the app
  const probe = new GenAIPlatformStack(under ? new Construct(app, under) : app, stackId, { platform: platformProps(PlatformProfile.DEV) });
  return `arn:aws:sagemaker:us-east-1:111122223333:model-package/${probe.platform.trainingPipeline!.modelPackageGroupName}/${version}`;
}
