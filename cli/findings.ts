/** What genai-diff reports when a change broadens security. */

/**
 * The kinds of broadening genai-diff recognises.
 *
 * - `iam-statement`: an identity policy (inline role/user/group policy, `AWS::IAM::Policy`,
 *   `AWS::IAM::ManagedPolicy`) allows more, or a Deny in it applies to less.
 * - `managed-policy`: a role, user or group gets a managed policy whose statements are not in the template
 *   (an AWS-managed policy, or one from another stack).
 * - `permissions-boundary`: a role's or user's permissions boundary was removed or replaced.
 * - `trust-policy`: a role's trust policy (`AssumeRolePolicyDocument`) lets more principals assume it.
 * - `resource-policy`: a key, bucket, queue, topic, secret, repository, API or other resource policy
 *   allows more, or a Deny in it applies to less.
 * - `lambda-permission`: an `AWS::Lambda::Permission` (or layer permission) lets a new principal or source in.
 * - `security-group-rule`: a security group allows traffic no rule of the baseline allowed.
 * - `auth`: an API Gateway method or route lost or changed its authorization, or a Lambda function URL
 *   accepts unauthenticated calls.
 * - `public-access`: an S3 bucket's public access block or canned ACL was loosened.
 */
export type BroadeningKind =
  | 'iam-statement'
  | 'managed-policy'
  | 'permissions-boundary'
  | 'trust-policy'
  | 'resource-policy'
  | 'lambda-permission'
  | 'security-group-rule'
  | 'auth'
  | 'public-access';

/** Headings for each kind, in the order reports list them. */
export const KIND_LABELS: Record<BroadeningKind, string> = {
  'iam-statement': 'IAM statement',
  'managed-policy': 'Managed policy attachment',
  'permissions-boundary': 'Permissions boundary',
  'trust-policy': 'Role trust policy',
  'resource-policy': 'Resource policy',
  'lambda-permission': 'Lambda permission',
  'security-group-rule': 'Security group rule',
  'auth': 'Authorization',
  'public-access': 'Public access',
};

/** One change that broadens security, in one stack. */
export interface Broadening {
  readonly kind: BroadeningKind;
  /** The logical id of the resource whose change broadens (the policy, the group, the method ...). */
  readonly logicalId: string;
  /** Its CloudFormation type. */
  readonly resourceType: string;
  /** One line that says what is now allowed, e.g. "Allow s3:DeleteObject on ${Bucket.Arn}/* for role ${Role}". */
  readonly description: string;
}
