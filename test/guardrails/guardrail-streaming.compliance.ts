import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction } from '../../lib/guardrails/guardrail-function';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';
import { sharedMatrix } from '../helpers/compliance';

// The function with its streaming entry point, checked in one app and one synth with every other area's
// configurations (test/compliance/all.test.ts).
const matrix = sharedMatrix().section('GuardrailStreaming');
for (const [name, target] of [
  ['StreamBedrock', () => ModelTarget.bedrock('amazon.nova-lite-v1:0')],
  ['StreamSageMaker', (stack: Stack) => ModelTarget.sagemakerEndpoint(InferenceEndpoint.fromEndpointAttributes(stack, 'Endpoint', { endpointName: 'my-endpoint' }), { fallbackBedrockModelId: 'amazon.nova-lite-v1:0' })],
] as const) {
  matrix.add(name, (scope: Construct) => {
    const stack = new Stack(scope, name);
    const dataLake = new SecureDataLake(stack, 'Lake');
    const guardrail = new Guardrail(stack, 'Guardrail');
    new GuardrailFunction(stack, 'Generate', { guardrail, dataLake, modelTarget: target(stack), streaming: {} });
  });
}

describe('GuardrailFunction with streaming: compliance (AwsSolutions, NIST 800-53 R5, HIPAA, Control Tower, GenAI checks, schema)', () => {
  test.each(['StreamBedrock', 'StreamSageMaker'])('%s has zero findings', (name) => {
    expect(matrix.findings(name)).toEqual([]);
  });
});
