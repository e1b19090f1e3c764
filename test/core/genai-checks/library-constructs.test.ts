import { Stack } from 'aws-cdk-lib';
import { SecureDataLake } from '../../../lib/data-lake/secure-data-lake';
import { InferenceEndpoint } from '../../../lib/inference/inference-endpoint';
import { ModelSource } from '../../../lib/inference/model-source';
import { TrainingImage, TrainingPipeline } from '../../../lib/training/training-pipeline';
import { jobsOf } from '../../../lib/core/genai-checks/private/sagemaker-jobs';
import { genAIFindings, newStack } from './helpers';

const DLC = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker';
const TGI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04';
const MONITOR = '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer:latest';

function training(stack: Stack, instanceType: string, instanceCount: number): TrainingPipeline {
  return new TrainingPipeline(stack, 'Pipeline', {
    dataLake: new SecureDataLake(stack, 'Lake'),
    trainingImage: TrainingImage.fromImageUri(DLC),
    evaluationImage: TrainingImage.fromImageUri(DLC),
    qualityGate: { metricName: 'metrics.accuracy.value', threshold: 0.8 },
    instanceType,
    instanceCount,
  });
}

describe("the library's own constructs pass GenAIChecks", () => {
  test.each([
    ['ml.g5.12xlarge', 1],
    ['ml.p3.2xlarge', 2],
  ])('TrainingPipeline on %s x%d: every step of its definition is read and passes', (instanceType, instanceCount) => {
    const stack = newStack();
    const pipeline = training(stack, instanceType, instanceCount);
    const jobs = jobsOf(pipeline.pipeline)!;
    expect(jobs.map((j) => `${j.kind} ${j.label}`)).toEqual(['Training Step::Train', 'Processing Step::Evaluate']);
    expect(jobs[0].instanceType).toBe(instanceType);
    expect(genAIFindings(stack)).toEqual([]);
  });

  test('InferenceEndpoint with two instances and drift monitoring: no findings', () => {
    const stack = newStack();
    new InferenceEndpoint(stack, 'Endpoint', {
      dataLake: new SecureDataLake(stack, 'Lake'),
      model: ModelSource.fromImageUri(TGI, { modelDataKey: 'models/llm/model.tar.gz' }),
      instanceType: 'ml.m5.xlarge',
      minCapacity: 2,
      monitoring: { imageUri: MONITOR, baselineStatisticsKey: 'b/statistics.json', baselineConstraintsKey: 'b/constraints.json' },
    });
    expect(genAIFindings(stack)).toEqual([]);
  });
});
