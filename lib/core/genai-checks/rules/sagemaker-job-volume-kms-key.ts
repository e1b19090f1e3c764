import { NagMessageLevel } from 'cdk-nag';
import { hasLocalNvmeStorage } from '../../instance-types';
import { defineRule } from '../rule';
import { JOB_RESOURCE_TYPES, checkJobs } from '../private/sagemaker-jobs';
import { isSet, literalString } from '../private/template';

/** GenAI-SageMakerJobVolumeKMSKey: the ML storage volumes of jobs use a customer key where SageMaker allows one. */
export const SageMakerJobVolumeKMSKey = defineRule({
  name: 'SageMakerJobVolumeKMSKey',
  level: NagMessageLevel.ERROR,
  resourceTypes: JOB_RESOURCE_TYPES,
  info: 'A SageMaker job on an EBS-backed instance type has no volume KMS key.',
  explanation: 'The ML storage volume holds the training data, checkpoints and model while the job runs; without a customer-managed key you cannot audit or revoke access to it.',
  fix: 'Set ResourceConfig.VolumeKmsKeyId (training and tuning) or ClusterConfig.VolumeKmsKeyId (processing and monitoring). Instance types with local NVMe storage are exempt (SageMaker rejects the key and encrypts the disks in hardware), and so are instance types only known at deploy time.',
  check(node) {
    return checkJobs(node, (job) => {
      const type = literalString(job.instanceType);
      if (type === undefined || hasLocalNvmeStorage(type)) return false;
      return !isSet(job.volumeKmsKeyId);
    });
  },
});
