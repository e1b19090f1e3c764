import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AuditTrail } from '../../lib/audit/audit-trail';
import { ObjectLockMode, SecureDataLake } from '../../lib/data-lake/secure-data-lake';

const SECURITY_ALARMS = AuditTrail.SECURITY_ALARMS;
import { strictApp } from '../helpers/compliance';

function trailStack(props: ConstructorParameters<typeof AuditTrail>[2] = {}, withLake = true) {
  const stack = new Stack(strictApp(), 'S');
  const lake = withLake ? new SecureDataLake(stack, 'Lake') : undefined;
  const trail = new AuditTrail(stack, 'Audit', { dataLake: lake, ...props });
  return { stack, lake, trail, template: Template.fromStack(stack) };
}

describe('AuditTrail defaults', () => {
  const { stack, lake, trail, template } = trailStack();

  test('multi-region trail with global events, log file validation, KMS, CloudWatch Logs', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditKey'), 'Arn'] },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditLogGroup'), 'Arn'] },
      EventSelectors: Match.absent(),
    });
  });

  test('management events and S3 data events on every lake bucket (all objects)', () => {
    const cfn = template.findResources('AWS::CloudTrail::Trail');
    const selectors = (Object.values(cfn)[0] as any).Properties.AdvancedEventSelectors;
    expect(selectors[0]).toEqual({ Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] });
    expect(selectors[1].FieldSelectors.slice(0, 2)).toEqual([
      { Field: 'eventCategory', Equals: ['Data'] },
      { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
    ]);
    const prefixes = selectors[1].FieldSelectors[2];
    expect(prefixes.Field).toBe('resources.ARN');
    // Every bucket but the trail's own: the five zones, the lake's access-log bucket, the trail's access-log bucket.
    expect(prefixes.StartsWith).toEqual([
      ...lake!.zones.map((z) => stack.resolve(`${lake!.bucket(z).bucketArn}/`)),
      stack.resolve(`${lake!.accessLogBucket.bucketArn}/`),
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^AuditAccessLogBucket/), 'Arn'] }, '/']] },
    ]);
    expect(JSON.stringify(prefixes.StartsWith)).not.toContain(stack.resolve((trail.bucket.node.defaultChild as any).logicalId));
    expect(selectors).toHaveLength(2);
  });

  test('the trail bucket is KMS-encrypted, object-locked in governance mode for 365 days, access-logged and retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } } },
        BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditKey'), 'Arn'] } } })] },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'audit-trail/' },
      }),
      DeletionPolicy: 'Retain',
    });
  });

  test('CloudTrail may write to the bucket and encrypt with the key (scoped to this trail and account)', () => {
    const trailName = stack.resolve((trail.trail.node.defaultChild as any).trailName);
    expect(trailName).toMatch(/^S-Audit-/);
    const trailArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:trail/${trailName}`]] };
    const bucketStatements = (Object.values(template.findResources('AWS::S3::BucketPolicy')) as any[])
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st) => st.Principal?.Service === 'cloudtrail.amazonaws.com');
    expect(bucketStatements.map((st) => st.Action).sort()).toEqual(['s3:GetBucketAcl', 's3:PutObject']);
    for (const st of bucketStatements) expect(st.Condition.StringEquals['aws:SourceArn']).toEqual(trailArn);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AllowCloudTrailEncrypt', Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' }, 'aws:SourceArn': trailArn } }) }),
          Match.objectLike({ Sid: 'AllowCloudTrailDescribeKey', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' }, 'aws:SourceArn': trailArn } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudTrailEncrypt',
            Action: 'kms:GenerateDataKey*',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  test('encrypted log group with one-year retention, retained', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
  });

  test('one metric filter and alarm per sensitive activity, notifying an encrypted topic', () => {
    template.resourceCountIs('AWS::Logs::MetricFilter', SECURITY_ALARMS.length);
    template.resourceCountIs('AWS::CloudWatch::Alarm', SECURITY_ALARMS.length);
    expect(trail.alarms).toHaveLength(7);
    expect(SECURITY_ALARMS.map((a) => a.id)).toEqual([
      'UnauthorizedApiCalls',
      'RootAccountUsage',
      'IamPolicyChanges',
      'KmsKeyDisabledOrScheduledForDeletion',
      'CloudTrailConfigurationChanges',
      'S3BucketPolicyChanges',
      'ConsoleSignInWithoutMfa',
    ]);
    for (const def of SECURITY_ALARMS) {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: def.pattern,
        MetricTransformations: [{ MetricNamespace: 'GenAIPlatform/AuditTrail', MetricName: def.id, MetricValue: '1', DefaultValue: 0 }],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription: def.description,
        MetricName: def.id,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^AuditAlarmTopic') }],
      });
    }
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditKey'), 'Arn'] } });
  });
});

describe('AuditTrail props', () => {
  test('without a lake only the access-log bucket has data events (never the trail bucket)', () => {
    const { template } = trailStack({}, false);
    const selectors = (Object.values(template.findResources('AWS::CloudTrail::Trail'))[0] as any).Properties.AdvancedEventSelectors;
    expect(selectors).toHaveLength(2);
    expect(selectors[1]).toEqual({
      Name: 'Access log object events',
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
        { Field: 'resources.ARN', StartsWith: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^AuditAccessLogBucket/), 'Arn'] }, '/']] }] },
      ],
    });
  });

  test('Lambda and SageMaker data events on request', () => {
    const { template } = trailStack({ includeLambdaDataEvents: true, includeSageMakerDataEvents: true });
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      AdvancedEventSelectors: Match.arrayWith([
        Match.objectLike({ FieldSelectors: Match.arrayWith([{ Field: 'resources.type', Equals: ['AWS::Lambda::Function'] }]) }),
        Match.objectLike({ FieldSelectors: Match.arrayWith([{ Field: 'resources.type', Equals: ['AWS::SageMaker::Endpoint'] }]) }),
      ]),
    });
  });

  test('compliance mode, retention and an existing topic', () => {
    const stack = new Stack(strictApp(), 'S');
    const topic = new sns.Topic(stack, 'Existing');
    new AuditTrail(stack, 'Audit', {
      objectLockMode: ObjectLockMode.COMPLIANCE,
      objectLockRetention: Duration.days(2555),
      logRetention: logs.RetentionDays.TEN_YEARS,
      alarmTopic: topic,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', { ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2555 } } } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 3653 });
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('^Existing') }] });
  });
});

describe('AuditTrail import and metrics', () => {
  test('trailArn and trailName of a created trail; each security alarm\'s metric is the one its alarm watches', () => {
    const { stack, trail, template } = trailStack({}, false);
    expect(stack.resolve(trail.trailArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Audit[A-Za-z0-9]+$/), 'Arn'] });
    expect(stack.resolve(trail.trailName)).toEqual({ Ref: stack.resolve((trail.trail.node.defaultChild as any).logicalId) });
    for (const def of SECURITY_ALARMS) {
      const metric = trail.metricSecurityAlarm(def.id);
      expect(metric).toMatchObject({ namespace: 'GenAIPlatform/AuditTrail', metricName: def.id, statistic: 'Sum', dimensions: undefined });
      expect(metric.period.toSeconds()).toBe(300);
      // the alarm of the same id evaluates exactly this metric
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: metric.namespace, MetricName: metric.metricName, Statistic: 'Sum', Period: 300, Dimensions: Match.absent(), Unit: Match.absent() });
    }
    expect(trail.metricSecurityAlarm('RootAccountUsage', { period: Duration.hours(1) }).period.toSeconds()).toBe(3600);
    expect(() => trail.metricSecurityAlarm('RootLogin')).toThrow(/^S\/Audit: invalid alarmId: got "RootLogin"; allowed: the id of a security alarm: UnauthorizedApiCalls, RootAccountUsage, .*ConsoleSignInWithoutMfa/);
  });

  test('fromTrailArn and fromTrailAttributes: the ARN, the name from it, and the security metrics', () => {
    const stack = new Stack(strictApp(), 'S');
    const arn = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail';
    const imported = AuditTrail.fromTrailArn(stack, 'Org', arn);
    expect(imported.trailArn).toBe(arn);
    expect(stack.resolve(imported.trailName)).toBe('org-trail');
    expect(imported.metricSecurityAlarm('IamPolicyChanges')).toMatchObject({ namespace: 'GenAIPlatform/AuditTrail', metricName: 'IamPolicyChanges', statistic: 'Sum' });
    const same = AuditTrail.fromTrailAttributes(stack, 'Same', { trailArn: arn });
    expect(stack.resolve(same.trailName)).toBe('org-trail');
    expect(() => AuditTrail.fromTrailArn(stack, 'Bad', 'org-trail')).toThrow(/^S: invalid trailArn: got "org-trail"; allowed: a trail ARN: arn:<partition>:cloudtrail:<region>:<account>:trail\/<name>/);
    expect(() => imported.metricSecurityAlarm('Nope')).toThrow(/S\/Org: invalid alarmId: got "Nope"/);
  });
});

describe('AuditTrail bad input', () => {
  test.each<[string, ConstructorParameters<typeof AuditTrail>[2], RegExp]>([
    ['a log retention CloudWatch does not offer', { logRetention: 42 as logs.RetentionDays }, /S\/Audit: invalid logRetention: got 42; allowed: a logs.RetentionDays value \(days: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, or INFINITE\)/],
    ['object lock retention of 0 days', { objectLockRetention: Duration.days(0) }, /S\/Audit: invalid objectLockRetention: got "0 days"; allowed: a whole number of days, at least 1/],
    ['DESTROY', { removalPolicy: RemovalPolicy.DESTROY }, /S\/Audit: invalid removalPolicy: got "DESTROY"; allowed: RETAIN or SNAPSHOT/],
    ['an unknown lock mode', { objectLockMode: 'NONE' as ObjectLockMode }, /invalid objectLockMode: got "NONE"/],
  ])('%s', (_name, props, message) => {
    expect(() => new AuditTrail(new Stack(strictApp(), 'S'), 'Audit', props)).toThrow(message);
  });
});

// Compliance of the trail with its lake: test/audit/audit.compliance.ts (checked in test/compliance/all.test.ts).
