import { Construct } from 'constructs';
import { Stack, StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { createKey } from '../../lib/core/encryption';
import { SecureFunction } from '../../lib/core/secure-function';
import { ApiAuthorization, ApiWebAcl, GenAIApi, GenAIApiProps } from '../../lib/api/gen-ai-api';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction } from '../../lib/guardrails/guardrail-function';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { sharedMatrix } from '../helpers/compliance';

// Every configuration of this file is checked in one app and one synth (see ComplianceMatrix).
const matrix = sharedMatrix().section('Api');

/** The API in front of a GuardrailFunction (feedback bound and screened, the default). */
function api(name: string, stackProps: StackProps, extra: (stack: Stack) => Partial<GenAIApiProps> = () => ({})) {
  matrix.add(name, (app: Construct) => {
    const stack = new Stack(app, name, stackProps);
    const dataLake = new SecureDataLake(stack, 'Lake');
    const generate = new GuardrailFunction(stack, 'Generate', { guardrail: new Guardrail(stack, 'Guardrail'), dataLake, modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0') });
    new GenAIApi(stack, 'Api', { generateFunction: generate.function, dataLake, ...extra(stack) });
  });
}

api('Api', {});
// Two APIs in one stack share the one account-wide logging setting.
api('TwoApis', {}, (stack) => {
  const lake = stack.node.findChild('Lake') as SecureDataLake;
  const generate = stack.node.findChild('Generate') as GuardrailFunction;
  new GenAIApi(stack, 'Second', { generateFunction: generate.function, dataLake: lake, feedbackPrefix: 'second-feedback/' });
  return {};
});
// Any generate function, feedback stored unverified (the documented opt-out).
matrix.add('Unverified', (app: Construct) => {
  const stack = new Stack(app, 'Unverified');
  const dataLake = new SecureDataLake(stack, 'Lake');
  const generate = new SecureFunction(stack, 'Generate', {
    handlerName: 'generate',
    description: 'dummy generate function',
    encryptionKey: createKey(stack, 'GenerateKey', 'dummy generate function'),
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
  new GenAIApi(stack, 'Api', { generateFunction: generate.function, dataLake, verifyFeedback: false });
});
api('Explicit', { env: { account: '123456789012', region: 'eu-west-1' } });
api('Cognito', {}, (stack) => ({ authorization: ApiAuthorization.cognito(cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_abcdef')) }));
api('NoWaf', {}, () => ({ webAcl: ApiWebAcl.none() }));

describe('GenAIApi compliance (AwsSolutions, NIST 800-53 R5, HIPAA, Control Tower, CloudFormation schema)', () => {
  test('a lake, a SecureFunction generate function and the API (defaults) have zero unacknowledged findings', () => {
    expect(matrix.findings('Api')).toEqual([]);
  });

  test('two APIs in one stack (one account logging setting) have zero unacknowledged findings', () => {
    expect(matrix.findings('TwoApis')).toEqual([]);
  });

  test('with verifyFeedback: false and a generate function of your own', () => {
    expect(matrix.findings('Unverified')).toEqual([]);
  });

  test('the same in a stack with an explicit account and region (literal ARNs in the findings)', () => {
    expect(matrix.findings('Explicit')).toEqual([]);
  });

  test('with Cognito authorization', () => {
    expect(matrix.findings('Cognito')).toEqual([]);
  });

  test('without a web ACL the packs report the stage (the opt-out is the user\'s to acknowledge)', () => {
    expect(matrix.findings('NoWaf')).toEqual([
      'AwsSolutions AwsSolutions-APIG3 @ NoWaf/Api/Resource/DeploymentStage.v1/Resource',
      'Construct Annotations Annotation::genai-platform-constructs:api-without-waf @ NoWaf/Api',
      'NIST.800.53.R5 NIST.800.53.R5-APIGWAssociatedWithWAF @ NoWaf/Api/Resource/DeploymentStage.v1/Resource',
    ]);
  });
});
