import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { isSet, renderedProperties } from '../private/template';

/** GenAI-BedrockGuardrailKMSKey: the guardrail's policies are encrypted with a customer key. */
export const BedrockGuardrailKMSKey = defineRule({
  name: 'BedrockGuardrailKMSKey',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::Bedrock::Guardrail'],
  info: 'The Bedrock guardrail is not encrypted with a customer-managed KMS key.',
  explanation: 'The guardrail holds your denied topics, word lists, regexes and blocked messages; with a customer-managed key only principals allowed by its key policy can read or use them.',
  fix: 'Set KmsKeyArn to a customer-managed key and allow the roles that apply the guardrail to kms:Decrypt with it.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::Bedrock::Guardrail') return NagRuleCompliance.NOT_APPLICABLE;
    return isSet(renderedProperties(node).KmsKeyArn) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
