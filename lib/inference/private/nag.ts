import { CfnResource, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { ComplianceAcknowledgement, acknowledge, nagRef, nagString } from '../../core/acknowledgements';

export { nagString };

/**
 * Applies a registry topic's reason to granular `AwsSolutions-IAM5[Resource::...]` ids, one per
 * wildcard resource exactly as cdk-nag prints it.
 */
export function acknowledgeResources(scope: IConstruct, topic: readonly ComplianceAcknowledgement[], resources: string[]): void {
  const reason = topic[0].reason;
  acknowledge(
    scope,
    resources.map((r) => ({ id: `AwsSolutions-IAM5[Resource::${r}]`, reason })),
  );
}

/** The string cdk-nag prints for a bucket's ARN. */
export function bucketRef(scope: IConstruct, bucket: s3.IBucket): string {
  const cfn = bucket.node.defaultChild;
  if (cfn instanceof CfnResource) return nagRef(scope, cfn);
  return nagString(Stack.of(scope), bucket.bucketArn);
}

export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

