import { Arn, ArnFormat, Aws, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Acknowledgements, acknowledge, acknowledgeCrossStackReference } from '../core/acknowledgements';
import { createAccessLogBucket, createSecureBucket, useBucketPolicyForAccessLogs } from '../core/buckets';
import { createEncryptedLogGroup, createKey, createNotificationTopic, validateLogRetention } from '../core/encryption';
import { GenAIValidationError, validatePattern } from '../core/errors';
import { ISecureDataLake, ObjectLockMode, SecureDataLake } from '../data-lake/secure-data-lake';
import { IAuditTrail } from './audit-trail-ref';
import { SECURITY_ALARMS, SecurityAlarmDefinition } from './private/security-alarms';

/** Namespace of the metric filters of the security alarms. */
const SECURITY_METRICS_NAMESPACE = 'GenAIPlatform/AuditTrail';

/** Properties of {@link AuditTrail}. */
export interface AuditTrailProps {
  /**
   * A data lake whose buckets get S3 data events (every object read and write) recorded, together with
   * its access-log bucket. The trail's own access-log bucket is always recorded; the trail bucket never is.
   * @default - S3 data events on the trail's access-log bucket only
   */
  readonly dataLake?: ISecureDataLake;
  /**
   * Key for the trail's log files, its log group and the alarm topic.
   * @default - a new customer-managed key with rotation, retained on stack deletion
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long the CloudWatch log group keeps trail events.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Object lock mode of the trail bucket.
   * @default ObjectLockMode.GOVERNANCE
   */
  readonly objectLockMode?: ObjectLockMode;
  /**
   * How long each log file is locked against deletion (whole days, at least 1).
   * @default Duration.days(365)
   */
  readonly objectLockRetention?: Duration;
  /**
   * Where the trail bucket's server access logs go.
   * @default - a new SSE-S3 access-log bucket
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /**
   * Record Lambda invoke data events for every function in the account.
   * @default false
   */
  readonly includeLambdaDataEvents?: boolean;
  /**
   * Record SageMaker endpoint invocation data events for every endpoint in the account.
   * @default false
   */
  readonly includeSageMakerDataEvents?: boolean;
  /**
   * Topic the sensitive-activity alarms notify.
   * @default - a new topic encrypted with `encryptionKey`
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * What happens to the bucket, log group and key on stack deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Attributes of a trail that exists already. */
export interface AuditTrailAttributes {
  /** The trail's ARN, `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`. */
  readonly trailArn: string;
}

/** @internal */
abstract class AuditTrailBase extends Construct implements IAuditTrail {
  public abstract readonly trailArn: string;
  public abstract readonly trailName: string;

  /**
   * The metric of one security alarm's metric filter: namespace `GenAIPlatform/AuditTrail`, the alarm's id
   * as metric name, no dimension and no unit (the filter publishes 1 per matching CloudTrail event, and 0
   * when none matched); sum per 5 minutes unless `props` say otherwise, as the alarm evaluates it. Every `AuditTrail`
   * of an account and region publishes to the same metric.
   *
   * @param alarmId the id of a security alarm (`AuditTrail.SECURITY_ALARMS`), e.g. `RootAccountUsage`
   * @param props options that override the defaults (sum per 5 minutes)
   */
  public metricSecurityAlarm(alarmId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!SECURITY_ALARMS.some((a) => a.id === alarmId)) {
      throw new GenAIValidationError(this, 'alarmId', alarmId, `the id of a security alarm: ${SECURITY_ALARMS.map((a) => a.id).join(', ')}`);
    }
    return new cloudwatch.Metric({
      namespace: SECURITY_METRICS_NAMESPACE,
      metricName: alarmId,
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    });
  }
}

/**
 * A multi-region CloudTrail trail with log file validation, KMS encryption, an object-locked bucket, an
 * encrypted CloudWatch log group and alarms on sensitive activity.
 */
export class AuditTrail extends AuditTrailBase {
  /** The CIS-style metric filters and alarms every trail gets, by id. */
  public static readonly SECURITY_ALARMS: SecurityAlarmDefinition[] = [...SECURITY_ALARMS];

  /**
   * Imports a trail that exists already, for its ARN, name and the metrics of the security alarms (which
   * only have data when the trail's log group has this library's metric filters, as an `AuditTrail` does).
   *
   * @param scope the scope in which to define the imported trail
   * @param id the construct id of the imported trail
   * @param attrs the trail's ARN
   */
  public static fromTrailAttributes(scope: Construct, id: string, attrs: AuditTrailAttributes): IAuditTrail {
    validatePattern(
      scope,
      'trailArn',
      attrs.trailArn,
      /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]{3,128}$/,
      'a trail ARN: arn:<partition>:cloudtrail:<region>:<account>:trail/<name>',
    );
    class Imported extends AuditTrailBase {
      public readonly trailArn = attrs.trailArn;
      public readonly trailName = Arn.split(attrs.trailArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    }
    return new Imported(scope, id);
  }

  /**
   * Imports a trail that exists already by its ARN.
   *
   * @param scope the scope in which to define the imported trail
   * @param id the construct id of the imported trail
   * @param trailArn the trail's ARN, `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`
   */
  public static fromTrailArn(scope: Construct, id: string, trailArn: string): IAuditTrail {
    return AuditTrail.fromTrailAttributes(scope, id, { trailArn });
  }

  /** The trail's ARN. */
  public readonly trailArn: string;
  /** The trail's name (generated by CloudFormation). */
  public readonly trailName: string;

  /** The trail. */
  public readonly trail: cloudtrail.Trail;
  /** The encrypted log group the trail delivers to. */
  public readonly logGroup: logs.ILogGroup;
  /** The object-locked bucket that holds the log files. */
  public readonly bucket: s3.IBucket;
  /** The key of log files, log group and alarm topic. */
  public readonly encryptionKey: kms.IKey;
  /** The topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;
  /** One alarm per sensitive activity (see the README for what each means). */
  public readonly alarms: cloudwatch.IAlarm[] = [];

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the trail's properties (all optional)
   */
  constructor(scope: Construct, id: string, props: AuditTrailProps = {}) {
    super(scope, id);
    useBucketPolicyForAccessLogs(this);
    validateLogRetention(this, 'logRetention', props.logRetention);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const mode = props.objectLockMode ?? ObjectLockMode.GOVERNANCE;
    if (!Object.values(ObjectLockMode).includes(mode)) {
      throw new GenAIValidationError(this, 'objectLockMode', mode, 'ObjectLockMode.GOVERNANCE or ObjectLockMode.COMPLIANCE');
    }
    const lockRetention = props.objectLockRetention ?? Duration.days(365);
    const lockDays = lockRetention.toDays({ integral: false });
    if (!Number.isInteger(lockDays) || lockDays < 1) {
      throw new GenAIValidationError(this, 'objectLockRetention', lockRetention.toHumanString(), 'a whole number of days, at least 1');
    }
    if (removalPolicy === RemovalPolicy.DESTROY) {
      throw new GenAIValidationError(
        this,
        'removalPolicy',
        'DESTROY',
        'RETAIN or SNAPSHOT: trail log files are object-locked and cannot be deleted with the stack',
      );
    }

    const stack = Stack.of(this);
    // A generated name, so the key and bucket policies can name this trail (its ARN) without a cycle.
    const trailName = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    const trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: trailName });
    this.encryptionKey = props.encryptionKey ?? createKey(this, 'Key', `Encrypts the audit trail ${this.node.path}`, removalPolicy);
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailEncrypt',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': stack.formatArn({ service: 'cloudtrail', region: '*', resource: 'trail', resourceName: trailName }),
          },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': trailArn },
        },
      }),
    );
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailDescribeKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': trailArn } },
      }),
    );

    const accessLogs =
      props.serverAccessLogsBucket ?? createAccessLogBucket(this, 'AccessLogBucket', { removalPolicy, retention: Duration.days(365) });
    const bucket = createSecureBucket(this, 'Bucket', {
      encryptionKey: this.encryptionKey,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'audit-trail/',
      removalPolicy,
      noncurrentVersionExpiration: Duration.days(lockDays + 30),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
      intelligentTieringAfter: Duration.days(30),
      objectLockDefaultRetention:
        mode === ObjectLockMode.COMPLIANCE ? s3.ObjectLockRetention.compliance(lockRetention) : s3.ObjectLockRetention.governance(lockRetention),
    });
    acknowledge(bucket, Acknowledgements.bucketReplication);
    this.bucket = bucket;

    const logGroup = createEncryptedLogGroup(this, 'LogGroup', {
      encryptionKey: this.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });
    this.logGroup = logGroup;

    // The Trail L2 adds its bucket policy statements (GetBucketAcl, PutObject) without a source
    // condition: while it does, each statement it adds for CloudTrail is limited to this trail.
    const addToBucketPolicy = bucket.addToResourcePolicy;
    bucket.addToResourcePolicy = (statement: iam.PolicyStatement) => {
      if (statement.principals.some((p) => p instanceof iam.ServicePrincipal && p.service === 'cloudtrail.amazonaws.com')) {
        statement.addCondition('StringEquals', { 'aws:SourceArn': trailArn });
      }
      return addToBucketPolicy.call(bucket, statement);
    };
    try {
      this.trail = new cloudtrail.Trail(this, 'Resource', {
        trailName,
        bucket,
        encryptionKey: this.encryptionKey,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableFileValidation: true,
        sendToCloudWatchLogs: true,
        cloudWatchLogGroup: logGroup,
      });
    } finally {
      delete (bucket as { addToResourcePolicy?: unknown }).addToResourcePolicy;
    }
    this.trail.node.addDependency(this.encryptionKey);
    const cfnTrail = this.trail.node.defaultChild as cloudtrail.CfnTrail;
    this.trailArn = this.trail.trailArn;
    this.trailName = cfnTrail.ref;
    cfnTrail.advancedEventSelectors = this.eventSelectors(props, [accessLogs]);
    // Basic and advanced selectors are mutually exclusive; the L2 always renders an (empty) basic list.
    cfnTrail.addPropertyDeletionOverride('EventSelectors');
    acknowledge(this.trail, Acknowledgements.inlinePolicies);
    acknowledgeCrossStackReference(this.trail);

    this.alarmTopic = props.alarmTopic ?? createNotificationTopic(this, 'AlarmTopic', this.encryptionKey, 'Audit trail security alarms');
    const action = new cwActions.SnsAction(this.alarmTopic);
    for (const def of SECURITY_ALARMS) {
      const filter = new logs.MetricFilter(this, `${def.id}Filter`, {
        logGroup,
        filterPattern: logs.FilterPattern.literal(def.pattern),
        metricNamespace: SECURITY_METRICS_NAMESPACE,
        metricName: def.id,
        metricValue: '1',
        defaultValue: 0,
      });
      const alarm = filter
        .metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) })
        .createAlarm(this, `${def.id}Alarm`, {
          alarmDescription: def.description,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    }
  }

  private eventSelectors(props: AuditTrailProps, accessLogBuckets: s3.IBucket[]): cloudtrail.CfnTrail.AdvancedEventSelectorProperty[] {
    const selectors: cloudtrail.CfnTrail.AdvancedEventSelectorProperty[] = [
      { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
    ];
    const lake = props.dataLake;
    if (lake) {
      // Every bucket of the lake and every access-log bucket in play, i.e. every bucket but the trail's own.
      const buckets = [...lake.zones.map((z) => lake.bucket(z)), ...(lake instanceof SecureDataLake ? [lake.accessLogBucket] : []), ...accessLogBuckets];
      selectors.push({
        name: 'Data lake object events',
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
          { field: 'resources.ARN', startsWith: [...new Set(buckets)].map((b) => `${b.bucketArn}/`) },
        ],
      });
    } else if (accessLogBuckets.length > 0) {
      selectors.push({
        name: 'Access log object events',
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
          { field: 'resources.ARN', startsWith: accessLogBuckets.map((b) => `${b.bucketArn}/`) },
        ],
      });
    }
    if (props.includeLambdaDataEvents) {
      selectors.push({
        name: 'Lambda invocations',
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::Lambda::Function'] },
        ],
      });
    }
    if (props.includeSageMakerDataEvents) {
      selectors.push({
        name: 'SageMaker endpoint invocations',
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::SageMaker::Endpoint'] },
        ],
      });
    }
    return selectors;
  }
}
