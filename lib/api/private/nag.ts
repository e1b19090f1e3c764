import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ComplianceAcknowledgement, acknowledge } from '../../core/acknowledgements';

/**
 * The string cdk-nag prints for an ARN built with `formatArn`: literal where the stack's environment is
 * known, pseudo parameters as `<AWS::X>` and attributes as `<Logical.Attr>` otherwise.
 * (Same as the inference module's private helper; the lead may move one copy to lib/core.)
 */
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

/** Applies a registry topic's reason to the granular `AwsSolutions-IAM5[Resource::<arn>]` id of one resource. */
export function acknowledgeWildcardResource(scope: IConstruct, topic: readonly ComplianceAcknowledgement[], arn: string): void {
  acknowledge(scope, [{ id: `AwsSolutions-IAM5[Resource::${nagString(Stack.of(scope), arn)}]`, reason: topic[0].reason }]);
}
