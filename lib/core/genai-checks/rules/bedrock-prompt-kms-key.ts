import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { isSet, renderedProperties } from '../private/template';

/** GenAI-BedrockPromptKMSKey: Prompt management prompts are encrypted with a customer key. */
export const BedrockPromptKMSKey = defineRule({
  name: 'BedrockPromptKMSKey',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::Bedrock::Prompt'],
  info: 'The Bedrock Prompt management prompt is not encrypted with a customer-managed KMS key.',
  explanation: 'A prompt holds the system prompt, the instructions and the examples that shape every answer; with a customer-managed key only principals allowed by its key policy can read or run it, and its use is logged in CloudTrail.',
  fix: 'Set CustomerEncryptionKeyArn to a customer-managed key (PromptCatalog does), let bedrock.amazonaws.com use it for the account\'s prompts, and allow readers kms:Decrypt through Bedrock only.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::Bedrock::Prompt') return NagRuleCompliance.NOT_APPLICABLE;
    return isSet(renderedProperties(node).CustomerEncryptionKeyArn) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
