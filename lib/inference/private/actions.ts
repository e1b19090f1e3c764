/** Action lists of the inference constructs, in one place. */

/** What a client needs to call an endpoint (real-time, streaming and asynchronous). */
export const INVOKE_ACTIONS = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream', 'sagemaker:InvokeEndpointAsync'];

/** Pull an image from a named repository (GetAuthorizationToken is granted separately on `*`). */
export const ECR_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

/** ECR login; the API has no resource-level permissions. */
export const ECR_AUTH_ACTIONS = ['ecr:GetAuthorizationToken'];

/** What a SageMaker container needs to write its logs. */
export const CONTAINER_LOG_ACTIONS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'];

/** The promotion function on its own endpoint. */
export const PROMOTION_ENDPOINT_ACTIONS = ['sagemaker:DescribeEndpoint', 'sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint'];

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

/** EC2 reads SageMaker makes to attach containers to a VPC (no resource-level permissions). */
export const VPC_DESCRIBE_ACTIONS = [
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];

/** Network interfaces SageMaker creates and deletes in the chosen subnets. */
export const VPC_ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:CreateNetworkInterfacePermission',
  'ec2:DeleteNetworkInterface',
  'ec2:DeleteNetworkInterfacePermission',
];
