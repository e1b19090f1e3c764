import { Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Acknowledgements, acknowledge, acknowledgeCrossStackReference } from './acknowledgements';

/**
 * Makes buckets below `scope` grant S3 log delivery through a bucket policy instead of the
 * LogDeliveryWrite ACL (ACLs are disabled on every bucket here), whatever the user's app sets.
 * Must be called before `scope` has children.
 */
export function useBucketPolicyForAccessLogs(scope: Construct): void {
  scope.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
}

/** Settings shared by every bucket this library creates. */
export interface SecureBucketOptions {
  readonly encryptionKey: kms.IKey;
  readonly serverAccessLogsBucket: s3.IBucket;
  readonly serverAccessLogsPrefix: string;
  readonly removalPolicy: RemovalPolicy;
  readonly noncurrentVersionExpiration: Duration;
  readonly abortIncompleteMultipartUploadAfter: Duration;
  /** Move current objects to Intelligent-Tiering after this long; undefined keeps them in Standard. */
  readonly intelligentTieringAfter?: Duration;
  readonly objectLockDefaultRetention?: s3.ObjectLockRetention;
}

/** Keys (besides the bucket's own) that writers may name for objects of a bucket made by createSecureBucket. */
const objectKeys = new WeakMap<s3.IBucket, string[]>();

/**
 * Lets writers name `key` (by its ARN) for new objects of a bucket made by {@link createSecureBucket},
 * e.g. SageMaker data capture encrypted with its own key. No-op for other buckets (their owner manages
 * their policy). A key of another stack than the bucket's cannot be named in the bucket's policy (the
 * bucket's stack would depend on the key's, which depends on the bucket's): the policy then allows keys
 * of the bucket's account and region (`key/*`), still denying other accounts' keys, SSE-S3 and SSE-C.
 */
export function allowObjectEncryptionKey(bucket: s3.IBucket, key: kms.IKey): void {
  const keys = objectKeys.get(bucket);
  if (!keys) return;
  const arn = Stack.of(key) === Stack.of(bucket) ? key.keyArn : Stack.of(bucket).formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
  if (!keys.includes(arn)) keys.push(arn);
}

/**
 * A data bucket: SSE-KMS with bucket keys, versioned, TLS 1.2+ only, no public access, no ACLs, access
 * logged, object lock enabled (so retention can be set per object or by default), EventBridge
 * notifications on, lifecycle rules for noncurrent versions and aborted uploads. Its policy denies puts
 * that name another KMS key (unless allowed with {@link allowObjectEncryptionKey}), SSE-S3 or SSE-C, so
 * every object is encrypted with a customer-managed key whose policy the owner controls.
 */
export function createSecureBucket(scope: Construct, id: string, options: SecureBucketOptions): s3.Bucket {
  const destroy = options.removalPolicy === RemovalPolicy.DESTROY;
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: options.encryptionKey,
    bucketKeyEnabled: true,
    versioned: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: options.serverAccessLogsBucket,
    serverAccessLogsPrefix: options.serverAccessLogsPrefix,
    objectLockEnabled: true,
    objectLockDefaultRetention: options.objectLockDefaultRetention,
    removalPolicy: options.removalPolicy,
    autoDeleteObjects: destroy,
    lifecycleRules: [
      {
        id: 'NoncurrentVersionsAndUploads',
        noncurrentVersionExpiration: options.noncurrentVersionExpiration,
        abortIncompleteMultipartUploadAfter: options.abortIncompleteMultipartUploadAfter,
      },
      ...(options.intelligentTieringAfter
        ? [
            {
              id: 'IntelligentTiering',
              transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: options.intelligentTieringAfter }],
            },
          ]
        : []),
    ],
  });
  enableEventBridge(bucket);
  // The access-log bucket may belong to another stack of the app (e.g. a lake's, passed to an audit trail).
  acknowledgeCrossStackReference(bucket);
  denyOtherEncryption(bucket, options.encryptionKey);
  return bucket;
}

/** Deny statements that keep every new object under a customer-managed key of this library. */
function denyOtherEncryption(bucket: s3.Bucket, key: kms.IKey): void {
  const allowed = [key.keyArn];
  objectKeys.set(bucket, allowed);
  const deny = (sid: string, conditions: Record<string, Record<string, unknown>>) =>
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('*')],
        conditions,
      }),
    );
  // A put that names a key must name one of these by ARN; without the header the bucket's key applies.
  // (Like: ARNs have no wildcards, except the pattern of allowObjectEncryptionKey for a key of another stack.)
  deny('DenyOtherKmsKeys', {
    StringNotLikeIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': Lazy.list({ produce: () => allowed }) },
  });
  deny('DenySseS3', { StringEquals: { 's3:x-amz-server-side-encryption': 'AES256' } });
  deny('DenySseC', { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } });
}

/**
 * Sends the bucket's events to EventBridge through the bucket's own CloudFormation property (the L2's
 * `eventBridgeEnabled` adds a custom-resource Lambda instead).
 */
function enableEventBridge(bucket: s3.Bucket): void {
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  cfn.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}

/** Options for {@link createAccessLogBucket}. */
export interface AccessLogBucketOptions {
  readonly removalPolicy: RemovalPolicy;
  /** How long access logs are kept. */
  readonly retention: Duration;
}

/**
 * The server-access-log destination: SSE-S3 (S3 server access logging cannot deliver to SSE-KMS),
 * versioned, TLS-only, no public access, object lock enabled, logs expire after `retention`.
 */
export function createAccessLogBucket(scope: Construct, id: string, options: AccessLogBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    versioned: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    objectLockEnabled: true,
    removalPolicy: options.removalPolicy,
    autoDeleteObjects: options.removalPolicy === RemovalPolicy.DESTROY,
    lifecycleRules: [
      {
        id: 'ExpireAccessLogs',
        expiration: options.retention,
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
  });
  enableEventBridge(bucket);
  acknowledge(bucket, [...Acknowledgements.accessLogBucket, ...Acknowledgements.bucketReplication]);
  return bucket;
}
