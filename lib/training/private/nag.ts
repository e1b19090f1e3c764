import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ComplianceAcknowledgement, acknowledge } from '../../core/acknowledgements';

/**
 * The text cdk-nag prints for a resource ARN in a granular finding id: literal parts as they are,
 * `{Ref: X}` as `<X>` and `{Fn::GetAtt: [A, B]}` as `<A.B>`.
 */
export function nagText(scope: IConstruct, value: string): string {
  const resolved = Stack.of(scope).resolve(value);
  return flatten(resolved);
}

function flatten(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, any>;
    if (o.Ref !== undefined) return `<${o.Ref}>`;
    if (Array.isArray(o['Fn::GetAtt'])) return `<${o['Fn::GetAtt'].join('.')}>`;
    if (Array.isArray(o['Fn::Join'])) {
      const [sep, parts] = o['Fn::Join'];
      return (parts as unknown[]).map(flatten).join(sep);
    }
  }
  return JSON.stringify(v);
}

/**
 * Applies a registry topic's reason to the granular `AwsSolutions-IAM5[Resource::...]` ids of the given
 * wildcard resources (ARN strings, tokens allowed).
 */
export function acknowledgeWildcardResources(scope: IConstruct, topic: readonly ComplianceAcknowledgement[], resourceArns: string[]): void {
  const reason = topic[0].reason;
  acknowledge(
    scope,
    resourceArns.map((arn) => ({ id: `AwsSolutions-IAM5[Resource::${nagText(scope, arn)}]`, reason })),
  );
}
