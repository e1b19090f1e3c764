import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataZone } from '../../lib/data-lake/data-zone';
import { ObjectLockMode, SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { GenAIValidationError } from '../../lib/core/errors';
import { strictApp } from '../helpers/compliance';

function lakeStack(props: ConstructorParameters<typeof SecureDataLake>[2] = {}) {
  const stack = new Stack(strictApp(), 'S');
  const lake = new SecureDataLake(stack, 'Lake', props);
  return { stack, lake, template: Template.fromStack(stack) };
}

function zoneBuckets(template: Template) {
  return Object.values(template.findResources('AWS::S3::Bucket')).filter(
    (b: any) => b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm === 'aws:kms',
  );
}

describe('SecureDataLake defaults', () => {
  const { template } = lakeStack();

  test('one bucket per zone plus the access-log bucket', () => {
    template.resourceCountIs('AWS::S3::Bucket', 6);
    expect(zoneBuckets(template)).toHaveLength(5);
  });

  test('a customer-managed key with rotation, retained', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('every zone bucket: SSE-KMS with the key and bucket keys, versioned, private, no ACLs, logged, object lock, EventBridge, retained', () => {
    for (const bucket of zoneBuckets(template) as any[]) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^LakeKey/), 'Arn'] } } },
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^LakeAccessLogBucket/) }, LogFilePrefix: expect.stringMatching(/\/$/) },
        ObjectLockEnabled: true,
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      });
      expect(bucket.Properties.ObjectLockConfiguration).toBeUndefined();
    }
  });

  test('lifecycle: noncurrent versions expire after 90 days, uploads aborted after 7, Intelligent-Tiering after 30', () => {
    for (const bucket of zoneBuckets(template) as any[]) {
      expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 90 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' }),
        expect.objectContaining({ Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 30 }], Status: 'Enabled' }),
      ]);
    }
  });

  test('TLS-only bucket policies (deny insecure transport and TLS < 1.2)', () => {
    const policies = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(6);
    for (const policy of Object.values(policies) as any[]) {
      const statements = policy.Properties.PolicyDocument.Statement;
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      );
    }
  });

  test('zone bucket policies deny puts that name another KMS key, SSE-S3 or SSE-C', () => {
    const { stack, lake } = lakeStack();
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy')) as any[];
    const keyArn = stack.resolve(lake.encryptionKey.keyArn);
    for (const zone of lake.zones) {
      const bucketRef = stack.resolve((lake.bucket(zone).node.defaultChild as s3.CfnBucket).ref);
      const policy = policies.find((p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify(bucketRef));
      const objects = { 'Fn::Join': ['', [stack.resolve(lake.bucket(zone).bucketArn), '/*']] };
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          { Sid: 'DenyOtherKmsKeys', Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: objects, Condition: { StringNotLikeIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': [keyArn] } } },
          { Sid: 'DenySseS3', Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: objects, Condition: { StringEquals: { 's3:x-amz-server-side-encryption': 'AES256' } } },
          { Sid: 'DenySseC', Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: objects, Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } } },
        ]),
      );
    }
  });

  test('the access-log bucket is SSE-S3 and lets S3 log delivery write through its policy', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 365 })]) },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]),
      },
    });
  });
});

describe('SecureDataLake props', () => {
  test('a user-supplied key is used and no key is created', () => {
    const stack = new Stack(strictApp(), 'S');
    const key = kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const lake = new SecureDataLake(stack, 'Lake', { encryptionKey: key });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(lake.encryptionKey).toBe(key);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.keyArn } })] },
    });
  });

  test('a subset of zones', () => {
    const { lake, template } = lakeStack({ zones: [DataZone.CURATED, DataZone.FEEDBACK] });
    expect(lake.zones).toEqual([DataZone.CURATED, DataZone.FEEDBACK]);
    expect(zoneBuckets(template)).toHaveLength(2);
  });

  test('object lock per zone, governance by default and compliance on request', () => {
    const { template } = lakeStack({
      objectLock: [
        { zone: DataZone.FEEDBACK, retention: Duration.days(30) },
        { zone: DataZone.MODEL_ARTIFACTS, mode: ObjectLockMode.COMPLIANCE, retention: Duration.days(365) },
      ],
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
    });
  });

  test('DESTROY is explicit: buckets are deleted and emptied, key scheduled for deletion', () => {
    const { template } = lakeStack({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 6);
  });

  test('lifecycle durations are configurable', () => {
    const { template } = lakeStack({
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(2),
      intelligentTieringAfter: Duration.days(0),
      accessLogRetention: Duration.days(2555),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } }),
          Match.objectLike({ Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 0 }] }),
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 2555 })] } });
  });

  test('works in an app without the recommended feature flags (log delivery by bucket policy, not ACL)', () => {
    const stack = new Stack(new App(), 'S');
    new SecureDataLake(stack, 'Lake');
    const template = Template.fromStack(stack);
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket')) as any[]) {
      expect(bucket.Properties.AccessControl).toBeUndefined();
    }
  });
});

describe('SecureDataLake grants', () => {
  function grantStack() {
    const stack = new Stack(strictApp(), 'S');
    const lake = new SecureDataLake(stack, 'Lake');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    return { stack, lake, role };
  }

  test('grantRead: get-object actions on the zone only, list limited to the prefix, decrypt on the key', () => {
    const { stack, lake, role } = grantStack();
    lake.grantRead(role, DataZone.CURATED, 'train');
    const statements = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const doc = (Object.values(statements)[0] as any).Properties.PolicyDocument.Statement;
    const curated = stack.resolve((lake.bucket(DataZone.CURATED).node.defaultChild as s3.CfnBucket).attrArn);
    expect(doc).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectTagging', 's3:GetObjectVersion'], Resource: { 'Fn::Join': ['', [curated, '/train/*']] } },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: curated, Condition: { StringLike: { 's3:prefix': ['train/*'] } } },
      { Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: curated },
      // The key only through S3: the grant reads objects, it cannot decrypt anything else with the key.
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^LakeKey/), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': [{ 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] }] } },
      },
    ]);
  });

  test('grantWrite: put only (no delete), encrypt on the key', () => {
    const { stack, lake, role } = grantStack();
    lake.grantWrite(role, DataZone.FEEDBACK);
    const doc = (Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0] as any).Properties.PolicyDocument.Statement;
    expect(doc).toEqual([
      expect.objectContaining({ Action: ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectTagging'] }),
      expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: { StringEquals: { 'kms:ViaService': [{ 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] }] } } }),
    ]);
    expect(JSON.stringify(doc)).not.toMatch(/Delete/);
  });

  test('fromDataLakeAttributes: an existing lake grants the same way and knows only its zones', () => {
    const stack = new Stack(strictApp(), 'S');
    const key = kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const curated = s3.Bucket.fromBucketName(stack, 'C', 'existing-curated');
    const lake = SecureDataLake.fromDataLakeAttributes(stack, 'Existing', { encryptionKey: key, curatedBucket: curated });
    expect(lake.zones).toEqual([DataZone.CURATED]);
    expect(lake.bucket(DataZone.CURATED)).toBe(curated);
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    lake.grantRead(role, DataZone.CURATED);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::existing-curated/*']] } }),
          Match.objectLike({ Action: 'kms:Decrypt', Resource: key.keyArn }),
        ]),
      },
    });
    expect(() => lake.bucket(DataZone.RAW)).toThrow(/Existing: invalid zone: got "raw"; allowed: a zone this lake has: curated/);
  });

  test('fromAttributes (deprecated) still imports the same lake; no bucket at all is an error', () => {
    const stack = new Stack(strictApp(), 'S');
    const key = kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const raw = s3.Bucket.fromBucketName(stack, 'R', 'existing-raw');
    const lake = SecureDataLake.fromAttributes(stack, 'Old', { encryptionKey: key, rawBucket: raw });
    expect(lake.zones).toEqual([DataZone.RAW]);
    expect(lake.bucket(DataZone.RAW)).toBe(raw);
    expect(() => SecureDataLake.fromDataLakeAttributes(stack, 'Empty', { encryptionKey: key })).toThrow(/S\/Empty: invalid attrs: got "no buckets"; allowed: at least one zone bucket/);
  });

  test('storage metrics per zone: daily S3 metrics with the bucket and storage type, for new and imported lakes', () => {
    const { stack, lake } = lakeStack();
    const size = lake.metricBucketSizeBytes(DataZone.CURATED);
    expect(size).toMatchObject({ namespace: 'AWS/S3', metricName: 'BucketSizeBytes', statistic: 'Average', dimensions: { BucketName: lake.bucket(DataZone.CURATED).bucketName, StorageType: 'StandardStorage' } });
    expect(size.period.toSeconds()).toBe(86400);
    expect(size.unit).toBeUndefined(); // documented as Bytes; no unit filter, as in aws-cdk-lib
    expect(stack.resolve(size.dimensions!.BucketName)).toEqual({ Ref: expect.stringMatching(/^LakeCuratedBucket/) });
    expect(lake.metricBucketSizeBytes(DataZone.RAW, { storageType: 'IntelligentTieringIAStorage', statistic: 'Maximum' })).toMatchObject({
      statistic: 'Maximum',
      dimensions: { StorageType: 'IntelligentTieringIAStorage' },
    });
    const objects = lake.metricNumberOfObjects(DataZone.FEEDBACK, { period: Duration.days(2) });
    expect(objects).toMatchObject({ namespace: 'AWS/S3', metricName: 'NumberOfObjects', statistic: 'Average', dimensions: { StorageType: 'AllStorageTypes' } });
    expect(objects.period.toSeconds()).toBe(2 * 86400);
    const other = new Stack(strictApp(), 'T');
    const key = kms.Key.fromKeyArn(other, 'K', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const imported = SecureDataLake.fromDataLakeAttributes(other, 'Existing', { encryptionKey: key, curatedBucket: s3.Bucket.fromBucketName(other, 'C', 'existing-curated') });
    expect(imported.metricNumberOfObjects(DataZone.CURATED).dimensions).toEqual({ BucketName: 'existing-curated', StorageType: 'AllStorageTypes' });
    expect(() => imported.metricBucketSizeBytes(DataZone.RAW)).toThrow(/Existing: invalid zone: got "raw"; allowed: a zone this lake has: curated/);
  });
});

describe('SecureDataLake bad input', () => {
  const cases: Array<[string, ConstructorParameters<typeof SecureDataLake>[2], RegExp]> = [
    ['object lock retention of 0 days', { objectLock: [{ zone: DataZone.RAW, retention: Duration.days(0) }] }, /S\/Lake: invalid objectLock.retention: got "0 days \(zone raw\)"; allowed: a whole number of days, at least 1/],
    ['object lock retention in hours', { objectLock: [{ zone: DataZone.RAW, retention: Duration.hours(36) }] }, /invalid objectLock.retention: got "1 day 12 hours \(zone raw\)"/],
    ['object lock on a zone the lake lacks', { zones: [DataZone.RAW], objectLock: [{ zone: DataZone.FEEDBACK, retention: Duration.days(1) }] }, /invalid objectLock.zone: got "feedback"; allowed: a zone this lake creates: raw/],
    ['object lock twice on one zone', { objectLock: [{ zone: DataZone.RAW, retention: Duration.days(1) }, { zone: DataZone.RAW, retention: Duration.days(2) }] }, /invalid objectLock.zone: got "raw"; allowed: each zone at most once/],
    ['object lock with DESTROY', { removalPolicy: RemovalPolicy.DESTROY, objectLock: [{ zone: DataZone.RAW, retention: Duration.days(1) }] }, /invalid objectLock: got "raw with removalPolicy DESTROY"/],
    ['an unknown zone', { zones: ['gold' as DataZone] }, /S\/Lake: invalid zones: got "gold"; allowed: a DataZone: raw, curated, model-artifacts, inference-capture, feedback/],
    ['no zones', { zones: [] }, /invalid zones: got \[\]; allowed: one or more of raw/],
    ['a duplicated zone', { zones: [DataZone.RAW, DataZone.RAW] }, /invalid zones: got "raw"; allowed: each zone at most once/],
    ['an unknown lock mode', { objectLock: [{ zone: DataZone.RAW, mode: 'LEGAL' as ObjectLockMode, retention: Duration.days(1) }] }, /invalid objectLock.mode: got "LEGAL"/],
    ['noncurrent expiration of 0 days', { noncurrentVersionExpiration: Duration.days(0) }, /invalid noncurrentVersionExpiration: got "0 days"; allowed: a whole number of days, at least 1/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    const stack = new Stack(strictApp(), 'S');
    expect(() => new SecureDataLake(stack, 'Lake', props)).toThrow(message);
    expect(() => new SecureDataLake(new Stack(strictApp(), 'T'), 'Lake', props)).toThrow(GenAIValidationError);
  });

  test('bucket() of a zone the lake does not have', () => {
    const { lake } = lakeStack({ zones: [DataZone.RAW] });
    expect(() => lake.bucket(DataZone.FEEDBACK)).toThrow(/S\/Lake: invalid zone: got "feedback"; allowed: a zone this lake has: raw/);
  });
});

// Compliance of a lake on its own: test/data-lake/data-lake.compliance.ts (checked in test/compliance/all.test.ts).
