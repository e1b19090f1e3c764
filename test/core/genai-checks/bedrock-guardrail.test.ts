import { Stack } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as kms from 'aws-cdk-lib/aws-kms';
import { genAIFindings, newStack } from './helpers';

/** A guardrail with every filter the pack asks for; `patch` removes or changes one. */
function guardrail(stack: Stack, patch: (p: any) => void = () => {}): bedrock.CfnGuardrail {
  const props: any = {
    name: 'g',
    blockedInputMessaging: 'Sorry.',
    blockedOutputsMessaging: 'Sorry.',
    kmsKeyArn: new kms.Key(stack, 'Key').keyArn,
    contentPolicyConfig: {
      filtersConfig: [
        { type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' },
        { type: 'PROMPT_ATTACK', inputStrength: 'HIGH', outputStrength: 'NONE' },
      ],
    },
    sensitiveInformationPolicyConfig: { piiEntitiesConfig: [{ type: 'EMAIL', action: 'ANONYMIZE' }] },
    contextualGroundingPolicyConfig: { filtersConfig: [{ type: 'GROUNDING', threshold: 0.75 }, { type: 'RELEVANCE', threshold: 0.5 }] },
  };
  patch(props);
  return new bedrock.CfnGuardrail(stack, 'Guardrail', props);
}

function guardrailFindings(stack: Stack): string[] {
  return genAIFindings(stack).filter((f) => f.startsWith('GenAI-BedrockGuardrail'));
}

describe('Bedrock guardrail rules', () => {
  test('a complete guardrail: no findings', () => {
    const stack = newStack();
    guardrail(stack);
    expect(guardrailFindings(stack)).toEqual([]);
  });

  test('an empty guardrail: every rule fires', () => {
    const stack = newStack();
    new bedrock.CfnGuardrail(stack, 'Guardrail', {
      name: 'g',
      blockedInputMessaging: 'Sorry.',
      blockedOutputsMessaging: 'Sorry.',
      wordPolicyConfig: { managedWordListsConfig: [{ type: 'PROFANITY' }] },
    });
    expect(guardrailFindings(stack)).toEqual([
      'GenAI-BedrockGuardrailContextualGrounding @ S/Guardrail',
      'GenAI-BedrockGuardrailKMSKey @ S/Guardrail',
      'GenAI-BedrockGuardrailPIIFilter @ S/Guardrail',
      'GenAI-BedrockGuardrailPromptAttackFilter @ S/Guardrail',
    ]);
  });

  test('GenAI-BedrockGuardrailPromptAttackFilter: missing, or with input strength NONE', () => {
    const missing = newStack();
    guardrail(missing, (p) => (p.contentPolicyConfig.filtersConfig = [{ type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' }]));
    expect(guardrailFindings(missing)).toEqual(['GenAI-BedrockGuardrailPromptAttackFilter @ S/Guardrail']);

    const none = newStack();
    guardrail(none, (p) => (p.contentPolicyConfig.filtersConfig[1].inputStrength = 'NONE'));
    expect(guardrailFindings(none)).toEqual(['GenAI-BedrockGuardrailPromptAttackFilter @ S/Guardrail']);

    const disabled = newStack();
    guardrail(disabled, (p) => (p.contentPolicyConfig.filtersConfig[1].inputEnabled = false));
    expect(guardrailFindings(disabled)).toEqual(['GenAI-BedrockGuardrailPromptAttackFilter @ S/Guardrail']);
  });

  test('GenAI-BedrockGuardrailPIIFilter: missing, or only detecting (action NONE)', () => {
    const missing = newStack();
    guardrail(missing, (p) => (p.sensitiveInformationPolicyConfig = { regexesConfig: [{ name: 'id', pattern: '\\d+', action: 'BLOCK' }] }));
    expect(guardrailFindings(missing)).toEqual(['GenAI-BedrockGuardrailPIIFilter @ S/Guardrail']);

    const detectOnly = newStack();
    guardrail(detectOnly, (p) => (p.sensitiveInformationPolicyConfig.piiEntitiesConfig[0].action = 'NONE'));
    expect(guardrailFindings(detectOnly)).toEqual(['GenAI-BedrockGuardrailPIIFilter @ S/Guardrail']);

    const block = newStack();
    guardrail(block, (p) => (p.sensitiveInformationPolicyConfig.piiEntitiesConfig = [{ type: 'US_SOCIAL_SECURITY_NUMBER', action: 'BLOCK' }]));
    expect(guardrailFindings(block)).toEqual([]);
  });

  test('GenAI-BedrockGuardrailContextualGrounding: missing, or relevance only', () => {
    const missing = newStack();
    guardrail(missing, (p) => delete p.contextualGroundingPolicyConfig);
    expect(guardrailFindings(missing)).toEqual(['GenAI-BedrockGuardrailContextualGrounding @ S/Guardrail']);

    const relevanceOnly = newStack();
    guardrail(relevanceOnly, (p) => (p.contextualGroundingPolicyConfig.filtersConfig = [{ type: 'RELEVANCE', threshold: 0.5 }]));
    expect(guardrailFindings(relevanceOnly)).toEqual(['GenAI-BedrockGuardrailContextualGrounding @ S/Guardrail']);
  });

  test('GenAI-BedrockGuardrailKMSKey: missing key, also when removed by an override', () => {
    const stack = newStack();
    guardrail(stack).addPropertyDeletionOverride('KmsKeyArn');
    expect(guardrailFindings(stack)).toEqual(['GenAI-BedrockGuardrailKMSKey @ S/Guardrail']);
  });
});
