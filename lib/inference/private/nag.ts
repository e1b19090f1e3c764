import { CfnResource, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { ComplianceAcknowledgement, acknowledge, nagRef } from '../../core/acknowledgements';

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

/** The string cdk-nag prints for an ARN built with `formatArn` (pseudo parameters as `<AWS::X>`). */
export function nagString(stack: Stack, value: string): string {
  const resolved = stack.resolve(value);
  if (typeof resolved === 'string') return resolved;
  const join = resolved?.['Fn::Join'];
  if (!join) return JSON.stringify(resolved);
  return (join[1] as unknown[])
    .map((p) => {
      if (typeof p === 'string') return p;
      const o = p as Record<string, unknown>;
      if (typeof o.Ref === 'string') return `<${o.Ref}>`;
      const att = o['Fn::GetAtt'] as string[] | undefined;
      if (att) return `<${att[0]}.${att[1]}>`;
      return JSON.stringify(p);
    })
    .join(join[0]);
}

export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

