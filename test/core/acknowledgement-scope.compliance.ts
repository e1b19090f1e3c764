import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { GenAIApi } from '../../lib/api/gen-ai-api';
import { DataZone } from '../../lib/data-lake/data-zone';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction } from '../../lib/guardrails/guardrail-function';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';
import { ModelSource } from '../../lib/inference/model-source';
import { GenAIPlatformPipeline } from '../../lib/platform/genai-platform-pipeline';
import { TrainingImage, TrainingPipeline } from '../../lib/training/training-pipeline';
import { logGroupsArn } from '../../lib/api/private/account-logging';
import { sharedMatrix } from '../helpers/compliance';

/**
 * Every acknowledgement of the library explains exactly the statements (or rules) the library wrote: a user
 * statement that is broader, or merely different, on the same role or resource is still reported. One synth
 * for all configurations.
 */
const DLC = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker';
const MONITOR = '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer:latest';
const STAR = 'AwsSolutions AwsSolutions-IAM5[Resource::*]';

const matrix = sharedMatrix().section('Scope');

/** One of each library construct that owns a role, in `stack`. */
function platformParts(stack: Stack, options: { vpc?: ec2.IVpc } = {}) {
  const lake = new SecureDataLake(stack, 'Lake');
  const generate = new GuardrailFunction(stack, 'Generate', {
    guardrail: new Guardrail(stack, 'Guardrail'),
    dataLake: lake,
    modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'),
  });
  const api = new GenAIApi(stack, 'Api', { generateFunction: generate.function, dataLake: lake });
  const training = new TrainingPipeline(stack, 'Training', {
    dataLake: lake,
    vpc: options.vpc,
    trainingImage: TrainingImage.fromImageUri(DLC),
    evaluationImage: TrainingImage.fromImageUri(DLC),
    qualityGate: { metricName: 'metrics.accuracy.value', threshold: 0.8 },
    dataTrigger: { zone: DataZone.FEEDBACK, prefix: 'feedback/', debounce: Duration.hours(6) },
    instanceType: 'ml.p3.2xlarge',
    instanceCount: 2,
  });
  // one model package group per stack: two endpoints of one app may not promote from the same group
  const group = `llm-${stack.node.id.toLowerCase().replace(/[^a-z0-9-]/g, '')}`;
  const endpoint = new InferenceEndpoint(stack, 'Endpoint', {
    dataLake: lake,
    model: ModelSource.fromModelPackage(stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${group}/3` })),
    modelPackageGroupName: group,
    instanceType: 'ml.g5.2xlarge',
    minCapacity: 2,
    maxCapacity: 3,
    monitoring: { imageUri: MONITOR, baselineStatisticsKey: 'baselines/statistics.json', baselineConstraintsKey: 'baselines/constraints.json' },
  });
  return { lake, generate, api, training, endpoint };
}

function child<T extends IConstruct>(scope: IConstruct, path: string): T {
  const found = scope.node.findAll().find((c) => c.node.path.endsWith(`/${path}`));
  if (!found) throw new Error(`no ${path} under ${scope.node.path}`);
  return found as T;
}

/** The path of a construct as the section reports it: relative to the section's scope. */
function at(c: IConstruct): string {
  return c.node.path.replace(/^Scope\//, '');
}

function allow(role: IConstruct, actions: string[], resources: string[]): void {
  (role as iam.IRole).addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
}

// 1. A user's statement on "*" on each role of the library: reported, whatever else the role explains on "*".
const roles: Array<[string, (p: ReturnType<typeof platformParts>) => IConstruct]> = [
  ['guardrail function (X-Ray)', (p) => p.generate.role],
  ['Bedrock invocation logging provider (X-Ray, logging configuration)', (p) => p.generate.invocationLogging!.provider.role!],
  ['API feedback function (X-Ray)', (p) => p.api.feedbackFunction.role!],
  ['API account logging role', (p) => child(p.api, 'AccountLoggingRole')],
  ['training pipeline execution role (ECR login)', (p) => p.training.role],
  ['training data trigger function (X-Ray)', (p) => child(p.training, 'DataTrigger/Function/Role')],
  ['endpoint execution role (ECR login)', (p) => p.endpoint.role],
  ['endpoint monitoring role (ECR login)', (p) => child(p.endpoint, 'MonitoringRole')],
  ['endpoint promotion function (X-Ray)', (p) => p.endpoint.promotionFunction!.role!],
];
const anyRole = matrix.add('AnyRole', (app: Construct) => {
  const parts = platformParts(new Stack(app, 'AnyRole'));
  return roles.map(([name, role]) => {
    const r = role(parts);
    allow(r, ['s3:GetObject', 'secretsmanager:GetSecretValue'], ['*']);
    return [name, at(r)] as const;
  });
});

// 2. Per acknowledgement topic, a broader or different statement on a resource the library explains.
const broader = matrix.add('Broader', (app: Construct) => {
  const stack = new Stack(app, 'Broader');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
  });
  const p = platformParts(stack, { vpc });
  const arn = (service: string, resource: string, resourceName: string, arnFormat?: ArnFormat) => stack.formatArn({ service, resource, resourceName, arnFormat });
  const endpointName = p.endpoint.endpointName;
  // X-Ray's "*" and one more action in the same statement.
  allow(p.generate.role, ['xray:PutTraceSegments', 's3:GetObject'], ['*']);
  // Bedrock logging configuration's "*" and a Bedrock action that is not explained.
  allow(p.generate.invocationLogging!.provider.role!, ['bedrock:ListFoundationModels'], ['*']);
  // ECR login's "*" and another ECR action (endpoint role).
  allow(p.endpoint.role, ['ecr:BatchGetImage'], ['*']);
  // VPC networking: an EC2 action on "*" that is not a describe; the ENI wildcard without the ec2:Vpc condition.
  allow(p.training.role, ['ec2:DeleteVpc'], ['*']);
  allow(p.training.role, ['ec2:CreateNetworkInterface'], [arn('ec2', 'network-interface', '*')]);
  // Pipeline job names: deleting the jobs the pipeline starts.
  allow(p.training.role, ['sagemaker:DeleteModelPackage'], [arn('sagemaker', 'model-package', `${p.training.modelPackageGroupName}/*`)]);
  // An object prefix of the lake: deleting what the pipeline only reads.
  allow(p.training.role, ['s3:DeleteObject'], [p.lake.bucket(DataZone.CURATED).arnForObjects('training/*')]);
  // SageMaker generated names: the endpoint's capture prefix and container logs, with a broader action.
  allow(p.endpoint.role, ['s3:DeleteObject'], [p.lake.bucket(DataZone.INFERENCE_CAPTURE).arnForObjects(`datacapture/${endpointName}/*`)]);
  allow(p.endpoint.role, ['logs:DeleteLogGroup'], [arn('logs', 'log-group', `/aws/sagemaker/Endpoints/${endpointName}:*`, ArnFormat.COLON_RESOURCE_NAME)]);
  // Model package images: pushing to any repository of the region.
  allow(p.endpoint.role, ['ecr:PutImage'], [stack.formatArn({ service: 'ecr', account: '*', resource: 'repository', resourceName: '*' })]);
  // Promotion: deleting models it creates; for an endpoint that appears with the first approved version (its
  // promotion function registers the scaling), deregistering scalable targets and disabling the target tracking alarms' actions.
  allow(p.endpoint.promotionFunction!.role!, ['sagemaker:DeleteModel'], [arn('sagemaker', 'model', `${endpointName}-*`)]);
  const pending = new InferenceEndpoint(stack, 'Pending', { dataLake: p.lake, modelPackageGroupName: 'pending-llm', instanceType: 'ml.g5.2xlarge', minCapacity: 2, maxCapacity: 3 });
  const promotion = pending.promotionFunction!.role!;
  allow(promotion, ['application-autoscaling:DeregisterScalableTarget'], [arn('application-autoscaling', 'scalable-target', '*')]);
  allow(promotion, ['cloudwatch:DisableAlarmActions'], [arn('cloudwatch', 'alarm', `TargetTracking-endpoint/${pending.endpointName}/*`, ArnFormat.COLON_RESOURCE_NAME)]);
  // CloudTrail event history: another CloudTrail action on "*" in the promotion function's managed policy.
  (p.endpoint.node.findChild('PromotionEventHistoryPolicy') as iam.ManagedPolicy).addStatements(new iam.PolicyStatement({ actions: ['cloudtrail:StopLogging'], resources: ['*'] }));
  // API Gateway account logging: deleting log groups.
  allow(child(p.api, 'AccountLoggingRole'), ['logs:DeleteLogGroup'], [logGroupsArn(p.api)]);
  // Training security group: an ingress rule from anywhere next to the self-referencing one.
  const sg = p.training.securityGroups[0] as ec2.SecurityGroup;
  sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(3389), 'a user rule');
  // API: a GET method with an HTTP backend next to the POST Lambda proxies.
  p.api.restApi.root.addResource('status').addMethod('GET', new apigw.HttpIntegration('https://status.example.com'), { authorizationType: apigw.AuthorizationType.IAM });
  // A queue of the user's below the API is not a dead-letter queue.
  new sqs.Queue(p.api, 'UserQueue', { encryption: sqs.QueueEncryption.KMS_MANAGED, enforceSSL: true });
  return { ...p, pending };
});

// 3. The roles CDK Pipelines generates (the stages are not checked here: compliance is off for them).
const TOOLING = { account: '333333333333', region: 'eu-west-1' };
const delivery = matrix.add('Delivery', (app: Construct) => {
  const stack = new Stack(app, 'Delivery', { env: TOOLING });
  const d = new GenAIPlatformPipeline(stack, 'Pipeline', {
    source: pipelines.CodePipelineSource.connection('example-org/genai-platform', 'main', {
      connectionArn: 'arn:aws:codeconnections:eu-west-1:333333333333:connection/0f0e0d0c-0000-4000-8000-000000000000',
    }),
    dev: { account: '111111111111', region: 'eu-west-1' },
    prod: { account: '222222222222', region: 'eu-west-1' },
    compliance: false,
  });
  const pipelineRole = d.pipeline.pipeline.role;
  const selfMutation = d.pipeline.selfMutationProject;
  const assets = child(d, 'Assets/FileRole');
  // Artifact grants: the same action group on someone else's bucket.
  allow(pipelineRole, ['s3:GetObject*'], ['arn:aws:s3:::someone-elses-bucket/*']);
  // CodeBuild defaults: deleting the project's own log group.
  allow(selfMutation.role!, ['logs:DeleteLogGroup'], [
    stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/codebuild/${selfMutation.projectName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
  ]);
  // Bootstrap roles: assuming any role of the account without the bootstrap-role tag condition.
  allow(selfMutation.role!, ['sts:AssumeRole'], [`arn:*:iam::${TOOLING.account}:role/*`]);
  // Self-mutation lookups: deleting stacks.
  allow(selfMutation.role!, ['cloudformation:DeleteStack'], ['*']);
  // Asset publishing: deleting projects.
  allow(assets, ['codebuild:DeleteProject'], ['*']);
  return { pipelineRole, selfMutationRole: selfMutation.role!, assets };
});

describe('a user statement on "*" on any library role is reported', () => {
  test.each(roles.map(([name]) => [name]))('%s', (name) => {
    const rolePath = anyRole().find(([n]) => n === name)![1];
    expect(matrix.findings('AnyRole')).toContain(`${STAR} @ ${rolePath}/DefaultPolicy/Resource`);
  });

  test('and nothing else is reported', () => {
    expect(matrix.findings('AnyRole')).toEqual(anyRole().map(([, path]) => `${STAR} @ ${path}/DefaultPolicy/Resource`).sort());
  });
});

describe('a broader statement next to each acknowledged one is reported', () => {
  const findings = () => matrix.findings('Broader');
  const policy = (role: IConstruct) => `${at(role)}/DefaultPolicy/Resource`;
  const iam5 = (resource: string, role: IConstruct) => `AwsSolutions AwsSolutions-IAM5[Resource::${resource}] @ ${policy(role)}`;

  test('the X-Ray reason for "*": X-Ray and s3:GetObject in one statement on "*"', () => {
    expect(findings()).toContain(`${STAR} @ ${policy(broader().generate.role)}`);
  });

  test('the Bedrock logging configuration reason for "*": bedrock:ListFoundationModels on "*"', () => {
    expect(findings()).toContain(`${STAR} @ ${policy(broader().generate.invocationLogging!.provider.role!)}`);
  });

  test('the ECR login reason for "*": ecr:BatchGetImage on "*"', () => {
    expect(findings()).toContain(`${STAR} @ ${policy(broader().endpoint.role)}`);
  });

  test('the VPC job reasons (describes on "*", vpcJobNetworking for interfaces): ec2:DeleteVpc on "*", and network interfaces without the ec2:Vpc condition', () => {
    const role = broader().training.role;
    expect(findings()).toContain(`${STAR} @ ${policy(role)}`);
    expect(findings()).toContain(iam5('arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*', role));
  });

  test('pipelineJobNames: deleting the package versions the pipeline registers', () => {
    const p = broader();
    expect(findings()).toContain(iam5(`arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model-package/${Stack.of(p.training).resolve(p.training.modelPackageGroupName)}/*`, p.training.role));
  });

  test('acknowledgeObjectWildcard: s3:DeleteObject on the training data prefix', () => {
    expect(findings().filter((f) => f.includes('/training/*]') && f.endsWith(policy(broader().training.role)))).toHaveLength(1);
  });

  test('sagemakerGeneratedNames: deleting captured data, the container log group and created models', () => {
    const p = broader();
    const endpointPolicy = findings().filter((f) => f.endsWith(policy(p.endpoint.role)) && f.includes('IAM5[Resource::'));
    expect(endpointPolicy.some((f) => f.includes('/datacapture/'))).toBe(true);
    expect(endpointPolicy.some((f) => f.includes(':log-group:/aws/sagemaker/Endpoints/'))).toBe(true);
    expect(findings().some((f) => f.includes(':model/') && f.endsWith(policy(p.endpoint.promotionFunction!.role!)))).toBe(true);
  });

  test('modelPackageImages: ecr:PutImage on the repositories of the region', () => {
    expect(findings()).toContain(iam5('arn:<AWS::Partition>:ecr:<AWS::Region>:*:repository/*', broader().endpoint.role));
  });

  test('scalableTargetIds and targetTrackingAlarms: deregistering targets, disabling alarm actions', () => {
    const promotion = policy(broader().pending.promotionFunction!.role!);
    expect(findings()).toContain(`AwsSolutions AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:application-autoscaling:<AWS::Region>:<AWS::AccountId>:scalable-target/*] @ ${promotion}`);
    expect(findings().some((f) => f.includes(':alarm:TargetTracking-endpoint/') && f.endsWith(promotion))).toBe(true);
  });

  test('the CloudTrail event history reason for "*": cloudtrail:StopLogging on "*" in the event history policy', () => {
    expect(findings()).toContain(`${STAR} @ ${at(broader().endpoint)}/PromotionEventHistoryPolicy/Resource`);
  });

  test('apiGatewayAccountLogging: deleting log groups', () => {
    expect(findings()).toContain(iam5('arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*', child(broader().api, 'AccountLoggingRole')));
  });

  test('distributedTrainingIngress: an ingress rule from anywhere on the same security group', () => {
    const group = `${at(broader().training)}/SecurityGroup/Resource`;
    expect(findings()).toEqual(expect.arrayContaining([
      `NIST.800.53.R5 NIST.800.53.R5-EC2RestrictedCommonPorts @ ${group}`,
      `HIPAA.Security HIPAA.Security-EC2RestrictedCommonPorts @ ${group}`,
    ]));
  });

  test('apiResponsesNotCached and apiLambdaBackends: a GET method with an HTTP backend', () => {
    const stage = `${at(broader().api.restApi.deploymentStage)}/Resource`;
    expect(findings()).toEqual(expect.arrayContaining([
      `NIST.800.53.R5 NIST.800.53.R5-APIGWCacheEnabledAndEncrypted @ ${stage}`,
      `HIPAA.Security HIPAA.Security-APIGWCacheEnabledAndEncrypted @ ${stage}`,
      `NIST.800.53.R5 NIST.800.53.R5-APIGWSSLEnabled @ ${stage}`,
      `HIPAA.Security HIPAA.Security-APIGWSSLEnabled @ ${stage}`,
    ]));
  });

  test('deadLetterQueue: only the dead-letter queues are exempt from having one', () => {
    expect(findings()).toContain(`AwsSolutions AwsSolutions-SQS3 @ ${at(broader().api)}/UserQueue/Resource`);
  });
});

describe('the CDK Pipelines roles: a broader statement next to each generated one is reported', () => {
  const findings = () => matrix.findings('Delivery');
  const policy = (role: IConstruct) => `${at(role)}/DefaultPolicy/Resource`;

  test('pipelineArtifactGrants: the same action group on another bucket', () => {
    const role = policy(delivery().pipelineRole);
    expect(findings()).toEqual(expect.arrayContaining([
      `AwsSolutions AwsSolutions-IAM5[Action::s3:GetObject*] @ ${role}`,
      `AwsSolutions AwsSolutions-IAM5[Resource::arn:aws:s3:::someone-elses-bucket/*] @ ${role}`,
    ]));
  });

  test('codeBuildProjectDefaults, cdkBootstrapRoles and the self-mutation lookups reason for "*": broader statements on the self-mutation role', () => {
    const role = policy(delivery().selfMutationRole);
    const onRole = findings().filter((f) => f.endsWith(` @ ${role}`));
    expect(onRole.some((f) => f.includes(':log-group:/aws/codebuild/'))).toBe(true);
    expect(onRole).toEqual(expect.arrayContaining([
      `AwsSolutions AwsSolutions-IAM5[Resource::arn:*:iam::${TOOLING.account}:role/*] @ ${role}`,
      `${STAR} @ ${role}`,
    ]));
  });

  test('the asset-publishing reason for "*": codebuild:DeleteProject on "*"', () => {
    expect(findings()).toContain(`${STAR} @ ${policy(delivery().assets)}`);
  });
});
