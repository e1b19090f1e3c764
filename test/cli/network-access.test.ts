import { findBroadenings } from '../../cli/security';
import { CfnTemplate, EMPTY_TEMPLATE } from '../../cli/template';

function template(resources: Record<string, object>): CfnTemplate {
  return { Resources: resources as CfnTemplate['Resources'] };
}

const noEgress = [{ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp', FromPort: 252, ToPort: 86, Description: 'Disallow all traffic' }];
function group(ingress: object[], egress: object[] | null = noEgress) {
  return { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'web', VpcId: 'vpc-1', SecurityGroupIngress: ingress, ...(egress ? { SecurityGroupEgress: egress } : {}) } };
}
const https = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16', Description: 'internal' };

describe('security group rules', () => {
  test('a rule for a new port or a wider CIDR broadens; a rule inside an existing one does not', () => {
    const before = template({ Web: group([https, { IpProtocol: 'tcp', FromPort: 8000, ToPort: 8999, CidrIp: '10.0.0.0/8' }]) });
    const ssh = template({ Web: group([https, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }]) });
    expect(findBroadenings(before, ssh)).toEqual([{
      kind: 'security-group-rule', logicalId: 'Web', resourceType: 'AWS::EC2::SecurityGroup', description: 'ingress tcp 22 from 0.0.0.0/0 to ${Web}',
    }]);
    const inside = template({ Web: group([{ ...https, Description: 'renamed' }, { IpProtocol: '6', FromPort: 8080, ToPort: 8080, CidrIp: '10.1.2.0/24' }]) });
    expect(findBroadenings(before, inside)).toEqual([]);
    const wider = template({ Web: group([{ ...https, CidrIp: '10.0.0.0/8' }]) });
    expect(findBroadenings(before, wider).map((b) => b.description)).toEqual(['ingress tcp 443 from 10.0.0.0/8 to ${Web}']);
  });

  test('standalone ingress resources count for their group; all-traffic rules cover every port', () => {
    const ingress = (props: object) => ({ Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['Web', 'GroupId'] }, ...props } });
    const before = template({ Web: group([]), FromLb: ingress({ IpProtocol: '-1', SourceSecurityGroupId: { 'Fn::GetAtt': ['Lb', 'GroupId'] } }) });
    const after = template({ Web: group([]), FromLb: ingress({ IpProtocol: '-1', SourceSecurityGroupId: { 'Fn::GetAtt': ['Lb', 'GroupId'] } }), Port: ingress({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, SourceSecurityGroupId: { 'Fn::GetAtt': ['Lb', 'GroupId'] } }) });
    expect(findBroadenings(before, after)).toEqual([]);
    const fromBastion = template({ ...after.Resources, Ssh: ingress({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, SourceSecurityGroupId: { 'Fn::GetAtt': ['Bastion', 'GroupId'] } }) });
    expect(findBroadenings(after, fromBastion)).toEqual([{
      kind: 'security-group-rule', logicalId: 'Ssh', resourceType: 'AWS::EC2::SecurityGroupIngress', description: 'ingress tcp 22 from security group Bastion to ${Web}',
    }]);
  });

  test('dropping the egress rules of a group opens all outbound traffic (the default egress rule)', () => {
    expect(findBroadenings(template({ Web: group([https]) }), template({ Web: group([https], null) })).map((b) => b.description))
      .toEqual(['egress all traffic from ${Web} to 0.0.0.0/0']);
  });
});

describe('authorization and callers', () => {
  const method = (props: object) => ({ Type: 'AWS::ApiGateway::Method', Properties: { HttpMethod: 'POST', ResourceId: { Ref: 'Items' }, RestApiId: { Ref: 'Api' }, Integration: { Type: 'AWS_PROXY' }, ...props } });

  test('API Gateway: AuthorizationType removed, authorizer removed or API key dropped broadens; a new method with auth does not', () => {
    const iam = template({ M: method({ AuthorizationType: 'AWS_IAM' }) });
    expect(findBroadenings(EMPTY_TEMPLATE, iam)).toEqual([]);
    expect(findBroadenings(iam, template({ M: method({}) }))).toEqual([{
      kind: 'auth', logicalId: 'M', resourceType: 'AWS::ApiGateway::Method',
      description: 'POST ${Items}: AuthorizationType AWS_IAM removed, the method accepts unauthenticated calls',
    }]);
    const custom = template({ M: method({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: 'Authorizer' }, ApiKeyRequired: true }) });
    expect(findBroadenings(custom, template({ M: method({ AuthorizationType: 'CUSTOM' }) })).map((b) => b.description))
      .toEqual(['POST ${Items}: API key no longer required', 'POST ${Items}: authorizer ${Authorizer} removed']);
    expect(findBroadenings(EMPTY_TEMPLATE, template({ M: method({ AuthorizationType: 'NONE' }) })).map((b) => b.description))
      .toEqual(['POST ${Items} accepts unauthenticated calls (AuthorizationType NONE)']);
  });

  test('a CORS preflight method (OPTIONS, MOCK) is open by design and not reported', () => {
    expect(findBroadenings(EMPTY_TEMPLATE, template({ O: method({ HttpMethod: 'OPTIONS', Integration: { Type: 'MOCK' } }) }))).toEqual([]);
  });

  test('HTTP API routes and function URLs without auth broaden', () => {
    const route = (auth?: string) => ({ Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'Http' }, RouteKey: 'GET /items', ...(auth ? { AuthorizationType: auth, AuthorizerId: { Ref: 'Jwt' } } : {}) } });
    expect(findBroadenings(template({ R: route('JWT') }), template({ R: route() })).map((b) => b.description))
      .toEqual(['route GET /items: AuthorizationType JWT removed, the method accepts unauthenticated calls']);
    const url = (auth: string) => ({ Type: 'AWS::Lambda::Url', Properties: { AuthType: auth, TargetFunctionArn: { 'Fn::GetAtt': ['Fn', 'Arn'] } } });
    expect(findBroadenings(template({ U: url('AWS_IAM') }), template({ U: url('NONE') })).map((b) => b.description))
      .toEqual(['function URL of ${Fn.Arn} accepts unauthenticated calls (AuthType NONE, was AWS_IAM)']);
    expect(findBroadenings(template({ U: url('NONE') }), template({ U: url('NONE') }))).toEqual([]);
  });

  test('a Lambda permission for a new principal or without its source broadens; the same permission under a new id does not', () => {
    const permission = (props: object) => ({ Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Principal: 's3.amazonaws.com', SourceArn: { 'Fn::GetAtt': ['Bucket', 'Arn'] }, ...props } });
    const before = template({ P1: permission({}) });
    expect(findBroadenings(before, template({ Renamed: permission({}) }))).toEqual([]);
    expect(findBroadenings(before, template({ P1: permission({ SourceArn: undefined }) })).map((b) => b.description))
      .toEqual(['s3.amazonaws.com may lambda:InvokeFunction ${Fn.Arn} from any source']);
    expect(findBroadenings(before, template({ P1: permission({}), P2: permission({ Principal: '*', SourceArn: undefined, FunctionUrlAuthType: 'NONE', Action: 'lambda:InvokeFunctionUrl' }) })).map((b) => b.description))
      .toEqual(['* may lambda:InvokeFunctionUrl ${Fn.Arn} through its function URL without authentication (FunctionUrlAuthType NONE) from any source']);
  });

  test('turning off an S3 public access block or setting a public ACL broadens', () => {
    const blocked = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };
    const bucket = (props: object) => ({ Type: 'AWS::S3::Bucket', Properties: props });
    expect(findBroadenings(template({ B: bucket({ PublicAccessBlockConfiguration: blocked }) }), template({ B: bucket({ PublicAccessBlockConfiguration: { ...blocked, BlockPublicPolicy: false, RestrictPublicBuckets: false } }) })).map((b) => b.description))
      .toEqual(['public access block: BlockPublicPolicy, RestrictPublicBuckets turned off']);
    expect(findBroadenings(template({ B: bucket({}) }), template({ B: bucket({ AccessControl: 'PublicRead' }) })).map((b) => b.description)).toEqual(['canned ACL PublicRead']);
  });
});
