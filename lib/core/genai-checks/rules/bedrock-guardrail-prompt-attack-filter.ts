import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { asArray, renderedProperties } from '../private/template';

/** GenAI-BedrockGuardrailPromptAttackFilter: prompts are screened for jailbreaks and prompt injection. */
export const BedrockGuardrailPromptAttackFilter = defineRule({
  name: 'BedrockGuardrailPromptAttackFilter',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::Bedrock::Guardrail'],
  info: 'The Bedrock guardrail does not filter prompt attacks on input.',
  explanation: 'Jailbreaks and prompt injection are the most common attack on a generative AI application; a guardrail without the prompt-attack filter lets them through.',
  fix: 'Add { Type: PROMPT_ATTACK, InputStrength: HIGH (or MEDIUM/LOW), OutputStrength: NONE } to ContentPolicyConfig.FiltersConfig.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::Bedrock::Guardrail') return NagRuleCompliance.NOT_APPLICABLE;
    const filters = asArray(renderedProperties(node).ContentPolicyConfig?.FiltersConfig);
    const on = filters.some(
      (f) => f?.Type === 'PROMPT_ATTACK' && f.InputEnabled !== false && typeof f.InputStrength === 'string' && f.InputStrength !== 'NONE' && f.InputAction !== 'NONE',
    );
    return on ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
