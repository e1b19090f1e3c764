import { Aws } from 'aws-cdk-lib';
import { GenAIPlatformProps, MetricComparison, ModelSource, PlatformProfile, TrainingImage } from '../lib';

/**
 * AWS Deep Learning Containers for PyTorch, from AWS's registry in the deployment region (the registry
 * account is AWS's, not yours). Replace them with your own images when your code is baked in.
 */
function deepLearningContainer(repositoryAndTag: string): TrainingImage {
  return TrainingImage.fromImageUri(`763104351884.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/${repositoryAndTag}`);
}

/** The platform the app deploys: every part, with the profile's defaults. */
export function platformProps(profile: PlatformProfile, modelPackageArn?: string): GenAIPlatformProps {
  return {
    profile,
    training: {
      trainingImage: deepLearningContainer('pytorch-training:2.5.1-gpu-py311-cu124-ubuntu22.04-sagemaker'),
      evaluationImage: deepLearningContainer('pytorch-training:2.5.1-cpu-py311-ubuntu22.04-sagemaker'),
      // evaluate.py is uploaded to the stack output EvaluationCodeLocation, which the training job cannot
      // write (a model never grades itself); it reads the model archive from /opt/ml/processing/model
      evaluationEntrypoint: ['python3', '/opt/ml/processing/code/evaluate.py'],
      qualityGate: { metricName: 'metrics.eval_loss.value', threshold: 2.0, comparison: MetricComparison.LESS_THAN_OR_EQUAL_TO },
      hyperparameters: { sagemaker_program: 'train.py', epochs: '3' },
    },
    inference: { model: modelPackageArn ? ModelSource.fromModelPackage(modelPackageArn) : undefined },
  };
}
