import { ArnFormat, Aws, Duration, Lazy, Names, RemovalPolicy, Stack, StringConcat, Token, Tokenization } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
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

/** What the account may do with a {@link createRestrictedKey}: manage it, never use it. */
const KEY_ADMIN_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/**
 * A key for data only named principals may use: like {@link createKey} (rotation, retained, grants only
 * for AWS resources), but the account is delegated the administrative actions only, so an IAM policy
 * alone cannot let anyone encrypt or decrypt with it: every user must be named in the key policy
 * ({@link allowKeyUse}). Generic `key.grant()` calls do not work on such a key.
 */
export function createRestrictedKey(scope: Construct, id: string, description: string, removalPolicy = RemovalPolicy.RETAIN): kms.Key {
  const key = new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    removalPolicy,
    pendingWindow: Duration.days(30),
    policy: new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({ sid: 'AccountAdministersOnly', principals: [new iam.AccountRootPrincipal()], actions: KEY_ADMIN_ACTIONS, resources: ['*'] }),
      ],
    }),
  });
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
 * Names a principal in the key policy with the actions it may use the key for, through the named
 * services only (`kms:ViaService`). For {@link createRestrictedKey} keys; no-op for imported keys.
 *
 * @param sid the statement id (unique in the key policy)
 */
export function allowKeyUse(key: kms.IKey, sid: string, grantee: iam.IGrantable, actions: string[], services: string[]): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      principals: [grantee.grantPrincipal],
      actions,
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': services.map((service) => `${service}.${Aws.REGION}.amazonaws.com`) } },
    }),
  );
}

/** The log group ARNs each key's CloudWatch Logs statement names (one statement per key). */
const logGroupsOfKey = new WeakMap<kms.IKey, string[]>();

/**
 * Lets CloudWatch Logs use the key for exactly the named log group (the statement's encryption-context
 * condition lists every log group the library encrypts with the key; no-op for imported keys, whose
 * policy the owner manages).
 *
 * When the group is in another stack than the key, the parts of its name that are values of that stack
 * (e.g. an API id) become `*`: naming them in the key's policy would make the key's stack depend on the
 * group's, which already depends on the key's (a cycle).
 *
 * @param logGroupName the name of the log group (known at synth time: the condition cannot reference the
 * group itself, which depends on the key)
 * @param scope the construct that owns the log group
 */
export function allowCloudWatchLogs(key: kms.IKey, logGroupName: string, scope?: Construct): void {
  const name = scope !== undefined && Stack.of(scope) !== Stack.of(key) ? tokensAsWildcards(logGroupName) : logGroupName;
  const arn = Stack.of(key).formatArn({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const known = logGroupsOfKey.get(key);
  if (known) {
    if (!known.includes(arn)) known.push(arn);
    return;
  }
  const arns = [arn];
  logGroupsOfKey.set(key, arns);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogs',
      principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      // ArnLike: a name with a value of another stack is a pattern; the other names match exactly.
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Lazy.list({ produce: () => arns }) } },
    }),
  );
}

/** The string with every token (a value only known at deployment) replaced by `*`. */
function tokensAsWildcards(value: string): string {
  if (!Token.isUnresolved(value)) return value;
  return Tokenization.reverseString(value)
    .mapTokens({ mapToken: () => '*' })
    .join(new StringConcat());
}

/**
 * `aws:SourceArn` of the services that publish to this library's topics and queues: EventBridge rules and
 * CloudWatch alarms of this account and region (both send it when they use a key for SNS or SQS).
 */
function sourceArnOf(scope: Construct, servicePrincipal: string): string | undefined {
  const stack = Stack.of(scope);
  switch (servicePrincipal) {
    case 'events.amazonaws.com':
      return stack.formatArn({ service: 'events', resource: 'rule', resourceName: '*' });
    case 'cloudwatch.amazonaws.com':
      return stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    default:
      return undefined;
  }
}

/**
 * Lets the named AWS services publish to SNS topics or SQS queues encrypted with the key, only from this
 * account (`aws:SourceAccount`) and, for EventBridge and CloudWatch, only from rules and alarms of this
 * account and region (`aws:SourceArn`).
 */
export function allowServicesToPublish(key: kms.IKey, servicePrincipals: string[]): void {
  for (const principal of servicePrincipals) {
    const sourceArn = sourceArnOf(key, principal);
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `AllowPublish${principal.split('.')[0].replace(/^./, (c) => c.toUpperCase())}`,
        principals: [new iam.ServicePrincipal(principal)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ...(sourceArn ? { ArnLike: { 'aws:SourceArn': sourceArn } } : {}) },
      }),
    );
  }
}

/**
 * Grants key actions for use through the named services only (`kms:ViaService`, e.g. `s3`, `sqs`):
 * the grantee can use the key to read and write those services' resources, never call KMS directly with it.
 *
 * @param services service prefixes, e.g. `['s3']`; each becomes `<service>.<region>.amazonaws.com`
 */
export function grantKeyVia(key: kms.IKey, grantee: iam.IGrantable, services: string[], ...actions: string[]): iam.Grant {
  const grant = key.grant(grantee, ...actions);
  const via = { 'kms:ViaService': services.map((service) => `${service}.${Aws.REGION}.amazonaws.com`) };
  grant.principalStatement?.addCondition('StringEquals', via);
  grant.resourceStatement?.addCondition('StringEquals', via);
  return grant;
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

/**
 * A log group encrypted with the key (whose policy is extended for CloudWatch Logs, for this group only),
 * retained by default. Without `logGroupName` the name is generated from the stack name and construct
 * path (`/genai/<stack>/<path>-<id>`), so the key policy can name the group.
 */
export function createEncryptedLogGroup(scope: Construct, id: string, options: EncryptedLogGroupOptions): logs.LogGroup {
  // The stack name keeps two deployments of the same app (different stack names) apart.
  const logGroupName = options.logGroupName ?? `/genai/${Stack.of(scope).stackName}/${Names.uniqueResourceName(scope, { maxLength: 200, separator: '-' })}-${id}`;
  allowCloudWatchLogs(options.encryptionKey, logGroupName, scope);
  const group = new logs.LogGroup(scope, id, {
    encryptionKey: options.encryptionKey,
    retention: options.retention ?? logs.RetentionDays.ONE_YEAR,
    removalPolicy: options.removalPolicy ?? RemovalPolicy.RETAIN,
    logGroupName,
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

/**
 * Sends the rule's events to the topic. Unlike `targets.SnsTopic`, which lets EventBridge publish with no
 * condition, the topic policy statement admits only this rule (`aws:SourceArn`) of this account.
 *
 * @param message what to publish (the event itself when omitted)
 */
export function addTopicTarget(rule: events.Rule, topic: sns.ITopic, message?: events.RuleTargetInput): void {
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn }, StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  );
  rule.addTarget({ bind: () => ({ arn: topic.topicArn, input: message }) });
}
