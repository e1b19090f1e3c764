import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { isWildcardResource } from '../../../lib/core/genai-checks/rules/lambda-invoke-scoped-resources';
import { newStack, ruleFindings } from './helpers';

const RULE = 'LambdaInvokeScopedResources';
const MODEL = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0';
const ENDPOINT = 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/llm';

function fn(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
}

describe('GenAI-LambdaInvokeScopedResources', () => {
  test('named models, endpoints and guardrails: compliant', () => {
    const stack = newStack();
    const f = fn(stack);
    f.addToRolePolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], resources: [MODEL] }));
    f.addToRolePolicy(new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: [ENDPOINT] }));
    f.addToRolePolicy(new iam.PolicyStatement({ actions: ['bedrock:ApplyGuardrail'], resources: ['arn:aws:bedrock:us-east-1:123456789012:guardrail/abc'] }));
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('"*" for each action: one granular finding per action, on the role policy', () => {
    const stack = newStack();
    const f = fn(stack);
    f.addToRolePolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel', 'sagemaker:InvokeEndpoint', 'bedrock:ApplyGuardrail'], resources: ['*'] }));
    expect(ruleFindings(stack, RULE)).toEqual([
      'GenAI-LambdaInvokeScopedResources[Action::bedrock:ApplyGuardrail] @ S/Fn/ServiceRole/DefaultPolicy/Resource',
      'GenAI-LambdaInvokeScopedResources[Action::bedrock:InvokeModel] @ S/Fn/ServiceRole/DefaultPolicy/Resource',
      'GenAI-LambdaInvokeScopedResources[Action::sagemaker:InvokeEndpoint] @ S/Fn/ServiceRole/DefaultPolicy/Resource',
    ]);
  });

  test('action wildcards count (bedrock:Invoke* on every endpoint of the account)', () => {
    const stack = newStack();
    const f = fn(stack);
    f.addToRolePolicy(new iam.PolicyStatement({ actions: ['sagemaker:Invoke*'], resources: [`arn:${stack.partition}:sagemaker:${stack.region}:${stack.account}:endpoint/*`] }));
    expect(ruleFindings(stack, RULE)).toEqual([
      'GenAI-LambdaInvokeScopedResources[Action::sagemaker:InvokeEndpointAsync] @ S/Fn/ServiceRole/DefaultPolicy/Resource',
      'GenAI-LambdaInvokeScopedResources[Action::sagemaker:InvokeEndpointWithResponseStream] @ S/Fn/ServiceRole/DefaultPolicy/Resource',
      'GenAI-LambdaInvokeScopedResources[Action::sagemaker:InvokeEndpoint] @ S/Fn/ServiceRole/DefaultPolicy/Resource',
    ]);
  });

  test('a raw role trusted by Lambda with an inline policy and a separate AWS::IAM::Policy', () => {
    const stack = newStack();
    const role = new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      policies: [{ policyName: 'invoke', policyDocument: { Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }] } }],
    });
    new iam.CfnPolicy(stack, 'Policy', {
      policyName: 'p',
      roles: [role.ref],
      policyDocument: { Statement: [{ Effect: 'Allow', Action: ['sagemaker:InvokeEndpoint'], Resource: ['*'] }] },
    });
    expect(ruleFindings(stack, RULE)).toEqual([
      'GenAI-LambdaInvokeScopedResources[Action::bedrock:InvokeModel] @ S/Role',
      'GenAI-LambdaInvokeScopedResources[Action::sagemaker:InvokeEndpoint] @ S/Policy',
    ]);
  });

  test('the same statements on a role Lambda cannot assume are not this rule\'s concern', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['*'] }));
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('a role used by a function is a Lambda role even without the Lambda trust', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:ApplyGuardrail'], resources: ['*'] }));
    new lambda.Function(stack, 'Fn', { role, runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
    expect(ruleFindings(stack, RULE)).toEqual(['GenAI-LambdaInvokeScopedResources[Action::bedrock:ApplyGuardrail] @ S/Role/DefaultPolicy/Resource']);
  });

  test('NotAction and NotResource statements are treated as the grants they are', () => {
    const stack = newStack();
    const role = new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      policies: [
        { policyName: 'a', policyDocument: { Statement: [{ Effect: 'Allow', NotAction: ['bedrock:*', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'], Resource: '*' }] } },
        { policyName: 'b', policyDocument: { Statement: [{ Effect: 'Allow', Action: 'bedrock:ApplyGuardrail', NotResource: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/x' }] } },
        { policyName: 'c', policyDocument: { Statement: [{ Effect: 'Deny', Action: 'bedrock:InvokeModel', Resource: '*' }] } },
      ],
    });
    role.overrideLogicalId('Role');
    expect(ruleFindings(stack, RULE)).toEqual([
      'GenAI-LambdaInvokeScopedResources[Action::bedrock:ApplyGuardrail] @ S/Role',
      'GenAI-LambdaInvokeScopedResources[Action::sagemaker:InvokeEndpoint] @ S/Role',
    ]);
  });

  test('a granular finding is acknowledged with its exact id only', () => {
    const stack = newStack();
    const f = fn(stack);
    f.addToRolePolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel', 'sagemaker:InvokeEndpoint'], resources: ['*'] }));
    Validations.of(f).acknowledge({ id: 'GenAI-LambdaInvokeScopedResources[Action::bedrock:InvokeModel]', reason: 'test' });
    Validations.of(f).acknowledge({ id: 'GenAI-LambdaInvokeScopedResources', reason: 'a bare id covers nothing granular' });
    expect(ruleFindings(stack, RULE)).toEqual(['GenAI-LambdaInvokeScopedResources[Action::sagemaker:InvokeEndpoint] @ S/Fn/ServiceRole/DefaultPolicy/Resource']);
  });

  test.each([
    ['*', true],
    ['arn:aws:bedrock:us-east-1:123456789012:*', true],
    ['arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/*', true],
    ['arn:aws:bedrock:us-east-1::foundation-model/*', true],
    [MODEL, false],
    [ENDPOINT, false],
    ['arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0', false],
    ['arn:aws:sagemaker:us-east-1:123456789012:endpoint/llm-*', false],
  ])('isWildcardResource(%s) is %s', (resource, expected) => {
    expect(isWildcardResource(resource)).toBe(expected);
  });
});
