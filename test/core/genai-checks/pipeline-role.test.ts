import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { newStack, ruleFindings } from './helpers';

const RULE = 'SageMakerPipelineRoleNotAdmin';
const FINDING = 'GenAI-SageMakerPipelineRoleNotAdmin @ S/Pipeline';

function role(stack: Stack, props: Partial<iam.CfnRoleProps> = {}, id = 'Role'): iam.CfnRole {
  return new iam.CfnRole(stack, id, {
    assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    ...props,
  });
}

function pipeline(stack: Stack, roleArn: string, steps: any[] = []): sagemaker.CfnPipeline {
  return new sagemaker.CfnPipeline(stack, 'Pipeline', {
    pipelineName: 'p',
    roleArn,
    pipelineDefinition: { PipelineDefinitionBody: stack.toJsonString({ Version: '2020-12-01', Steps: steps }) },
  });
}

describe('GenAI-SageMakerPipelineRoleNotAdmin', () => {
  test('a role with scoped statements: compliant', () => {
    const stack = newStack();
    const r = role(stack);
    new iam.CfnPolicy(stack, 'Policy', {
      policyName: 'p',
      roles: [r.ref],
      policyDocument: { Statement: [{ Effect: 'Allow', Action: 'sagemaker:CreateTrainingJob', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/pipelines-*' }] },
    });
    pipeline(stack, r.attrArn);
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test.each(['AmazonSageMakerFullAccess', 'AdministratorAccess', 'PowerUserAccess', 'AmazonS3FullAccess'])('a role with the %s managed policy: non-compliant', (name) => {
    const stack = newStack();
    const r = role(stack, { managedPolicyArns: [iam.ManagedPolicy.fromAwsManagedPolicyName(name).managedPolicyArn] });
    pipeline(stack, r.attrArn);
    expect(ruleFindings(stack, RULE)).toEqual([FINDING]);
  });

  test('an L2 role with AmazonSageMakerFullAccess: non-compliant', () => {
    const stack = newStack();
    const r = new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSageMakerFullAccess')],
    });
    pipeline(stack, r.roleArn);
    expect(ruleFindings(stack, RULE)).toEqual([FINDING]);
  });

  test.each([
    ['Action "*"', '*'],
    ['sagemaker:*', 'sagemaker:*'],
    ['iam:*', 'iam:*'],
  ])('an attached policy allowing %s on "*": non-compliant', (_name, action) => {
    const stack = newStack();
    const r = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    r.addToPolicy(new iam.PolicyStatement({ actions: [action], resources: ['*'] }));
    pipeline(stack, r.roleArn);
    expect(ruleFindings(stack, RULE)).toEqual([FINDING]);
  });

  test('sagemaker:* on named resources is not admin', () => {
    const stack = newStack();
    const r = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    r.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:*'], resources: ['arn:aws:sagemaker:us-east-1:123456789012:training-job/pipelines-*'] }));
    pipeline(stack, r.roleArn);
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('an admin inline policy on the role itself, and a customer-managed admin policy, are found', () => {
    const inline = newStack();
    const r1 = role(inline, { policies: [{ policyName: 'admin', policyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }] });
    pipeline(inline, r1.attrArn);
    expect(ruleFindings(inline, RULE)).toEqual([FINDING]);

    const managed = newStack();
    const policy = new iam.CfnManagedPolicy(managed, 'Admin', { policyDocument: { Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] } });
    const r2 = role(managed, { managedPolicyArns: [policy.ref] });
    pipeline(managed, r2.attrArn);
    expect(ruleFindings(managed, RULE)).toEqual([FINDING]);
  });

  test('an admin role used by one step of the definition: non-compliant', () => {
    const stack = newStack();
    const good = role(stack, {}, 'Good');
    const admin = role(stack, { managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }, 'Admin');
    pipeline(stack, good.attrArn, [{ Name: 'Train', Type: 'Training', Arguments: { RoleArn: admin.attrArn, EnableNetworkIsolation: true } }]);
    expect(ruleFindings(stack, RULE)).toEqual([FINDING]);
  });

  test('a role of another account or stack (a literal ARN) cannot be inspected: not applicable', () => {
    const stack = newStack();
    pipeline(stack, 'arn:aws:iam::123456789012:role/elsewhere');
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });
});
