import { App } from 'aws-cdk-lib';
import { platformProps } from '../../bin/platform-props';
import { GenAIPlatformStack, PlatformProfile } from '../../lib';

/**
 * A version ARN in the model package group that the platform of `bin/` creates in a stack named `stackId`
 * (the group's name is generated from the construct path, so it is read from a throwaway copy of the
 * stack). The platform endpoint serves only versions of the group it promotes from.
 */
export function registryVersionOf(stackId: string, version = 3): string {
  const probe = new GenAIPlatformStack(new App(), stackId, { platform: platformProps(PlatformProfile.DEV) });
  return `arn:aws:sagemaker:us-east-1:111122223333:model-package/${probe.platform.trainingPipeline!.modelPackageGroupName}/${version}`;
}
