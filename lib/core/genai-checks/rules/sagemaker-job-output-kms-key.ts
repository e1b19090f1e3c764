import { NagMessageLevel } from 'cdk-nag';
import { defineRule } from '../rule';
import { JOB_RESOURCE_TYPES, checkJobs } from '../private/sagemaker-jobs';
import { isSet } from '../private/template';

/** GenAI-SageMakerJobOutputKMSKey: models, checkpoints and reports are written with a customer key. */
export const SageMakerJobOutputKMSKey = defineRule({
  name: 'SageMakerJobOutputKMSKey',
  level: NagMessageLevel.ERROR,
  resourceTypes: JOB_RESOURCE_TYPES,
  info: 'A SageMaker job writes its output to S3 without a KMS key.',
  explanation: 'Job outputs are trained model weights, evaluation and monitoring reports derived from your data; the bucket default is not enough when the job names no key of its own.',
  fix: 'Set OutputDataConfig.KmsKeyId (training and tuning), ProcessingOutputConfig.KmsKeyId (processing) or the job output config KmsKeyId (monitoring) to a customer-managed key.',
  check(node) {
    return checkJobs(node, (job) => !isSet(job.outputKmsKeyId));
  },
});
