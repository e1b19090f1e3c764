import { ArnFormat, CustomResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Acknowledgements, acknowledge, acknowledgeWildcardResources } from '../../core/acknowledgements';
import { SecureFunction } from '../../core/secure-function';

/** What API Gateway does with the account's logging role (the actions of AmazonAPIGatewayPushToCloudWatchLogs that write). */
export const ACCOUNT_LOGGING_ACTIONS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:DescribeLogGroups',
  'logs:DescribeLogStreams',
  'logs:PutLogEvents',
];

/** Every log group of the scope's account and region. */
export function logGroupsArn(scope: Construct): string {
  return Stack.of(scope).formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** The account logging setting of a stack: created by its first API, reused by the others. */
export interface AccountLogging {
  readonly role: iam.Role;
  readonly account: apigw.CfnAccount;
  /** The custom resource that checks the current setting before `account` changes it. */
  readonly check: CustomResource;
}

const byStack = new WeakMap<Stack, AccountLogging>();

/** Options of {@link accountLogging}. */
export interface AccountLoggingOptions {
  /** Key of the check function's logs, environment and dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /** Replace a logging role someone else set instead of failing the deployment. */
  readonly takeOver: boolean;
  /** Removal policy of the check function's log group and queue. */
  readonly removalPolicy: RemovalPolicy;
  /** Retention of the check function's log group. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * The stack's one API Gateway account logging setting (`AWS::ApiGateway::Account` is one per account and
 * region, so a stack holds at most one however many APIs it has): created in `scope` by the first API of
 * the stack that asks for it, returned as is to the others.
 *
 * The role API Gateway uses to write execution and access logs has no AWS managed policy: write-only log
 * actions on log groups of this account and region. Before the setting changes, a custom resource reads
 * the current role (`apigateway:GET /account`) and fails the deployment when someone else's role is set,
 * unless `takeOver`. Role and setting are always retained, whatever the API's removal policy: the account
 * setting keeps pointing to the role after the stack is gone, and other APIs of the region log through it.
 */
export function accountLogging(scope: Construct, options: AccountLoggingOptions): AccountLogging {
  const stack = Stack.of(scope);
  const existing = byStack.get(stack);
  if (existing) return existing;

  const role = new iam.Role(scope, 'AccountLoggingRole', {
    assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    description: 'API Gateway writes execution and access logs to CloudWatch Logs of this account and region',
    // Part of the role resource, so a retained role keeps its permissions.
    inlinePolicies: {
      WriteLogs: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ actions: ACCOUNT_LOGGING_ACTIONS, resources: [logGroupsArn(scope)] })],
      }),
    },
  });
  role.applyRemovalPolicy(RemovalPolicy.RETAIN);
  acknowledge(role, Acknowledgements.inlinePolicies);
  acknowledgeWildcardResources(role, Acknowledgements.apiGatewayAccountLogging, [logGroupsArn(scope)], ACCOUNT_LOGGING_ACTIONS);

  const provider = new SecureFunction(scope, 'AccountSettingsCheck', {
    handlerName: 'account-settings',
    description: 'Fails the deployment when the account API Gateway logging role belongs to someone else (CloudFormation custom resource)',
    encryptionKey: options.encryptionKey,
    reservedConcurrentExecutions: 1,
    removalPolicy: options.removalPolicy,
    logRetention: options.logRetention,
  });
  provider.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['apigateway:GET'],
      resources: [stack.formatArn({ service: 'apigateway', account: '', resource: '/account', arnFormat: ArnFormat.NO_RESOURCE_NAME })],
    }),
  );
  const check = new CustomResource(scope, 'AccountSettingsCheckResource', {
    serviceToken: provider.function.functionArn,
    resourceType: 'Custom::ApiGatewayAccountCheck',
    properties: { RoleArn: role.roleArn, TakeOver: String(options.takeOver) },
  });
  check.node.addDependency(provider.role);

  const account = new apigw.CfnAccount(scope, 'Account', { cloudWatchRoleArn: role.roleArn });
  account.applyRemovalPolicy(RemovalPolicy.RETAIN);
  account.node.addDependency(role, check);
  const result = { role, account, check };
  byStack.set(stack, result);
  return result;
}
