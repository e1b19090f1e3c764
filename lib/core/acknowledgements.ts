import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * One acknowledged compliance finding: the exact finding id and the reason a reviewer can check.
 */
export interface ComplianceAcknowledgement {
  /** The exact finding id, as printed by `cdk synth` (e.g. `AwsSolutions-S1`, `cdk-validator-cfnguard::lambda_inside_vpc_check`). */
  readonly id: string;
  /** Why the finding does not apply, or how the risk is handled instead. */
  readonly reason: string;
}

const NIST = 'NIST.800.53.R5';
const HIPAA = 'HIPAA.Security';
const CT = 'cdk-validator-cfnguard::';

function each(ids: string[], reason: string): ComplianceAcknowledgement[] {
  return ids.map((id) => ({ id, reason }));
}

/**
 * Every acknowledgement this library makes, in one place, by topic. Constructs apply them to their own
 * children only; the README lists this table. Each member is the list of exact finding ids and the
 * reason a reviewer can check.
 */
export class Acknowledgements {
  /** Server-access-log buckets cannot use SSE-KMS and must not log to themselves. */
  public static readonly accessLogBucket: ComplianceAcknowledgement[] = [
    ...each(
      ['AwsSolutions-S1', `${NIST}-S3BucketLoggingEnabled`, `${HIPAA}-S3BucketLoggingEnabled`, `${CT}s3_bucket_logging_enabled_check`],
      'This bucket is the server-access-log destination; logging it to itself would loop. Access to it is still recorded by CloudTrail data events.',
    ),
    ...each(
      [`${NIST}-S3DefaultEncryptionKMS`, `${HIPAA}-S3DefaultEncryptionKMS`, `${CT}s3_bucket_default_encryption_kms_check`],
      'S3 server access logging can only deliver to buckets encrypted with SSE-S3 (AES-256); SSE-KMS is not supported for the log destination.',
    ),
  ];

  /** Cross-region replication is a residency decision the user makes, not a default. */
  public static readonly bucketReplication: ComplianceAcknowledgement[] = each(
    [`${NIST}-S3BucketReplicationEnabled`, `${HIPAA}-S3BucketReplicationEnabled`],
    'Cross-region replication copies data out of the chosen region, which is a data-residency decision for the owner; loss is prevented instead by versioning, object lock, RETAIN removal policy and lifecycle rules that keep noncurrent versions.',
  );

  /**
   * CDK grants render least-privilege statements as an AWS::IAM::Policy attached to exactly one role the
   * library created: that is the library's one answer to the inline-policy rule.
   */
  public static readonly inlinePolicies: ComplianceAcknowledgement[] = each(
    [`${NIST}-IAMNoInlinePolicy`, `${HIPAA}-IAMNoInlinePolicy`],
    'Each policy is generated from resource-scoped grants, attached to exactly one role created by this construct, and deleted with it; a customer-managed policy would hold the same statements and could be attached elsewhere by mistake.',
  );

  /** X-Ray tracing permissions: the service has no resource-level permissions. */
  public static readonly xrayWildcard: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::*]'],
    'Only the X-Ray actions xray:PutTraceSegments and xray:PutTelemetryRecords use Resource "*" here: X-Ray does not support resource-level permissions for them. Every other statement of this role names its resources.',
  );

  /** A Lambda function that only calls AWS APIs does not need a VPC. */
  public static readonly lambdaOutsideVpc: ComplianceAcknowledgement[] = each(
    [`${NIST}-LambdaInsideVPC`, `${HIPAA}-LambdaInsideVPC`, `${CT}lambda_inside_vpc_check`],
    'The function reaches only AWS regional APIs (TLS, SigV4, IAM-scoped) and holds no network-reachable state; a VPC would add NAT or interface endpoints without narrowing access. Pass the construct a `vpc` to run it inside yours.',
  );

  /** A dead-letter queue is the end of the line: it has no DLQ of its own. */
  public static readonly deadLetterQueue: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-SQS3', `${CT}sqs_dlq_check`],
    'This queue is itself a dead-letter queue; messages that reach it are kept for 14 days for inspection and are not redriven further.',
  );

  /** SageMaker hosting instances with local NVMe storage reject a KMS key on the endpoint config. */
  public static readonly sagemakerNvmeStorage: ComplianceAcknowledgement[] = each(
    [`${NIST}-SageMakerEndpointConfigurationKMSKeyConfigured`, `${HIPAA}-SageMakerEndpointConfigurationKMSKeyConfigured`],
    'The variant runs on an instance type with local NVMe instance storage (most GPU types): SageMaker encrypts that storage with an AES-256 hardware module on the instance and CreateEndpointConfig rejects a KmsKeyId for these types. Captured data and async outputs are still written with the customer-managed key.',
  );

  /** ECR login (GetAuthorizationToken) has no resource-level permissions. */
  public static readonly ecrAuthorizationToken: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::*]'],
    'Only ecr:GetAuthorizationToken uses Resource "*": the action does not support resource-level permissions. Image layers can only be pulled from the repositories named in the other statements.',
  );

  /**
   * A model registry version names its image only at run time; without `modelPackageImages` pulls are
   * allowed from the repositories of the stack's own account in its region (the id is completed with the
   * resource at the call site).
   */
  public static readonly modelPackageImages: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::<ecr repositories of this account and region>]'],
    "A model package version carries its own inference image, known only when the version is approved. Without modelPackageImages the role may pull (read-only) from this account's own repositories in this region, never another account's; naming the images in modelPackageImages (e.g. an AWS Deep Learning Container) replaces this wildcard with exactly their repositories. Only SageMaker can assume the role.",
  );

  /**
   * SageMaker names models, endpoint configs, container log groups and package versions the function
   * or the service creates at run time under a fixed prefix (the id is completed at the call site).
   */
  public static readonly sagemakerGeneratedNames: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::<prefix>*]'],
    'The resources are created at run time (one model and endpoint config per approved version, container log streams, package versions of one group), so they can only be named by a prefix that this construct generated; the actions are explicit and the prefix is unique to this endpoint or model package group.',
  );

  /**
   * The promotion function reads the pipeline execution that produced an approved version (to find who
   * started it); the execution is named only by the version's registry record.
   */
  public static readonly approvedVersionExecutions: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::<pipeline executions of this account and region>]'],
    'The pipeline execution that produced an approved version is named only in the version\'s registry record (MetadataProperties.GeneratedBy), and any pipeline of the account may register into the group, so executions can only be named by pattern; the statement allows only sagemaker:DescribePipelineExecution (read-only), which the function needs to refuse a version approved by the identity that started its run.',
  );

  /**
   * CloudTrail's event history is the only record of who started a pipeline execution outside Studio, and
   * LookupEvents has no resource-level permissions.
   */
  public static readonly cloudTrailEventHistory: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::*]'],
    'cloudtrail:LookupEvents does not support resource-level permissions. It is the only action of this customer-managed policy, which is attached to the promotion function\'s role only; the function reads the StartPipelineExecution call that created the run of an approved version, to refuse a version approved by the identity that started that run.',
  );

  /**
   * Application Auto Scaling gives each scalable target a random id at registration, so the promotion
   * function's registration of an endpoint it created can only name the account's scalable targets.
   */
  public static readonly scalableTargetIds: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::<prefix>*]'],
    'Scalable-target ARNs end in an id Application Auto Scaling assigns at registration, so the endpoint the promotion function created cannot be named in advance; the statement allows only registering targets and putting policies and schedules (no deregistration or deletion), and Application Auto Scaling also requires sagemaker:UpdateEndpointWeightsAndCapacities, which the function has on its own endpoint only.',
  );

  /** Target tracking alarms are named by Application Auto Scaling with the scaled resource and a random suffix. */
  public static readonly targetTrackingAlarms: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::<prefix>*]'],
    'Application Auto Scaling creates the target tracking alarms as the caller and names them TargetTracking-<resource id>-AlarmHigh/AlarmLow-<random id>; the prefix is the resource id of this endpoint, so the function can manage only its own endpoint\'s alarms.',
  );

  /**
   * SageMaker Pipelines names the training and processing jobs of each execution itself, and jobs log
   * to the service's fixed log groups (the id is completed with the resource at the call site).
   */
  public static readonly pipelineJobNames: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::<job, log group or package version ARN>*]'],
    'SageMaker Pipelines names the jobs of each execution by this pipeline\'s own prefix plus a suffix it generates per execution (`<pipeline prefix>-train…`, `<pipeline prefix>-eval…`), their containers log to the service-owned /aws/sagemaker/TrainingJobs and /aws/sagemaker/ProcessingJobs groups, and registered versions are numbered by the service; these resources can only be named by prefix. The actions are explicit, limited to this account and region, and held only by the pipeline execution role that SageMaker assumes.',
  );

  /** SageMaker jobs in a VPC create their own network interfaces, and EC2 describes have no resource scope. */
  public static readonly vpcJobNetworking: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-IAM5[Resource::<network interfaces of the VPC>]'],
    'ecr:GetAuthorizationToken and the EC2 Describe* calls SageMaker makes for VPC jobs do not support resource-level permissions; network interfaces are created by the service at run time, so they are named by wildcard but limited by an ec2:Vpc condition to the VPC the user chose.',
  );

  /** The instances of one distributed training job talk to each other on every protocol (NCCL, EFA). */
  public static readonly distributedTrainingIngress: ComplianceAcknowledgement[] = each(
    [`${NIST}-EC2RestrictedCommonPorts`, `${HIPAA}-EC2RestrictedCommonPorts`],
    'The only ingress rule admits traffic from the same security group, i.e. from the other instances of the same training job, which SageMaker requires for distributed training (NCCL over TCP and EFA, which is not TCP, need all protocols). No CIDR range, no other group and no port is open to anything else.',
  );

  /** API methods authorized with IAM (SigV4) instead of a Cognito user pool (GenAIApi's default). */
  public static readonly apiIamAuthorization: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-COG4'],
    'The method uses AWS_IAM authorization: every request is signed with SigV4 and allowed only for principals granted execute-api:Invoke on this method; a Cognito user pool authorizer is an option of the construct, not a requirement for service-to-service callers.',
  );

  /** GenAI API responses are per request and per caller, so the stage has no cache. */
  public static readonly apiResponsesNotCached: ComplianceAcknowledgement[] = each(
    [`${NIST}-APIGWCacheEnabledAndEncrypted`, `${HIPAA}-APIGWCacheEnabledAndEncrypted`],
    'The API has only POST methods whose responses are specific to one request and one caller (generated text, feedback receipts); caching them could serve one caller\'s data to another, so no cache cluster exists and nothing is cached at rest.',
  );

  /** Lambda proxy backends are invoked through the Lambda API with IAM, not over HTTP with a client certificate. */
  public static readonly apiLambdaBackends: ComplianceAcknowledgement[] = each(
    [`${NIST}-APIGWSSLEnabled`, `${HIPAA}-APIGWSSLEnabled`],
    'Every integration is a Lambda proxy integration: API Gateway calls the Lambda Invoke API over TLS with SigV4, authorized by a resource-based permission scoped to this API and method. Client certificates only authenticate API Gateway to HTTP backends, which this API does not have.',
  );

  /**
   * The API Gateway account logging role must write to the log groups of every API in the region (the id
   * is completed with the ARN at the call site).
   */
  public static readonly apiGatewayAccountLogging: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::<log groups of the account and region>]'],
    'The role is set in the account-wide API Gateway settings, so it must write execution and access logs for any API of this account and region, whose log group names API Gateway derives at run time; the actions only create and describe log groups and streams and put log events (no reading of events, no deletion, no retention, key or policy changes), and only API Gateway can assume the role.',
  );

  /** Lambda permissions of API Gateway proxy integrations, scoped by a SourceArn the guard rule cannot evaluate. */
  public static readonly apiGatewayInvokePermission: ComplianceAcknowledgement[] = each(
    [`${CT}lambda_function_public_access_prohibited_check`],
    'The permission names the apigateway.amazonaws.com service principal and a SourceArn of exactly one method of one stage of this API (arn:<partition>:execute-api:<region>:<account>:<api id>/<stage>/POST/<path>), so no other API, account or caller can invoke the function; the rule only accepts a literal string or a plain reference as SourceArn, and this ARN is built with Fn::Join from the API id.',
  );

  /**
   * CDK Pipelines grants its roles read/write on the pipeline's artifact bucket and key with the fixed
   * action groups of the S3 and KMS grants (the object id is completed with the bucket at the call site).
   */
  public static readonly pipelineArtifactGrants: ComplianceAcknowledgement[] = each(
    [
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'AwsSolutions-IAM5[Resource::<artifact bucket ARN>/*]',
    ],
    'CDK Pipelines and CodePipeline generate these statements (bucket.grantRead/grantReadWrite and the matching key grant) for the pipeline, source, build and deploy roles and offer no way to narrow the action groups; every such statement names only the pipeline\'s own artifact bucket (objects under it are named per execution by CodePipeline) and its own customer-managed key.',
  );

  /**
   * CodeBuild projects generated by CDK Pipelines get the CodeBuild L2's default statements for their
   * own log streams and report groups (the id is completed with the resource at the call site), and read
   * their source from the pipeline, not from a repository URL.
   */
  public static readonly codeBuildProjectDefaults: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::<codebuild log group or report group of the project>*]', 'HIPAA.Security-CodeBuildProjectSourceRepoUrl'],
    'The project is generated by CDK Pipelines: CodeBuild names log streams and test reports per build under the project\'s own /aws/codebuild/<project> log group and <project>-* report groups, so the aws-cdk-lib default role policy names them by that prefix (build output also goes to the pipeline\'s KMS-encrypted log group). Its source type is CODEPIPELINE: it receives the source as an encrypted pipeline artifact, so there is no repository URL or OAuth credential in the project.',
  );

  /**
   * CDK Pipelines' self-mutation and asset-publishing roles assume the `cdk bootstrap` roles, which are
   * named by the target account's bootstrap qualifier (the id is completed with the ARN at the call site).
   */
  public static readonly cdkBootstrapRoles: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::arn:*:iam::<account>:role/*]'],
    'sts:AssumeRole is limited by the condition iam:ResourceTag/aws-cdk:bootstrap-role in (deploy, file-publishing, image-publishing): only roles created by `cdk bootstrap` carry that tag, and only accounts bootstrapped with --trust for the pipeline account let the pipeline assume them. The bootstrap qualifier is chosen per account, so the roles can only be named by wildcard.',
  );

  /** The CDK Pipelines self-mutation step runs `cdk deploy`, which must look up stacks and bootstrap buckets. */
  public static readonly pipelineSelfMutationLookups: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::*]'],
    'Only cloudformation:DescribeStacks and s3:ListBucket use Resource "*": the CDK CLI in the self-mutation step reads the bootstrap stack and lists its staging bucket before it assumes the bootstrap deploy role; both are read-only, and every change it makes goes through the tagged bootstrap roles.',
  );

  /** The CDK Pipelines asset-publishing role also acts as the CodeBuild action role of its own projects. */
  public static readonly pipelineAssetPublishing: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::*]'],
    'Only codebuild:StartBuild, codebuild:BatchGetBuilds and codebuild:StopBuild use Resource "*": CDK Pipelines creates the asset-publishing projects after this shared role and cannot reference them without a dependency cycle. The role can only be assumed by the pipeline and the asset projects, and it publishes only through the tagged file-publishing roles of the target accounts.',
  );

  /** An asynchronous endpoint that scales to zero when its queue is empty (its documented default). */
  public static readonly asyncScaleToZero: ComplianceAcknowledgement[] = each(
    ['GenAI-SageMakerEndpointMultiInstance'],
    'An asynchronous endpoint queues requests in SageMaker and scales to zero instances when the queue is empty, so it pays for no idle GPU; a backlog alarm-driven step policy starts an instance again. Requests wait in the queue instead of failing while no instance runs, so a single instance is not an availability risk for callers.',
  );

  /**
   * A development endpoint that deliberately runs one instance (GenAIChecks warns when a variant can run
   * on a single instance). Apply it only where the owner chose one instance, e.g. the DEV profile.
   */
  public static readonly singleInstanceEndpoint: ComplianceAcknowledgement[] = each(
    ['GenAI-SageMakerEndpointMultiInstance'],
    'A development endpoint that runs one instance to keep idle GPU cost down: an instance or Availability Zone failure interrupts inference until SageMaker replaces the instance, which is acceptable outside production. Deployments still roll back on the 5XX and latency alarms, and production profiles run at least two instances.',
  );

  /**
   * An inference component that scales to zero copies when idle (GenAIChecks warns when a component can run
   * on fewer than two copies). Apply it only where the owner chose it, e.g. the DEV profile.
   */
  public static readonly componentScaleToZero: ComplianceAcknowledgement[] = each(
    ['GenAI-SageMakerEndpointMultiInstance'],
    'A component that scales to zero copies when idle, so its endpoint runs no GPU instance between uses: the first request after an idle period fails with a no-capacity error while the NoCapacityInvocationFailures alarm adds a copy (several minutes), and callers such as the platform\'s guardrail function answer from a Bedrock model meanwhile. Rolling updates still roll back on the 5XX and latency alarms, and production profiles keep at least two warm copies.',
  );

  /** A component the owner runs on one copy (e.g. a development model). */
  public static readonly singleCopyComponent: ComplianceAcknowledgement[] = each(
    ['GenAI-SageMakerEndpointMultiInstance'],
    'A component that keeps one copy to save accelerator cost: the failure of its instance interrupts this model until SageMaker places the copy again, which the owner accepted outside production. Rolling updates still roll back on the 5XX and latency alarms.',
  );

  /** Bedrock's model invocation logging setting is one per account and region and has no resource ARN. */
  public static readonly bedrockLoggingConfiguration: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::*]'],
    'Only bedrock:PutModelInvocationLoggingConfiguration, bedrock:GetModelInvocationLoggingConfiguration and bedrock:DeleteModelInvocationLoggingConfiguration use Resource "*": the setting is a single per-account, per-region configuration without an ARN, and these actions do not support resource-level permissions. The role belongs to the custom resource provider only, which CloudFormation invokes on create, update and delete.',
  );

  private constructor() {}
}

/** Applies acknowledgements to a construct the library owns (and everything below it). */
export function acknowledge(scope: IConstruct, acknowledgements: readonly ComplianceAcknowledgement[]): void {
  Validations.of(scope).acknowledge(...acknowledgements);
}

/**
 * Acknowledges the granular `AwsSolutions-IAM5` finding for an object-level wildcard (`<arn>/*`) on a
 * bucket: S3 object ARNs can only be granted by prefix.
 *
 * @param logicalIdOrArn the flattened reference cdk-nag prints, e.g. `<RawBucket1234.Arn>` or a literal ARN
 * @param suffix what follows the bucket ARN, e.g. `/*` or `/feedback/*`
 */
export function acknowledgeObjectWildcard(scope: IConstruct, bucketRef: string, suffix: string, what: string): void {
  acknowledge(scope, [
    {
      id: `AwsSolutions-IAM5[Resource::${bucketRef}${suffix}]`,
      reason: `S3 object permissions can only be granted by key prefix: ${what}. The bucket is fixed, the actions are explicit (no action wildcards) and the objects are encrypted with a customer-managed key that is granted separately.`,
    },
  ]);
}

/**
 * The string cdk-nag prints for a bucket's ARN seen from `scope`: `<Bucket1234.Arn>` for a bucket of the
 * same stack, the flattened ARN (`arn:<AWS::Partition>:s3:::name`) for a bucket imported by name.
 * (A bucket of another stack of the same app is printed as an export import, which this cannot predict:
 * import such buckets by name instead.)
 */
export function nagBucketArn(scope: IConstruct, bucket: { readonly bucketArn: string; readonly node: IConstruct['node'] }): string {
  const cfn = bucket.node.defaultChild;
  if (cfn && Stack.of(cfn) === Stack.of(scope) && (cfn as any).cfnResourceType === 'AWS::S3::Bucket') return nagRef(scope, cfn);
  return nagString(scope, bucket.bucketArn);
}

/** The string cdk-nag prints for `Fn::GetAtt` of a resource in the same stack, e.g. `<Bucket1234.Arn>`. */
export function nagRef(scope: IConstruct, cfnResource: IConstruct, attribute = 'Arn'): string {
  const logicalId = Stack.of(scope).resolve((cfnResource as any).logicalId);
  return `<${logicalId}.${attribute}>`;
}

/**
 * The text cdk-nag prints for a value in a granular finding id: literal parts as they are, `{Ref: X}` as
 * `<X>`, `{Fn::GetAtt: [A, B]}` as `<A.B>`, joins flattened (e.g. an ARN built with `formatArn`).
 */
export function nagString(scope: IConstruct, value: string): string {
  return flattenForNag(Stack.of(scope).resolve(value));
}

function flattenForNag(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, any>;
    if (o.Ref !== undefined) return `<${o.Ref}>`;
    if (Array.isArray(o['Fn::GetAtt'])) return `<${o['Fn::GetAtt'].join('.')}>`;
    if (Array.isArray(o['Fn::Join'])) {
      const [sep, parts] = o['Fn::Join'];
      return (parts as unknown[]).map(flattenForNag).join(sep);
    }
  }
  return JSON.stringify(v);
}

/**
 * Applies a registry topic's reason to the granular `AwsSolutions-IAM5[Resource::...]` ids of the given
 * wildcard resources (ARN strings, tokens allowed).
 */
export function acknowledgeWildcardResources(scope: IConstruct, topic: readonly ComplianceAcknowledgement[], resourceArns: string[]): void {
  const reason = topic[0].reason;
  acknowledge(
    scope,
    resourceArns.map((arn) => ({ id: `AwsSolutions-IAM5[Resource::${nagString(scope, arn)}]`, reason })),
  );
}
