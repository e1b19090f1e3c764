import { CfnParameter, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { genAIFindings, newStack, ruleFindings } from './helpers';

const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/abc';
const ROLE = 'arn:aws:iam::123456789012:role/pipeline';

/** The arguments of a compliant training step (CreateTrainingJob request shape); `extra` overrides. */
function trainingArgs(extra: Record<string, any> = {}, resource: Record<string, any> = {}): Record<string, any> {
  return {
    AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
    RoleArn: ROLE,
    OutputDataConfig: { S3OutputPath: 's3://artifacts/model', KmsKeyId: KEY },
    ResourceConfig: { InstanceType: 'ml.p3.2xlarge', InstanceCount: 2, VolumeSizeInGB: 50, VolumeKmsKeyId: KEY, ...resource },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    EnableNetworkIsolation: true,
    EnableInterContainerTrafficEncryption: true,
    ...extra,
  };
}

/** The arguments of a compliant processing step (CreateProcessingJob request shape). */
function processingArgs(extra: Record<string, any> = {}, cluster: Record<string, any> = {}): Record<string, any> {
  return {
    AppSpecification: { ImageUri: IMAGE },
    RoleArn: ROLE,
    ProcessingOutputConfig: { Outputs: [{ OutputName: 'report', S3Output: { S3Uri: 's3://a/b', LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' } }], KmsKeyId: KEY },
    ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30, VolumeKmsKeyId: KEY, ...cluster } },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true },
    ...extra,
  };
}

function definition(steps: any[], parameters: any[] = []) {
  return { Version: '2020-12-01', Metadata: {}, Parameters: parameters, Steps: steps };
}

/** A pipeline whose definition body is `Stack.toJsonString(definition)` (an Fn::Join when it holds tokens). */
function pipeline(stack: Stack, def: any, id = 'Pipeline'): sagemaker.CfnPipeline {
  return new sagemaker.CfnPipeline(stack, id, {
    pipelineName: 'p',
    roleArn: ROLE,
    pipelineDefinition: { PipelineDefinitionBody: stack.toJsonString(def) },
  });
}

const JOB_RULES = ['SageMakerJobNetworkIsolation', 'SageMakerJobInterContainerEncryption', 'SageMakerJobOutputKMSKey', 'SageMakerJobVolumeKMSKey'];

function jobFindings(stack: Stack): string[] {
  return genAIFindings(stack).filter((f) => JOB_RULES.some((r) => f.startsWith(`GenAI-${r}`)));
}

describe('jobs in SageMaker pipeline definitions', () => {
  test('compliant training and processing steps (literal definition): no findings', () => {
    const stack = newStack();
    pipeline(stack, definition([
      { Name: 'Train', Type: 'Training', Arguments: trainingArgs() },
      { Name: 'Evaluate', Type: 'Processing', Arguments: processingArgs() },
    ]));
    expect(jobFindings(stack)).toEqual([]);
  });

  test('compliant steps whose keys and role are tokens (Fn::Join body): no findings', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const p = pipeline(stack, definition([
      { Name: 'Train', Type: 'Training', Arguments: trainingArgs({ RoleArn: role.roleArn, OutputDataConfig: { S3OutputPath: 's3://a', KmsKeyId: key.keyArn } }, { VolumeKmsKeyId: key.keyArn }) },
    ]));
    expect(JSON.stringify(stack.resolve(p.pipelineDefinition))).toContain('Fn::Join');
    expect(jobFindings(stack)).toEqual([]);
  });

  test('a training step without isolation, encryption and keys: one granular finding per rule', () => {
    const stack = newStack();
    const args = trainingArgs({ EnableNetworkIsolation: false, EnableInterContainerTrafficEncryption: false, OutputDataConfig: { S3OutputPath: 's3://a' } });
    delete args.ResourceConfig.VolumeKmsKeyId;
    pipeline(stack, definition([{ Name: 'Train', Type: 'Training', Arguments: args }]));
    expect(jobFindings(stack)).toEqual([
      'GenAI-SageMakerJobInterContainerEncryption[Step::Train] @ S/Pipeline',
      'GenAI-SageMakerJobNetworkIsolation[Step::Train] @ S/Pipeline',
      'GenAI-SageMakerJobOutputKMSKey[Step::Train] @ S/Pipeline',
      'GenAI-SageMakerJobVolumeKMSKey[Step::Train] @ S/Pipeline',
    ]);
  });

  test('a processing step nested in a condition is checked', () => {
    const stack = newStack();
    pipeline(stack, definition([
      {
        Name: 'Gate',
        Type: 'Condition',
        Arguments: { Conditions: [], IfSteps: [{ Name: 'Report', Type: 'Processing', Arguments: processingArgs({ NetworkConfig: {} }) }], ElseSteps: [] },
      },
    ]));
    expect(jobFindings(stack)).toEqual(['GenAI-SageMakerJobNetworkIsolation[Step::Report] @ S/Pipeline']);
  });

  test('a tuning step is checked through its training job definition', () => {
    const stack = newStack();
    const d = trainingArgs({ EnableNetworkIsolation: undefined });
    pipeline(stack, definition([{ Name: 'Tune', Type: 'Tuning', Arguments: { HyperParameterTuningJobConfig: {}, TrainingJobDefinition: d } }]));
    expect(jobFindings(stack)).toEqual(['GenAI-SageMakerJobNetworkIsolation[Step::Tune] @ S/Pipeline']);
  });

  test('inter-container encryption is not needed for a literal single instance', () => {
    const stack = newStack();
    pipeline(stack, definition([{ Name: 'Train', Type: 'Training', Arguments: trainingArgs({ EnableInterContainerTrafficEncryption: false }, { InstanceCount: 1 }) }]));
    expect(ruleFindings(stack, 'SageMakerJobInterContainerEncryption')).toEqual([]);
  });

  test('an instance count given as a pipeline parameter needs encryption even when its default is 1', () => {
    const stack = newStack();
    pipeline(stack, definition(
      [{ Name: 'Train', Type: 'Training', Arguments: trainingArgs({ EnableInterContainerTrafficEncryption: false }, { InstanceCount: { Get: 'Parameters.Count' } }) }],
      [{ Name: 'Count', Type: 'Integer', DefaultValue: 1 }],
    ));
    expect(ruleFindings(stack, 'SageMakerJobInterContainerEncryption')).toEqual(['GenAI-SageMakerJobInterContainerEncryption[Step::Train] @ S/Pipeline']);
  });

  test('heterogeneous instance groups count together', () => {
    const stack = newStack();
    const args = trainingArgs({ EnableInterContainerTrafficEncryption: false });
    args.ResourceConfig = { InstanceGroups: [{ InstanceGroupName: 'a', InstanceType: 'ml.p3.2xlarge', InstanceCount: 1 }, { InstanceGroupName: 'b', InstanceType: 'ml.p3.2xlarge', InstanceCount: 1 }], VolumeSizeInGB: 50, VolumeKmsKeyId: KEY };
    pipeline(stack, definition([{ Name: 'Train', Type: 'Training', Arguments: args }]));
    expect(ruleFindings(stack, 'SageMakerJobInterContainerEncryption')).toEqual(['GenAI-SageMakerJobInterContainerEncryption[Step::Train] @ S/Pipeline']);
  });

  test('no volume key on an NVMe instance type (literal or parameter default) is allowed', () => {
    const stack = newStack();
    const literal = trainingArgs({}, { InstanceType: 'ml.g5.12xlarge' });
    delete literal.ResourceConfig.VolumeKmsKeyId;
    const parameter = trainingArgs({}, { InstanceType: { Get: 'Parameters.Type' } });
    delete parameter.ResourceConfig.VolumeKmsKeyId;
    pipeline(stack, definition(
      [
        { Name: 'A', Type: 'Training', Arguments: literal },
        { Name: 'B', Type: 'Training', Arguments: parameter },
      ],
      [{ Name: 'Type', Type: 'String', DefaultValue: 'ml.p4d.24xlarge' }],
    ));
    expect(ruleFindings(stack, 'SageMakerJobVolumeKMSKey')).toEqual([]);
  });

  test('no volume key on an EBS-backed parameter default is a finding', () => {
    const stack = newStack();
    const parameter = trainingArgs({}, { InstanceType: { Get: 'Parameters.Type' } });
    delete parameter.ResourceConfig.VolumeKmsKeyId;
    pipeline(stack, definition([{ Name: 'B', Type: 'Training', Arguments: parameter }], [{ Name: 'Type', Type: 'String', DefaultValue: 'ml.p3.2xlarge' }]));
    expect(ruleFindings(stack, 'SageMakerJobVolumeKMSKey')).toEqual(['GenAI-SageMakerJobVolumeKMSKey[Step::B] @ S/Pipeline']);
  });

  test('a definition written as an Fn::Sub template is parsed (placeholders in string and number positions)', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const count = new CfnParameter(stack, 'Count', { type: 'Number' });
    const body = JSON.stringify(
      definition([{ Name: 'Train', Type: 'Training', Arguments: trainingArgs({ EnableInterContainerTrafficEncryption: false, OutputDataConfig: { S3OutputPath: 's3://a', KmsKeyId: '${KeyArn}' } }, { InstanceCount: 999 }) }]),
    ).replace('999', '${Count}');
    new sagemaker.CfnPipeline(stack, 'Pipeline', {
      pipelineName: 'p',
      roleArn: ROLE,
      pipelineDefinition: { PipelineDefinitionBody: Fn.sub(body, { KeyArn: key.keyArn, Count: count.valueAsString }) },
    });
    // The key placeholder counts as a key; the count is only known at deploy time, so encryption is required.
    expect(jobFindings(stack)).toEqual(['GenAI-SageMakerJobInterContainerEncryption[Step::Train] @ S/Pipeline']);
  });

  test('a definition body that is not JSON is reported (the rule cannot vouch for it)', () => {
    const stack = newStack();
    new sagemaker.CfnPipeline(stack, 'Pipeline', { pipelineName: 'p', roleArn: ROLE, pipelineDefinition: { PipelineDefinitionBody: '{not json' } });
    expect(ruleFindings(stack, 'SageMakerJobNetworkIsolation')).toEqual(['GenAI-SageMakerJobNetworkIsolation @ S/Pipeline']);
  });

  test('a definition in S3 cannot be inspected: not applicable', () => {
    const stack = newStack();
    new sagemaker.CfnPipeline(stack, 'Pipeline', {
      pipelineName: 'p',
      roleArn: ROLE,
      pipelineDefinition: { PipelineDefinitionS3Location: { Bucket: 'b', Key: 'k' } },
    });
    expect(jobFindings(stack)).toEqual([]);
  });

  test('an override of the definition body is seen', () => {
    const stack = newStack();
    const p = pipeline(stack, definition([{ Name: 'Train', Type: 'Training', Arguments: trainingArgs() }]));
    p.addPropertyOverride('PipelineDefinition.PipelineDefinitionBody', JSON.stringify(definition([{ Name: 'Train', Type: 'Training', Arguments: trainingArgs({ EnableNetworkIsolation: false }) }])));
    expect(jobFindings(stack)).toEqual(['GenAI-SageMakerJobNetworkIsolation[Step::Train] @ S/Pipeline']);
  });

  test('findings are acknowledged per step', () => {
    const stack = newStack();
    const p = pipeline(stack, definition([
      { Name: 'A', Type: 'Training', Arguments: trainingArgs({ EnableNetworkIsolation: false }) },
      { Name: 'B', Type: 'Training', Arguments: trainingArgs({ EnableNetworkIsolation: false }) },
    ]));
    Validations.of(p).acknowledge({ id: 'GenAI-SageMakerJobNetworkIsolation[Step::A]', reason: 'A needs pip at run time' });
    expect(jobFindings(stack)).toEqual(['GenAI-SageMakerJobNetworkIsolation[Step::B] @ S/Pipeline']);
  });
});

/** A compliant data-quality job definition; `patch` edits its props. */
function dataQuality(stack: Stack, patch: (p: any) => void = () => {}): sagemaker.CfnDataQualityJobDefinition {
  const props: any = {
    roleArn: ROLE,
    dataQualityAppSpecification: { imageUri: IMAGE },
    dataQualityJobInput: { endpointInput: { endpointName: 'e', localPath: '/opt/ml/processing/input' } },
    dataQualityJobOutputConfig: { kmsKeyId: KEY, monitoringOutputs: [{ s3Output: { localPath: '/opt/ml/processing/output', s3Uri: 's3://a/b' } }] },
    jobResources: { clusterConfig: { instanceCount: 1, instanceType: 'ml.m5.xlarge', volumeSizeInGb: 20, volumeKmsKeyId: KEY } },
    networkConfig: { enableNetworkIsolation: true, enableInterContainerTrafficEncryption: true },
  };
  patch(props);
  return new sagemaker.CfnDataQualityJobDefinition(stack, 'DataQuality', props);
}

describe('monitoring job definitions and schedules', () => {
  test('a compliant data-quality job definition: no findings', () => {
    const stack = newStack();
    dataQuality(stack);
    expect(jobFindings(stack)).toEqual([]);
  });

  test('a data-quality job definition without isolation and keys: findings on the resource', () => {
    const stack = newStack();
    dataQuality(stack, (p) => {
      p.networkConfig = undefined;
      delete p.dataQualityJobOutputConfig.kmsKeyId;
      delete p.jobResources.clusterConfig.volumeKmsKeyId;
    });
    expect(jobFindings(stack)).toEqual([
      'GenAI-SageMakerJobNetworkIsolation @ S/DataQuality',
      'GenAI-SageMakerJobOutputKMSKey @ S/DataQuality',
      'GenAI-SageMakerJobVolumeKMSKey @ S/DataQuality',
    ]);
  });

  test('two monitoring instances need inter-container encryption', () => {
    const stack = newStack();
    dataQuality(stack, (p) => {
      p.jobResources.clusterConfig.instanceCount = 2;
      p.networkConfig = { enableNetworkIsolation: true };
    });
    expect(jobFindings(stack)).toEqual(['GenAI-SageMakerJobInterContainerEncryption @ S/DataQuality']);
  });

  test('model-quality job definitions are checked too', () => {
    const stack = newStack();
    new sagemaker.CfnModelQualityJobDefinition(stack, 'ModelQuality', {
      roleArn: ROLE,
      modelQualityAppSpecification: { imageUri: IMAGE, problemType: 'Regression' },
      modelQualityJobInput: { endpointInput: { endpointName: 'e', localPath: '/in' }, groundTruthS3Input: { s3Uri: 's3://gt' } },
      modelQualityJobOutputConfig: { monitoringOutputs: [{ s3Output: { localPath: '/out', s3Uri: 's3://a/b' } }] },
      jobResources: { clusterConfig: { instanceCount: 1, instanceType: 'ml.m5.xlarge', volumeSizeInGb: 20, volumeKmsKeyId: KEY } },
      networkConfig: { enableNetworkIsolation: true },
    });
    expect(jobFindings(stack)).toEqual(['GenAI-SageMakerJobOutputKMSKey @ S/ModelQuality']);
  });

  test('a monitoring schedule with an inline job definition is checked', () => {
    const stack = newStack();
    const schedule = (isolation: boolean, id: string) =>
      new sagemaker.CfnMonitoringSchedule(stack, id, {
        monitoringScheduleName: id.toLowerCase(),
        monitoringScheduleConfig: {
          scheduleConfig: { scheduleExpression: 'cron(0 * ? * * *)' },
          monitoringJobDefinition: {
            roleArn: ROLE,
            monitoringAppSpecification: { imageUri: IMAGE },
            monitoringInputs: [{ endpointInput: { endpointName: 'e', localPath: '/in' } }],
            monitoringOutputConfig: { kmsKeyId: KEY, monitoringOutputs: [{ s3Output: { localPath: '/out', s3Uri: 's3://a/b' } }] },
            monitoringResources: { clusterConfig: { instanceCount: 1, instanceType: 'ml.m5.xlarge', volumeSizeInGb: 20, volumeKmsKeyId: KEY } },
            networkConfig: { enableNetworkIsolation: isolation },
          },
        },
      });
    schedule(true, 'Good');
    schedule(false, 'Bad');
    expect(jobFindings(stack)).toEqual(['GenAI-SageMakerJobNetworkIsolation @ S/Bad']);
  });

  test('a monitoring schedule that names a job definition is left to the definition', () => {
    const stack = newStack();
    new sagemaker.CfnMonitoringSchedule(stack, 'Schedule', {
      monitoringScheduleName: 's',
      monitoringScheduleConfig: { monitoringJobDefinitionName: 'defined-elsewhere', monitoringType: 'DataQuality', scheduleConfig: { scheduleExpression: 'cron(0 * ? * * *)' } },
    });
    expect(jobFindings(stack)).toEqual([]);
  });
});
