import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { newStack, ruleFindings } from './helpers';

const variants = [{ name: 'v', templateType: 'TEXT', templateConfiguration: { text: { text: 'Hello {{name}}', inputVariables: [{ name: 'name' }] } } }];

describe('GenAI-BedrockPromptKMSKey', () => {
  test('a prompt with a customer-managed key: compliant', () => {
    const stack = newStack();
    new bedrock.CfnPrompt(stack, 'Prompt', { name: 'p', variants, customerEncryptionKeyArn: new kms.Key(stack, 'Key').keyArn });
    expect(ruleFindings(stack, 'BedrockPromptKMSKey')).toEqual([]);
  });

  test('a prompt without one (the AWS-owned key): a finding on the prompt', () => {
    const stack = newStack();
    new bedrock.CfnPrompt(stack, 'Prompt', { name: 'p', variants });
    expect(ruleFindings(stack, 'BedrockPromptKMSKey')).toEqual(['GenAI-BedrockPromptKMSKey @ S/Prompt']);
  });
});

describe('GenAI-LambdaInvokeScopedResources: prompts', () => {
  function fnWith(statement: iam.PolicyStatement) {
    const stack = newStack();
    const f = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
    f.addToRolePolicy(statement);
    return stack;
  }

  test('RenderPrompt on named prompts is compliant; on every prompt of the account it is a finding', () => {
    const named = fnWith(new iam.PolicyStatement({ actions: ['bedrock:RenderPrompt', 'bedrock:GetPrompt'], resources: ['arn:aws:bedrock:us-east-1:123456789012:prompt/PROMPTAAAA', 'arn:aws:bedrock:us-east-1:123456789012:prompt/PROMPTAAAA:3'] }));
    expect(ruleFindings(named, 'LambdaInvokeScopedResources')).toEqual([]);
    const all = fnWith(new iam.PolicyStatement({ actions: ['bedrock:RenderPrompt'], resources: ['arn:aws:bedrock:us-east-1:123456789012:prompt/*'] }));
    expect(ruleFindings(all, 'LambdaInvokeScopedResources')).toEqual(['GenAI-LambdaInvokeScopedResources[Action::bedrock:RenderPrompt] @ S/Fn/ServiceRole/DefaultPolicy/Resource']);
  });
});
