import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledgeCrossStackReference } from './acknowledgements';
import { GenAIValidationError } from './errors';

/** Creates a customer-managed key with yearly rotation, retained by default. */
export function createKey(scope: Construct, id: string, description: string, removalPolicy = RemovalPolicy.RETAIN): kms.Key {
  const key = new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    removalPolicy,
    pendingWindow: Duration.days(30),
  });
  // Only AWS services may create grants on the key, and only for their own resources (Control Tower CT.KMS.PR.3).
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyGrantsExceptForAwsResources',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
  return key;
}

/**
 * Lets CloudWatch Logs in this account and region use the key for log groups (no-op for imported keys,
 * whose policy the owner manages).
 */
export function allowCloudWatchLogs(key: kms.IKey): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogs',
      principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        },
      },
    }),
  );
}

/** Lets the named AWS services publish to SNS topics or SQS queues encrypted with the key. */
export function allowServicesToPublish(key: kms.IKey, servicePrincipals: string[]): void {
  if (servicePrincipals.length === 0) return;
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowServicePublish',
      principals: servicePrincipals.map((p) => new iam.ServicePrincipal(p)),
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  );
}

const RETENTION_DAYS = new Set<number>(
  Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number'),
);

/** Throws unless CloudWatch Logs offers the retention (INFINITE is allowed). */
export function validateLogRetention(scope: Construct, property: string, retention: logs.RetentionDays | undefined): void {
  if (retention === undefined) return;
  if (!RETENTION_DAYS.has(retention)) {
    throw new GenAIValidationError(
      scope,
      property,
      retention,
      `a logs.RetentionDays value (days: ${[...RETENTION_DAYS].filter((d) => d !== 9999).sort((a, b) => a - b).join(', ')}, or INFINITE)`,
    );
  }
}

/** Options for {@link createEncryptedLogGroup}. */
export interface EncryptedLogGroupOptions {
  readonly encryptionKey: kms.IKey;
  readonly retention?: logs.RetentionDays;
  readonly removalPolicy?: RemovalPolicy;
  readonly logGroupName?: string;
}

/** A log group encrypted with the key (whose policy is extended for CloudWatch Logs), retained by default. */
export function createEncryptedLogGroup(scope: Construct, id: string, options: EncryptedLogGroupOptions): logs.LogGroup {
  allowCloudWatchLogs(options.encryptionKey);
  const group = new logs.LogGroup(scope, id, {
    encryptionKey: options.encryptionKey,
    retention: options.retention ?? logs.RetentionDays.ONE_YEAR,
    removalPolicy: options.removalPolicy ?? RemovalPolicy.RETAIN,
    logGroupName: options.logGroupName,
  });
  acknowledgeCrossStackReference(group);
  // The key policy statement must exist before CloudWatch Logs can use the key.
  if (options.encryptionKey instanceof kms.Key) {
    group.node.addDependency(options.encryptionKey);
  }
  return group;
}

/**
 * An SNS topic for alarms and notifications: encrypted with the key, TLS-only, and publishable by
 * CloudWatch alarms and EventBridge rules of this account.
 */
export function createNotificationTopic(scope: Construct, id: string, encryptionKey: kms.IKey, displayName: string): sns.Topic {
  allowServicesToPublish(encryptionKey, ['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
  return new sns.Topic(scope, id, {
    masterKey: encryptionKey,
    enforceSSL: true,
    displayName,
  });
}
