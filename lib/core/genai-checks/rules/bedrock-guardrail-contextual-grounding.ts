import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { asArray, renderedProperties } from '../private/template';

/** GenAI-BedrockGuardrailContextualGrounding: ungrounded (hallucinated) answers are caught. */
export const BedrockGuardrailContextualGrounding = defineRule({
  name: 'BedrockGuardrailContextualGrounding',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::Bedrock::Guardrail'],
  info: 'The Bedrock guardrail has no contextual grounding filter.',
  explanation: 'The grounding check compares a response with the source it should be based on and blocks answers that are not supported by it (hallucinations).',
  fix: 'Add ContextualGroundingPolicyConfig.FiltersConfig with { Type: GROUNDING, Threshold: 0.75 } (and RELEVANCE if you like), and pass the grounding source when you apply the guardrail.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::Bedrock::Guardrail') return NagRuleCompliance.NOT_APPLICABLE;
    const filters = asArray(renderedProperties(node).ContextualGroundingPolicyConfig?.FiltersConfig);
    const on = filters.some((f) => f?.Type === 'GROUNDING' && f.Enabled !== false && f.Action !== 'NONE');
    return on ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
