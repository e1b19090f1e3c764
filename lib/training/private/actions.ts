export { ECR_AUTH_ACTIONS, ECR_PULL_ACTIONS, VPC_DESCRIBE_ACTIONS, VPC_ENI_ACTIONS } from '../../core/sagemaker-actions';

/** Action lists of the training pipeline, in one place. */

/** The execution role on the training jobs the pipeline creates (`training-job/<pipeline's prefix>-train*`). */
export const TRAINING_JOB_ACTIONS = [
  'sagemaker:CreateTrainingJob',
  'sagemaker:DescribeTrainingJob',
  'sagemaker:StopTrainingJob',
  'sagemaker:AddTags',
];

/** The execution role on the processing jobs the pipeline creates (`processing-job/<pipeline's prefix>-eval*`). */
export const PROCESSING_JOB_ACTIONS = [
  'sagemaker:CreateProcessingJob',
  'sagemaker:DescribeProcessingJob',
  'sagemaker:StopProcessingJob',
  'sagemaker:AddTags',
];

/** The execution role on the versions of its own model package group. */
export const MODEL_PACKAGE_ACTIONS = ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'];

/** The execution role on its own model package group. */
export const MODEL_PACKAGE_GROUP_ACTIONS = ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackageGroup'];

/** What a SageMaker job needs to write its container logs. */
export const JOB_LOG_ACTIONS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'];

/** The execution role on the output/volume key (CreateGrant only for AWS resources, i.e. EBS volumes). */
export const JOB_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];

/** Start the pipeline (the grant of `grantStartExecution`). */
export const START_EXECUTION_ACTIONS = ['sagemaker:StartPipelineExecution'];

/** The retrain trigger function on its pipeline. */
export const TRIGGER_PIPELINE_ACTIONS = ['sagemaker:ListPipelineExecutions', 'sagemaker:StartPipelineExecution'];
