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
 * children only, through {@link acknowledge}; the README lists this table.
 */
export const Acknowledgements = {
  /** Server-access-log buckets cannot use SSE-KMS and must not log to themselves. */
  accessLogBucket: [
    ...each(
      ['AwsSolutions-S1', `${NIST}-S3BucketLoggingEnabled`, `${HIPAA}-S3BucketLoggingEnabled`, `${CT}s3_bucket_logging_enabled_check`],
      'This bucket is the server-access-log destination; logging it to itself would loop. Access to it is still recorded by CloudTrail data events.',
    ),
    ...each(
      [`${NIST}-S3DefaultEncryptionKMS`, `${HIPAA}-S3DefaultEncryptionKMS`, `${CT}s3_bucket_default_encryption_kms_check`],
      'S3 server access logging can only deliver to buckets encrypted with SSE-S3 (AES-256); SSE-KMS is not supported for the log destination.',
    ),
  ],
  /** Cross-region replication is a residency decision the user makes, not a default. */
  bucketReplication: each(
    [`${NIST}-S3BucketReplicationEnabled`, `${HIPAA}-S3BucketReplicationEnabled`],
    'Cross-region replication copies data out of the chosen region, which is a data-residency decision for the owner; loss is prevented instead by versioning, object lock, RETAIN removal policy and lifecycle rules that keep noncurrent versions.',
  ),
  /**
   * CDK grants render least-privilege statements as an AWS::IAM::Policy attached to exactly one role the
   * library created; that is the library's one answer to the inline-policy rule.
   */
  inlinePolicies: each(
    [`${NIST}-IAMNoInlinePolicy`, `${HIPAA}-IAMNoInlinePolicy`],
    'Each policy is generated from resource-scoped grants, attached to exactly one role created by this construct, and deleted with it; a customer-managed policy would hold the same statements and could be attached elsewhere by mistake.',
  ),
  /** X-Ray tracing permissions: the service has no resource-level permissions. */
  xrayWildcard: each(
    ['AwsSolutions-IAM5[Resource::*]'],
    'Only the X-Ray actions xray:PutTraceSegments and xray:PutTelemetryRecords use Resource "*" here: X-Ray does not support resource-level permissions for them. Every other statement of this role names its resources.',
  ),
  /** A Lambda function that only calls AWS APIs does not need a VPC. */
  lambdaOutsideVpc: each(
    [`${NIST}-LambdaInsideVPC`, `${HIPAA}-LambdaInsideVPC`, `${CT}lambda_inside_vpc_check`],
    'The function reaches only AWS regional APIs (TLS, SigV4, IAM-scoped) and holds no network-reachable state; a VPC would add NAT or interface endpoints without narrowing access. Pass the construct a `vpc` to run it inside yours.',
  ),
  /** A dead-letter queue is the end of the line: it has no DLQ of its own. */
  deadLetterQueue: each(
    ['AwsSolutions-SQS3', `${CT}sqs_dlq_check`],
    'This queue is itself a dead-letter queue; messages that reach it are kept for 14 days for inspection and are not redriven further.',
  ),
} as const;

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

/** The string cdk-nag prints for `Fn::GetAtt` of a resource in the same stack, e.g. `<Bucket1234.Arn>`. */
export function nagRef(scope: IConstruct, cfnResource: IConstruct, attribute = 'Arn'): string {
  const logicalId = Stack.of(scope).resolve((cfnResource as any).logicalId);
  return `<${logicalId}.${attribute}>`;
}
