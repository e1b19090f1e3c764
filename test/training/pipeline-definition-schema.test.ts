import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { MetricComparison, ModelApprovalStatus, TrainingImage, TrainingPipeline, TrainingPipelineProps } from '../../lib/training/training-pipeline';
import { pipelineDefinition, step } from './helpers';
import { validatePipelineDefinition } from './pipeline-schema';

const DLC = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker';

function definitionOf(props: Partial<TrainingPipelineProps> = {}, withVpc = false): any {
  const stack = new Stack(new App(), 'Stack');
  const vpc = withVpc
    ? new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] })
    : undefined;
  new TrainingPipeline(stack, 'Pipeline', {
    dataLake: new SecureDataLake(stack, 'Lake'),
    trainingImage: TrainingImage.fromImageUri(DLC),
    evaluationImage: TrainingImage.fromImageUri(DLC),
    qualityGate: { metricName: 'metrics.accuracy.value', threshold: 0.8 },
    vpc,
    ...props,
  });
  return pipelineDefinition(Template.fromStack(stack));
}

describe('the emitted definition conforms to the pipeline-definition schema (2020-12-01)', () => {
  test.each<[string, Partial<TrainingPipelineProps>, boolean]>([
    ['defaults', {}, false],
    ['spot', { useSpot: true, maxRuntime: Duration.hours(8) }, false],
    ['distributed on p4d with hyperparameters', { instanceType: 'ml.p4d.24xlarge', instanceCount: 2, hyperparameters: { epochs: '3' } }, false],
    ['EBS instance, feedback channel, approved, less-than gate', {
      instanceType: 'ml.p3.2xlarge',
      feedbackPrefix: 'feedback/',
      modelApprovalStatus: ModelApprovalStatus.APPROVED,
      qualityGate: { metricName: 'metrics.loss.value', threshold: 2, comparison: MetricComparison.LESS_THAN },
    }, false],
    ['evaluation container settings', { evaluationEntrypoint: ['python3', 'evaluate.py'], evaluationArguments: ['--x'], evaluationEnvironment: { A: 'b' } }, false],
    ['in a VPC', {}, true],
  ])('%s', (_name, props, withVpc) => {
    expect(validatePipelineDefinition(definitionOf(props, withVpc))).toEqual([]);
  });

  test('only the step types Training, Processing, Condition, RegisterModel and Fail are used', () => {
    const def = definitionOf({ useSpot: true });
    const types = ['Train', 'Evaluate', 'QualityGate', 'Register', 'QualityGateFailed'].map((n) => step(def, n).Type);
    expect(types).toEqual(['Training', 'Processing', 'Condition', 'RegisterModel', 'Fail']);
    expect(def.Parameters.map((p: any) => p.Type)).toEqual(['String', 'Integer', 'String']);
  });
});

describe('the checker rejects what the schema does not allow', () => {
  const base = () => definitionOf();

  test('an unknown field in the training arguments (e.g. Environment, which the 2020-12-01 schema does not list)', () => {
    const def = base();
    step(def, 'Train').Arguments.Environment = { A: 'b' };
    expect(validatePipelineDefinition(def)).toEqual(['Steps[0](Train).Arguments: unknown field Environment']);
  });

  test('an unknown step type, a bad version and an unknown top-level field', () => {
    const def = base();
    def.Version = '2021-01-01';
    def.Extra = true;
    def.Steps.push({ Name: 'Deploy', Type: 'Deploy', Arguments: {} });
    expect(validatePipelineDefinition(def)).toEqual([
      'definition: unknown field Extra',
      'Version: expected "2020-12-01", got "2021-01-01"',
      'Steps[3]: unknown step type "Deploy" (allowed: Training, Processing, Condition, RegisterModel, Fail)',
    ]);
  });

  test('references to unknown parameters, steps, property files and dependencies', () => {
    const def = base();
    step(def, 'Train').Arguments.ResourceConfig.InstanceType = { Get: 'Parameters.Missing' };
    step(def, 'Evaluate').DependsOn = ['Nope'];
    step(def, 'QualityGate').Arguments.Conditions[0].LeftValue['Std:JsonGet'].PropertyFile.Get = 'Steps.Evaluate.PropertyFiles.Other';
    step(def, 'Register').Arguments.InferenceSpecification.Containers[0].ModelDataUrl = { Get: 'Steps.Tune.BestTrainingJob' };
    expect(validatePipelineDefinition(def)).toEqual([
      'Steps[1]: DependsOn unknown step Nope',
      'Steps[0](Train).Arguments.ResourceConfig.InstanceType: Get of unknown parameter Missing',
      'Steps[2](QualityGate).Arguments.IfSteps[0](Register).Arguments.InferenceSpecification.Containers[0].ModelDataUrl: Get of unknown step Tune',
      'Steps[2](QualityGate).Arguments.Conditions[0].LeftValue: Std:JsonGet must name a property file of a Processing step (got Steps.Evaluate.PropertyFiles.Other)',
    ]);
  });

  test('wrong value types, a missing required field, an invalid condition and a duplicate step name', () => {
    const def = base();
    step(def, 'Train').Arguments.EnableNetworkIsolation = 'yes';
    step(def, 'Train').Arguments.ResourceConfig.VolumeSizeInGB = 1.5;
    delete step(def, 'Evaluate').Arguments.RoleArn;
    step(def, 'QualityGate').Arguments.Conditions[0].Type = 'Between';
    step(def, 'QualityGate').Arguments.ElseSteps[0].Name = 'Train';
    def.Parameters[1].DefaultValue = 'two';
    expect(validatePipelineDefinition(def)).toEqual([
      'Parameters[1]: Type "Integer" with DefaultValue "two"',
      'Steps[0](Train).Arguments.ResourceConfig.VolumeSizeInGB: expected an integer or Get',
      'Steps[0](Train).Arguments.EnableNetworkIsolation: expected a boolean or Get',
      'Steps[1](Evaluate).Arguments: missing required RoleArn',
      'Steps[2](QualityGate).Arguments.Conditions[0]: expected a binary condition (GreaterThan, LessThan, LessThanOrEqualTo, GreaterThanOrEqualTo, Equals, NotEquals)',
      'Steps[2](QualityGate).Arguments.ElseSteps[0]: duplicate step name Train',
    ]);
  });
});
