import { Construct } from 'constructs';
import { Stack } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { GenAIApi } from '../../lib/api/gen-ai-api';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction } from '../../lib/guardrails/guardrail-function';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';
import { GenAIPlatform } from '../../lib/platform/genai-platform';
import { PromptCatalog } from '../../lib/prompts/prompt-catalog';
import { PromptContent } from '../../lib/prompts/prompt-template';
import { sharedMatrix } from '../helpers/compliance';

// Every configuration of this file is checked in one app and one synth (see ComplianceMatrix).
const matrix = sharedMatrix().section('Prompts');

function catalogIn(stack: Stack, modelId?: string): PromptCatalog {
  const catalog = new PromptCatalog(stack, 'Catalog', { modelId });
  catalog.addTemplate('Faq', {
    templateName: 'faq',
    content: PromptContent.text('Answer from the document.\n\n{{document}}\n\nQuestion: {{question}}'),
    systemPrompt: 'You are a careful assistant.',
    variables: [{ name: 'document' }, { name: 'question', maxLength: 500 }],
    variants: [
      { name: 'control', weight: 50 },
      { name: 'warm', weight: 50, inference: { temperature: 0.8 } },
    ],
  });
  return catalog;
}

matrix.add('BoundCatalog', (app: Construct) => {
  const stack = new Stack(app, 'BoundCatalog');
  const dataLake = new SecureDataLake(stack, 'Lake');
  const generate = new GuardrailFunction(stack, 'Generate', {
    guardrail: new Guardrail(stack, 'Guardrail'),
    dataLake,
    modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'),
    promptCatalog: catalogIn(stack, 'amazon.nova-lite-v1:0'),
    allowRawPrompts: false,
  });
  new GenAIApi(stack, 'Api', { generateFunction: generate.function, dataLake });
});

matrix.add('EndpointCatalog', (app: Construct) => {
  const stack = new Stack(app, 'EndpointCatalog', { env: { account: '123456789012', region: 'eu-west-1' } });
  new GuardrailFunction(stack, 'Generate', {
    guardrail: new Guardrail(stack, 'Guardrail'),
    dataLake: new SecureDataLake(stack, 'Lake'),
    modelTarget: ModelTarget.sagemakerEndpoint(InferenceEndpoint.fromEndpointAttributes(stack, 'Endpoint', { endpointName: 'my-endpoint' })),
    promptCatalog: catalogIn(stack),
  });
});

matrix.add('PlatformCatalog', (app: Construct) => {
  const stack = new Stack(app, 'PlatformCatalog');
  new GenAIPlatform(stack, 'Platform', { promptCatalog: catalogIn(stack) });
});

// The harness sees prompts: one without a customer-managed key is reported.
matrix.add('PlainPrompt', (app: Construct) => {
  new bedrock.CfnPrompt(new Stack(app, 'PlainPrompt'), 'Prompt', { name: 'plain', variants: [{ name: 'v', templateType: 'TEXT', templateConfiguration: { text: { text: 'Hello' } } }] });
});

describe('PromptCatalog compliance (AwsSolutions, NIST 800-53 R5, HIPAA, Control Tower, GenAI checks, schema)', () => {
  test('a catalog bound to a Bedrock model, a templates-only guardrail function and the API: zero findings', () => {
    expect(matrix.findings('BoundCatalog')).toEqual([]);
  });

  test('a catalog rendered by the function for a SageMaker endpoint: zero findings', () => {
    expect(matrix.findings('EndpointCatalog')).toEqual([]);
  });

  test('a platform with a catalog: zero findings', () => {
    expect(matrix.findings('PlatformCatalog')).toEqual([]);
  });

  test('a prompt without a customer-managed key is a finding (GenAI-BedrockPromptKMSKey)', () => {
    expect(matrix.findings('PlainPrompt')).toEqual(['GenAI GenAI-BedrockPromptKMSKey @ PlainPrompt/Prompt']);
  });
});
