export { ECR_AUTH_ACTIONS, ECR_PULL_ACTIONS, VPC_DESCRIBE_ACTIONS, VPC_ENI_ACTIONS } from '../../core/sagemaker-actions';

/** Action lists of the inference constructs, in one place. */

/** What a client needs to call an endpoint (real-time, streaming and asynchronous). */
export const INVOKE_ACTIONS = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream', 'sagemaker:InvokeEndpointAsync'];

/** What a SageMaker container needs to write its logs. */
export const CONTAINER_LOG_ACTIONS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'];

/** The promotion function on its own endpoint. */
export const PROMOTION_ENDPOINT_ACTIONS = ['sagemaker:DescribeEndpoint', 'sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint'];

/** The promotion function on its own inference component (created on the first approval when the template has none). */
export const PROMOTION_COMPONENT_ACTIONS = [
  'sagemaker:DescribeInferenceComponent',
  'sagemaker:CreateInferenceComponent',
  'sagemaker:UpdateInferenceComponent',
];

/** The promotion function on the models and endpoint configs it names. */
export const PROMOTION_CREATE_ACTIONS = [
  'sagemaker:CreateModel',
  'sagemaker:DescribeModel',
  'sagemaker:CreateEndpointConfig',
  'sagemaker:DescribeEndpointConfig',
];

/** Tags on create (CreateModel/CreateEndpointConfig/CreateEndpoint with Tags need AddTags). */
export const PROMOTION_TAG_ACTIONS = ['sagemaker:AddTags'];

/** The promotion function on the package versions of its group. */
export const PROMOTION_PACKAGE_ACTIONS = ['sagemaker:DescribeModelPackage'];

/** The promotion function on the pipeline execution that produced an approved version (who started it). */
export const PROMOTION_EXECUTION_ACTIONS = ['sagemaker:DescribePipelineExecution'];

/** The promotion function on the CloudTrail event history (the StartPipelineExecution call of that run). */
export const PROMOTION_EVENT_HISTORY_ACTIONS = ['cloudtrail:LookupEvents'];


/** The promotion function registering autoscaling on an endpoint it created (all upserts). */
export const PROMOTION_SCALING_ACTIONS = [
  'application-autoscaling:RegisterScalableTarget',
  'application-autoscaling:PutScalingPolicy',
  'application-autoscaling:PutScheduledAction',
];

/** Alarms Application Auto Scaling creates for target tracking as the caller, and the async wake-up alarm. */
export const PROMOTION_ALARM_ACTIONS = ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'];
