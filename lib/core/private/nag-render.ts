import { CfnResource, Reference, Stack, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { renderedProperties } from '../genai-checks/private/template';

/**
 * The text cdk-nag prints for a rendered CloudFormation value inside a granular finding id
 * (`AwsSolutions-IAM5[Resource::<text>]`). The same walk as cdk-nag 3's `flattenCfnReference`, in the same
 * order, so that the acknowledgement id and the printed id cannot differ:
 * - a string as it is, with `${` turned into `<` and `}` into `>`;
 * - `Fn::Join` as its flattened parts joined by the delimiter, `Fn::Sub` as its flattened argument;
 * - `Fn::GetAtt` as `<Resource.Attribute>`, `Ref` as `<Name>`, `Fn::ImportValue` as its flattened argument;
 * - anything else (`Fn::GetStackOutput`, an array, a number) as its JSON text.
 */
export function flattenCfnValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = value as Record<string, any>;
  if (node !== null && node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'];
    return (items as unknown[]).map(flattenCfnValue).join(delimiter);
  }
  if (node !== null && node['Fn::Sub']) return flattenCfnValue(node['Fn::Sub']);
  if (node !== null && node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'];
    return `<${flattenCfnValue(resource)}.${flattenCfnValue(attribute)}>`;
  }
  if (node !== null && node['Fn::ImportValue']) return flattenCfnValue(node['Fn::ImportValue']);
  if (node !== null && node.Ref) return `<${flattenCfnValue(node.Ref)}>`;
  return JSON.stringify(value);
}

/**
 * The text cdk-nag prints for `value` (a string with tokens, e.g. an ARN) as the template of `scope`'s stack
 * renders it. Meaningful only once the app is prepared (in a validation hook): before that, a reference to a
 * resource of another stack still renders as a `Fn::GetAtt` of the producing stack.
 */
export function renderedForNag(scope: IConstruct, value: unknown): string {
  return flattenCfnValue(Stack.of(scope).resolve(value));
}

/** One statement of a rendered IAM policy document. */
export interface RenderedStatement {
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** A value or list of values as a list (`undefined` as an empty list). */
export function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

const POLICY_TYPES = new Set(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']);

/**
 * The statements of a policy resource as they are synthesized (overrides included): the document of an
 * `AWS::IAM::Policy` or `AWS::IAM::ManagedPolicy`, the inline policies of a role, user or group. Empty for
 * any other resource.
 */
export function renderedStatements(resource: CfnResource): RenderedStatement[] {
  if (!POLICY_TYPES.has(resource.cfnResourceType)) return [];
  const properties = renderedProperties(resource);
  const documents = properties.PolicyDocument !== undefined
    ? [properties.PolicyDocument]
    : asList(properties.Policies).map((p: any) => p?.PolicyDocument);
  return documents.flatMap((d: any) => asList(d?.Statement) as RenderedStatement[]);
}

/** Whether a rendered value is a cross-stack reference: `{ "Fn::ImportValue": ... }` or `{ "Fn::GetStackOutput": ... }`. */
export function isCrossStackImport(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Fn::ImportValue' || keys[0] === 'Fn::GetStackOutput');
}

/**
 * The resource an unresolved value (e.g. `key.keyArn`) refers to, when the whole value is one reference to an
 * attribute of a CloudFormation resource; `undefined` for literals, concatenations and anything else.
 */
export function referencedAttribute(value: unknown): { readonly target: CfnResource; readonly attribute: string } | undefined {
  const token = typeof value === 'string' ? Tokenization.reverse(value, { failConcat: false }) : undefined;
  if (!token || !Reference.isReference(token) || !CfnResource.isCfnResource(token.target)) return undefined;
  return { target: token.target, attribute: token.displayName };
}
