import { findBroadenings } from '../../cli/security';
import { CfnTemplate, EMPTY_TEMPLATE } from '../../cli/template';

const role = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } };

function policy(statements: object[], roles: object[] = [{ Ref: 'Role' }]) {
  return { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', Roles: roles, PolicyDocument: { Version: '2012-10-17', Statement: statements } } };
}

function template(resources: Record<string, object>): CfnTemplate {
  return { Resources: resources as CfnTemplate['Resources'] };
}

const read = { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] } };

describe('identity policies', () => {
  const before = template({ Role: role, Policy: policy([read]) });

  test('an unchanged template broadens nothing', () => {
    expect(findBroadenings(before, before)).toEqual([]);
  });

  test('a new action is named with its resource and role', () => {
    const after = template({ Role: role, Policy: policy([{ ...read, Action: [...read.Action, 's3:DeleteObject'] }]) });
    expect(findBroadenings(before, after)).toEqual([{
      kind: 'iam-statement', logicalId: 'Policy', resourceType: 'AWS::IAM::Policy',
      description: 'Allow s3:DeleteObject on ${Bucket.Arn}/* for role:${Role}',
    }]);
  });

  test('removing an action, or regrouping the same permissions into other statements and policies, broadens nothing', () => {
    expect(findBroadenings(before, template({ Role: role, Policy: policy([{ ...read, Action: ['s3:GetObject'] }]) }))).toEqual([]);
    const split = template({
      Role: role,
      Policy: policy([{ ...read, Action: 's3:GetObject' }]),
      Other: policy([{ ...read, Action: 's3:GetObjectVersion' }]),
    });
    expect(findBroadenings(before, split)).toEqual([]);
  });

  test('a wildcard that the baseline already covers broadens nothing; a wider one does', () => {
    const wide = template({ Role: role, Policy: policy([{ ...read, Action: 's3:Get*' }]) });
    expect(findBroadenings(wide, before)).toEqual([]);
    expect(findBroadenings(before, wide).map((b) => b.description)).toEqual(['Allow s3:Get* on ${Bucket.Arn}/* for role:${Role}']);
    const anyResource = template({ Role: role, Policy: policy([{ ...read, Resource: '*' }]) });
    expect(findBroadenings(before, anyResource).map((b) => b.description)).toEqual(['Allow s3:GetObject, s3:GetObjectVersion on * for role:${Role}']);
    // Actions are case-insensitive in IAM.
    expect(findBroadenings(before, template({ Role: role, Policy: policy([{ ...read, Action: ['S3:getobject'] }]) }))).toEqual([]);
  });

  test('a narrower resource prefix broadens nothing; a wider one does', () => {
    const under = (suffix: string) => template({ Role: role, Policy: policy([{ ...read, Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, suffix]] } }]) });
    expect(findBroadenings(under('/reports/*'), under('/reports/daily/*'))).toEqual([]);
    expect(findBroadenings(under('/reports/*'), under('/*'))).toHaveLength(1);
  });

  test('dropping a condition broadens; adding one does not', () => {
    const conditioned = template({ Role: role, Policy: policy([{ ...read, Condition: { StringEquals: { 'aws:ResourceTag/team': ['a', 'b'] } } }]) });
    expect(findBroadenings(before, conditioned)).toEqual([]);
    expect(findBroadenings(conditioned, before).map((b) => b.description)).toEqual(['Allow s3:GetObject, s3:GetObjectVersion on ${Bucket.Arn}/* for role:${Role}']);
    const reordered = template({ Role: role, Policy: policy([{ ...read, Condition: { StringEquals: { 'aws:ResourceTag/team': ['b', 'a'] } } }]) });
    expect(findBroadenings(conditioned, reordered)).toEqual([]);
  });

  test('attaching the policy to another role broadens, for that role', () => {
    const after = template({ Role: role, Admin: role, Policy: policy([read], [{ Ref: 'Role' }, { Ref: 'Admin' }]) });
    const found = findBroadenings(before, after).filter((b) => b.kind === 'iam-statement');
    expect(found.map((b) => b.description)).toEqual(['Allow s3:GetObject, s3:GetObjectVersion on ${Bucket.Arn}/* for role:${Admin}']);
  });

  test('inline role policies, managed policies (attached by the role or by the policy) and NotAction are compared too', () => {
    const inline = { ...role, Properties: { ...role.Properties, Policies: [{ PolicyName: 'Inline', PolicyDocument: { Statement: [read] } }] } };
    expect(findBroadenings(template({ Role: role }), template({ Role: inline })).map((b) => b.description))
      .toEqual(['inline policy Inline: Allow s3:GetObject, s3:GetObjectVersion on ${Bucket.Arn}/* for role:${Role}']);
    // The same permissions moved from the inline policy to a managed policy of the same role: nothing new.
    const managed = { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [read] } } };
    const attached = { ...role, Properties: { ...role.Properties, ManagedPolicyArns: [{ Ref: 'Managed' }] } };
    expect(findBroadenings(template({ Role: inline }), template({ Role: attached, Managed: managed }))).toEqual([]);
    const notAction = template({ Role: role, Policy: policy([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]) });
    expect(findBroadenings(before, notAction).map((b) => b.description)).toEqual(['Allow NOT:["iam:*"] on * for role:${Role}']);
    const narrowerNot = template({ Role: role, Policy: policy([{ Effect: 'Allow', NotAction: 'iam:PassRole', Resource: '*' }]) });
    expect(findBroadenings(notAction, narrowerNot)).toHaveLength(1);
  });

  test('an AWS-managed policy attachment and a removed permissions boundary broaden', () => {
    const admin = { ...role, Properties: { ...role.Properties, ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] }] } };
    expect(findBroadenings(template({ Role: role }), template({ Role: admin }))).toEqual([{
      kind: 'managed-policy', logicalId: 'Role', resourceType: 'AWS::IAM::Role',
      description: 'role:${Role} gets managed policy arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess',
    }]);
    const bounded = { ...role, Properties: { ...role.Properties, PermissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary' } };
    expect(findBroadenings(template({ Role: bounded }), template({ Role: role }))).toEqual([{
      kind: 'permissions-boundary', logicalId: 'Role', resourceType: 'AWS::IAM::Role',
      description: 'permissions boundary arn:aws:iam::123456789012:policy/boundary removed',
    }]);
  });

  test('a new principal in a trust policy broadens', () => {
    const trusting = { ...role, Properties: { AssumeRolePolicyDocument: { Statement: [role.Properties.AssumeRolePolicyDocument.Statement[0], { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }] } } };
    expect(findBroadenings(template({ Role: role }), template({ Role: trusting }))).toEqual([{
      kind: 'trust-policy', logicalId: 'Role', resourceType: 'AWS::IAM::Role',
      description: 'trust policy: Allow sts:AssumeRole for AWS:arn:aws:iam::999999999999:root',
    }]);
  });
});

describe('resource policies', () => {
  const tlsOnly = { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
  const share = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/reports/*' };
  const bucketPolicy = (statements: object[]) => ({ Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: 'Bucket' }, PolicyDocument: { Statement: statements } } });
  const bucket = { Type: 'AWS::S3::Bucket' };

  test('a new principal or a wider resource in a bucket policy broadens', () => {
    const before = template({ Bucket: bucket, Policy: bucketPolicy([tlsOnly, share]) });
    const everyone = template({ Bucket: bucket, Policy: bucketPolicy([tlsOnly, { ...share, Principal: '*' }]) });
    expect(findBroadenings(before, everyone)).toEqual([{
      kind: 'resource-policy', logicalId: 'Policy', resourceType: 'AWS::S3::BucketPolicy',
      description: 'bucket policy of ${Bucket}: Allow s3:GetObject on arn:aws:s3:::b/reports/* for AWS:*',
    }]);
    // The reverse (AWS:* narrowed to one account) is covered by the broader principal.
    expect(findBroadenings(everyone, before)).toEqual([]);
  });

  test('removing a Deny broadens, unless its bucket is gone too', () => {
    const before = template({ Bucket: bucket, Policy: bucketPolicy([tlsOnly, share]) });
    expect(findBroadenings(before, template({ Bucket: bucket, Policy: bucketPolicy([share]) })).map((b) => b.description)).toEqual([
      'bucket policy of ${Bucket}: Deny s3:* on ${Bucket.Arn} for AWS:* when aws:SecureTransport Bool false no longer applies (removed or narrowed)',
    ]);
    expect(findBroadenings(before, template({}))).toEqual([]);
  });

  test('key policies and other policies inside resource properties are found; WAF rule statements are not policies', () => {
    const key = (principals: string[]) => ({ Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: principals }, Action: 'kms:Decrypt', Resource: '*' }] } } });
    expect(findBroadenings(template({ Key: key(['arn:aws:iam::1:root']) }), template({ Key: key(['arn:aws:iam::1:root', 'arn:aws:iam::2:root']) }))).toEqual([{
      kind: 'resource-policy', logicalId: 'Key', resourceType: 'AWS::KMS::Key', description: 'KeyPolicy: Allow kms:Decrypt on * for AWS:arn:aws:iam::2:root',
    }]);
    const waf = { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{ Name: 'r', Statement: { RateBasedStatement: { Limit: 100 } } }] } };
    expect(findBroadenings(EMPTY_TEMPLATE, template({ Acl: waf }))).toEqual([]);
  });

  test('a queue policy, a topic policy and a JSON-string Logs resource policy are compared per owner', () => {
    const statement = { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: '*' };
    const queuePolicy = (queues: object[]) => ({ Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: queues, PolicyDocument: { Statement: [statement] } } });
    expect(findBroadenings(template({ P: queuePolicy([{ Ref: 'A' }]) }), template({ P: queuePolicy([{ Ref: 'A' }, { Ref: 'B' }]) })).map((b) => b.description))
      .toEqual(['queue policy of ${B}: Allow sqs:SendMessage on * for Service:events.amazonaws.com']);
    const logs = { Type: 'AWS::Logs::ResourcePolicy', Properties: { PolicyName: 'delivery', PolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: 'logs:PutLogEvents', Resource: '*' }] }) } };
    expect(findBroadenings(EMPTY_TEMPLATE, template({ L: logs })).map((b) => b.kind)).toEqual(['resource-policy']);
  });
});
