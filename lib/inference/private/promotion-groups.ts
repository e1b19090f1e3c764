import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { GenAIValidationError, isUnresolved } from '../../core/errors';

/**
 * Which endpoint of an app promotes from which model package group: per app (the root of the construct
 * tree, so every stage and stack of it), keyed by the stack's account, region and the group name.
 */
const claims = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Records that `endpoint` rolls out the versions approved in `groupName`, and throws when another endpoint
 * of the same app already does in the same environment: both promotion functions would react to every
 * approval and race to update their endpoints (or one endpoint twice).
 *
 * Environments are compared as synthesis sees them: the same account and region, or both stacks
 * environment-agnostic (they deploy wherever the credentials point, typically together). Stacks in
 * different accounts or regions, or one pinned and one agnostic, are not compared. Token group names are
 * skipped.
 */
export function claimPromotionGroup(endpoint: IConstruct, groupName: string): void {
  if (isUnresolved(groupName)) return;
  const stack = Stack.of(endpoint);
  const key = JSON.stringify([stack.account, stack.region, groupName]);
  let byGroup = claims.get(endpoint.node.root);
  if (!byGroup) {
    byGroup = new Map();
    claims.set(endpoint.node.root, byGroup);
  }
  const other = byGroup.get(key);
  if (other !== undefined && other !== endpoint.node.path) {
    throw new GenAIValidationError(
      endpoint,
      'modelPackageGroupName',
      groupName,
      `a model package group that no other InferenceEndpoint of this app promotes from in the same account and region: ${other} promotes from "${groupName}" already, and two promotion functions would race on every approval (give each endpoint its own group, or leave modelPackageGroupName out on the one that should not promote)`,
    );
  }
  byGroup.set(key, endpoint.node.path);
}
