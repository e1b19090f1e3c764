import { Stack, StackProps } from 'aws-cdk-lib';
import { GenAIApi, Guardrail, GuardrailFunction, InferenceEndpoint, ModelTarget, SecureDataLake } from '../../lib';
import { complianceFindings, strictApp } from '../helpers/compliance';

function findings(stackProps: StackProps, target: (stack: Stack) => ModelTarget = () => ModelTarget.bedrock('amazon.nova-lite-v1:0'), withApi = false) {
  const app = strictApp();
  const stack = new Stack(app, 'Guarded', stackProps);
  const dataLake = new SecureDataLake(stack, 'Lake');
  const guardrail = new Guardrail(stack, 'Guardrail');
  const generate = new GuardrailFunction(stack, 'Generate', { guardrail, dataLake, modelTarget: target(stack) });
  if (withApi) new GenAIApi(stack, 'Api', { generateFunction: generate.function, dataLake });
  return complianceFindings(app);
}

describe('Guardrail + GuardrailFunction compliance (AwsSolutions, NIST 800-53 R5, HIPAA, Control Tower, GenAI checks, schema)', () => {
  test('a lake, a guardrail and the function with a Bedrock target (invocation logging on) have zero findings', () => {
    expect(findings({})).toEqual([]);
  });

  test('the same with an explicit account and region', () => {
    expect(findings({ env: { account: '123456789012', region: 'eu-west-1' } })).toEqual([]);
  });

  test('behind GenAIApi (POST /v1/generate)', () => {
    expect(findings({}, undefined, true)).toEqual([]);
  });

  test('with an imported SageMaker endpoint as the target', () => {
    expect(
      findings({}, (stack) =>
        ModelTarget.sagemakerEndpoint(InferenceEndpoint.fromEndpointAttributes(stack, 'Endpoint', { endpointName: 'my-endpoint' })),
      ),
    ).toEqual([]);
  });
});
