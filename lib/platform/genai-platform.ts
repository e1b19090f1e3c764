import { RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AuditTrail } from '../audit/audit-trail';
import { createKey, createNotificationTopic } from '../core/encryption';
import { ISecureDataLake, SecureDataLake } from '../data-lake/secure-data-lake';
import { PlatformProfile } from './profile';

/** Properties of {@link GenAIPlatform}. */
export interface GenAIPlatformProps {
  /**
   * The defaults to use.
   * @default PlatformProfile.DEV
   */
  readonly profile?: PlatformProfile;
  /**
   * Key for the data lake.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * A data lake that exists already (its zones must include everything the platform uses).
   * @default - a new SecureDataLake
   */
  readonly dataLake?: ISecureDataLake;
  /**
   * Removal policy of data, keys and logs; `DESTROY` must be chosen explicitly.
   * @default - the profile's (RETAIN in both built-in profiles)
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Cost centre tag on every resource.
   * @default - no cost-centre tag
   */
  readonly costCenter?: string;
}

/**
 * The whole platform in one construct: data lake and audit trail (training, inference, guardrails and
 * the API are added as they land).
 */
export class GenAIPlatform extends Construct {
  /** The profile in use. */
  public readonly profile: PlatformProfile;
  /** The data lake. */
  public readonly dataLake: ISecureDataLake;
  /** The audit trail. */
  public readonly auditTrail: AuditTrail;
  /** Key of the platform's operational data: log groups, queues, topics, function environments. */
  public readonly operationsKey: kms.IKey;
  /** The one topic every platform alarm notifies (subscribe your on-call here). */
  public readonly alarmTopic: sns.ITopic;
  /** The one dashboard of the whole platform. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: GenAIPlatformProps = {}) {
    super(scope, id);
    this.profile = props.profile ?? PlatformProfile.DEV;
    const removalPolicy = props.removalPolicy ?? this.profile.removalPolicy;

    Tags.of(this).add('project', 'genai-platform');
    Tags.of(this).add('profile', this.profile.name);
    if (props.costCenter) Tags.of(this).add('cost-center', props.costCenter);

    this.dataLake = props.dataLake ?? new SecureDataLake(this, 'DataLake', { encryptionKey: props.encryptionKey, removalPolicy });
    this.operationsKey = createKey(this, 'OperationsKey', `Encrypts logs, queues and topics of ${this.node.path}`, removalPolicy);
    this.alarmTopic = createNotificationTopic(this, 'AlarmTopic', this.operationsKey, 'GenAI platform alarms');
    this.auditTrail = new AuditTrail(this, 'AuditTrail', {
      dataLake: this.dataLake,
      logRetention: this.profile.logRetention,
      serverAccessLogsBucket: this.dataLake instanceof SecureDataLake ? this.dataLake.accessLogBucket : undefined,
      alarmTopic: this.alarmTopic,
      // Trail log files are object-locked: they are never destroyed with the stack.
      removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.RETAIN : removalPolicy,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard');
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `# GenAI platform (${this.profile.name})`, width: 24, height: 1 }),
      new cloudwatch.AlarmStatusWidget({ title: 'Security alarms (audit trail)', alarms: this.auditTrail.alarms, width: 24, height: 3 }),
    );
  }
}
