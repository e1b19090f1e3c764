import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { asArray, renderedProperties } from '../private/template';

/** GenAI-BedrockGuardrailPIIFilter: personal data is blocked or masked. */
export const BedrockGuardrailPIIFilter = defineRule({
  name: 'BedrockGuardrailPIIFilter',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::Bedrock::Guardrail'],
  info: 'The Bedrock guardrail has no PII filter that blocks or anonymizes.',
  explanation: 'Without a sensitive-information filter, personal data in prompts reaches the model and logs, and personal data the model produces reaches the caller.',
  fix: 'Add SensitiveInformationPolicyConfig.PiiEntitiesConfig with at least one entity (EMAIL, PHONE, US_SOCIAL_SECURITY_NUMBER, CREDIT_DEBIT_CARD_NUMBER ...) whose Action is BLOCK or ANONYMIZE.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::Bedrock::Guardrail') return NagRuleCompliance.NOT_APPLICABLE;
    const entities = asArray(renderedProperties(node).SensitiveInformationPolicyConfig?.PiiEntitiesConfig);
    const active = entities.some((e) => typeof e?.Type === 'string' && e.Action !== 'NONE' && !(e.InputEnabled === false && e.OutputEnabled === false));
    return active ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
