import { App, Aws, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { GenAIPlatformPipeline, GenAIPlatformPipelineProps } from '../../lib/platform/genai-platform-pipeline';
import { PlatformProfile } from '../../lib/platform/profile';
import { GenAIValidationError } from '../../lib/core/errors';
import { complianceFindings, strictApp } from '../helpers/compliance';

const TOOLING = { account: '333333333333', region: 'eu-west-1' };
const DEV = { account: '111111111111', region: 'eu-west-1' };
const PROD = { account: '222222222222', region: 'eu-west-1' };
const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:333333333333:connection/0f0e0d0c-0000-4000-8000-000000000000';

function source(): pipelines.IFileSetProducer {
  return pipelines.CodePipelineSource.connection('example-org/genai-platform', 'main', { connectionArn: CONNECTION_ARN });
}

function build(props: Partial<GenAIPlatformPipelineProps> | ((stack: Stack) => Partial<GenAIPlatformPipelineProps>) = {}, app: App = strictApp()) {
  const stack = new Stack(app, 'Tooling', { env: TOOLING });
  const pipeline = new GenAIPlatformPipeline(stack, 'Pipeline', { source: source(), dev: DEV, prod: PROD, compliance: false, ...(typeof props === 'function' ? props(stack) : props) });
  return { app, stack, pipeline, template: Template.fromStack(stack) };
}

/** The pipeline with default props, built once for the tests that read it. */
let defaults: ReturnType<typeof build> | undefined;
const defaultPipeline = () => (defaults ??= build());

interface Isolated {
  readonly cdk: typeof import('aws-cdk-lib');
  readonly module: typeof import('../../lib/platform/genai-platform-pipeline');
  readonly helpers: typeof import('../helpers/compliance');
  readonly assertions: typeof import('aws-cdk-lib/assertions');
  source(): pipelines.IFileSetProducer;
}

/**
 * Runs `body` with a fresh module registry in which every GenAIPlatformStack also gets what `extend`
 * adds (CDK Pipelines synthesizes each stage when it is added, so the stage stacks cannot be changed
 * afterwards).
 */
function withExtendedPlatformStack<T>(extend: (platformStack: Stack) => void, body: (isolated: Isolated) => T): T {
  let result: T | undefined;
  jest.isolateModules(() => {
    jest.doMock('../../lib/platform/genai-platform-stack', () => {
      const actual = jest.requireActual('../../lib/platform/genai-platform-stack');
      class Extended extends actual.GenAIPlatformStack {
        constructor(scope: any, id: string, props: any) {
          super(scope, id, props);
          extend(this as unknown as Stack);
        }
      }
      return { ...actual, GenAIPlatformStack: Extended };
    });
    const cdkPipelines = require('aws-cdk-lib/pipelines');
    result = body({
      cdk: require('aws-cdk-lib'),
      module: require('../../lib/platform/genai-platform-pipeline'),
      helpers: require('../helpers/compliance'),
      assertions: require('aws-cdk-lib/assertions'),
      source: () => cdkPipelines.CodePipelineSource.connection('example-org/genai-platform', 'main', { connectionArn: CONNECTION_ARN }),
    });
  });
  return result as T;
}

function pipelineStages(template: Template): Array<{ Name: string; Actions: any[] }> {
  const pipelines_ = Object.values(template.findResources('AWS::CodePipeline::Pipeline'));
  expect(pipelines_).toHaveLength(1);
  return (pipelines_[0] as any).Properties.Stages;
}

function synthProject(template: Template): any {
  const projects = Object.values(template.findResources('AWS::CodeBuild::Project')) as any[];
  const synth = projects.filter((p) => JSON.stringify(p.Properties.Description).includes('/Build/Synth'));
  expect(synth).toHaveLength(1);
  return synth[0];
}

describe('GenAIPlatformPipeline: structure', () => {
  const { pipeline, template } = defaultPipeline();

  test('stages run Source → Build → UpdatePipeline → Assets (the Lambda bundles of the platform) → Dev → Approval → Prod', () => {
    const stages = pipelineStages(template);
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'Dev', 'Approval', 'Prod']);
    expect(stages[0].Actions[0]).toMatchObject({
      ActionTypeId: { Category: 'Source', Provider: 'CodeStarSourceConnection' },
      Configuration: { ConnectionArn: CONNECTION_ARN, FullRepositoryId: 'example-org/genai-platform', BranchName: 'main' },
    });
    expect(stages[2].Actions.map((a: any) => a.Name)).toEqual(['SelfMutate']);
  });

  test('the Approval stage holds only a manual approval with the default comment', () => {
    const approval = pipelineStages(template).find((s) => s.Name === 'Approval')!;
    expect(approval.Actions).toHaveLength(1);
    expect(approval.Actions[0]).toMatchObject({
      Name: 'PromoteToProd',
      ActionTypeId: { Category: 'Approval', Owner: 'AWS', Provider: 'Manual' },
      Configuration: { CustomData: 'Review the DEV deployment, then approve to deploy the platform to PROD.' },
    });
  });

  test('Dev and Prod deploy with change sets through the bootstrap deploy roles of their own accounts', () => {
    const stages = pipelineStages(template);
    for (const [name, env] of [['Dev', DEV], ['Prod', PROD]] as const) {
      const stage = stages.find((s) => s.Name === name)!;
      expect(stage.Actions.map((a: any) => [a.Name, a.Configuration.ActionMode])).toEqual([
        ['Prepare', 'CHANGE_SET_REPLACE'],
        ['Deploy', 'CHANGE_SET_EXECUTE'],
      ]);
      const roleArn = JSON.stringify(stage.Actions[0].RoleArn);
      expect(roleArn).toContain(`:iam::${env.account}:role/cdk-hnb659fds-deploy-role-${env.account}-${env.region}`);
      expect(stage.Actions[0].Configuration.StackName).toBe(`${name}-Platform`);
    }
  });

  test('exposes the built CDK Pipelines pipeline', () => {
    expect(pipeline.pipeline).toBeInstanceOf(pipelines.CodePipeline);
    expect(pipeline.pipeline.pipeline.node.path).toBe('Tooling/Pipeline/Resource/Pipeline');
    expect(pipeline.pipeline.selfMutationEnabled).toBe(true);
  });

  test('artifacts: our bucket, encrypted with a rotated customer-managed key, shared with the target accounts', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    const bucketId = template.getResourceId('AWS::S3::Bucket', { Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } })] } } });
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      ArtifactStore: { Type: 'S3', Location: { Ref: bucketId }, EncryptionKey: { Type: 'KMS', Id: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
    });
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({ VersioningConfiguration: { Status: 'Enabled' }, LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'artifacts/' }) }),
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    // the deploy roles of both target accounts may decrypt the artifacts
    const statements = template.findResources('AWS::KMS::Key')[keyId].Properties.KeyPolicy.Statement as any[];
    const crossAccount = statements.filter((st) => JSON.stringify(st.Principal).includes('cdk-hnb659fds-deploy-role'));
    expect(crossAccount).toHaveLength(1);
    expect(crossAccount[0].Action).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(JSON.stringify(crossAccount[0].Principal)).toContain(':iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-eu-west-1');
    expect(JSON.stringify(crossAccount[0].Principal)).toContain(':iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-eu-west-1');
    expect(statements.map((st) => st.Sid)).toContain('DenyGrantsExceptForAwsResources');
  });

  test('CodeBuild: npm ci, npm test and cdk synth; unprivileged; KMS-encrypted; logs to the encrypted log group', () => {
    const synth = synthProject(template);
    const buildSpec = JSON.parse(synth.Properties.Source.BuildSpec);
    expect(buildSpec.phases.build.commands).toEqual(['npm ci', 'npm test', 'npx cdk synth']);
    expect(buildSpec.phases.install['runtime-versions']).toEqual({ nodejs: '22' });
    expect(buildSpec.artifacts['base-directory']).toBe('cdk.out');
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup'))[0];
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, RetentionInDays: 365 });
    const projects = Object.values(template.findResources('AWS::CodeBuild::Project')) as any[];
    expect(projects).toHaveLength(3); // synth, self-mutation and file-asset publishing
    for (const p of projects) {
      expect(p.Properties.Environment).toMatchObject({ PrivilegedMode: false, Image: 'aws/codebuild/standard:8.0', ComputeType: 'BUILD_GENERAL1_MEDIUM' });
      expect(p.Properties.EncryptionKey).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(p.Properties.LogsConfig).toEqual({ CloudWatchLogs: { Status: 'ENABLED', GroupName: { Ref: logGroupId } } });
      expect(p.Properties.TimeoutInMinutes).toBe(60);
    }
  });

  test('stage stacks: DEV and PROD profiles, their accounts and regions, termination protection only in PROD', () => {
    const dev = pipeline.devStage.platformStack;
    const prod = pipeline.prodStage.platformStack;
    expect([dev.account, dev.region, dev.terminationProtection, dev.platform.profile]).toEqual([DEV.account, DEV.region, false, PlatformProfile.DEV]);
    expect([prod.account, prod.region, prod.terminationProtection, prod.platform.profile]).toEqual([PROD.account, PROD.region, true, PlatformProfile.PROD]);
    expect(pipeline.devStage.stageName).toBe('Dev');
    expect(pipeline.prodStage.stageName).toBe('Prod');
    Template.fromStack(prod).hasResourceProperties('AWS::S3::Bucket', { Tags: Match.arrayWith([{ Key: 'profile', Value: 'prod' }]) });
  });
});

describe('GenAIPlatformPipeline: props', () => {
  // One pipeline with every optional prop set; each test reads its part.
  const custom = PlatformProfile.custom({ ...PlatformProfile.PROD, name: 'staging', terminationProtection: false });
  let key: kms.Key | undefined;
  const { pipeline, template, stack } = build((scope) => ({
    encryptionKey: (key = new kms.Key(scope, 'MyKey', { enableKeyRotation: true })),
    synthCommands: ['npm ci', 'npm run build', 'npm test', 'npx cdk synth -c profile=prod'],
    synthOutputDirectory: 'out/assembly',
    approvalComment: 'Check the DEV dashboard first.',
    buildTimeout: Duration.minutes(30),
    logRetention: logs.RetentionDays.THREE_MONTHS,
    nodeVersion: '24',
    devPlatform: { costCenter: 'cc-dev' },
    prodPlatform: { costCenter: 'cc-prod', profile: custom },
  }));

  test('synth commands, output directory, approval comment, timeout and log retention', () => {
    const buildSpec = JSON.parse(synthProject(template).Properties.Source.BuildSpec);
    expect(buildSpec.phases.build.commands).toEqual(['npm ci', 'npm run build', 'npm test', 'npx cdk synth -c profile=prod']);
    expect(buildSpec.artifacts['base-directory']).toBe('out/assembly');
    expect(buildSpec.phases.install['runtime-versions']).toEqual({ nodejs: '24' });
    expect(synthProject(template).Properties.TimeoutInMinutes).toBe(30);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    const approval = pipelineStages(template).find((s) => s.Name === 'Approval')!;
    expect(approval.Actions[0].Configuration.CustomData).toBe('Check the DEV dashboard first.');
  });

  test('per-stage platform props reach the stage stacks; the profile can still be overridden', () => {
    Template.fromStack(pipeline.devStage.platformStack).hasResourceProperties('AWS::S3::Bucket', {
      Tags: Match.arrayWith([{ Key: 'cost-center', Value: 'cc-dev' }, { Key: 'profile', Value: 'dev' }]),
    });
    expect(pipeline.prodStage.platformStack.platform.profile).toBe(custom);
    expect(pipeline.prodStage.platformStack.terminationProtection).toBe(false);
  });

  test('an existing key encrypts artifacts, logs and builds; no key is created', () => {
    expect(pipeline.encryptionKey).toBe(key);
    template.resourceCountIs('AWS::KMS::Key', 1);
    const keyId = stack.resolve((key!.node.defaultChild as any).logicalId);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { ArtifactStore: Match.objectLike({ EncryptionKey: { Type: 'KMS', Id: { 'Fn::GetAtt': [keyId, 'Arn'] } } }) });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  test('compliance (default on) registers the packs on each stage, so a finding in a stage fails synth', () => {
    const onlyAwsSolutions = { nist80053R5: false, hipaaSecurity: false, controlTower: false };
    const synthWith = (props: Partial<GenAIPlatformPipelineProps>) =>
      withExtendedPlatformStack(
        (platformStack) => new (require('aws-cdk-lib/aws-s3').Bucket)(platformStack, 'PlainBucket'),
        (isolated) => () => {
          const app = new isolated.cdk.App();
          const stack = new isolated.cdk.Stack(app, 'Tooling', { env: TOOLING });
          new isolated.module.GenAIPlatformPipeline(stack, 'Pipeline', { source: isolated.source(), dev: DEV, prod: PROD, ...props });
          app.synth({ force: true });
        },
      );
    expect(synthWith({ complianceOptions: onlyAwsSolutions })).toThrow(/AwsSolutions-S1[\s\S]*Dev\/Platform\/PlainBucket/);
    expect(synthWith({ compliance: false })).not.toThrow();
  });
});

describe('GenAIPlatformPipeline: validation', () => {
  const invalid: Array<[string, Partial<GenAIPlatformPipelineProps>, RegExp]> = [
    ['missing dev', { dev: undefined }, /Tooling\/Pipeline: invalid dev: got undefined; allowed: an environment \{ account, region \}/],
    ['missing prod account', { prod: { region: 'eu-west-1' } as any }, /invalid prod\.account: got undefined; allowed: a literal 12-digit AWS account id/],
    ['11-digit account', { dev: { account: '11111111111', region: 'eu-west-1' } }, /invalid dev\.account: got "11111111111"; allowed: a literal 12-digit AWS account id/],
    ['account with letters', { prod: { account: '2222222222ab', region: 'eu-west-1' } }, /invalid prod\.account: got "2222222222ab"/],
    ['account token', { dev: { account: Aws.ACCOUNT_ID, region: 'eu-west-1' } }, /invalid dev\.account: got "\$\{Token\[AWS\.AccountId\.\d+\]\}"; allowed: a literal 12-digit/],
    ['missing region', { dev: { account: '111111111111' } as any }, /invalid dev\.region: got undefined; allowed: a literal AWS region/],
    ['region without number', { dev: { account: '111111111111', region: 'eu-west' } }, /invalid dev\.region: got "eu-west"; allowed: an AWS region such as eu-west-1/],
    ['upper-case region', { prod: { account: '222222222222', region: 'EU-WEST-1' } }, /invalid prod\.region: got "EU-WEST-1"/],
    ['no synth commands', { synthCommands: [] }, /invalid synthCommands: got \[\]; allowed: at least one command/],
    ['build timeout too long', { buildTimeout: Duration.hours(9) }, /invalid buildTimeout \(minutes\): got 540; allowed: a number from 5 to 480/],
    ['bad node version', { nodeVersion: 'v22' }, /invalid nodeVersion: got "v22"; allowed: a Node.js major version/],
    ['unknown log retention', { logRetention: 42 as logs.RetentionDays }, /invalid logRetention: got 42/],
  ];
  test.each(invalid)('%s', (_name, props, message) => {
    const create = () => new GenAIPlatformPipeline(new Stack(new App(), 'Tooling', { env: TOOLING }), 'Pipeline', { source: source(), dev: DEV, prod: PROD, compliance: false, ...props } as GenAIPlatformPipelineProps);
    expect(create).toThrow(GenAIValidationError);
    expect(create).toThrow(message);
  });

  test('gov and other partitions\' regions are accepted', () => {
    const app = new App();
    const stack = new Stack(app, 'Tooling', { env: { account: '333333333333', region: 'us-gov-west-1' } });
    expect(() => new GenAIPlatformPipeline(stack, 'Pipeline', {
      source: source(),
      dev: { account: '111111111111', region: 'us-gov-west-1' },
      prod: { account: '222222222222', region: 'us-gov-west-1' },
      compliance: false,
    })).not.toThrow();
  });

  describe('warnings', () => {
    // PROD in another region than the pipeline, and in DEV's account: one pipeline, both warnings.
    let elsewhere: ReturnType<typeof build> | undefined;
    const prodElsewhere = () => (elsewhere ??= build({ prod: { account: DEV.account, region: 'us-east-1' } }));

    test('a stage in another region than the pipeline deploys, with a warning about the support stack', () => {
      const { stack } = prodElsewhere();
      Annotations.fromStack(stack).hasWarning('/Tooling/Pipeline', Match.stringLikeRegexp('The prod stage deploys to us-east-1 but the pipeline runs in eu-west-1'));
      expect(Annotations.fromStack(stack).findWarning('/Tooling/Pipeline', Match.stringLikeRegexp('The dev stage'))).toHaveLength(0);
    });

    test('DEV and PROD in the same account deploy, with a warning', () => {
      const { stack } = prodElsewhere();
      Annotations.fromStack(stack).hasWarning('/Tooling/Pipeline', Match.stringLikeRegexp('DEV and PROD both deploy to account 111111111111'));
      expect(Annotations.fromStack(defaultPipeline().stack).findWarning('*', Match.anyValue())).toHaveLength(0);
    });
  });

  test('a pipeline stack without an explicit account is rejected', () => {
    const stack = new Stack(new App(), 'Tooling');
    expect(() => new GenAIPlatformPipeline(stack, 'Pipeline', { source: source(), dev: DEV, prod: PROD, compliance: false })).toThrow(
      /Tooling\/Pipeline: invalid env of the stack: got .*; allowed: a stack with an explicit env\.account/,
    );
  });
});

describe('GenAIPlatformPipeline: compliance', () => {
  // An app of its own: with compliance on (the default) each stage registers the packs too, which would
  // report every finding of a shared app once per stage.
  test('the pipeline stack and both stages have zero unacknowledged findings in every pack (defaults), including the Assets stage and its generated publishing role', () => {
    const app = strictApp();
    const stack = new Stack(app, 'Tooling', { env: TOOLING });
    new GenAIPlatformPipeline(stack, 'Pipeline', { source: source(), dev: DEV, prod: PROD });
    // The platform ships Lambda bundles, so CDK Pipelines adds an Assets stage with a generated
    // file-publishing role before Dev; the one synth below checks it with everything else.
    const stages = pipelineStages(Template.fromStack(stack));
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'Dev', 'Approval', 'Prod']);
    expect(stages[3].Actions.map((a: any) => a.ActionTypeId.Provider)).toEqual(['CodeBuild']);
    expect(complianceFindings(app)).toEqual([]);
  });
});
