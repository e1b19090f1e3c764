import { NagMessageLevel } from 'cdk-nag';
import { defineRule } from '../rule';
import { JOB_RESOURCE_TYPES, checkJobs } from '../private/sagemaker-jobs';
import { isTrue } from '../private/template';

/** GenAI-SageMakerJobNetworkIsolation: training, processing and monitoring containers reach no network. */
export const SageMakerJobNetworkIsolation = defineRule({
  name: 'SageMakerJobNetworkIsolation',
  level: NagMessageLevel.ERROR,
  resourceTypes: JOB_RESOURCE_TYPES,
  info: 'A SageMaker training, processing, tuning or monitoring job runs without network isolation.',
  explanation: 'Job containers read the training data and write the model; without isolation a compromised image or dependency can send both anywhere on the internet.',
  fix: 'Set EnableNetworkIsolation: true on the training job (NetworkConfig.EnableNetworkIsolation for processing and monitoring jobs); SageMaker still stages S3 inputs and outputs for the job.',
  check(node) {
    return checkJobs(node, (job) => !isTrue(job.networkIsolation));
  },
});
