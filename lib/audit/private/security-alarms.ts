/**
 * The sensitive-activity alarms of {@link AuditTrail}: CloudWatch Logs metric filter patterns on the
 * trail's log group (after the CIS AWS Foundations benchmark, section "Monitoring").
 */
export interface SecurityAlarmDefinition {
  /** Construct id and metric name. */
  readonly id: string;
  /** What the alarm means and what to do about it. */
  readonly description: string;
  /** CloudWatch Logs filter pattern on CloudTrail JSON records. */
  readonly pattern: string;
}

export const SECURITY_ALARMS: readonly SecurityAlarmDefinition[] = [
  {
    id: 'UnauthorizedApiCalls',
    description: 'API calls were denied (UnauthorizedOperation / AccessDenied): a misconfigured role or someone probing permissions.',
    pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
  },
  {
    id: 'RootAccountUsage',
    description: 'The root user made an API call or signed in. The root user should not be used for daily work.',
    pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  {
    id: 'IamPolicyChanges',
    description: 'An IAM policy was created, changed, attached or detached.',
    pattern:
      '{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ' +
      '($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ' +
      '($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ' +
      '($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ' +
      '($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ' +
      '($.eventName = DetachGroupPolicy) }',
  },
  {
    id: 'KmsKeyDisabledOrScheduledForDeletion',
    description: 'A KMS key was disabled or scheduled for deletion: data encrypted with it becomes unreadable.',
    pattern: '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }',
  },
  {
    id: 'CloudTrailConfigurationChanges',
    description: 'A trail was created, changed, deleted, started or stopped.',
    pattern:
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ' +
      '($.eventName = StartLogging) || ($.eventName = StopLogging) || ($.eventName = PutEventSelectors) }',
  },
  {
    id: 'S3BucketPolicyChanges',
    description: 'An S3 bucket policy, ACL, CORS, lifecycle or replication configuration was changed.',
    pattern:
      '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ' +
      '($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ' +
      '($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ' +
      '($.eventName = DeleteBucketReplication)) }',
  },
  {
    id: 'ConsoleSignInWithoutMfa',
    description: 'An IAM user signed in to the console without MFA.',
    pattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ' +
      '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  },
];
