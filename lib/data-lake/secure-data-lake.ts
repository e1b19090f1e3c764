import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { Acknowledgements, acknowledge } from '../core/acknowledgements';
import { createAccessLogBucket, createSecureBucket, useBucketPolicyForAccessLogs } from '../core/buckets';
import { createKey, grantKeyVia } from '../core/encryption';
import { GenAIValidationError } from '../core/errors';
import { ALL_ZONES, DataZone, zoneBucketId } from './data-zone';
import { LAKE_READ_ACTIONS, LAKE_WRITE_ACTIONS } from './private/actions';

/** Object lock mode for an immutable zone. */
export enum ObjectLockMode {
  /** Users with `s3:BypassGovernanceRetention` can still delete locked versions. */
  GOVERNANCE = 'GOVERNANCE',
  /** Nobody, including the root user, can delete a locked version before its retention ends. */
  COMPLIANCE = 'COMPLIANCE',
}

/** Default object lock retention for one zone. */
export interface ZoneObjectLock {
  /** The zone that must be immutable. */
  readonly zone: DataZone;
  /**
   * The lock mode.
   * @default ObjectLockMode.GOVERNANCE
   */
  readonly mode?: ObjectLockMode;
  /** How long every new object version is locked (at least one day, whole days). */
  readonly retention: Duration;
}

/** A data lake: one bucket per zone, encrypted with one customer-managed key. */
export interface ISecureDataLake extends IConstruct {
  /** The key every zone bucket is encrypted with. */
  readonly encryptionKey: kms.IKey;
  /** The zones this lake has. */
  readonly zones: DataZone[];
  /**
   * The bucket of a zone.
   *
   * Throws an error naming the lake's zones for a zone the lake does not have.
   *
   * @param zone the zone whose bucket to return
   */
  bucket(zone: DataZone): s3.IBucket;
  /**
   * Lets the grantee read objects of a zone (optionally only under a key prefix) and decrypt them with the lake's key.
   *
   * Grants `s3:GetObject`, `s3:GetObjectVersion` and `s3:GetObjectTagging` on the objects, `s3:ListBucket`
   * (limited to the prefix) and `s3:GetBucketLocation` on the bucket, and `kms:Decrypt` on the key
   * through S3 only (`kms:ViaService`).
   *
   * @param grantee the principal to grant
   * @param zone the zone to read (a zone of the lake)
   * @param keyPrefix only objects under this key prefix, e.g. `training/` (a leading `/` is removed and a
   * trailing `/` added), or the whole zone when omitted
   */
  grantRead(grantee: iam.IGrantable, zone: DataZone, keyPrefix?: string): iam.Grant;
  /**
   * Lets the grantee write objects of a zone (optionally only under a key prefix), encrypted with the lake's key.
   *
   * Grants `s3:PutObject`, `s3:PutObjectTagging` and `s3:AbortMultipartUpload` on the objects (never
   * delete), and `kms:GenerateDataKey` and `kms:Decrypt` (for multipart uploads) on the key through S3
   * only (`kms:ViaService`).
   *
   * @param grantee the principal to grant
   * @param zone the zone to write (a zone of the lake)
   * @param keyPrefix only objects under this key prefix, e.g. `training/` (a leading `/` is removed and a
   * trailing `/` added), or the whole zone when omitted
   */
  grantWrite(grantee: iam.IGrantable, zone: DataZone, keyPrefix?: string): iam.Grant;
  /**
   * Bytes stored in a zone's bucket (`AWS/S3` `BucketSizeBytes`, unit Bytes), one storage class at a time:
   * a daily storage metric, average per day.
   *
   * @param zone the zone (a zone of the lake)
   * @param props the storage type and options that override the defaults
   */
  metricBucketSizeBytes(zone: DataZone, props?: DataLakeStorageMetricOptions): cloudwatch.Metric;
  /**
   * Objects (all versions) stored in a zone's bucket (`AWS/S3` `NumberOfObjects`, unit Count, every
   * storage class): a daily storage metric, average per day.
   *
   * @param zone the zone (a zone of the lake)
   * @param props options that override the defaults (average per day)
   */
  metricNumberOfObjects(zone: DataZone, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Options of {@link ISecureDataLake.metricBucketSizeBytes}. */
export interface DataLakeStorageMetricOptions extends cloudwatch.MetricOptions {
  /**
   * The storage type (`StorageType` dimension) whose bytes to count. Objects older than the lake's
   * `intelligentTieringAfter` move to Intelligent-Tiering and count under `IntelligentTieringFAStorage`,
   * `IntelligentTieringIAStorage`, `IntelligentTieringAIAStorage` and the archive tiers instead.
   * @default 'StandardStorage'
   */
  readonly storageType?: string;
}

/** Attributes of a data lake that exists already. */
export interface SecureDataLakeAttributes {
  /** The key the buckets are encrypted with. */
  readonly encryptionKey: kms.IKey;
  /**
   * The bucket of the RAW zone.
   * @default - the lake has no RAW zone
   */
  readonly rawBucket?: s3.IBucket;
  /**
   * The bucket of the CURATED zone.
   * @default - the lake has no CURATED zone
   */
  readonly curatedBucket?: s3.IBucket;
  /**
   * The bucket of the MODEL_ARTIFACTS zone.
   * @default - the lake has no MODEL_ARTIFACTS zone
   */
  readonly modelArtifactsBucket?: s3.IBucket;
  /**
   * The bucket of the INFERENCE_CAPTURE zone.
   * @default - the lake has no INFERENCE_CAPTURE zone
   */
  readonly inferenceCaptureBucket?: s3.IBucket;
  /**
   * The bucket of the FEEDBACK zone.
   * @default - the lake has no FEEDBACK zone
   */
  readonly feedbackBucket?: s3.IBucket;
}


/** @internal */
abstract class DataLakeBase extends Construct implements ISecureDataLake {
  public abstract readonly encryptionKey: kms.IKey;
  /** @internal */
  protected abstract readonly _zoneBuckets: Map<DataZone, s3.IBucket>;

  /** The zones this lake has, in the order of {@link SecureDataLake.ALL_ZONES}. */
  public get zones(): DataZone[] {
    return ALL_ZONES.filter((z) => this._zoneBuckets.has(z));
  }

  /**
   * The bucket of a zone.
   *
   * Throws an error naming the lake's zones for a zone the lake does not have.
   *
   * @param zone the zone whose bucket to return
   */
  public bucket(zone: DataZone): s3.IBucket {
    const bucket = this._zoneBuckets.get(zone);
    if (!bucket) {
      throw new GenAIValidationError(this, 'zone', zone, `a zone this lake has: ${this.zones.join(', ')}`);
    }
    return bucket;
  }

  /**
   * Lets the grantee read objects of a zone (optionally only under a key prefix) and decrypt them with the lake's key.
   *
   * Grants `s3:GetObject`, `s3:GetObjectVersion` and `s3:GetObjectTagging` on the objects, `s3:ListBucket`
   * (limited to the prefix) and `s3:GetBucketLocation` on the bucket, and `kms:Decrypt` on the key
   * through S3 only (`kms:ViaService`).
   *
   * @param grantee the principal to grant
   * @param zone the zone to read (a zone of the lake)
   * @param keyPrefix only objects under this key prefix, e.g. `training/` (a leading `/` is removed and a
   * trailing `/` added), or the whole zone when omitted
   */
  public grantRead(grantee: iam.IGrantable, zone: DataZone, keyPrefix?: string): iam.Grant {
    const bucket = this.bucket(zone);
    const grant = this.grantObjects(grantee, bucket, LAKE_READ_ACTIONS, keyPrefix);
    this.grantList(grantee, bucket, keyPrefix);
    grantKeyVia(this.encryptionKey, grantee, ['s3'], 'kms:Decrypt');
    return grant;
  }

  /**
   * Lets the grantee write objects of a zone (optionally only under a key prefix), encrypted with the lake's key.
   *
   * Grants `s3:PutObject`, `s3:PutObjectTagging` and `s3:AbortMultipartUpload` on the objects (never
   * delete), and `kms:GenerateDataKey` and `kms:Decrypt` (for multipart uploads) on the key through S3
   * only (`kms:ViaService`).
   *
   * @param grantee the principal to grant
   * @param zone the zone to write (a zone of the lake)
   * @param keyPrefix only objects under this key prefix, e.g. `training/` (a leading `/` is removed and a
   * trailing `/` added), or the whole zone when omitted
   */
  public grantWrite(grantee: iam.IGrantable, zone: DataZone, keyPrefix?: string): iam.Grant {
    const bucket = this.bucket(zone);
    const grant = this.grantObjects(grantee, bucket, LAKE_WRITE_ACTIONS, keyPrefix);
    // GenerateDataKey encrypts new objects; Decrypt is needed to complete multipart uploads.
    grantKeyVia(this.encryptionKey, grantee, ['s3'], 'kms:GenerateDataKey', 'kms:Decrypt');
    return grant;
  }

  /**
   * Bytes stored in a zone's bucket (`AWS/S3` `BucketSizeBytes`, unit Bytes) for one storage type
   * (`StandardStorage` unless `props.storageType` says otherwise). S3 publishes storage metrics once a day,
   * so the default is the average per day; an alarm on it needs a period of at least a day.
   *
   * @param zone the zone (a zone of the lake)
   * @param props the storage type and options that override the defaults (average per day)
   */
  public metricBucketSizeBytes(zone: DataZone, props: DataLakeStorageMetricOptions = {}): cloudwatch.Metric {
    const { storageType, ...options } = props;
    return this.storageMetric('BucketSizeBytes', zone, storageType ?? 'StandardStorage', options);
  }

  /**
   * Objects stored in a zone's bucket, every version and storage class (`AWS/S3` `NumberOfObjects`, unit
   * Count, `StorageType` `AllStorageTypes`). S3 publishes storage metrics once a day, so the default is the
   * average per day.
   *
   * @param zone the zone (a zone of the lake)
   * @param props options that override the defaults (average per day)
   */
  public metricNumberOfObjects(zone: DataZone, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.storageMetric('NumberOfObjects', zone, 'AllStorageTypes', props);
  }

  private storageMetric(metricName: string, zone: DataZone, storageType: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName,
      dimensionsMap: { BucketName: this.bucket(zone).bucketName, StorageType: storageType },
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.days(1),
      ...props,
    });
  }

  private grantObjects(grantee: iam.IGrantable, bucket: s3.IBucket, actions: string[], keyPrefix?: string): iam.Grant {
    return iam.Grant.addToPrincipalOrResource({
      grantee,
      actions,
      resourceArns: [bucket.arnForObjects(`${normalizePrefix(keyPrefix)}*`)],
      resource: bucket,
    });
  }

  private grantList(grantee: iam.IGrantable, bucket: s3.IBucket, keyPrefix?: string): void {
    const prefix = normalizePrefix(keyPrefix);
    // s3:prefix only exists on ListBucket requests, so GetBucketLocation gets its own statement.
    const list = iam.Grant.addToPrincipalOrResource({ grantee, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn], resource: bucket });
    if (prefix) list.principalStatement?.addCondition('StringLike', { 's3:prefix': [`${prefix}*`] });
    iam.Grant.addToPrincipalOrResource({ grantee, actions: ['s3:GetBucketLocation'], resourceArns: [bucket.bucketArn], resource: bucket });
  }
}

function normalizePrefix(prefix?: string): string {
  if (!prefix) return '';
  if (Token.isUnresolved(prefix)) return prefix;
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/** Properties of {@link SecureDataLake}. */
export interface SecureDataLakeProps {
  /**
   * The key every zone bucket is encrypted with.
   * @default - a new customer-managed key with rotation, retained on stack deletion
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The zones to create.
   * @default - all five zones
   */
  readonly zones?: DataZone[];
  /**
   * What happens to buckets (and the key the lake creates) when the stack is deleted. `DESTROY` also
   * empties the buckets first; it must be chosen explicitly.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Zones whose new object versions are locked for a default retention period.
   * @default - no default retention (object lock is enabled on every bucket but no version is locked)
   */
  readonly objectLock?: ZoneObjectLock[];
  /**
   * How long a version stays after it was overwritten or deleted.
   * @default Duration.days(90)
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * How long incomplete multipart uploads are kept before they are aborted.
   * @default Duration.days(7)
   */
  readonly abortIncompleteMultipartUploadAfter?: Duration;
  /**
   * Age at which objects move to the Intelligent-Tiering storage class.
   * @default Duration.days(30)
   */
  readonly intelligentTieringAfter?: Duration;
  /**
   * How long server access logs are kept.
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
}

/**
 * An encrypted data lake: one bucket per {@link DataZone}, a customer-managed key with rotation, and a
 * server-access-log bucket.
 *
 * Every zone bucket is SSE-KMS with bucket keys, versioned, TLS-only, private, ACL-free, access logged,
 * object-lock enabled, publishes to EventBridge and is retained on stack deletion.
 */
export class SecureDataLake extends DataLakeBase {
  /** Every zone, in a stable order. */
  public static readonly ALL_ZONES: DataZone[] = [...ALL_ZONES];
  /** The S3 actions of {@link ISecureDataLake.grantRead}. */
  public static readonly READ_ACTIONS: string[] = [...LAKE_READ_ACTIONS];
  /** The S3 actions of {@link ISecureDataLake.grantWrite}: put only, never delete. */
  public static readonly WRITE_ACTIONS: string[] = [...LAKE_WRITE_ACTIONS];

  /**
   * The construct id of a zone's bucket inside a lake: `RawBucket`, `ModelArtifactsBucket`, ...
   *
   * @param zone the zone
   */
  public static zoneBucketId(zone: DataZone): string {
    return zoneBucketId(zone);
  }

  /**
   * Imports a lake that exists already.
   *
   * Only the zones whose bucket is given exist in the imported lake; at least one bucket is required.
   *
   * @param scope the scope in which to define the imported lake
   * @param id the construct id of the imported lake
   * @param attrs the key and the zone buckets of the lake
   */
  public static fromDataLakeAttributes(scope: Construct, id: string, attrs: SecureDataLakeAttributes): ISecureDataLake {
    class Imported extends DataLakeBase {
      public readonly encryptionKey = attrs.encryptionKey;
      /** @internal */
      protected readonly _zoneBuckets = new Map<DataZone, s3.IBucket>(
        (
          [
            [DataZone.RAW, attrs.rawBucket],
            [DataZone.CURATED, attrs.curatedBucket],
            [DataZone.MODEL_ARTIFACTS, attrs.modelArtifactsBucket],
            [DataZone.INFERENCE_CAPTURE, attrs.inferenceCaptureBucket],
            [DataZone.FEEDBACK, attrs.feedbackBucket],
          ] as Array<[DataZone, s3.IBucket | undefined]>
        ).filter((e): e is [DataZone, s3.IBucket] => e[1] !== undefined),
      );
    }
    const lake = new Imported(scope, id);
    if (lake.zones.length === 0) {
      throw new GenAIValidationError(lake, 'attrs', 'no buckets', 'at least one zone bucket (rawBucket, curatedBucket, ...)');
    }
    return lake;
  }

  /**
   * Imports a lake that exists already.
   *
   * @deprecated use {@link SecureDataLake.fromDataLakeAttributes} (the same import, named like the other
   * import methods of this library and of aws-cdk-lib)
   * @param scope the scope in which to define the imported lake
   * @param id the construct id of the imported lake
   * @param attrs the key and the zone buckets of the lake
   */
  public static fromAttributes(scope: Construct, id: string, attrs: SecureDataLakeAttributes): ISecureDataLake {
    return SecureDataLake.fromDataLakeAttributes(scope, id, attrs);
  }

  /** The key every zone bucket is encrypted with. */
  public readonly encryptionKey: kms.IKey;
  /** The server-access-log bucket (SSE-S3). */
  public readonly accessLogBucket: s3.IBucket;
  /** @internal */
      protected readonly _zoneBuckets = new Map<DataZone, s3.IBucket>();

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the lake's properties (all optional)
   */
  constructor(scope: Construct, id: string, props: SecureDataLakeProps = {}) {
    super(scope, id);
    useBucketPolicyForAccessLogs(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const zones = this.validateZones(props.zones ?? [...ALL_ZONES]);
    const locks = this.validateObjectLock(props.objectLock ?? [], zones, removalPolicy);
    const noncurrent = this.validateDays('noncurrentVersionExpiration', props.noncurrentVersionExpiration ?? Duration.days(90));
    const abort = this.validateDays('abortIncompleteMultipartUploadAfter', props.abortIncompleteMultipartUploadAfter ?? Duration.days(7));
    const tiering = this.validateDays('intelligentTieringAfter', props.intelligentTieringAfter ?? Duration.days(30), 0);
    const logRetention = this.validateDays('accessLogRetention', props.accessLogRetention ?? Duration.days(365));

    this.encryptionKey =
      props.encryptionKey ?? createKey(this, 'Key', `Encrypts the data lake ${this.node.path}`, removalPolicy);

    this.accessLogBucket = createAccessLogBucket(this, 'AccessLogBucket', { removalPolicy, retention: logRetention });

    for (const zone of zones) {
      const lock = locks.get(zone);
      const bucket = createSecureBucket(this, zoneBucketId(zone), {
        encryptionKey: this.encryptionKey,
        serverAccessLogsBucket: this.accessLogBucket,
        serverAccessLogsPrefix: `${zone}/`,
        removalPolicy,
        noncurrentVersionExpiration: noncurrent,
        abortIncompleteMultipartUploadAfter: abort,
        intelligentTieringAfter: tiering,
        objectLockDefaultRetention: lock
          ? lock.mode === ObjectLockMode.COMPLIANCE
            ? s3.ObjectLockRetention.compliance(lock.retention)
            : s3.ObjectLockRetention.governance(lock.retention)
          : undefined,
      });
      acknowledge(bucket, Acknowledgements.bucketReplication);
      this._zoneBuckets.set(zone, bucket);
    }
  }

  private validateZones(zones: DataZone[]): DataZone[] {
    if (zones.length === 0) {
      throw new GenAIValidationError(this, 'zones', zones, `one or more of ${ALL_ZONES.join(', ')}`);
    }
    const seen = new Set<DataZone>();
    for (const zone of zones) {
      if (!ALL_ZONES.includes(zone)) {
        throw new GenAIValidationError(this, 'zones', zone, `a DataZone: ${ALL_ZONES.join(', ')}`);
      }
      if (seen.has(zone)) {
        throw new GenAIValidationError(this, 'zones', zone, 'each zone at most once');
      }
      seen.add(zone);
    }
    return ALL_ZONES.filter((z) => seen.has(z));
  }

  private validateObjectLock(locks: ZoneObjectLock[], zones: DataZone[], removalPolicy: RemovalPolicy): Map<DataZone, ZoneObjectLock> {
    const result = new Map<DataZone, ZoneObjectLock>();
    for (const lock of locks) {
      if (!zones.includes(lock.zone)) {
        throw new GenAIValidationError(this, 'objectLock.zone', lock.zone, `a zone this lake creates: ${zones.join(', ')}`);
      }
      if (result.has(lock.zone)) {
        throw new GenAIValidationError(this, 'objectLock.zone', lock.zone, 'each zone at most once');
      }
      if (lock.mode !== undefined && !Object.values(ObjectLockMode).includes(lock.mode)) {
        throw new GenAIValidationError(this, 'objectLock.mode', lock.mode, 'ObjectLockMode.GOVERNANCE or ObjectLockMode.COMPLIANCE');
      }
      const days = lock.retention.toDays({ integral: false });
      if (!(days >= 1) || !Number.isInteger(days)) {
        throw new GenAIValidationError(this, 'objectLock.retention', `${lock.retention.toHumanString()} (zone ${lock.zone})`, 'a whole number of days, at least 1');
      }
      if (removalPolicy === RemovalPolicy.DESTROY) {
        throw new GenAIValidationError(
          this,
          'objectLock',
          `${lock.zone} with removalPolicy DESTROY`,
          'object lock retention only with RETAIN or SNAPSHOT: locked versions cannot be deleted when the stack is destroyed',
        );
      }
      result.set(lock.zone, lock);
    }
    return result;
  }

  private validateDays(property: string, value: Duration, min = 1): Duration {
    if (value.isUnresolved()) return value;
    const days = value.toDays({ integral: false });
    if (!Number.isInteger(days) || days < min) {
      throw new GenAIValidationError(this, property, value.toHumanString(), `a whole number of days, at least ${min}`);
    }
    return value;
  }
}
