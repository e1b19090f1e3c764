import { NagMessageLevel } from 'cdk-nag';
import { defineRule } from '../rule';
import { JOB_RESOURCE_TYPES, checkJobs } from '../private/sagemaker-jobs';
import { isTrue, literalNumber } from '../private/template';

/** GenAI-SageMakerJobInterContainerEncryption: distributed jobs encrypt traffic between their instances. */
export const SageMakerJobInterContainerEncryption = defineRule({
  name: 'SageMakerJobInterContainerEncryption',
  level: NagMessageLevel.ERROR,
  resourceTypes: JOB_RESOURCE_TYPES,
  info: 'A SageMaker job that can run on more than one instance does not encrypt inter-container traffic.',
  explanation: 'Distributed jobs exchange gradients, weights and data between instances; unencrypted, that traffic can be read on the network.',
  fix: 'Set EnableInterContainerTrafficEncryption: true (NetworkConfig.EnableInterContainerTrafficEncryption for processing and monitoring jobs). Jobs with a literal instance count of 1 are exempt; a count given as a pipeline parameter is not, since an execution can raise it.',
  check(node) {
    return checkJobs(node, (job) => {
      const count = literalNumber(job.instanceCount);
      if (job.instanceCount === undefined || (count !== undefined && count <= 1)) return false;
      return !isTrue(job.interContainerEncryption);
    });
  },
});
