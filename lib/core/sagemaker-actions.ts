/**
 * IAM action lists that SageMaker execution roles of several constructs share (training jobs, models,
 * monitoring jobs). Construct-specific lists stay in each construct's private/actions.ts.
 */

/** Pull an image from ECR (granted on named repositories). */
export const ECR_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

/** ECR login; the API has no resource-level permissions. */
export const ECR_AUTH_ACTIONS = ['ecr:GetAuthorizationToken'];

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
