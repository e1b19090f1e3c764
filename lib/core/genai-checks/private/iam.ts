import { CfnResource } from 'aws-cdk-lib';
import { asArray, logicalIdOf, referencedLogicalId, renderString, renderedProperties, resolveReference, stackResources } from './template';

/** An IAM statement with the place it comes from. */
export interface SourcedStatement {
  /** Logical id of the resource that holds the statement (role, policy or managed policy). */
  readonly source: string;
  readonly statement: any;
}

/** The statements of a policy document. */
export function statementsOf(document: unknown): any[] {
  return asArray((document as any)?.Statement).filter((s) => s && typeof s === 'object');
}

/** True when an IAM action pattern (`bedrock:Invoke*`, `*`) covers the action (case-insensitive). */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
  return regex.test(action);
}

/** The actions of `candidates` an Allow statement grants (NotAction included). */
export function allowedActions(statement: any, candidates: readonly string[]): string[] {
  if (statement.Effect !== 'Allow') return [];
  if (statement.NotAction !== undefined) {
    const excluded = asArray(statement.NotAction).map((a) => String(a));
    return candidates.filter((c) => !excluded.some((p) => actionMatches(p, c)));
  }
  const actions = asArray(statement.Action).map((a) => String(a));
  return candidates.filter((c) => actions.some((p) => actionMatches(p, c)));
}

/** The statement's resources rendered as strings (`${X}` placeholders for deploy-time values). */
export function resourcesOf(statement: any): string[] {
  return asArray(statement.Resource).map((r) => renderString(r) ?? '');
}

/** True when the rendered value references the logical id (`Ref` or `Fn::GetAtt`). */
function references(value: unknown, logicalId: string): boolean {
  return asArray(value).some((v) => referencedLogicalId(v) === logicalId);
}

/**
 * Every statement that applies to a role of the same stack: its inline policies, `AWS::IAM::Policy`,
 * `AWS::IAM::RolePolicy` and `AWS::IAM::ManagedPolicy` resources attached to it.
 */
export function roleStatements(node: CfnResource, roleLogicalId: string): SourcedStatement[] {
  const out: SourcedStatement[] = [];
  const resources = stackResources(node);
  const role = resources.get(roleLogicalId);
  if (!role) return out;
  const roleProps = renderedProperties(role);
  for (const p of asArray(roleProps.Policies)) {
    for (const statement of statementsOf(p?.PolicyDocument)) out.push({ source: roleLogicalId, statement });
  }
  const managedInStack = new Set(asArray(roleProps.ManagedPolicyArns).map(referencedLogicalId).filter((id): id is string => id !== undefined));
  for (const [logicalId, r] of resources) {
    const type = r.cfnResourceType;
    if (type !== 'AWS::IAM::Policy' && type !== 'AWS::IAM::ManagedPolicy' && type !== 'AWS::IAM::RolePolicy') continue;
    const p = renderedProperties(r);
    const attached = type === 'AWS::IAM::RolePolicy' ? references(p.RoleName, roleLogicalId) : references(p.Roles, roleLogicalId) || managedInStack.has(logicalId);
    if (!attached) continue;
    for (const statement of statementsOf(p.PolicyDocument)) out.push({ source: logicalId, statement });
  }
  return out;
}

/** The names of the managed policies a role references by ARN (`AdministratorAccess`, `service-role/X` → `X`). */
export function managedPolicyNames(role: CfnResource): string[] {
  return asArray(renderedProperties(role).ManagedPolicyArns)
    .map((arn) => renderString(arn) ?? '')
    .filter((arn) => arn.includes(':policy/'))
    .map((arn) => arn.slice(arn.lastIndexOf('/') + 1));
}

/**
 * The logical ids of the roles a policy resource applies to (the role itself for `AWS::IAM::Role`),
 * or undefined when the resource is not an IAM role or policy.
 */
export function rolesOfPolicyResource(node: CfnResource): string[] | undefined {
  if (!['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy'].includes(node.cfnResourceType)) return undefined;
  const p = renderedProperties(node);
  const ids = (values: unknown) => asArray(values).map(referencedLogicalId).filter((id): id is string => id !== undefined);
  switch (node.cfnResourceType) {
    case 'AWS::IAM::Role':
      return [resolveSelf(node)];
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
      return ids(p.Roles);
    case 'AWS::IAM::RolePolicy':
      return ids(p.RoleName);
    default:
      return undefined;
  }
}

function resolveSelf(node: CfnResource): string {
  return logicalIdOf(node);
}

/** True when a role of the same stack is a Lambda execution role (trusted by Lambda, or used by a function). */
export function isLambdaRole(node: CfnResource, roleLogicalId: string): boolean {
  const resources = stackResources(node);
  const role = resources.get(roleLogicalId);
  if (!role || role.cfnResourceType !== 'AWS::IAM::Role') return false;
  const trust = statementsOf(renderedProperties(role).AssumeRolePolicyDocument);
  if (trust.some((s) => asArray(s.Principal?.Service).some((svc) => (renderString(svc) ?? '').startsWith('lambda.')))) return true;
  for (const r of resources.values()) {
    if (r.cfnResourceType === 'AWS::Lambda::Function' && referencedLogicalId(renderedProperties(r).Role) === roleLogicalId) return true;
  }
  return false;
}

/** The role of the same stack a role ARN points to (`Fn::GetAtt: [Role, Arn]`), rendered. */
export function roleOfArn(node: CfnResource, arn: unknown) {
  const role = resolveReference(node, arn);
  return role && role.type === 'AWS::IAM::Role' ? role : undefined;
}
