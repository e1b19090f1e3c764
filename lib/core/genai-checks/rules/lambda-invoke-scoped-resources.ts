import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { allowedActions, isLambdaRole, resourcesOf, rolesOfPolicyResource, statementsOf } from '../private/iam';
import { asArray, renderedProperties } from '../private/template';

/** The model and guardrail invocation actions that must name their resources. */
export const INVOKE_ACTIONS = [
  'bedrock:InvokeModel',
  'bedrock:InvokeModelWithResponseStream',
  'bedrock:ApplyGuardrail',
  // Converse with a Prompt management prompt as modelId: a function may run only the prompts it uses.
  'bedrock:RenderPrompt',
  'sagemaker:InvokeEndpoint',
  'sagemaker:InvokeEndpointAsync',
  'sagemaker:InvokeEndpointWithResponseStream',
];

/**
 * True for a resource that covers a whole service or resource type: `*`, `arn:...:bedrock:region:account:*`
 * or `arn:...:sagemaker:region:account:endpoint/*`.
 */
export function isWildcardResource(resource: string): boolean {
  if (resource === '*') return true;
  const parts = resource.replace(/\$\{[^}]*\}/g, 'X').split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return false;
  const id = parts.slice(5).join(':');
  return id === '*' || /^[a-z-]+\/\*$/.test(id);
}

/** GenAI-LambdaInvokeScopedResources: functions may only call the models, endpoints and guardrails they use. */
export const LambdaInvokeScopedResources = defineRule({
  name: 'LambdaInvokeScopedResources',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::IAM::Role'],
  info: 'A Lambda execution role may invoke any Bedrock model, prompt, SageMaker endpoint or guardrail.',
  explanation: 'With "*" a function can be pointed at any model or endpoint of the account (a costlier model, an unguarded one, another team\'s endpoint), and ApplyGuardrail on "*" lets it pick a weaker guardrail.',
  fix: 'Name the foundation-model or inference-profile ARNs, the prompt ARNs (promptCatalog.grantRead), the endpoint ARN (endpoint.grantInvoke) and the guardrail ARN (guardrail.grantApply) in the statement instead of "*". Findings are per action: GenAI-LambdaInvokeScopedResources[Action::bedrock:InvokeModel].',
  check(node) {
    const roles = rolesOfPolicyResource(node);
    if (roles === undefined || !roles.some((r) => isLambdaRole(node, r))) return NagRuleCompliance.NOT_APPLICABLE;
    const p = renderedProperties(node);
    const documents = node.cfnResourceType === 'AWS::IAM::Role' ? asArray(p.Policies).map((x) => x?.PolicyDocument) : [p.PolicyDocument];
    const findings = new Set<string>();
    for (const statement of documents.flatMap(statementsOf)) {
      const actions = allowedActions(statement, INVOKE_ACTIONS);
      if (actions.length === 0) continue;
      if (statement.NotResource !== undefined || resourcesOf(statement).some(isWildcardResource)) {
        for (const a of actions) findings.add(`Action::${a}`);
      }
    }
    return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
  },
});
