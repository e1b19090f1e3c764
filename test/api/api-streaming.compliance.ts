import { Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ApiAuthorization, GenAIApi } from '../../lib/api/gen-ai-api';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction } from '../../lib/guardrails/guardrail-function';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { sharedMatrix } from '../helpers/compliance';

// The API with the guardrail function's streaming entry point behind it, checked in one app and one synth
// with every other area's configurations (test/compliance/all.test.ts).
const matrix = sharedMatrix().section('ApiStreaming');
for (const [name, authorization] of [
  ['StreamIam', undefined],
  ['StreamCognito', (stack: Stack) => ApiAuthorization.cognito(cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_abcdef'))],
] as const) {
  matrix.add(name, (scope: Construct) => {
    const stack = new Stack(scope, name);
    const dataLake = new SecureDataLake(stack, 'Lake');
    const guardrail = new Guardrail(stack, 'Guardrail');
    const generate = new GuardrailFunction(stack, 'Generate', { guardrail, dataLake, modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'), streaming: {} });
    new GenAIApi(stack, 'Api', { generateFunction: generate.function, generateStreamFunction: generate.streamFunction, dataLake, authorization: authorization?.(stack) });
  });
}

describe('GenAIApi with POST /v1/generate/stream: compliance (AwsSolutions, NIST 800-53 R5, HIPAA, Control Tower, GenAI checks, schema)', () => {
  test.each(['StreamIam', 'StreamCognito'])('%s has zero findings', (name) => {
    expect(matrix.findings(name)).toEqual([]);
  });
});
