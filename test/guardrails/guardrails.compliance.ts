import { Construct } from 'constructs';
import { Stack, StackProps } from 'aws-cdk-lib';
import { GenAIApi } from '../../lib/api/gen-ai-api';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction } from '../../lib/guardrails/guardrail-function';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';
import { sharedMatrix } from '../helpers/compliance';

// Every configuration of this file is checked in one app and one synth (see ComplianceMatrix).
const matrix = sharedMatrix().section('Guardrails');

function guarded(name: string, stackProps: StackProps, target: (stack: Stack) => ModelTarget = () => ModelTarget.bedrock('amazon.nova-lite-v1:0'), withApi = false) {
  matrix.add(name, (app: Construct) => {
    const stack = new Stack(app, name, stackProps);
    const dataLake = new SecureDataLake(stack, 'Lake');
    const guardrail = new Guardrail(stack, 'Guardrail');
    const generate = new GuardrailFunction(stack, 'Generate', { guardrail, dataLake, modelTarget: target(stack) });
    if (withApi) new GenAIApi(stack, 'Api', { generateFunction: generate.function, dataLake });
  });
}

guarded('Bedrock', {});
guarded('Explicit', { env: { account: '123456789012', region: 'eu-west-1' } });
guarded('WithApi', {}, undefined, true);
guarded('Imported', {}, (stack) => ModelTarget.sagemakerEndpoint(InferenceEndpoint.fromEndpointAttributes(stack, 'Endpoint', { endpointName: 'my-endpoint' })));

describe('Guardrail + GuardrailFunction compliance (AwsSolutions, NIST 800-53 R5, HIPAA, Control Tower, GenAI checks, schema)', () => {
  test('a lake, a guardrail and the function with a Bedrock target (invocation logging on) have zero findings', () => {
    expect(matrix.findings('Bedrock')).toEqual([]);
  });

  test('the same with an explicit account and region', () => {
    expect(matrix.findings('Explicit')).toEqual([]);
  });

  test('behind GenAIApi (POST /v1/generate)', () => {
    expect(matrix.findings('WithApi')).toEqual([]);
  });

  test('with an imported SageMaker endpoint as the target', () => {
    expect(matrix.findings('Imported')).toEqual([]);
  });
});
