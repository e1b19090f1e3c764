import { Stack, StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { createKey } from '../../lib/core/encryption';
import { SecureFunction } from '../../lib/core/secure-function';
import { ApiAuthorization, ApiWebAcl, GenAIApi, GenAIApiProps, SecureDataLake } from '../../lib';
import { complianceFindings, strictApp } from '../helpers/compliance';

function findings(stackProps: StackProps, extra: (stack: Stack) => Partial<GenAIApiProps> = () => ({})) {
  const app = strictApp();
  const stack = new Stack(app, 'Api', stackProps);
  const dataLake = new SecureDataLake(stack, 'Lake');
  const generate = new SecureFunction(stack, 'Generate', {
    handlerName: 'generate',
    description: 'dummy generate function',
    encryptionKey: createKey(stack, 'GenerateKey', 'dummy generate function'),
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
  new GenAIApi(stack, 'Api', { generateFunction: generate.function, dataLake, ...extra(stack) });
  return complianceFindings(app);
}

describe('GenAIApi compliance (AwsSolutions, NIST 800-53 R5, HIPAA, Control Tower, CloudFormation schema)', () => {
  test('a lake, a SecureFunction generate function and the API (defaults) have zero unacknowledged findings', () => {
    expect(findings({})).toEqual([]);
  });

  test('the same in a stack with an explicit account and region (literal ARNs in the findings)', () => {
    expect(findings({ env: { account: '123456789012', region: 'eu-west-1' } })).toEqual([]);
  });

  test('with Cognito authorization', () => {
    expect(
      findings({}, (stack) => ({
        authorization: ApiAuthorization.cognito(cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_abcdef')),
      })),
    ).toEqual([]);
  });

  test('without a web ACL the packs report the stage (the opt-out is the user\'s to acknowledge)', () => {
    expect(findings({}, () => ({ webAcl: ApiWebAcl.none() }))).toEqual([
      'AwsSolutions AwsSolutions-APIG3 @ Api/Api/Resource/DeploymentStage.v1/Resource',
      'Construct Annotations Annotation::genai-platform-constructs:api-without-waf @ Api/Api',
      'NIST.800.53.R5 NIST.800.53.R5-APIGWAssociatedWithWAF @ Api/Api/Resource/DeploymentStage.v1/Resource',
    ]);
  });
});
