import { App, Aws, CfnParameter, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DataZone } from '../../lib/data-lake/data-zone';
import { ISecureDataLake, SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { MetricComparison, ModelApprovalStatus, TrainingImage, TrainingPipeline, TrainingPipelineProps } from '../../lib/training/training-pipeline';
import { FlatStatement, flattenIntrinsics, pipelineDefinition, roleStatements, step } from './helpers';

const DLC = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker';
const EVAL = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/evaluate@sha256:' + 'a'.repeat(64);
const P = '${AWS::Partition}';
const R = '${AWS::Region}';
const A = '${AWS::AccountId}';

interface Built {
  stack: Stack;
  lake: SecureDataLake;
  pipeline: TrainingPipeline;
  template: Template;
  definition: any;
  ids: { role: string; key: string; curated: string; artifacts: string; feedback: string };
}

function build(props: Partial<TrainingPipelineProps> = {}, setup?: (stack: Stack) => Partial<TrainingPipelineProps>): Built {
  const stack = new Stack(new App(), 'Stack');
  const lake = new SecureDataLake(stack, 'Lake');
  const extra = setup ? setup(stack) : {};
  const pipeline = new TrainingPipeline(stack, 'Pipeline', {
    dataLake: lake,
    trainingImage: TrainingImage.fromImageUri(DLC),
    evaluationImage: TrainingImage.fromImageUri(EVAL),
    qualityGate: { metricName: 'metrics.accuracy.value', threshold: 0.8 },
    ...props,
    ...extra,
  });
  const template = Template.fromStack(stack);
  const id = (c: any) => stack.resolve((c.node.defaultChild ?? c).logicalId);
  return {
    stack,
    lake,
    pipeline,
    template,
    definition: pipelineDefinition(template),
    ids: {
      role: id(pipeline.role),
      key: id(lake.encryptionKey),
      curated: id(lake.bucket(DataZone.CURATED)),
      artifacts: id(lake.bucket(DataZone.MODEL_ARTIFACTS)),
      feedback: id(lake.bucket(DataZone.FEEDBACK)),
    },
  };
}

describe('TrainingPipeline defaults', () => {
  const b = build();
  const { definition, template, pipeline, ids } = b;
  const name = pipeline.pipelineName;
  const root = `s3://\${${ids.artifacts}}/pipelines/${name}/`;

  test('names, ARN and artifacts prefix are generated, lowercase and stable', () => {
    expect(name).toMatch(/^stack-pipeline-[a-f0-9]{8}$/);
    expect(pipeline.modelPackageGroupName).toMatch(/^[a-z0-9](-*[a-z0-9]){0,62}$/);
    expect(flattenIntrinsics(b.stack.resolve(pipeline.pipelineArn))).toBe(`arn:${P}:sagemaker:${R}:${A}:pipeline/${name}`);
    expect(pipeline.artifactsPrefix).toBe(`pipelines/${name}/`);
    template.hasResourceProperties('AWS::SageMaker::Pipeline', {
      PipelineName: name,
      RoleArn: { 'Fn::GetAtt': [ids.role, 'Arn'] },
    });
  });

  test('the model package group is retained', () => {
    template.hasResource('AWS::SageMaker::ModelPackageGroup', {
      Properties: { ModelPackageGroupName: pipeline.modelPackageGroupName },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('parameters with defaults from props', () => {
    expect(definition.Version).toBe('2020-12-01');
    expect(definition.Parameters).toEqual([
      { Name: 'TrainingInstanceType', Type: 'String', DefaultValue: 'ml.g5.xlarge' },
      { Name: 'TrainingInstanceCount', Type: 'Integer', DefaultValue: 1 },
      { Name: 'InputPrefix', Type: 'String', DefaultValue: '' },
    ]);
  });

  test('a run cannot decide what ships: no threshold or approval-status parameter, input only under the training prefix', () => {
    const names = definition.Parameters.map((p: any) => p.Name);
    expect(names).not.toContain('QualityThreshold');
    expect(names).not.toContain('ModelApprovalStatus');
    // Every reference to a parameter is to one of the three above (SageMaker rejects unknown parameters at start).
    const gets = [...JSON.stringify(definition).matchAll(/"Get":"Parameters\.([A-Za-z]+)"/g)].map((m) => m[1]);
    expect(new Set(gets)).toEqual(new Set(['TrainingInstanceType', 'TrainingInstanceCount', 'InputPrefix']));
    expect(step(definition, 'Register').Arguments.ModelApprovalStatus).toBe('PendingManualApproval');
    expect(step(definition, 'QualityGate').Arguments.Conditions[0].RightValue).toBe(0.8);
    // InputPrefix is appended to the training prefix: "evaluation/" would read training/evaluation/, not the test set.
    const uri = step(definition, 'Train').Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri;
    expect(uri).toEqual({ 'Std:Join': { On: '', Values: [`s3://\${${ids.curated}}/training/`, { Get: 'Parameters.InputPrefix' }] } });
  });

  test('steps and their dependencies: Train → Evaluate → QualityGate → Register | QualityGateFailed', () => {
    expect(definition.Steps.map((s: any) => [s.Name, s.Type, s.DependsOn])).toEqual([
      ['Train', 'Training', undefined],
      ['Evaluate', 'Processing', ['Train']],
      ['QualityGate', 'Condition', ['Evaluate']],
    ]);
    const gate = step(definition, 'QualityGate').Arguments;
    expect(gate.IfSteps.map((s: any) => [s.Name, s.Type])).toEqual([['Register', 'RegisterModel']]);
    expect(gate.ElseSteps.map((s: any) => [s.Name, s.Type])).toEqual([['QualityGateFailed', 'Fail']]);
  });

  test('training: isolated, encrypted output and checkpoints, no volume key on NVMe g5, on-demand, parameters wired', () => {
    const args = step(definition, 'Train').Arguments;
    expect(args).toEqual({
      TrainingJobName: expect.stringMatching(/^stack-pipeline-[a-f0-9]{8}-train$/),
      AlgorithmSpecification: { TrainingImage: DLC, TrainingInputMode: 'File' },
      RoleArn: `\${${ids.role}.Arn}`,
      HyperParameters: {},
      InputDataConfig: [
        {
          ChannelName: 'train',
          InputMode: 'File',
          DataSource: {
            S3DataSource: {
              S3DataType: 'S3Prefix',
              S3Uri: { 'Std:Join': { On: '', Values: [`s3://\${${ids.curated}}/training/`, { Get: 'Parameters.InputPrefix' }] } },
              S3DataDistributionType: 'FullyReplicated',
            },
          },
        },
      ],
      OutputDataConfig: {
        S3OutputPath: { 'Std:Join': { On: '', Values: [root, { Get: 'Execution.PipelineExecutionId' }, '/model'] } },
        KmsKeyId: `\${${ids.key}.Arn}`,
      },
      ResourceConfig: { InstanceType: { Get: 'Parameters.TrainingInstanceType' }, InstanceCount: { Get: 'Parameters.TrainingInstanceCount' }, VolumeSizeInGB: 100 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
      EnableManagedSpotTraining: false,
      CheckpointConfig: {
        S3Uri: { 'Std:Join': { On: '', Values: [root, { Get: 'Execution.PipelineExecutionId' }, '/checkpoints'] } },
        LocalPath: '/opt/ml/checkpoints',
      },
    });
  });

  test('jobs are named by a prefix unique to this pipeline, and the role may only touch jobs with that prefix', () => {
    const training = step(definition, 'Train').Arguments.TrainingJobName;
    const evaluation = step(definition, 'Evaluate').Arguments.ProcessingJobName;
    expect(training).toMatch(/^stack-pipeline-[a-f0-9]{8}-train$/);
    expect(evaluation).toBe(training.replace(/-train$/, '-eval'));
    // Short enough for the suffix SageMaker appends (job names have at most 63 characters).
    expect(training.length).toBeLessThanOrEqual(30);
    const jobStatements = roleStatements(template, ids.role).filter((s) => s.Action.some((a) => /TrainingJob|ProcessingJob/.test(a)));
    expect(jobStatements.map((s) => s.Resource)).toEqual([
      [`arn:${P}:sagemaker:${R}:${A}:training-job/${training}*`],
      [`arn:${P}:sagemaker:${R}:${A}:processing-job/${evaluation}*`],
    ]);
    // Another pipeline gets its own prefixes.
    const otherStack = new Stack(new App(), 'Stack');
    new TrainingPipeline(otherStack, 'Other', {
      dataLake: new SecureDataLake(otherStack, 'Lake'),
      trainingImage: TrainingImage.fromImageUri(DLC),
      evaluationImage: TrainingImage.fromImageUri(EVAL),
      qualityGate: { metricName: 'metrics.accuracy.value', threshold: 0.8 },
    });
    const otherDefinition = pipelineDefinition(Template.fromStack(otherStack));
    expect(step(otherDefinition, 'Train').Arguments.TrainingJobName).toMatch(/^stack-other-[a-f0-9]{8}-train$/);
  });

  test('evaluation: isolated processing job with the model and test data, encrypted output and volume, a property file', () => {
    const s = step(definition, 'Evaluate');
    expect(s.PropertyFiles).toEqual([{ PropertyFileName: 'EvaluationReport', OutputName: 'evaluation', FilePath: 'evaluation.json' }]);
    expect(s.Arguments.AppSpecification).toEqual({ ImageUri: EVAL });
    expect(s.Arguments.ProcessingInputs.map((i: any) => [i.InputName, i.S3Input.S3Uri, i.S3Input.LocalPath])).toEqual([
      ['model', { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }, '/opt/ml/processing/model'],
      ['test', `s3://\${${ids.curated}}/evaluation/`, '/opt/ml/processing/test'],
    ]);
    expect(s.Arguments.ProcessingOutputConfig).toEqual({
      Outputs: [
        {
          OutputName: 'evaluation',
          S3Output: {
            S3Uri: { 'Std:Join': { On: '', Values: [root, { Get: 'Execution.PipelineExecutionId' }, '/evaluation'] } },
            LocalPath: '/opt/ml/processing/evaluation',
            S3UploadMode: 'EndOfJob',
          },
        },
      ],
      KmsKeyId: `\${${ids.key}.Arn}`,
    });
    expect(s.Arguments.ProcessingResources.ClusterConfig).toEqual({
      InstanceType: 'ml.m5.xlarge',
      InstanceCount: 1,
      VolumeSizeInGB: 30,
      VolumeKmsKeyId: `\${${ids.key}.Arn}`,
    });
    expect(s.Arguments.NetworkConfig).toEqual({ EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true });
    expect(s.Arguments.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 7200 });
  });

  test('quality gate compares the report metric with the threshold fixed at deploy time', () => {
    expect(step(definition, 'QualityGate').Arguments.Conditions).toEqual([
      {
        Type: 'GreaterThanOrEqualTo',
        LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Evaluate.PropertyFiles.EvaluationReport' }, Path: 'metrics.accuracy.value' } },
        RightValue: 0.8,
      },
    ]);
    expect(step(definition, 'QualityGateFailed').Arguments.ErrorMessage).toBe(
      'Quality gate failed: the evaluation metric "metrics.accuracy.value" did not satisfy GreaterThanOrEqualTo 0.8; the model was not registered.',
    );
  });

  test('registration: a version of the group with the model, its metrics and the approval status fixed at deploy time', () => {
    expect(step(definition, 'Register').Arguments).toEqual({
      ModelPackageGroupName: pipeline.modelPackageGroupName,
      ModelPackageDescription: 'Trained by Stack/Pipeline',
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: DLC, ModelDataUrl: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' } }],
        SupportedContentTypes: ['application/json'],
        SupportedResponseMIMETypes: ['application/json'],
      },
      ModelMetrics: {
        ModelQuality: {
          Statistics: {
            ContentType: 'application/json',
            S3Uri: { 'Std:Join': { On: '', Values: [root, { Get: 'Execution.PipelineExecutionId' }, '/evaluation/evaluation.json'] } },
          },
        },
      },
    });
  });

  test('execution role: assumed by SageMaker only, no managed policies', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('execution role policy, exactly', () => {
    const key = `\${${ids.key}.Arn}`;
    const curated = `\${${ids.curated}.Arn}`;
    const artifacts = `\${${ids.artifacts}.Arn}`;
    const prefix = `pipelines/${name}/`;
    const group = pipeline.modelPackageGroupName;
    const jobs = { training: step(definition, 'Train').Arguments.TrainingJobName, evaluation: step(definition, 'Evaluate').Arguments.ProcessingJobName };
    const allow = (Action: string[], Resource: string[], extra: Partial<FlatStatement> = {}): FlatStatement => ({ Effect: 'Allow', Action, Resource, ...extra });
    // The lake's grants name the key for use through S3 only.
    const viaS3 = { StringEquals: { 'kms:ViaService': [`s3.${R}.amazonaws.com`] } };
    expect(roleStatements(template, ids.role)).toEqual([
      allow(['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'], [`arn:${P}:sagemaker:${R}:${A}:training-job/${jobs.training}*`], { Sid: 'TrainingJobs' }),
      allow(['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:AddTags'], [`arn:${P}:sagemaker:${R}:${A}:processing-job/${jobs.evaluation}*`], { Sid: 'ProcessingJobs' }),
      allow(['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'], [`arn:${P}:sagemaker:${R}:${A}:model-package/${group}/*`], { Sid: 'ModelPackageVersions' }),
      allow(['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackageGroup'], [`arn:${P}:sagemaker:${R}:${A}:model-package-group/${group}`], { Sid: 'ModelPackageGroup' }),
      allow(
        ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        [`arn:${P}:logs:${R}:${A}:log-group:/aws/sagemaker/TrainingJobs:*`, `arn:${P}:logs:${R}:${A}:log-group:/aws/sagemaker/ProcessingJobs:*`],
        { Sid: 'JobLogs' },
      ),
      allow(['iam:PassRole'], [`\${${ids.role}.Arn}`], { Sid: 'PassOwnRoleToSageMaker', Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }),
      allow(['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], [`arn:${P}:ecr:us-east-1:763104351884:repository/pytorch-training`, `arn:${P}:ecr:eu-west-1:123456789012:repository/team/evaluate`], { Sid: 'PullImages' }),
      allow(['ecr:GetAuthorizationToken'], ['*'], { Sid: 'EcrLogin' }),
      allow(['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'], [`${curated}/training/*`]),
      allow(['s3:ListBucket'], [curated], { Condition: { StringLike: { 's3:prefix': ['training/*'] } } }),
      allow(['s3:GetBucketLocation'], [curated]),
      allow(['kms:Decrypt'], [key], { Condition: viaS3 }),
      allow(['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'], [`${curated}/evaluation/*`]),
      allow(['s3:ListBucket'], [curated], { Condition: { StringLike: { 's3:prefix': ['evaluation/*'] } } }),
      allow(['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'], [`${artifacts}/${prefix}*`]),
      allow(['s3:ListBucket'], [artifacts], { Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } } }),
      allow(['s3:GetBucketLocation'], [artifacts]),
      allow(['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'], [`${artifacts}/${prefix}*`]),
      allow(['kms:GenerateDataKey', 'kms:Decrypt'], [key], { Condition: viaS3 }),
      allow(['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], [key]),
      // The evaluation job (ml.m5) has an EBS volume encrypted with the key.
      allow(['kms:CreateGrant'], [key], { Sid: 'VolumeKeyGrants', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
    ]);
  });

  test('no statement grants a wildcard action or s3/sagemaker on "*"', () => {
    for (const s of roleStatements(template, ids.role)) {
      for (const a of s.Action) expect(a).not.toMatch(/\*/);
      if (s.Resource.includes('*')) expect(s.Action).toEqual(['ecr:GetAuthorizationToken']);
    }
  });

  test('failed executions notify a new topic (encrypted with an operations key, not the data key) through EventBridge', () => {
    const opsKey = Object.keys(template.findResources('AWS::KMS::Key')).find((id) => id.startsWith('PipelineOperationsKey'))!;
    expect(opsKey).toBeDefined();
    expect(opsKey).not.toBe(ids.key);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [opsKey, 'Arn'] } });
    // EventBridge may publish only for this rule of this account.
    const ruleId = Object.keys(template.findResources('AWS::Events::Rule'))[0];
    const publish = (Object.values(template.findResources('AWS::SNS::TopicPolicy')) as any[])
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st) => st.Principal?.Service === 'events.amazonaws.com');
    expect(publish).toEqual([
      expect.objectContaining({
        Action: 'sns:Publish',
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    const rules = template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.sagemaker'] } } });
    expect(Object.keys(rules)).toHaveLength(1);
    const rule = Object.values(rules)[0].Properties;
    expect(rule.EventPattern['detail-type']).toEqual(['SageMaker Model Building Pipeline Execution Status Change']);
    expect(rule.EventPattern.detail.currentPipelineExecutionStatus).toEqual(['Failed']);
    expect(flattenIntrinsics(rule.EventPattern.detail.pipelineArn[0])).toBe(`arn:${P}:sagemaker:${R}:${A}:pipeline/${name}`);
    expect(rule.Targets).toHaveLength(1);
    expect(rule.Targets[0].Arn).toEqual({ Ref: b.stack.resolve((pipeline.alarmTopic.node.defaultChild as sns.CfnTopic).logicalId) });
    expect(JSON.stringify(rule.Targets[0].InputTransformer)).toMatch(/pipelineExecutionArn/);
  });

  test('no schedule, no data trigger, no VPC by default', () => {
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('AWS::SQS::Queue', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toHaveLength(1);
    expect(step(definition, 'Train').Arguments.VpcConfig).toBeUndefined();
  });

  test('an info annotation explains the volume of NVMe instance types', () => {
    Annotations.fromStack(b.stack).hasInfo('/Stack/Pipeline', Match.stringLikeRegexp('ml.g5.xlarge has NVMe instance storage'));
    Annotations.fromStack(b.stack).hasNoWarning('/Stack/Pipeline', Match.anyValue());
  });
});

describe('TrainingPipeline prop branches', () => {
  test('EBS-backed instance type: the training volume is encrypted with the key and no NVMe note', () => {
    const b = build({ instanceType: 'ml.p3.2xlarge' });
    expect(step(b.definition, 'Train').Arguments.ResourceConfig).toEqual({
      InstanceType: { Get: 'Parameters.TrainingInstanceType' },
      InstanceCount: { Get: 'Parameters.TrainingInstanceCount' },
      VolumeSizeInGB: 100,
      VolumeKmsKeyId: `\${${b.ids.key}.Arn}`,
    });
    expect(b.definition.Parameters[0].DefaultValue).toBe('ml.p3.2xlarge');
    Annotations.fromStack(b.stack).hasNoInfo('/Stack/Pipeline', Match.anyValue());
  });

  test('NVMe types for both jobs: no volume keys and no CreateGrant', () => {
    const b = build({ instanceType: 'ml.p4d.24xlarge', evaluationInstanceType: 'ml.g5.2xlarge' });
    expect(step(b.definition, 'Train').Arguments.ResourceConfig.VolumeKmsKeyId).toBeUndefined();
    expect(step(b.definition, 'Evaluate').Arguments.ProcessingResources.ClusterConfig).toEqual({ InstanceType: 'ml.g5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 30 });
    expect(roleStatements(b.template, b.ids.role).some((s) => s.Action.includes('kms:CreateGrant'))).toBe(false);
  });

  test('spot: managed spot with maxWait twice maxRuntime by default, checkpoints kept', () => {
    const b = build({ useSpot: true, maxRuntime: Duration.hours(3) });
    const args = step(b.definition, 'Train').Arguments;
    expect(args.EnableManagedSpotTraining).toBe(true);
    expect(args.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 10800, MaxWaitTimeInSeconds: 21600 });
    expect(args.CheckpointConfig.LocalPath).toBe('/opt/ml/checkpoints');
  });

  test('spot with an explicit maxWait', () => {
    const b = build({ useSpot: true, maxRuntime: Duration.hours(2), maxWait: Duration.hours(2) });
    expect(step(b.definition, 'Train').Arguments.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 7200, MaxWaitTimeInSeconds: 7200 });
  });

  test('maxWait without spot is ignored with a warning', () => {
    const b = build({ maxWait: Duration.hours(50) });
    expect(step(b.definition, 'Train').Arguments.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 86400 });
    Annotations.fromStack(b.stack).hasWarning('/Stack/Pipeline', Match.stringLikeRegexp('maxWait only applies with useSpot'));
  });

  test('distributed training: torch distributed hyperparameters, count parameter, user hyperparameters kept', () => {
    const b = build({ instanceCount: 4, instanceType: 'ml.p4d.24xlarge', hyperparameters: { epochs: '3', lr: '2e-5' } });
    const args = step(b.definition, 'Train').Arguments;
    expect(args.HyperParameters).toEqual({
      epochs: '3',
      lr: '2e-5',
      sagemaker_torch_distributed_enabled: 'true',
      sagemaker_instance_type: { 'Std:Join': { On: '', Values: ['"', { Get: 'Parameters.TrainingInstanceType' }, '"'] } },
    });
    expect(args.EnableInterContainerTrafficEncryption).toBe(true);
    expect(b.definition.Parameters[1]).toEqual({ Name: 'TrainingInstanceCount', Type: 'Integer', DefaultValue: 4 });
  });

  test('distribution hyperparameters the user set are not overridden', () => {
    const b = build({ instanceCount: 2, hyperparameters: { sagemaker_torch_distributed_enabled: 'false' } });
    expect(step(b.definition, 'Train').Arguments.HyperParameters.sagemaker_torch_distributed_enabled).toBe('false');
  });

  test('volume size, runtime, prefixes, report file and evaluation container settings', () => {
    const b = build({
      volumeSize: Size.gibibytes(250),
      maxRuntime: Duration.hours(5),
      trainingDataPrefix: 'sft/v2',
      evaluationDataPrefix: 'holdout/',
      evaluationReportFile: 'report.json',
      evaluationEntrypoint: ['python3', '/opt/program/evaluate.py'],
      evaluationArguments: ['--split', 'test'],
      evaluationEnvironment: { METRIC: 'accuracy' },
      evaluationMaxRuntime: Duration.minutes(30),
    });
    const train = step(b.definition, 'Train').Arguments;
    expect(train.ResourceConfig.VolumeSizeInGB).toBe(250);
    expect(train.StoppingCondition.MaxRuntimeInSeconds).toBe(18000);
    expect(b.definition.Parameters[2]).toEqual({ Name: 'InputPrefix', Type: 'String', DefaultValue: '' });
    expect(step(b.definition, 'Train').Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri['Std:Join'].Values[0]).toBe(`s3://\${${b.ids.curated}}/sft/v2/`);
    const ev = step(b.definition, 'Evaluate');
    expect(ev.Arguments.AppSpecification).toEqual({ ImageUri: EVAL, ContainerEntrypoint: ['python3', '/opt/program/evaluate.py'], ContainerArguments: ['--split', 'test'] });
    expect(ev.Arguments.Environment).toEqual({ METRIC: 'accuracy' });
    expect(ev.Arguments.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1800 });
    expect(ev.Arguments.ProcessingInputs[1].S3Input.S3Uri).toBe(`s3://\${${b.ids.curated}}/holdout/`);
    expect(ev.PropertyFiles[0].FilePath).toBe('report.json');
    const reads = roleStatements(b.template, b.ids.role).filter((s) => s.Action.includes('s3:GetObject')).map((s) => s.Resource[0]);
    expect(reads).toEqual(expect.arrayContaining([`\${${b.ids.curated}.Arn}/sft/v2/*`, `\${${b.ids.curated}.Arn}/holdout/*`]));
  });

  test('evaluation code from a prefix the role (and so the training job) can read but never write', () => {
    const b = build({ evaluationCodePrefix: 'evaluation-code' });
    expect(b.pipeline.evaluationCodePrefix).toBe('evaluation-code/');
    const inputs = step(b.definition, 'Evaluate').Arguments.ProcessingInputs;
    expect(inputs.map((i: any) => [i.InputName, i.S3Input.S3Uri, i.S3Input.LocalPath])).toEqual([
      ['model', { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }, '/opt/ml/processing/model'],
      ['test', `s3://\${${b.ids.curated}}/evaluation/`, '/opt/ml/processing/test'],
      ['code', `s3://\${${b.ids.artifacts}}/evaluation-code/`, '/opt/ml/processing/code'],
    ]);
    const statements = roleStatements(b.template, b.ids.role);
    const code = statements.filter((st) => st.Resource.some((r) => r.includes('/evaluation-code/')));
    expect(code).toEqual([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'], Resource: [`\${${b.ids.artifacts}.Arn}/evaluation-code/*`] }]);
    // Without it, no code input: the image's own code runs (never the model archive's, unless an entrypoint says so).
    expect(step(build().definition, 'Evaluate').Arguments.ProcessingInputs.map((i: any) => i.InputName)).toEqual(['model', 'test']);
  });

  test('feedback channel: FEEDBACK zone objects under the prefix, readable by the role', () => {
    const b = build({ feedbackPrefix: 'thumbs/' });
    const channels = step(b.definition, 'Train').Arguments.InputDataConfig;
    expect(channels.map((c: any) => [c.ChannelName, c.DataSource.S3DataSource.S3Uri])).toEqual([
      ['train', expect.anything()],
      ['feedback', `s3://\${${b.ids.feedback}}/thumbs/`],
    ]);
    expect(roleStatements(b.template, b.ids.role)).toContainEqual({
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'],
      Resource: [`\${${b.ids.feedback}.Arn}/thumbs/*`],
    });
  });

  test('approval status, comparison and a custom artifacts prefix', () => {
    const b = build({
      modelApprovalStatus: ModelApprovalStatus.APPROVED,
      qualityGate: { metricName: 'metrics.loss.value', threshold: 1.5, comparison: MetricComparison.LESS_THAN_OR_EQUAL_TO },
      artifactsPrefix: 'models/chat',
    });
    expect(step(b.definition, 'Register').Arguments.ModelApprovalStatus).toBe('Approved');
    expect(step(b.definition, 'QualityGate').Arguments.Conditions[0].RightValue).toBe(1.5);
    expect(step(b.definition, 'QualityGate').Arguments.Conditions[0].Type).toBe('LessThanOrEqualTo');
    expect(step(b.definition, 'QualityGate').Arguments.Conditions[0].LeftValue['Std:JsonGet'].Path).toBe('metrics.loss.value');
    expect(b.pipeline.artifactsPrefix).toBe('models/chat/');
    expect(step(b.definition, 'Train').Arguments.OutputDataConfig.S3OutputPath['Std:Join'].Values[0]).toBe(`s3://\${${b.ids.artifacts}}/models/chat/`);
  });

  test('images from ECR repositories (tag and digest) and a separate inference image: pulls scoped to each repository', () => {
    const b = build({}, (stack) => {
      const repo = new ecr.Repository(stack, 'Repo');
      const imported = ecr.Repository.fromRepositoryName(stack, 'Imported', 'serving');
      return {
        trainingImage: TrainingImage.fromEcrRepository(repo, 'v1'),
        evaluationImage: TrainingImage.fromEcrRepository(repo, 'sha256:' + 'b'.repeat(64)),
        inferenceImage: TrainingImage.fromEcrRepository(imported),
      };
    });
    const repoId = b.stack.resolve((b.stack.node.findChild('Repo').node.defaultChild as ecr.CfnRepository).logicalId);
    const train = step(b.definition, 'Train').Arguments.AlgorithmSpecification.TrainingImage;
    expect(train).toMatch(new RegExp(`/\\$\\{${repoId}\\}:v1$`));
    expect(step(b.definition, 'Evaluate').Arguments.AppSpecification.ImageUri).toMatch(/@sha256:b{64}$/);
    expect(step(b.definition, 'Register').Arguments.InferenceSpecification.Containers[0].Image).toMatch(/\/serving:latest$/);
    const pull = roleStatements(b.template, b.ids.role).find((s) => s.Sid === 'PullImages')!;
    expect(pull.Resource).toEqual([`\${${repoId}.Arn}`, `arn:${P}:ecr:${R}:${A}:repository/serving`]);
  });

  test('a custom key encrypts outputs and volumes (the artifacts bucket accepts it) and is granted to the role', () => {
    let keyId = '';
    const b = build({}, (stack) => {
      const key = new kms.Key(stack, 'JobKey');
      keyId = stack.resolve((key.node.defaultChild as kms.CfnKey).logicalId);
      return { encryptionKey: key };
    });
    expect(step(b.definition, 'Train').Arguments.OutputDataConfig.KmsKeyId).toBe(`\${${keyId}.Arn}`);
    expect(step(b.definition, 'Evaluate').Arguments.ProcessingResources.ClusterConfig.VolumeKmsKeyId).toBe(`\${${keyId}.Arn}`);
    b.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: b.ids.artifacts },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'DenyOtherKmsKeys', Condition: { StringNotLikeIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': [{ 'Fn::GetAtt': [b.ids.key, 'Arn'] }, { 'Fn::GetAtt': [keyId, 'Arn'] }] } } }),
        ]),
      },
    });
    expect(roleStatements(b.template, b.ids.role)).toContainEqual({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: [`\${${keyId}.Arn}`] });
  });

  test('an alarm topic of your own: no topic is created', () => {
    let topicId = '';
    const b = build({}, (stack) => {
      const topic = new sns.Topic(stack, 'OnCall');
      topicId = stack.resolve((topic.node.defaultChild as sns.CfnTopic).logicalId);
      return { alarmTopic: topic };
    });
    b.template.resourceCountIs('AWS::SNS::Topic', 1);
    b.template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: { Ref: topicId } })] });
    expect(b.pipeline.alarmTopic).toBe(b.stack.node.findChild('OnCall'));
  });

  test('removalPolicy DESTROY deletes the model package group', () => {
    const b = build({ removalPolicy: RemovalPolicy.DESTROY });
    b.template.hasResource('AWS::SageMaker::ModelPackageGroup', { DeletionPolicy: 'Delete' });
  });

  test('retrain schedule: a rule that starts the pipeline through a role allowed only to start it', () => {
    const b = build({ retrainSchedule: events.Schedule.cron({ weekDay: 'SUN', hour: '2', minute: '0' }) });
    const rules = b.template.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: 'cron(0 2 ? * SUN *)' } });
    expect(Object.keys(rules)).toHaveLength(1);
    const target = Object.values(rules)[0].Properties.Targets[0];
    expect(flattenIntrinsics(target.Arn)).toBe(`arn:${P}:sagemaker:${R}:${A}:pipeline/${b.pipeline.pipelineName}`);
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3 });
    const roleId = target.RoleArn['Fn::GetAtt'][0];
    b.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'events.amazonaws.com' } })] },
    });
    expect(roleStatements(b.template, roleId)).toEqual([
      { Effect: 'Allow', Action: ['sagemaker:StartPipelineExecution'], Resource: [`arn:${P}:sagemaker:${R}:${A}:pipeline/${b.pipeline.pipelineName}`] },
    ]);
  });

  test('data trigger: object-created events under the prefix are queued and drained on the debounce schedule', () => {
    const b = build({ dataTrigger: { zone: DataZone.FEEDBACK, prefix: 'new', debounce: Duration.hours(6) } });
    const t = b.template;
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: b.ids.feedback }] }, object: { key: [{ prefix: 'new/' }] } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('PipelineDataTriggerQueue'), 'Arn'] } })],
    });
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(6 hours)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('PipelineDataTriggerFunction'), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } })],
    });
    // Operational resources are off the data key: the queue (and the function) use the pipeline's operations key.
    const opsKey = Object.keys(t.findResources('AWS::KMS::Key')).find((id) => id.startsWith('PipelineOperationsKey'))!;
    expect(opsKey).toBeDefined();
    t.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [opsKey, 'Arn'] },
      MessageRetentionPeriod: 1209600,
      RedrivePolicy: { maxReceiveCount: 10, deadLetterTargetArn: Match.anyValue() },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 1,
      Environment: { Variables: Match.objectLike({ PIPELINE_NAME: b.pipeline.pipelineName, QUEUE_URL: { Ref: Match.stringLikeRegexp('PipelineDataTriggerQueue') } }) },
    });
    const fnRole = Object.keys(t.findResources('AWS::IAM::Role')).find((id) => id.startsWith('PipelineDataTriggerFunctionRole'))!;
    const statements = roleStatements(t, fnRole);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['sagemaker:ListPipelineExecutions', 'sagemaker:StartPipelineExecution'],
      Resource: [`arn:${P}:sagemaker:${R}:${A}:pipeline/${b.pipeline.pipelineName}`],
    });
    t.hasResourceProperties('AWS::Lambda::Function', { KmsKeyArn: { 'Fn::GetAtt': [opsKey, 'Arn'] }, Environment: { Variables: Match.objectLike({ PIPELINE_NAME: Match.anyValue() }) } });
    // EventBridge may encrypt messages for the queue with the operations key, only from rules of this
    // account and region: one statement per service, not a duplicate Sid; the lake key admits no service.
    const keys = t.findResources('AWS::KMS::Key');
    const keyPolicy = keys[opsKey].Properties.KeyPolicy.Statement as any[];
    expect(keyPolicy.filter((s) => s.Sid === 'AllowPublishEvents')).toEqual([
      {
        Sid: 'AllowPublishEvents',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':rule/*']] } },
        },
      },
    ]);
    expect(JSON.stringify(keys[b.ids.key].Properties.KeyPolicy)).not.toMatch(/events\.amazonaws\.com|AllowPublish/);
    expect(statements.find((s) => s.Action.includes('sqs:ReceiveMessage'))?.Action).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']),
    );
  });

  test('VPC: jobs get subnets and a security group that admits the other instances; ENI rights limited to the VPC', () => {
    let vpcId = '';
    const b = build({}, (stack) => {
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      vpcId = stack.resolve((vpc.node.defaultChild as ec2.CfnVPC).logicalId);
      return { vpc };
    });
    const vpcConfig = step(b.definition, 'Train').Arguments.VpcConfig;
    expect(vpcConfig.Subnets).toHaveLength(2);
    expect(vpcConfig.SecurityGroupIds).toEqual([expect.stringMatching(/^\$\{PipelineSecurityGroup.*\.GroupId\}$/)]);
    expect(step(b.definition, 'Evaluate').Arguments.NetworkConfig.VpcConfig).toEqual(vpcConfig);
    b.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: '-1', SourceSecurityGroupId: Match.anyValue() });
    const statements = roleStatements(b.template, b.ids.role);
    expect(statements.find((s) => s.Sid === 'VpcDescribe')).toEqual({
      Sid: 'VpcDescribe',
      Effect: 'Allow',
      Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
      Resource: ['*'],
    });
    const eni = statements.find((s) => s.Sid === 'VpcNetworkInterfaces')!;
    expect(eni.Action).toEqual(['ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission']);
    expect(eni.Resource[0]).toBe(`arn:${P}:ec2:${R}:${A}:network-interface/*`);
    expect(eni.Resource).toHaveLength(4); // ENIs, 2 subnets, 1 security group
    expect(eni.Condition).toEqual({ ArnEquals: { 'ec2:Vpc': `arn:${P}:ec2:${R}:${A}:vpc/\${${vpcId}}` } });
  });

  test('VPC with security groups of your own', () => {
    const b = build({}, (stack) => {
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      return { vpc, securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345678')] };
    });
    expect(step(b.definition, 'Train').Arguments.VpcConfig.SecurityGroupIds).toEqual(['sg-12345678']);
    b.template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  });

  test('grantStartExecution: exactly StartPipelineExecution on this pipeline', () => {
    const stack = new Stack(new App(), 'Stack');
    const pipeline = new TrainingPipeline(stack, 'Pipeline', {
      dataLake: new SecureDataLake(stack, 'Lake'),
      trainingImage: TrainingImage.fromImageUri(DLC),
      evaluationImage: TrainingImage.fromImageUri(DLC),
      qualityGate: { metricName: 'accuracy', threshold: 0.5 },
    });
    const user = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = pipeline.grantStartExecution(user);
    expect(grant.success).toBe(true);
    const roleId = stack.resolve((user.node.defaultChild as iam.CfnRole).logicalId);
    expect(roleStatements(Template.fromStack(stack), roleId)).toEqual([
      { Effect: 'Allow', Action: ['sagemaker:StartPipelineExecution'], Resource: [`arn:${P}:sagemaker:${R}:${A}:pipeline/${pipeline.pipelineName}`] },
    ]);
  });

  test('works with an imported lake that has the zones it needs', () => {
    const stack = new Stack(new App(), 'Imported');
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:111122223333:key/abcd');
    const lake: ISecureDataLake = SecureDataLake.fromDataLakeAttributes(stack, 'Lake', {
      encryptionKey: key,
      curatedBucket: s3.Bucket.fromBucketName(stack, 'Curated', 'curated-bucket'),
      modelArtifactsBucket: s3.Bucket.fromBucketName(stack, 'Artifacts', 'artifacts-bucket'),
    });
    const pipeline = new TrainingPipeline(stack, 'Pipeline', {
      dataLake: lake,
      trainingImage: TrainingImage.fromImageUri(DLC),
      evaluationImage: TrainingImage.fromImageUri(DLC),
      qualityGate: { metricName: 'accuracy', threshold: 1 },
    });
    const def = pipelineDefinition(Template.fromStack(stack));
    expect(step(def, 'Train').Arguments.OutputDataConfig.KmsKeyId).toBe('arn:aws:kms:eu-west-1:111122223333:key/abcd');
    expect(step(def, 'Evaluate').Arguments.ProcessingInputs[1].S3Input.S3Uri).toBe('s3://curated-bucket/evaluation/');
    expect(pipeline.role).toBeDefined();
  });
});

describe('TrainingPipeline validation', () => {
  const expectError = (props: Partial<TrainingPipelineProps>, pattern: RegExp) => expect(() => build(props)).toThrow(pattern);

  test('evaluation code where the training job can write it (inside artifactsPrefix)', () => {
    expectError(
      { artifactsPrefix: 'models/', evaluationCodePrefix: 'models/eval-code/' },
      /Stack\/Pipeline: invalid evaluationCodePrefix: got "models\/eval-code\/"; allowed: a prefix outside artifactsPrefix \(models\/\), which the training job can write: the code that grades a model must not be writable by its training/,
    );
    expectError({ evaluationCodePrefix: 's3://bucket/code' }, /Stack\/Pipeline: invalid evaluationCodePrefix: got "s3:\/\/bucket\/code"/);
  });

  test('non-GPU instance types', () => {
    expectError({ instanceType: 'ml.m5.xlarge' }, /Stack\/Pipeline: invalid instanceType: got "ml.m5.xlarge"; allowed: an accelerated training type .*g4dn, g5, g6, g6e, p3, .*trn2/);
    expectError({ instanceType: 'ml.inf2.xlarge' }, /invalid instanceType: got "ml.inf2.xlarge"/);
    expectError({ instanceType: 'g5.xlarge' }, /invalid instanceType: got "g5.xlarge"/);
  });

  test('instance sizes and families SageMaker does not offer for training or processing', () => {
    expectError({ instanceType: 'ml.g5.huge' }, /Stack\/Pipeline: invalid instanceType: got "ml.g5.huge"; allowed: a size SageMaker offers for ml.g5 training jobs: ml.g5.xlarge, .*ml.g5.48xlarge \(no huge\); or set allowUnlistedInstanceType: true/);
    expectError({ instanceType: 'ml.p5.24xlarge' }, /invalid instanceType: got "ml.p5.24xlarge"; allowed: a size SageMaker offers for ml.p5 training jobs: ml.p5.4xlarge, ml.p5.48xlarge/);
    expectError({ instanceType: 'ml.g7.2xlarge' }, /invalid instanceType: got "ml.g7.2xlarge"; allowed: an accelerated training type .*or, for a type newer than this library's instance tables, set allowUnlistedInstanceType: true/);
    expectError({ evaluationInstanceType: 'ml.m5.huge' }, /Stack\/Pipeline: invalid evaluationInstanceType: got "ml.m5.huge"; allowed: a size SageMaker offers for ml.m5 processing jobs/);
    expectError({ evaluationInstanceType: 'ml.p4d.24xlarge' }, /invalid evaluationInstanceType: got "ml.p4d.24xlarge"; allowed: an instance type of a family SageMaker offers for processing jobs/);
  });

  test('allowUnlistedInstanceType: a newer type is noted and used as given; a known CPU family still fails', () => {
    const b = build({ instanceType: 'ml.g7.2xlarge', evaluationInstanceType: 'ml.m5.96xlarge', allowUnlistedInstanceType: true });
    expect(b.definition.Parameters).toEqual(expect.arrayContaining([{ Name: 'TrainingInstanceType', Type: 'String', DefaultValue: 'ml.g7.2xlarge' }]));
    expect(step(b.definition, 'Evaluate').Arguments.ProcessingResources.ClusterConfig.InstanceType).toBe('ml.m5.96xlarge');
    const annotations = Annotations.fromStack(b.stack);
    annotations.hasInfo('/Stack/Pipeline', Match.stringLikeRegexp('^instanceType ml.g7.2xlarge is not in this library.s instance tables'));
    annotations.hasInfo('/Stack/Pipeline', Match.stringLikeRegexp('^evaluationInstanceType ml.m5.96xlarge is not in this library.s instance tables'));
    expect(annotations.findWarning('/Stack/Pipeline', Match.anyValue())).toEqual([]);
    expectError({ instanceType: 'ml.m5.xlarge', allowUnlistedInstanceType: true }, /invalid instanceType: got "ml.m5.xlarge"; allowed: an accelerated training type/);
  });

  test('NVIDIA Blackwell families SageMaker offers for training are accepted', () => {
    expect(() => build({ instanceType: 'ml.p6-b200.48xlarge' })).not.toThrow();
  });

  test('pipeline and model package group names', () => {
    expectError({ pipelineName: 'Fine_Tune' }, /Stack\/Pipeline: invalid pipelineName: got "Fine_Tune"; allowed: lower-case letters, digits and hyphens, starting and ending with a letter or digit, 1 to 256 characters/);
    expectError({ pipelineName: 'a'.repeat(257) }, /invalid pipelineName: got "a{257}"/);
    expectError({ modelPackageGroupName: 'Team-LLM' }, /Stack\/Pipeline: invalid modelPackageGroupName: got "Team-LLM"; allowed: lower-case letters, digits and hyphens, starting and ending with a letter or digit, 1 to 63 characters/);
    expectError({ modelPackageGroupName: `llm-${'a'.repeat(60)}` }, /invalid modelPackageGroupName: got "llm-a{60}"/);
    expectError({ modelPackageGroupName: '-llm' }, /invalid modelPackageGroupName: got "-llm"/);
  });

  test('instanceCount below 1 or not an integer', () => {
    expectError({ instanceCount: 0 }, /Stack\/Pipeline: invalid instanceCount: got 0; allowed: an integer from 1 to 100/);
    expectError({ instanceCount: 1.5 }, /invalid instanceCount: got 1.5/);
  });

  test('maxWait below maxRuntime with spot', () => {
    expectError(
      { useSpot: true, maxRuntime: Duration.hours(4), maxWait: Duration.hours(1) },
      /Stack\/Pipeline: invalid maxWait: got "1 hour"; allowed: with useSpot, at least maxRuntime \(4 hours\)/,
    );
  });

  test('a metric threshold that is not a number', () => {
    expectError({ qualityGate: { metricName: 'm', threshold: Number.NaN } }, /Stack\/Pipeline: invalid qualityGate.threshold: got NaN; allowed: a finite number/);
    expectError({ qualityGate: { metricName: 'm', threshold: '0.8' as any } }, /invalid qualityGate.threshold: got "0.8"; allowed: a finite number/);
    expectError({ qualityGate: { metricName: 'm', threshold: Infinity } }, /invalid qualityGate.threshold: got Infinity/);
  });

  test('an invalid schedule expression', () => {
    expectError({ retrainSchedule: events.Schedule.expression('every sunday') }, /Stack\/Pipeline: invalid retrainSchedule: got "every sunday"; allowed: an EventBridge schedule: rate/);
    expectError({ retrainSchedule: events.Schedule.expression('cron(0 2 * *)') }, /invalid retrainSchedule: got "cron\(0 2 \* \*\)"/);
    expectError({ retrainSchedule: events.Schedule.expression('rate(1 days)') }, /invalid retrainSchedule: got "rate\(1 days\)"/);
  });

  test('a container image that is neither an ECR repository nor an image URI', () => {
    expectError({ trainingImage: 'pytorch:latest' as any }, /Stack\/Pipeline: invalid trainingImage: got "pytorch:latest"; allowed: TrainingImage.fromEcrRepository\(repository, tag\) or TrainingImage.fromImageUri\(uri\)/);
    expectError({ evaluationImage: undefined as any }, /invalid evaluationImage: got undefined/);
    expectError({ trainingImage: TrainingImage.fromImageUri('docker.io/library/pytorch:latest') }, /invalid trainingImage: got "docker.io\/library\/pytorch:latest"; allowed: an ECR image URI/);
    expectError({ trainingImage: TrainingImage.fromImageUri('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training') }, /invalid trainingImage/);
    expectError({ inferenceImage: TrainingImage.fromImageUri('not a uri') }, /invalid inferenceImage: got "not a uri"/);
  });

  test('AWS Deep Learning Container URIs (commercial and China partitions) are accepted', () => {
    expect(() => build({ trainingImage: TrainingImage.fromImageUri('763104351884.dkr.ecr.eu-central-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04') })).not.toThrow();
    expect(() => build({ trainingImage: TrainingImage.fromImageUri('727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/pytorch-training:2.3.0-gpu') })).not.toThrow();
  });

  test('a region-agnostic DLC URI (region and URL suffix tokens) is accepted and the pull is scoped to its repository', () => {
    const uri = `763104351884.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/pytorch-training:2.3.0-gpu`;
    const b = build({ trainingImage: TrainingImage.fromImageUri(uri) });
    expect(step(b.definition, 'Train').Arguments.AlgorithmSpecification.TrainingImage).toBe(`763104351884.dkr.ecr.${R}.\${AWS::URLSuffix}/pytorch-training:2.3.0-gpu`);
    const pull = roleStatements(b.template, b.ids.role).find((s) => s.Sid === 'PullImages')!;
    expect(pull.Resource[0]).toBe(`arn:${P}:ecr:${R}:763104351884:repository/pytorch-training`);
  });

  test('a token in the repository or tag is rejected', () => {
    const stack = new Stack(new App(), 'Stack');
    const repoName = new CfnParameter(stack, 'Repo').valueAsString;
    expect(
      () =>
        new TrainingPipeline(stack, 'Pipeline', {
          dataLake: new SecureDataLake(stack, 'Lake'),
          trainingImage: TrainingImage.fromImageUri(`763104351884.dkr.ecr.us-east-1.amazonaws.com/${repoName}:latest`),
          evaluationImage: TrainingImage.fromImageUri(DLC),
          qualityGate: { metricName: 'm', threshold: 1 },
        }),
    ).toThrow(/invalid trainingImage: .*only the account, region and URL suffix may be tokens/);
  });

  test('quality gate metric name, comparison and approval status', () => {
    expectError({ qualityGate: { metricName: 'metrics..acc', threshold: 1 } }, /invalid qualityGate.metricName: got "metrics..acc"/);
    expectError({ qualityGate: { metricName: 'm', threshold: 1, comparison: 'Bigger' as any } }, /invalid qualityGate.comparison: got "Bigger"/);
    expectError({ qualityGate: undefined as any }, /invalid qualityGate: got undefined/);
    expectError({ modelApprovalStatus: 'Rejected' as any }, /invalid modelApprovalStatus: got "Rejected"/);
  });

  test('prefixes, report file and evaluation instance type', () => {
    expectError({ trainingDataPrefix: '/training' }, /invalid trainingDataPrefix: got "\/training"; allowed: a key prefix/);
    expectError({ evaluationDataPrefix: 's3://bucket/eval' }, /invalid evaluationDataPrefix/);
    expectError({ feedbackPrefix: 'a*' }, /invalid feedbackPrefix/);
    expectError({ evaluationReportFile: 'report.txt' }, /invalid evaluationReportFile: got "report.txt"/);
    expectError({ evaluationInstanceType: 'm5.large' }, /invalid evaluationInstanceType: got "m5.large"/);
  });

  test('volume size and runtimes', () => {
    expectError({ volumeSize: Size.gibibytes(0) }, /invalid volumeSize: got "0 GiB"/);
    expectError({ volumeSize: Size.mebibytes(1500) }, /invalid volumeSize/);
    expectError({ maxRuntime: Duration.days(29) }, /invalid maxRuntime: got "29 days"/);
    expectError({ maxRuntime: Duration.millis(1500) }, /invalid maxRuntime/);
  });

  test('hyperparameters', () => {
    const many: { [k: string]: string } = {};
    for (let i = 0; i < 101; i++) many[`p${i}`] = '1';
    expectError({ hyperparameters: many }, /invalid hyperparameters: got "101 entries"; allowed: at most 100/);
    expectError({ hyperparameters: { lr: 0.1 as any } }, /invalid hyperparameters.lr: got 0.1/);
  });

  test('data trigger zone, prefix and debounce', () => {
    expectError({ dataTrigger: { zone: DataZone.RAW, prefix: 'x/' } }, /invalid dataTrigger.zone: got "raw"; allowed: DataZone.CURATED or DataZone.FEEDBACK/);
    expectError({ dataTrigger: { zone: DataZone.CURATED, prefix: '' } }, /invalid dataTrigger.prefix: got ""/);
    expectError({ dataTrigger: { zone: DataZone.CURATED, prefix: 'x/', debounce: Duration.seconds(30) } }, /invalid dataTrigger.debounce: got "30 seconds"; allowed: a whole number of minutes from 1 minute to 7 days/);
    expectError({ dataTrigger: { zone: DataZone.CURATED, prefix: 'x/', debounce: Duration.days(8) } }, /invalid dataTrigger.debounce/);
  });

  test('a lake without the zones the pipeline uses', () => {
    const stack = new Stack(new App(), 'Stack');
    const lake = new SecureDataLake(stack, 'Lake', { zones: [DataZone.CURATED, DataZone.RAW] });
    expect(
      () =>
        new TrainingPipeline(stack, 'Pipeline', {
          dataLake: lake,
          trainingImage: TrainingImage.fromImageUri(DLC),
          evaluationImage: TrainingImage.fromImageUri(DLC),
          qualityGate: { metricName: 'm', threshold: 1 },
        }),
    ).toThrow(/Stack\/Pipeline: invalid dataLake: got "a lake without model-artifacts"/);
  });
});

describe('TrainingPipeline physical names, import and metrics', () => {
  test('pipelineName and modelPackageGroupName name the resources, the ARNs, the role\'s permissions and the artifacts prefix', () => {
    const b = build({ pipelineName: 'acme-llm-finetune', modelPackageGroupName: 'acme-llm' });
    const { pipeline, template, stack } = b;
    template.hasResourceProperties('AWS::SageMaker::Pipeline', { PipelineName: 'acme-llm-finetune' });
    template.hasResourceProperties('AWS::SageMaker::ModelPackageGroup', { ModelPackageGroupName: 'acme-llm' });
    expect(flattenIntrinsics(stack.resolve(pipeline.pipelineArn))).toBe(`arn:${P}:sagemaker:${R}:${A}:pipeline/acme-llm-finetune`);
    expect(flattenIntrinsics(stack.resolve(pipeline.modelPackageGroupArn))).toBe(`arn:${P}:sagemaker:${R}:${A}:model-package-group/acme-llm`);
    expect(pipeline.artifactsPrefix).toBe('pipelines/acme-llm-finetune/');
    const register = roleStatements(template, b.ids.role).find((st) => st.Sid === 'ModelPackageVersions')!;
    expect(register.Resource).toEqual([`arn:${P}:sagemaker:${R}:${A}:model-package/acme-llm/*`]);
    expect(JSON.stringify(step(b.definition, 'Register'))).toContain('"ModelPackageGroupName":"acme-llm"');
  });

  test('a pipeline name of 256 characters keeps the data trigger function\'s description within Lambda\'s 256', () => {
    const name = `p${'-a'.repeat(127)}b`;
    expect(name).toHaveLength(256);
    const { template } = build({ pipelineName: name, dataTrigger: { zone: DataZone.CURATED, prefix: 'training/' } });
    template.hasResourceProperties('AWS::SageMaker::Pipeline', { PipelineName: name });
    const descriptions = Object.values(template.findResources('AWS::Lambda::Function')).map((f: any) => f.Properties.Description as string);
    expect(descriptions).toContain('Starts the training pipeline at most once per debounce window when new data arrived');
    expect(descriptions.every((d) => d.length <= 256)).toBe(true);
  });

  test('metrics: SageMaker Pipelines execution metrics with the PipelineName dimension', () => {
    const { pipeline } = build({ pipelineName: 'acme-llm-finetune' });
    const dimensions = { PipelineName: 'acme-llm-finetune' };
    const namespace = 'AWS/Sagemaker/ModelBuildingPipeline';
    for (const [metric, name] of [
      [pipeline.metricExecutionStarted(), 'ExecutionStarted'],
      [pipeline.metricExecutionSucceeded(), 'ExecutionSucceeded'],
      [pipeline.metricExecutionFailed(), 'ExecutionFailed'],
      [pipeline.metricExecutionStopped(), 'ExecutionStopped'],
    ] as const) {
      expect(metric).toMatchObject({ namespace, metricName: name, statistic: 'Sum', dimensions });
      expect(metric.period.toSeconds()).toBe(300);
    }
    expect(pipeline.metricExecutionDuration()).toMatchObject({ namespace, metricName: 'ExecutionDuration', statistic: 'Average', dimensions });
    expect(pipeline.metricExecutionDuration({ statistic: 'p90', period: Duration.hours(1) })).toMatchObject({ statistic: 'p90', dimensions });
    expect(pipeline.metric('StepFailed', { dimensionsMap: { PipelineName: 'acme-llm-finetune', StepName: 'Train' } }).dimensions).toEqual({ PipelineName: 'acme-llm-finetune', StepName: 'Train' });
    expect(pipeline.metricExecutionFailed().unit).toBeUndefined();
  });

  test('fromPipelineAttributes: ARN (lower case, as SageMaker writes it), registry, grant and metrics of an existing pipeline', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'eu-west-1' } });
    const imported = TrainingPipeline.fromPipelineAttributes(stack, 'Existing', { pipelineName: 'TeamFineTune', modelPackageGroupName: 'TeamLlm' });
    expect(imported.pipelineName).toBe('TeamFineTune');
    expect(flattenIntrinsics(stack.resolve(imported.pipelineArn))).toBe(`arn:${P}:sagemaker:eu-west-1:111122223333:pipeline/teamfinetune`);
    expect(imported.modelPackageGroupName).toBe('TeamLlm');
    expect(flattenIntrinsics(stack.resolve(imported.modelPackageGroupArn))).toBe(`arn:${P}:sagemaker:eu-west-1:111122223333:model-package-group/teamllm`);
    expect(imported.metricExecutionFailed().dimensions).toEqual({ PipelineName: 'TeamFineTune' });
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    imported.grantStartExecution(operator);
    const roleId = stack.resolve((operator.node.defaultChild as iam.CfnRole).logicalId);
    expect(roleStatements(Template.fromStack(stack), roleId)).toEqual([
      { Effect: 'Allow', Action: ['sagemaker:StartPipelineExecution'], Resource: [`arn:${P}:sagemaker:eu-west-1:111122223333:pipeline/teamfinetune`] },
    ]);
  });

  test('fromPipelineName: the registry is unknown and says how to import it; bad names fail', () => {
    const stack = new Stack(new App(), 'Stack');
    const imported = TrainingPipeline.fromPipelineName(stack, 'ByName', 'fine-tune');
    expect(imported.metricExecutionStarted().dimensions).toEqual({ PipelineName: 'fine-tune' });
    expect(() => imported.modelPackageGroupName).toThrow(
      /^Stack\/ByName: invalid modelPackageGroupName: got undefined; allowed: a pipeline imported with TrainingPipeline.fromPipelineAttributes\(scope, id, \{ pipelineName, modelPackageGroupName \}\)/,
    );
    expect(() => imported.modelPackageGroupArn).toThrow(/invalid modelPackageGroupName/);
    expect(() => TrainingPipeline.fromPipelineName(stack, 'Bad', 'fine_tune')).toThrow(/^Stack: invalid pipelineName: got "fine_tune"; allowed: a SageMaker pipeline name/);
    expect(() => TrainingPipeline.fromPipelineAttributes(stack, 'BadGroup', { pipelineName: 'p', modelPackageGroupName: 'my group' })).toThrow(/invalid modelPackageGroupName: got "my group"/);
  });
});
