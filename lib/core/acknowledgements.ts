import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { renderedProperties } from './genai-checks/private/template';
import { asList, flattenCfnValue, isCrossStackImport, referencedAttribute, renderedForNag, renderedStatements } from './private/nag-render';
import { STAR_RESOURCE_REASONS } from './private/star-resource-reasons';

/** A reason of `STAR_RESOURCE_REASONS`. */
type StarResourceReason = (typeof STAR_RESOURCE_REASONS)[keyof typeof STAR_RESOURCE_REASONS];

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
      'This bucket is the server-access-log destination; logging it to itself would loop. Reads and writes of its objects are recorded as CloudTrail S3 data events when an AuditTrail covers it: an AuditTrail records its own access-log bucket and that of the SecureDataLake it is given (GenAIPlatform has one); without an AuditTrail, nothing of this library records them.',
    ),
    ...each(
      [`${NIST}-S3DefaultEncryptionKMS`, `${HIPAA}-S3DefaultEncryptionKMS`, `${CT}s3_bucket_default_encryption_kms_check`],
      'S3 server access logging can only deliver to buckets encrypted with SSE-S3 (AES-256); SSE-KMS is not supported for the log destination.',
    ),
  ];

  /** Cross-region replication is a residency decision the user makes, not a default. */
  public static readonly bucketReplication: ComplianceAcknowledgement[] = each(
    [`${NIST}-S3BucketReplicationEnabled`, `${HIPAA}-S3BucketReplicationEnabled`],
    'Cross-region replication copies data out of the chosen region, which is a data-residency decision for the owner. Within the region, versioning keeps every overwritten or deleted version for the bucket\'s noncurrent-version retention (90 days by default), the bucket is retained on stack deletion, and object lock is enabled so versions can be locked; a default lock retention applies only where it is configured: always on the audit trail bucket, and on the lake zones listed in `objectLock`.',
  );

  /**
   * CDK grants render least-privilege statements as an AWS::IAM::Policy attached to exactly one role the
   * library created: that is the library's one answer to the inline-policy rule.
   */
  public static readonly inlinePolicies: ComplianceAcknowledgement[] = each(
    [`${NIST}-IAMNoInlinePolicy`, `${HIPAA}-IAMNoInlinePolicy`],
    'Each policy is generated from resource-scoped grants, attached to exactly one role created by this construct, and deleted with it; a customer-managed policy would hold the same statements and could be attached elsewhere by mistake.',
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

  /**
   * SageMaker jobs in a VPC create their own network interfaces at run time. Applied per policy with the
   * granular id of the interfaces' ARN, and only to statements limited by the ec2:Vpc condition.
   */
  public static readonly vpcJobNetworking: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::<network interfaces of the VPC>]'],
    'SageMaker creates the network interfaces of VPC jobs at run time, so they are named by wildcard, and the statement is limited by an ec2:Vpc condition to the VPC the user chose.',
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


  /**
   * A queue, log group or trail of one stack encrypted with a customer-managed key of another stack of the same
   * app: the key ARN is rendered as a cross-stack reference, which the Control Tower rules cannot read.
   * Applied only after checking the rendered value (see `acknowledgeCrossStackReference`).
   */
  public static readonly crossStackKey: ComplianceAcknowledgement[] = each(
    [`${CT}sqs_queue_encrypted_check`, `${CT}cloudwatch_log_group_encrypted_check`, `${CT}cloud_trail_encryption_enabled_check`],
    'The resource is encrypted with a customer-managed KMS key (an AWS::KMS::Key with rotation) that another stack of the same app owns, so its key ARN is rendered as a cross-stack reference (Fn::GetStackOutput with weak references, Fn::ImportValue with strong ones). The rule accepts only a literal key ARN or a Ref/GetAtt of a key in the same template and cannot read across stacks. The acknowledgement is added only after synth has checked that the rendered value is exactly that reference to the Arn of an AWS::KMS::Key of another stack.',
  );

  /**
   * A bucket of one stack that delivers server access logs to a log bucket of another stack of the same app.
   * Applied only after checking the rendered value (see `acknowledgeCrossStackReference`).
   */
  public static readonly crossStackAccessLogBucket: ComplianceAcknowledgement[] = each(
    [`${CT}s3_bucket_logging_enabled_check`],
    'Server access logging is configured: the destination is an S3 bucket (AWS::S3::Bucket) that another stack of the same app owns, so its name is rendered as a cross-stack reference (Fn::GetStackOutput with weak references, Fn::ImportValue with strong ones), which the rule cannot read; it accepts only a literal name or a Ref of a bucket in the same template. The acknowledgement is added only after synth has checked that the rendered value is exactly that reference to a bucket of another stack.',
  );

  /** Bedrock evaluation job ARNs end with an id Bedrock generates when the job is created. */
  public static readonly evaluationJobs: ComplianceAcknowledgement[] = each(
    ['AwsSolutions-IAM5[Resource::<evaluation-job ARNs of the account and region>*]'],
    'bedrock:CreateEvaluationJob and bedrock:GetEvaluationJob are granted on evaluation-job/* of this account and region only: a job ARN ends with an id Bedrock generates at creation, so it cannot be named in advance. The job role passed to it (iam:PassedToService bedrock.amazonaws.com) only reads the datasets prefix, writes the results prefix and invokes the one judge model.',
  );

  private constructor() {}
}

/** Applies acknowledgements with fixed ids to a construct the library owns (and everything below it). */
export function acknowledge(scope: IConstruct, acknowledgements: readonly ComplianceAcknowledgement[]): void {
  Validations.of(scope).acknowledge(...acknowledgements);
}

/** What each construct was already acknowledged with by a check at synthesis (an app may be synthesized more than once). */
const appliedLate = new WeakMap<IConstruct, Set<string>>();
/** The ids a check at synthesis acknowledged on each construct, at any synthesis of its app. */
const checkedIds = new WeakMap<IConstruct, Set<string>>();

/**
 * Applies the acknowledgements a check at synthesis found true of `scope` now (none when it found none),
 * and returns an error for each id an earlier synthesis of the same app acknowledged there that the check
 * no longer finds true: an acknowledgement cannot be taken back, so it would otherwise go on covering what
 * was added since, such as a user's statement on `"*"` next to the library's explained ones.
 */
function acknowledgeChecked(scope: IConstruct, acknowledgements: readonly ComplianceAcknowledgement[]): string[] {
  const before = checkedIds.get(scope) ?? new Set<string>();
  const now = new Set(acknowledgements.map((a) => a.id));
  checkedIds.set(scope, new Set([...before, ...now]));
  let applied = appliedLate.get(scope);
  if (!applied) {
    applied = new Set();
    appliedLate.set(scope, applied);
  }
  const fresh = acknowledgements.filter((a) => !applied.has(`${a.id}\n${a.reason}`));
  for (const a of fresh) applied.add(`${a.id}\n${a.reason}`);
  if (fresh.length > 0) acknowledge(scope, fresh);
  return [...before].filter((id) => !now.has(id)).map((id) =>
    `${id} was acknowledged on ${scope.node.path} when this app was synthesized before, and no longer holds: something added since (a statement, an action, a rule) is not what the library checked and explained. An acknowledgement cannot be withdrawn from a synthesized app: build the app again (a new App) to have it checked.`);
}

/**
 * Runs `hook` when the app is synthesized, at the one point where rendered values are final and
 * acknowledgements still count: in a validation hook of `scope`. CDK runs those after it has resolved
 * cross-stack references (so a value of another stack renders as the `Fn::GetStackOutput` or
 * `Fn::ImportValue` of the consuming template) and before the validation plugins collect acknowledgements.
 * What `hook` returns fails the synthesis, as a validation error of `scope`.
 */
export function whenRendered(scope: IConstruct, hook: () => string[] | void): void {
  scope.node.addValidation({
    validate: () => hook() ?? [],
  });
}

/**
 * Applies acknowledgements whose ids contain rendered values: `compute` runs when the app is synthesized
 * (see {@link whenRendered}), so the ids follow the construct however its values end up rendered (a
 * resource of the same stack, an import from another stack with weak or strong references, an imported
 * resource). Every synthesis checks again; see `acknowledgeChecked` for a check that no longer holds.
 */
export function acknowledgeWhenRendered(scope: IConstruct, compute: () => ComplianceAcknowledgement[]): void {
  whenRendered(scope, () => acknowledgeChecked(scope, compute()));
}

/** One explained wildcard resource of a role: the resource, the exact actions allowed on it and why. */
interface WildcardExplanation {
  /** The resource as written (an ARN with tokens, or `*`), rendered when the app is synthesized. */
  readonly resource: string;
  readonly actions: ReadonlySet<string>;
  /** Condition keys every statement on the resource must use (e.g. `ec2:Vpc`). */
  readonly conditionKeys: readonly string[];
  readonly reason: string;
}

/** The wildcard resources explained per role (see {@link explainWildcardResource}). */
const explanations = new WeakMap<IConstruct, WildcardExplanation[]>();

/** Options of {@link explainWildcardResource}. */
export interface WildcardExplanationOptions {
  /** Condition keys each statement on the resource must use (in any operator), e.g. `ec2:Vpc`. */
  readonly conditionKeys?: readonly string[];
}

/**
 * Explains a wildcard resource of a role the library created: `resource` (an ARN with a wildcard, tokens
 * allowed, or `'*'`) with exactly `actions`. When the app is synthesized, the granular id
 * `AwsSolutions-IAM5[Resource::<resource as cdk-nag prints it>]` is acknowledged on each policy of the role
 * (its default policy, any policy construct below it, its inline policies) in which EVERY Allow statement
 * naming that resource lists only actions explained for it (by this or another call for the same role and
 * resource) and uses the required condition keys. Statements added after the construct, by grants or by
 * the user, count: one more action on the resource, a `NotAction`, or any unexplained statement on `'*'`,
 * and the policy's finding is reported.
 *
 * The id follows the construct: it is rendered in the policy's own template, so it is right for resources
 * of the same stack, cross-stack references (weak `Fn::GetStackOutput` or strong `Fn::ImportValue`) and
 * imported resources.
 */
export function explainWildcardResource(role: IConstruct, reason: string, resource: string, actions: readonly string[], options: WildcardExplanationOptions = {}): void {
  let list = explanations.get(role);
  if (!list) {
    const own: WildcardExplanation[] = [];
    list = own;
    explanations.set(role, own);
    whenRendered(role, () => acknowledgeExplainedWildcards(role, own));
  }
  list.push({ resource, actions: new Set(actions), conditionKeys: options.conditionKeys ?? [], reason });
}

function acknowledgeExplainedWildcards(role: IConstruct, list: readonly WildcardExplanation[]): string[] {
  const rendered = list.map((e) => ({ ...e, text: e.resource === '*' ? '*' : renderedForNag(role, e.resource) }));
  const errors: string[] = [];
  for (const policy of role.node.findAll()) {
    if (!CfnResource.isCfnResource(policy)) continue;
    const explained = new Map<string, Set<string>>();
    const unexplained = new Set<string>();
    for (const statement of renderedStatements(policy)) {
      if (statement.Effect !== 'Allow') continue;
      const actions = asList(statement.Action);
      const conditionKeys = new Set(Object.values(statement.Condition ?? {}).flatMap((c) => Object.keys(c ?? {})));
      for (const text of new Set(asList(statement.Resource).map(flattenCfnValue).filter((r) => r.includes('*')))) {
        const id = `AwsSolutions-IAM5[Resource::${text}]`;
        const matching = rendered.filter((e) => e.text === text);
        const ok = statement.NotAction === undefined
          && actions.length > 0
          && actions.every((a) => typeof a === 'string' && matching.some((e) => e.actions.has(a)))
          && matching.filter((e) => actions.some((a) => e.actions.has(a as string))).every((e) => e.conditionKeys.every((k) => conditionKeys.has(k)));
        if (!ok) {
          unexplained.add(id);
          continue;
        }
        const reasons = explained.get(id) ?? new Set<string>();
        for (const e of matching) if (actions.some((a) => e.actions.has(a as string))) reasons.add(e.reason);
        explained.set(id, reasons);
      }
    }
    const acks = [...explained].filter(([id]) => !unexplained.has(id)).map(([id, reasons]) => ({ id, reason: [...reasons].join(' ') }));
    errors.push(...acknowledgeChecked(policy, acks));
  }
  return errors;
}

function topicReason(topic: readonly ComplianceAcknowledgement[]): string {
  return topic[0].reason;
}

/**
 * Applies a registry topic's reason to the granular `AwsSolutions-IAM5[Resource::...]` ids of wildcard
 * resources (ARN strings, tokens allowed) of a role, each explained for exactly `actions` (see
 * {@link explainWildcardResource}).
 */
export function acknowledgeWildcardResources(
  role: IConstruct,
  topic: readonly ComplianceAcknowledgement[],
  resourceArns: string[],
  actions: readonly string[],
  options: WildcardExplanationOptions = {},
): void {
  for (const arn of resourceArns) explainWildcardResource(role, topicReason(topic), arn, actions, options);
}

/**
 * Acknowledges the granular `AwsSolutions-IAM5` finding for an object-level wildcard on a bucket (S3 object
 * ARNs can only be granted by prefix), for exactly the given object actions (see {@link explainWildcardResource}).
 *
 * @param objectsArn the wildcard ARN exactly as granted, e.g. `bucket.arnForObjects('training/*')`
 * @param what what the objects under the prefix are
 * @param actions the object actions granted on it (no wildcards)
 */
export function acknowledgeObjectWildcard(role: IConstruct, objectsArn: string, what: string, actions: readonly string[]): void {
  explainWildcardResource(role, objectWildcardReason(what), objectsArn, actions);
}

/** The reason of {@link acknowledgeObjectWildcard}. */
export function objectWildcardReason(what: string): string {
  return `S3 object permissions can only be granted by key prefix: ${what}. The bucket is fixed, the actions are explicit (no action wildcards) and the objects are encrypted with a customer-managed key that is granted separately.`;
}

/**
 * Explains `Resource: "*"` for exact actions on a role the library created. cdk-nag has one finding id for
 * every statement of a policy on `"*"`, so that id is acknowledged on a policy of the role only after the
 * check at synthesis found that every Allow statement with a `"*"` resource in it lists only explained
 * actions (see {@link explainWildcardResource}): a statement a user adds there, before any synthesis, is
 * reported; one added after a synthesis of the same app fails the next one (see `acknowledgeChecked`).
 *
 * @param reason why the actions need `"*"`: one of `STAR_RESOURCE_REASONS` (lib/core/private/star-resource-reasons.ts)
 * @param actions the exact actions that reason explains (no wildcards)
 */
export function acknowledgeStarResource(role: IConstruct, reason: StarResourceReason, actions: readonly string[]): void {
  explainWildcardResource(role, reason, '*', actions);
}

/**
 * Acknowledges a topic on the ingress rules of a security group that admit traffic from the group itself
 * (the `AWS::EC2::SecurityGroupIngress` resources below it whose source is its own id), decided when the app
 * is synthesized. Any other rule (a CIDR range, another group, inline rules on the group) is not covered.
 *
 * @param group the security group the library created
 * @param topic the acknowledgements to apply to each self-referencing rule
 */
export function acknowledgeSelfReferencingIngress(group: IConstruct & { readonly securityGroupId: string }, topic: readonly ComplianceAcknowledgement[]): void {
  whenRendered(group, () => {
    const self = JSON.stringify(Stack.of(group).resolve(group.securityGroupId));
    const errors: string[] = [];
    for (const child of group.node.findAll()) {
      if (!CfnResource.isCfnResource(child) || child.cfnResourceType !== 'AWS::EC2::SecurityGroupIngress') continue;
      const rule = renderedProperties(child);
      const selfReferencing = JSON.stringify(rule.GroupId) === self && JSON.stringify(rule.SourceSecurityGroupId) === self;
      errors.push(...acknowledgeChecked(child, selfReferencing ? topic : []));
    }
    return errors;
  });
}

/** Properties the Control Tower rules accept only as a literal or a reference within the same template. */
interface CrossStackProperty {
  /** The rendered property (path under `Properties`). */
  readonly path: string[];
  /** The property's value on the L1 construct, before resolution. */
  readonly value: (resource: any) => unknown;
  /** What the value must reference: a resource type and attribute (`Ref` for the resource's own reference). */
  readonly targetType: string;
  readonly attribute: string;
  /** The acknowledgement of the rule. */
  readonly acknowledgement: ComplianceAcknowledgement;
}

function ack(topic: readonly ComplianceAcknowledgement[], rule: string): ComplianceAcknowledgement {
  const found = topic.find((a) => a.id === `${CT}${rule}`);
  if (!found) throw new Error(`no acknowledgement ${CT}${rule}`);
  return found;
}

const CROSS_STACK_PROPERTIES: Record<string, CrossStackProperty> = {
  'AWS::SQS::Queue': {
    path: ['KmsMasterKeyId'],
    value: (r) => r.kmsMasterKeyId,
    targetType: 'AWS::KMS::Key',
    attribute: 'Arn',
    acknowledgement: ack(Acknowledgements.crossStackKey, 'sqs_queue_encrypted_check'),
  },
  'AWS::Logs::LogGroup': {
    path: ['KmsKeyId'],
    value: (r) => r.kmsKeyId,
    targetType: 'AWS::KMS::Key',
    attribute: 'Arn',
    acknowledgement: ack(Acknowledgements.crossStackKey, 'cloudwatch_log_group_encrypted_check'),
  },
  'AWS::CloudTrail::Trail': {
    path: ['KMSKeyId'],
    value: (r) => r.kmsKeyId,
    targetType: 'AWS::KMS::Key',
    attribute: 'Arn',
    acknowledgement: ack(Acknowledgements.crossStackKey, 'cloud_trail_encryption_enabled_check'),
  },
  'AWS::S3::Bucket': {
    path: ['LoggingConfiguration', 'DestinationBucketName'],
    value: (r) => r.loggingConfiguration?.destinationBucketName,
    targetType: 'AWS::S3::Bucket',
    attribute: 'Ref',
    acknowledgement: ack(Acknowledgements.crossStackAccessLogBucket, 's3_bucket_logging_enabled_check'),
  },
};

/**
 * Acknowledges the Control Tower finding that a queue, log group or trail has no KMS key (or a bucket no
 * access-log destination) when, and only when, the value is there but the rule cannot read it: the rendered
 * property is a cross-stack reference (`Fn::GetStackOutput` or `Fn::ImportValue`), the L1 value is exactly
 * one reference to the `Arn` of an `AWS::KMS::Key` (the `Ref` of an `AWS::S3::Bucket` for access logs) of
 * another stack, and no override changed it. Decided when the app is synthesized.
 *
 * @param resource the L2 (its default child is checked) or the L1 resource
 */
export function acknowledgeCrossStackReference(resource: IConstruct): void {
  const cfn = CfnResource.isCfnResource(resource) ? resource : resource.node.defaultChild;
  if (!cfn || !CfnResource.isCfnResource(cfn)) return;
  const property = CROSS_STACK_PROPERTIES[cfn.cfnResourceType];
  if (!property) return;
  acknowledgeWhenRendered(cfn, () => {
    const rendered = property.path.reduce<any>((v, k) => (v === undefined || v === null ? undefined : v[k]), renderedProperties(cfn));
    if (!isCrossStackImport(rendered)) return [];
    const raw = property.value(cfn);
    const reference = referencedAttribute(raw);
    if (!reference || reference.target.cfnResourceType !== property.targetType || reference.attribute !== property.attribute) return [];
    if (Stack.of(reference.target) === Stack.of(cfn)) return [];
    if (JSON.stringify(Stack.of(cfn).resolve(raw)) !== JSON.stringify(rendered)) return [];
    return [property.acknowledgement];
  });
}
