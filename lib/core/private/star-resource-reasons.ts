/**
 * Reasons for `Resource: "*"` on actions that have no resource-level permissions.
 *
 * The cdk-nag finding for such a statement has one id for every statement of a policy on `"*"`, so an
 * acknowledgement of that id, applied without a check, would also cover any `*` statement a user adds to the
 * policy. These reasons are therefore not public acknowledgements (not in `Acknowledgements`, which users may
 * pass to `Validations.of(...).acknowledge`). The library applies them to one policy at a time, only after it
 * has checked that policy's rendered statements at synthesis, every synthesis (a check that held at an
 * earlier synthesis of the same app and no longer does fails the synthesis):
 * - through `acknowledgeStarResource`, for a policy in which every `*` statement holds only the actions the
 *   reason explains;
 * - in GenAIPlatformPipeline's statement-by-statement check, for the roles CDK Pipelines generates.
 * test/core/star-acknowledgements.test.ts keeps it that way.
 */
export const STAR_RESOURCE_REASONS = {
  /** X-Ray trace upload (SecureFunction). */
  xray: 'Only the X-Ray actions xray:PutTraceSegments and xray:PutTelemetryRecords use Resource "*" here: X-Ray does not support resource-level permissions for them. Every other statement of this role names its resources.',
  /** ECR login before image pulls (training, endpoints, components). */
  ecrLogin: 'Only ecr:GetAuthorizationToken uses Resource "*": the action does not support resource-level permissions. Image layers can only be pulled from the repositories named in the other statements.',
  /** The EC2 describes and ECR login SageMaker makes for jobs and endpoints in a VPC. */
  vpcJobDescribes: 'ecr:GetAuthorizationToken and the EC2 Describe* calls SageMaker makes for jobs and endpoints in a VPC do not support resource-level permissions; every other statement of this role names its resources, and the network interfaces SageMaker creates are limited by an ec2:Vpc condition to the VPC the user chose.',
  /** CloudTrail event history lookup of the promotion function. */
  cloudTrailEventHistory: 'cloudtrail:LookupEvents does not support resource-level permissions. It is the only action of this customer-managed policy, which is attached to the promotion function\'s role only; the function reads the StartPipelineExecution call that created the run of an approved version, to refuse a version approved by the identity that started that run.',
  /** The Bedrock model invocation logging setting (custom resource provider). */
  bedrockLoggingConfiguration: 'Only bedrock:PutModelInvocationLoggingConfiguration, bedrock:GetModelInvocationLoggingConfiguration and bedrock:DeleteModelInvocationLoggingConfiguration use Resource "*": the setting is a single per-account, per-region configuration without an ARN, and these actions do not support resource-level permissions. The role belongs to the custom resource provider only, which CloudFormation invokes on create, update and delete.',
  /** Reads of the CDK Pipelines self-mutation step. */
  pipelineSelfMutationLookups: 'Only cloudformation:DescribeStacks and s3:ListBucket use Resource "*": the CDK CLI in the self-mutation step reads the bootstrap stack and lists its staging bucket before it assumes the bootstrap deploy role; both are read-only, and every change it makes goes through the tagged bootstrap roles.',
  /** The CodeBuild calls of the CDK Pipelines asset-publishing role. */
  pipelineAssetPublishing: 'Only codebuild:StartBuild, codebuild:BatchGetBuilds and codebuild:StopBuild use Resource "*": CDK Pipelines creates the asset-publishing projects after this shared role and cannot reference them without a dependency cycle. The role can only be assumed by the pipeline and the asset projects, and it publishes only through the tagged file-publishing roles of the target accounts.',
} as const;
